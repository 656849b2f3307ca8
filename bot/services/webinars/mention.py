"""The role (Discord) or user group (Slack) a webinar announcement mentions, chosen by the organiser (issue 19 #5).

The choice is a key of DISCORD_ROLES / SLACK_USERGROUPS ("lang:fr", "country:TD", "stage:pilot"; see
bot/services/roles.py), stored with the webinar (`Spec.mention`). The organiser types it in English or French
(`role=lang:fr`, `rôle=étape:pilote`, `rôle=pays:Tchad`, or a label such as "Francophones") or picks it from
the choices. The announcement and the "starting now" post to the channel carry it as a role token
(bot.core.text.role_mention) for each platform where the key is configured; a DM never pings a group (the
messengers turn the token back into text). @everyone, @here and @channel are refused, never stored.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.core.context import UserError
from bot.core.i18n import SUPPORTED
from bot.core.model import CommandInvoked, Option, Reply
from bot.core.text import Safe, role_mention
from bot.core.values import places
from bot.core.values.vocab import VOCABULARIES, catalogs, fold
from bot.services.roles import KINDS, configured

if TYPE_CHECKING:
    from bot.settings import Settings

KIND_WORDS = {"lang": "lang", "language": "lang", "langue": "lang", "country": "country", "pays": "country",
              "stage": "stage", "etape": "stage"}  # folded words naming a key's kind
NO_MENTION = "none"  # the form's choice (and a typed value) for "mention nobody"
NONE_WORDS = frozenset({"none", "no", "off", "aucun", "aucune", "non", "personne", "sans"})
BROADCAST = frozenset({"everyone", "here", "channel"})  # refused wherever they appear in what was typed
BROADCAST_FR = frozenset({"tout le monde", "tous", "ici", "canal", "salon"})  # refused as the whole value
SEPARATOR = " · "


def choices(settings: Settings) -> tuple[str, ...]:
    """The keys an organiser may mention: those configured on Discord or Slack, by kind then value."""
    keys = {*settings.discord_roles, *settings.slack_usergroups}
    return tuple(sorted(keys, key=lambda k: (KINDS.index(k.partition(":")[0]), k)))


def label(key: str, locale: str) -> str:
    """How a key reads in a mention: "Francophones", "Tchad", "Pilote"."""
    kind, _, value = key.partition(":")
    if kind == "lang":
        text = catalogs().t(locale, f"webinar_mention.lang_{value}")
        return text if text != f"webinar_mention.lang_{value}" else places.language_name(value, locale)
    if kind == "country":
        return places.country_name(value, locale)
    return VOCABULARIES["stage"].label(value, locale)


def choice_label(key: str, locale: str) -> str:
    """How a key reads in a choice list or an error: "Langue : Francophones", "Stage: Pilot"."""
    return catalogs().t(locale, f"webinar_mention.kind_{key.partition(':')[0]}", label=label(key, locale))


def options(settings: Settings, locale: str, with_none: bool = False) -> tuple[Option, ...]:
    """The configured keys as choices labelled in `locale` (first "No mention" when `with_none`)."""
    found = tuple(Option(key, choice_label(key, locale)) for key in choices(settings))
    none = (Option(NO_MENTION, catalogs().t(locale, "webinar_mention.none")),) if with_none else ()
    return none + found


def parse(text: str, keys: tuple[str, ...], locale: str) -> str | None:
    """The key `text` names among `keys` (None: no mention); UserError listing the choices otherwise."""
    folded = fold(text)
    if set(folded.split()) & BROADCAST or folded in BROADCAST_FR:
        raise UserError("webinar_mention.error_broadcast", choices=_listed(keys, locale))
    if folded in NONE_WORDS:
        return None
    if not keys:
        raise UserError("webinar_mention.error_unconfigured")
    found = _read(text, keys)
    if found is None:
        raise UserError("webinar_mention.error_unknown", value=text.strip()[:40], choices=_listed(keys, locale))
    return found


def _read(text: str, keys: tuple[str, ...]) -> str | None:
    """A key as typed ("lang:fr", "langue:français", "pays:Tchad", "étape:pilote") or one of its labels."""
    kind_word, sep, value = text.partition(":")
    kind = KIND_WORDS.get(fold(kind_word)) if sep else None
    candidates = [k for k in keys if kind is None or k.startswith(kind + ":")]
    if kind is not None:
        code = _code(kind, value)
        if code is not None and f"{kind}:{code}" in candidates:
            return f"{kind}:{code}"
    wanted = fold(value if kind is not None else text)
    return next((k for k in candidates if wanted in _names(k)), None)


def _code(kind: str, value: str) -> str | None:
    if kind == "lang":
        return places.language_code(value)
    if kind == "country":
        return places.country_code(value)
    return VOCABULARIES["stage"].lookup(value)


def _names(key: str) -> set[str]:
    """Every name of a key, folded: the key, its value, its labels in each language."""
    names = {key, key.partition(":")[2], *(label(key, lc) for lc in SUPPORTED), *(choice_label(key, lc)
                                                                                 for lc in SUPPORTED)}
    return {fold(name) for name in names}


def _listed(keys: tuple[str, ...], locale: str) -> str:
    return SEPARATOR.join(choice_label(k, locale) for k in keys) or "—"


def token(settings: Settings, platform: str, key: str | None, locales: Sequence[str]) -> Safe | None:
    """The mention of `key` on `platform`: its role or user group id where configured (nothing where it is
    not); on a door without roles (the console), a label that reads as a mention."""
    if key is None:
        return None
    text = " / ".join(dict.fromkeys(label(key, lc) for lc in locales))
    if platform not in ("discord", "slack"):
        return role_mention("", text)
    role_id = configured(settings, platform).get(key)
    return role_mention(role_id, text) if role_id else None


def tagged(settings: Settings, platform: str, key: str | None, locales: Sequence[str], reply: Reply) -> Reply:
    """`reply` (a channel post) opened by the mention of `key` on `platform`, when there is one."""
    mention = token(settings, platform, key, locales)
    if mention is None:
        return reply
    return replace(reply, text=mention + "\n" + reply.text)


def described(key: str | None, locale: str) -> str:
    """The organiser's reminder of the choice, for a confirmation ("Mentions: Langue : Francophones")."""
    if key is None:
        return catalogs().t(locale, "webinar_mention.confirm_none")
    return catalogs().t(locale, "webinar_mention.confirm", choice=choice_label(key, locale))


def inline_text(event: CommandInvoked) -> str:
    """`/webinar create|edit` as inline text: as typed on text doors; on Discord the declared options (the id,
    the details) with the `role` option as `role=<value>`."""
    if event.options is None or "role" not in event.values:
        return event.args
    parts = [str(event.values[name]) for name in ("id", "details") if name in event.values]
    return " ".join([*parts, shlex.quote(f"role={event.values['role']}")])
