"""Settings: one frozen object built from the environment and an optional .env file."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message names the variable."""


class StartupError(RuntimeError):
    """A door cannot start for a reason outside the settings (the network, a port in use); one line says which."""


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; blank lines and # comments ignored; optional quotes stripped."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _mapping(value: str) -> dict[str, str]:
    """"announcements=C123,product=C456" -> {"announcements": "C123", "product": "C456"}."""
    pairs = (part.split("=", 1) for part in _csv(value) if "=" in part)
    return {name.strip().lstrip("#"): target.strip() for name, target in pairs}


def _roles(env: Mapping[str, str], name: str) -> dict[str, str]:
    """DISCORD_ROLES / SLACK_USERGROUPS: "lang:fr=123,country:TD=456,stage:pilot=789" (bot/services/roles.py)."""
    from bot.services.roles import key_problem

    mapping = _mapping(env.get(name, ""))
    for key, target in mapping.items():
        problem = key_problem(key) or ("" if re.fullmatch(r"[A-Za-z0-9]+", target) else f"{key}: no id")
        if problem:
            raise SettingsError(f"{name}: {problem}, e.g. lang:fr=<id>,country:TD=<id>,stage:pilot=<id>")
    return mapping


def _followups(value: str) -> tuple[tuple[str, int], ...]:
    """"faq-tip:3,meet-a-peer:10" -> (("faq-tip", 3), ("meet-a-peer", 10)), sorted by day."""
    steps = []
    for part in _csv(value):
        name, _, day = part.partition(":")
        if not re.fullmatch(r"[a-z0-9-]+", name.strip()) or not day.strip().isdigit():
            raise SettingsError(f"BOT_WELCOME_FOLLOWUPS must look like faq-tip:3,meet-a-peer:10, got {part!r}")
        steps.append((name.strip(), int(day)))
    return tuple(sorted(steps, key=lambda step: step[1]))


def _int(env: Mapping[str, str], key: str, default: int) -> int:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{key} must be a whole number, got {raw!r}") from None


def _float(env: Mapping[str, str], key: str, default: float) -> float:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{key} must be a number, got {raw!r}") from exc
    if value < 0:
        raise SettingsError(f"{key} must not be negative, got {raw!r}")
    return value


