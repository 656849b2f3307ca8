"""What peer matching says: introductions (why, starters), check-ins, notices, in each reader's language."""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path

from babel.lists import format_list

from bot.core.i18n import SUPPORTED, Catalogs
from bot.core.model import Button, Reply
from bot.core.taxonomy import stage_key
from bot.core.text import Safe
from bot.core.values import places
from bot.services.peers.matching import Why

log = logging.getLogger(__name__)
STARTERS_FILE = Path(__file__).resolve().parents[3] / "content" / "peers" / "starters.toml"
REASON_KEYS = {
    "no_shared_language": "peers.unmatched.no_shared_language",
    "excluded": "peers.unmatched.excluded",
    "alone": "peers.unmatched.alone",
    "no_partner_available": "peers.unmatched.no_partner_available",
}
PREVIEW_REASON_KEYS = {  # the same reasons, about a member the admin reads of (not "you")
    reason: key.replace("peers.unmatched.", "peers.preview.reason.") for reason, key in REASON_KEYS.items()}
ANSWER_KEYS = {"yes": "peers.answer.yes", "not_yet": "peers.answer.not_yet", "no": "peers.answer.no"}
INTERESTS = {  # the same codes as onboarding (bot.services.welcome.onboarding.INTERESTS), labelled here
    "enrolment": "peers.interest.enrolment", "claims": "peers.interest.claims",
    "contributions": "peers.interest.contributions", "products": "peers.interest.products",
    "social-protection": "peers.interest.social_protection", "interoperability": "peers.interest.interoperability",
    "mobile": "peers.interest.mobile", "reporting": "peers.interest.reporting",
    "deployment": "peers.interest.deployment", "development": "peers.interest.development",
}
LANGUAGE_KEYS = {"en": "peers.language.en", "fr": "peers.language.fr"}


@dataclass(frozen=True)
class Starter:
    """A conversation starter, in English and French, for some stages."""

    en: str
    fr: str
    stages: tuple[str, ...] = ()

    def text(self, locale: str) -> str:
        """The conversation starter in `locale` (English when not translated)."""
        return self.fr if locale == "fr" and self.fr else self.en


def load_starters(path: Path = STARTERS_FILE) -> list[Starter]:
    """Conversation starters from content/peers/starters.toml (an empty list if the file is unusable)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        log.exception("cannot read conversation starters from %s", path)
        return []
    return [Starter(str(s.get("en", "")), str(s.get("fr", "")), tuple(s.get("stages", ())))
            for s in data.get("starter", []) if s.get("en")]


def pick_starters(starters: list[Starter], stages: set[str], seed: int, count: int = 2) -> list[Starter]:
    """Starters suited to the group's stages first, then general ones; rotated by `seed`."""
    suited = [s for s in starters if set(s.stages) & stages]
    general = [s for s in starters if not s.stages]
    chosen: list[Starter] = []
    for pool in (suited, general, starters):
        for k in range(len(pool)):
            starter = pool[(seed + k) % len(pool)]
            if starter not in chosen and len(chosen) < count:
                chosen.append(starter)
    return chosen


def group_language(shared: set[str], locales: list[str], default: str) -> str | None:
    """The language to introduce a group in: one they all speak that the bot can write, most members' first."""
    writable = [lang for lang in SUPPORTED if lang in shared]
    if not writable:
        return None
    return max(writable, key=lambda lang: (locales.count(lang), lang == default, lang == "en"))


def why_lines(catalogs: Catalogs, locale: str, why: Why, stages: list[str], language: str | None) -> list[str]:
    """One line per reason the group was matched, most important first."""
    t = catalogs.t
    names = sorted({t(locale, stage_key(s)) for s in stages})
    lines = []
    if why.stage == "same" and names:
        lines.append(t(locale, "peers.why.same_stage", stage=names[0]))
    elif why.stage == "adjacent":
        lines.append(t(locale, "peers.why.adjacent", stages=format_list(names, locale=locale)))
    elif why.stage == "mentor":
        lines.append(t(locale, "peers.why.mentor", stages=format_list(names, locale=locale)))
    if why.interests:
        labels = [t(locale, INTERESTS[i]) if i in INTERESTS else i for i in why.interests]
        lines.append(t(locale, "peers.why.interests", interests=format_list(labels, locale=locale)))
    if why.cross_border:
        countries = sorted(places.country_name(code, locale) for code in why.countries)  # names, never codes
        lines.append(t(locale, "peers.why.countries", countries=format_list(countries, locale=locale)))
    if why.overlap_hours:
        lines.append(t(locale, "peers.why.hours", hours=why.overlap_hours))
    if language:
        lines.append(t(locale, "peers.why.language", language=t(locale, LANGUAGE_KEYS[language])))
    return lines


def intro(catalogs: Catalogs, locale: str, names: list[Safe], why: list[str], starters: list[Starter],
          ends: Safe) -> Reply:
    """The introduction of a group, in one language."""
    text = catalogs.t(locale, "peers.intro", names=Safe(", ".join(names)), ends=ends,
                      why=Safe("\n".join(f"• {line}" for line in why)),
                      starter1=starters[0].text(locale) if starters else "",
                      starter2=starters[1].text(locale) if len(starters) > 1 else "")
    return Reply(text)


def checkin(catalogs: Catalogs, locale: str, group_id: int, names: list[Safe]) -> Reply:
    """'Did you meet?' with three buttons that carry the group and the answer."""
    buttons = tuple(Button(catalogs.t(locale, key), "peers.checkin", f"{group_id}:{answer}")
                    for answer, key in ANSWER_KEYS.items())
    return Reply(catalogs.t(locale, "peers.checkin", names=Safe(", ".join(names))), buttons=buttons)


def paused(catalogs: Catalogs, locale: str, ignored: int) -> Reply:
    """The note that the member's pairing is paused, with a resume button."""
    button = Button(catalogs.t(locale, "peers.resume_button"), "peers.resume", "", style="primary")
    return Reply(catalogs.t(locale, "peers.paused_note", count=ignored), buttons=(button,))


def unmatched(catalogs: Catalogs, locale: str, reason: str) -> Reply:
    """The note that no partner was found this round, and why."""
    because = catalogs.t(locale, REASON_KEYS.get(reason, "peers.unmatched.no_partner_available"))
    return Reply(catalogs.t(locale, "peers.unmatched", reason=because))