def _bool(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = env.get(key, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{key} must be true or false, got {raw!r}")


def _offsets(env: Mapping[str, str], key: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """"24h,1h,30m" -> minutes before an event, largest first; empty means the default."""
    raw = env.get(key, "").strip().lower()
    if not raw:
        return default
    factors = {"d": 1440, "h": 60, "m": 1}
    minutes = []
    for part in _csv(raw):
        if len(part) < 2 or part[-1] not in factors or not part[:-1].isdigit() or int(part[:-1]) <= 0:
            raise SettingsError(f"{key} must be a list like 24h,1h,30m, got {raw!r}")
        minutes.append(int(part[:-1]) * factors[part[-1]])
    return tuple(sorted(set(minutes), reverse=True))
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _peers(env: Mapping[str, str]) -> dict[str, Any]:
    """Peer-matching settings (BOT_PEERS_*)."""
    weekday = env.get("BOT_PEERS_ROUND_WEEKDAY", "").strip().lower() or "monday"
    if weekday not in WEEKDAYS:
        raise SettingsError(f"BOT_PEERS_ROUND_WEEKDAY must be a day name such as monday, got {weekday!r}")
    time_of_day = env.get("BOT_PEERS_ROUND_TIME", "").strip() or "09:00"
    hour, _, minute = time_of_day.partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise SettingsError(f"BOT_PEERS_ROUND_TIME must be HH:MM, got {time_of_day!r}")
    cadence = _int(env, "BOT_PEERS_CADENCE_DAYS", 14)
    if cadence < 1:
        raise SettingsError(f"BOT_PEERS_CADENCE_DAYS must be at least 1, got {cadence}")
    return {
        "peers_cadence_days": cadence,
        "peers_round_weekday": WEEKDAYS.index(weekday),
        "peers_round_time": f"{int(hour):02d}:{int(minute):02d}",
        "peers_repeat_rounds": _int(env, "BOT_PEERS_REPEAT_ROUNDS", 3),
        "peers_checkin_days_before_end": _int(env, "BOT_PEERS_CHECKIN_DAYS_BEFORE_END", 3),
        "peers_pause_after_ignored": _int(env, "BOT_PEERS_PAUSE_AFTER_IGNORED", 3),
    }


def _weekly(env: Mapping[str, str], keys: tuple[str, str], weekday: str, time_of_day: str) -> tuple[int, str]:
    """A weekly moment from a day-name variable and an HH:MM variable: (weekday index, "HH:MM")."""
    day_key, time_key = keys
    day = env.get(day_key, "").strip().lower() or weekday
    if day not in WEEKDAYS:
        raise SettingsError(f"{day_key} must be a day name such as monday, got {day!r}")
    raw = env.get(time_key, "").strip() or time_of_day
    hour, _, minute = raw.partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise SettingsError(f"{time_key} must be HH:MM, got {raw!r}")
    return WEEKDAYS.index(day), f"{int(hour):02d}:{int(minute):02d}"


def _desk(env: Mapping[str, str]) -> dict[str, Any]:
    """The coordination desk (issue 21): the weekly digest and the dashboard's secret."""
    weekday, time_of_day = _weekly(env, ("BOT_DIGEST_WEEKDAY", "BOT_DIGEST_TIME"), "monday", "08:00")
    return {"digest_channel": env.get("BOT_DIGEST_CHANNEL", "").strip().lstrip("#") or "coordination",
            "digest_weekday": weekday, "digest_time": time_of_day,
            "dashboard_secret": env.get("BOT_DASHBOARD_SECRET", "").strip()}


def _replicas(env: Mapping[str, str]) -> int:
    replicas = _int(env, "BOT_REPLICAS", 1)
    if replicas < 1:
        raise SettingsError(f"BOT_REPLICAS must be at least 1, got {replicas}")
    return replicas


class _FeedbackSettings(TypedDict):
    feedback_channel: str
    feedback_webhook_url: str
    feedback_webhook_secret: str


def _feedback(env: Mapping[str, str]) -> _FeedbackSettings:
    """The feedback settings; a webhook URL needs http(s) and a shared secret to sign with."""
    url = env.get("BOT_FEEDBACK_WEBHOOK_URL", "").strip()
    secret = env.get("BOT_FEEDBACK_WEBHOOK_SECRET", "").strip()
    if url and not url.startswith(("http://", "https://")):
        raise SettingsError(f"BOT_FEEDBACK_WEBHOOK_URL must start with http:// or https://, got {url!r}")
    if url and not secret:
        raise SettingsError("BOT_FEEDBACK_WEBHOOK_SECRET is required when BOT_FEEDBACK_WEBHOOK_URL is set")
    return _FeedbackSettings(feedback_channel=env.get("BOT_FEEDBACK_CHANNEL", "").strip().lstrip("#") or "product",
                             feedback_webhook_url=url, feedback_webhook_secret=secret)


LOCALE_CHOICES = {"en": ("en", False), "fr": ("fr", False), "bilingual": ("en", True), "en+fr": ("en", True),
                  "bilingue": ("fr", True), "fr+en": ("fr", True)}


def parse_default_locale(value: str) -> tuple[str, bool]:
    """BOT_DEFAULT_LOCALE: the community's language, and whether channel posts carry both languages (the
    community's first: `bilingual` = English first, `bilingue` = French first)."""
    choice = value.strip().lower() or "en"
    if choice not in LOCALE_CHOICES:
        raise SettingsError(f"BOT_DEFAULT_LOCALE must be one of {', '.join(LOCALE_CHOICES)}, got {choice!r}")
    return LOCALE_CHOICES[choice]


@dataclass(frozen=True)
class Settings:
    """The bot's configuration, read from the environment (see .env.example)."""

    db_path: str = "community-bot.db"
    default_locale: str = "en"
    bilingual_channels: bool = False  # BOT_DEFAULT_LOCALE=bilingual|bilingue: channel posts in both languages
    community_name: str = "openIMIS community"
    community_name_fr: str = "communauté openIMIS"
    community_timezone: str = "UTC"
    admins: frozenset[str] = frozenset()
    help_channel: str = "ask-openimis"
    heartbeat_seconds: int = 15
    outbox_max_attempts: int = 8
    outbox_base_delay_seconds: int = 2
    outbox_concurrency: int = 8
    replicas: int = 1  # processes sharing the database and the platforms' rate limits (BOT_REPLICAS)
    outbox_lease_seconds: float = 30.0
    outbox_poll_seconds: float = 5.0
    log_level: str = "INFO"
    faq_dir: str = ""
    console_files: str = "console-files"
    slack_bot_token: str = ""
    slack_app_token: str = ""
    slack_signing_secret: str = ""
    slack_api_url: str = ""
    slack_channels: dict[str, str] = field(default_factory=dict)
    slack_host: str = "0.0.0.0"
    slack_port: int = 3000
    slack_member_cache_seconds: int = 3600
    slack_api_rate: float = 1.0
    slack_api_burst: int = 20
    slack_usergroups: dict[str, str] = field(default_factory=dict)  # SLACK_USERGROUPS, see bot/services/roles.py
    discord_token: str = ""
    discord_api_url: str = ""
    discord_gateway_url: str = ""
    discord_guild_ids: tuple[int, ...] = ()
    discord_channels: dict[str, str] = field(default_factory=dict)
    discord_api_rate: float = 45.0
    discord_api_burst: int = 10
    discord_roles: dict[str, str] = field(default_factory=dict)  # DISCORD_ROLES, see bot/services/roles.py
    webinar_reminders: tuple[int, ...] = (1440, 60)
    webinar_channel: str = "announcements"
    webinar_uid_domain: str = "community-bot.openimis.org"
    welcome_skip_guests: bool = True
    welcome_public_greeting: bool = False
    welcome_followups: tuple[tuple[str, int], ...] = (("faq-tip", 3), ("meet-a-peer", 10))
    peers_cadence_days: int = 14
    peers_round_weekday: int = 0  # Monday
    peers_round_time: str = "09:00"
    peers_repeat_rounds: int = 3
    peers_checkin_days_before_end: int = 3
    peers_pause_after_ignored: int = 3
    feedback_channel: str = "product"
    feedback_webhook_url: str = ""
    feedback_webhook_secret: str = ""
    http_host: str = "127.0.0.1"
    http_port: int | None = None  # None: no HTTP server of its own (Slack HTTP mode may still start one)
    public_url: str = ""  # where members reach the HTTP server (calendar links); "" = not published
    digest_channel: str = "coordination"
    digest_weekday: int = 0  # Monday
    digest_time: str = "08:00"
    dashboard_secret: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, env_file: str | None = ".env") -> Settings:
        """Environment variables win over the .env file."""
        env = {**(read_env_file(Path(env_file)) if env_file else {}), **(environ or os.environ)}
        locale, bilingual = parse_default_locale(env.get("BOT_DEFAULT_LOCALE", ""))
        return cls(
            db_path=env.get("BOT_DB", "").strip() or "community-bot.db",
            default_locale=locale,
            bilingual_channels=bilingual,
            community_name=env.get("BOT_COMMUNITY_NAME", "").strip() or "openIMIS community",
            community_name_fr=env.get("BOT_COMMUNITY_NAME_FR", "").strip() or "communauté openIMIS",
            community_timezone=env.get("BOT_TIMEZONE", "").strip() or "UTC",
            admins=frozenset(_csv(env.get("BOT_ADMINS", ""))),
            help_channel=env.get("BOT_HELP_CHANNEL", "").strip().lstrip("#") or "ask-openimis",
            heartbeat_seconds=_int(env, "BOT_HEARTBEAT_SECONDS", 15),
            outbox_max_attempts=_int(env, "BOT_OUTBOX_MAX_ATTEMPTS", 8),
            outbox_base_delay_seconds=_int(env, "BOT_OUTBOX_BASE_DELAY_SECONDS", 2),
            outbox_concurrency=max(_int(env, "BOT_OUTBOX_CONCURRENCY", 8), 1),
            replicas=_replicas(env),
            outbox_lease_seconds=max(_float(env, "BOT_OUTBOX_LEASE_SECONDS", 30.0), 0.1),
            outbox_poll_seconds=max(_float(env, "BOT_OUTBOX_POLL_SECONDS", 5.0), 0.05),
            log_level=env.get("BOT_LOG_LEVEL", "").strip().upper() or "INFO",
            faq_dir=env.get("BOT_FAQ_DIR", "").strip(),
            console_files=env.get("BOT_CONSOLE_FILES", "").strip() or "console-files",
            slack_bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
            slack_app_token=env.get("SLACK_APP_TOKEN", "").strip(),
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
            slack_api_url=env.get("SLACK_API_URL", "").strip(),
            slack_channels=_mapping(env.get("SLACK_CHANNELS", "")),
            slack_host=env.get("SLACK_HOST", "").strip() or "0.0.0.0",
            slack_port=_int(env, "SLACK_PORT", 3000),
            slack_member_cache_seconds=_int(env, "SLACK_MEMBER_CACHE_SECONDS", 3600),
            slack_api_rate=_float(env, "SLACK_API_RATE", 1.0),
            slack_api_burst=max(_int(env, "SLACK_API_BURST", 20), 1),
            slack_usergroups=_roles(env, "SLACK_USERGROUPS"),
            discord_token=env.get("DISCORD_TOKEN", "").strip(),
            discord_api_url=env.get("DISCORD_API_URL", "").strip(),
            discord_gateway_url=env.get("DISCORD_GATEWAY_URL", "").strip(),
            discord_guild_ids=tuple(int(g) for g in _csv(env.get("DISCORD_GUILD_IDS", "")) if g.isdigit()),
            discord_channels=_mapping(env.get("DISCORD_CHANNELS", "")),
            discord_api_rate=_float(env, "DISCORD_API_RATE", 45.0),
            discord_api_burst=max(_int(env, "DISCORD_API_BURST", 10), 1),
            discord_roles=_roles(env, "DISCORD_ROLES"),
            webinar_reminders=_offsets(env, "WEBINAR_REMINDERS", (1440, 60)),
            webinar_channel=env.get("WEBINAR_CHANNEL", "").strip().lstrip("#") or "announcements",
            webinar_uid_domain=env.get("WEBINAR_UID_DOMAIN", "").strip() or "community-bot.openimis.org",
            welcome_skip_guests=_bool(env, "BOT_WELCOME_SKIP_GUESTS", True),
            welcome_public_greeting=_bool(env, "BOT_WELCOME_PUBLIC_GREETING", False),
            welcome_followups=_followups(env.get("BOT_WELCOME_FOLLOWUPS", "faq-tip:3,meet-a-peer:10")),
            **_peers(env),
            **_feedback(env),
            **_desk(env),
            http_host=env.get("BOT_HTTP_HOST", "").strip() or "127.0.0.1",
            http_port=_int(env, "BOT_HTTP_PORT", -1) if env.get("BOT_HTTP_PORT", "").strip() else None,
            public_url=env.get("BOT_PUBLIC_URL", "").strip(),
        )

    @property
    def configured_platforms(self) -> tuple[str, ...]:
        """Chat platforms with credentials: channel posts are queued for them even while their door is down."""
        return tuple(p for p, token in (("slack", self.slack_bot_token), ("discord", self.discord_token)) if token)

    @property
    def channel_locales(self) -> tuple[str, ...]:
        """The languages of channel posts, the community's first (see bot/services/channel_posts.py)."""
        other = "en" if self.default_locale == "fr" else "fr"
        return (self.default_locale, other) if self.bilingual_channels else (self.default_locale,)

    def community(self, locale: str) -> str:
        """The community's name as a sentence in `locale` writes it."""
        return self.community_name_fr if locale == "fr" else self.community_name

    def is_configured_admin(self, platform: str, user_id: str, display_name: str = "") -> bool:
        """Listed in BOT_ADMINS; console ids are names, compared without regard to case."""
        if platform != "console":
            return f"{platform}:{user_id}" in self.admins
        names = {a.partition(":")[2].casefold() for a in self.admins if a.partition(":")[0].lower() == "console"}
        return user_id.casefold() in names or display_name.casefold() in names
