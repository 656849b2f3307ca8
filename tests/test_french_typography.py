"""French typography (issue 13 #4, content/STYLE.fr.md): every French catalog string and every French content text
has a non-breaking space (U+00A0) before : ; ? ! and inside « », writes « 1er » for the first of the month and
puts no straight quotes around words. URLs, times (14:30), placeholders, mentions, code, emoji shortcodes
(:wave:) and the console's own commands (:cancel) are left alone."""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime

import pytest

from bot.core.i18n import Catalogs, fmt_datetime
from tests.conftest import ConsoleFactory
from tests.test_french_style import CONTENT, french_texts

NBSP = "\u00a0"
PLACEHOLDER = re.compile(r"\{[^{}]*\}|<@[^<>]*>")  # stands for a word: "{name} :" still needs its space
LEFT_ALONE = re.compile(
    r"```.*?```|`[^`\n]*`"  # code
    r"|<[^<>\s][^<>]*>"  # Slack links <url|label>, <#C1>
    r"|https?://\S*|mailto:|\b[\w.-]+\.(?:org|net|com|io)\S*"  # URLs and host names
    r"|(?<![\w:]):[a-z0-9_+-]+:(?!\w)"  # emoji shortcodes
    r"|(?<=\s):[a-z]"  # the console's commands (:cancel, :resume)
    r"|\d:\d|\b[A-Z]{2}:[A-Z]{2}\b"  # times and formats (14:30, UTC+01:00, HH:MM)
    r"|\b[A-Z]+=\S*",  # RRULE text (FREQ=MONTHLY;BYDAY=1TU)
    re.S)
HOLE = "\u2400"
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"


def typography_errors(text: str) -> list[str]:
    """What breaks French typography in `text`, each with a little context."""
    plain = LEFT_ALONE.sub(HOLE, PLACEHOLDER.sub("P", text))
    errors = [f"no non-breaking space before {found.group(2)!r}: {_around(plain, found)}"
              for found in re.finditer(r"(.)([:;?!])", plain, re.S)
              if found.group(1) not in NBSP + HOLE + "?!:;\n"]
    errors += [f"no non-breaking space inside « »: {_around(plain, found)}"
               for found in re.finditer(r"«(?!\u00a0)|(?<!\u00a0)»", plain)]
    errors += [f"straight quotes: {found.group(0)}"
               for found in re.finditer(r'(?<![=|\w])"[^"\n]{1,60}"', plain)]  # after = or |: typed syntax
    errors += [f"« 1er » expected: {found.group(0)}" for found in re.finditer(rf"\b1 ({MONTHS})\b", plain)]
    return errors


def _around(text: str, found: re.Match[str]) -> str:
    return repr(text[max(0, found.start() - 20):found.end() + 5])


def all_french_texts() -> dict[str, str]:
    """Every French string a member may read: catalogs, FAQ answers and questions, welcome texts and links,
    feedback modules and conversation starters."""
    texts = french_texts()
    for path in sorted((CONTENT / "faq").glob("*.toml")):
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("fr") or {}
        texts.update({f"faq {path.stem} question {i}": q for i, q in enumerate(table.get("questions", []))})
    welcome = tomllib.loads((CONTENT / "welcome" / "welcome.toml").read_text(encoding="utf-8"))
    texts.update({f"welcome link {i}": link["fr"] for i, link in enumerate(welcome["links"]) if "fr" in link})
    return texts


@pytest.mark.parametrize("bad", [
    "Bonjour !", "Bonjour!", "Liens : {links}", "Début: 14:30", "Réessayez ; rien n'est perdu.",
    "Vous avez écrit « {text} ».", "le statut «\u00a0doublon »", "samedi 1 mai 2027", 'le statut "doublon"',
    "{name} : bienvenue", "Une question ?\n:wave:", "Voir https://openimis.org : la doc",
])
def test_the_checker_catches_bad_french_typography(bad: str) -> None:
    assert typography_errors(bad), bad


@pytest.mark.parametrize("good", [
    "Bonjour\u00a0! :wave:", "Début\u00a0: 14:30 (UTC+01:00), format AAAA-MM-JJ HH:MM", "Vraiment\u00a0?!",
    "Voir https://demo.openimis.org/a?b=1&c=2 ou <https://x.org|la doc>", "Tapez :cancel ou :resume.",
    "Vous avez écrit «\u00a0{text}\u00a0».", "<@U123>\u00a0: bienvenue", "`a: b` et ```x ? y```",
    "samedi 1er mai", 'titre="Appel test" répéter=hebdomadaire|"toutes les 2 semaines"',
    "une RRULE comme FREQ=MONTHLY;BYDAY=1TU", "{name}\u00a0: bienvenue",
])
def test_the_checker_leaves_good_french_typography_alone(good: str) -> None:
    assert typography_errors(good) == []


def test_every_french_text_follows_french_typography() -> None:
    texts = all_french_texts()
    assert len(texts) > 900  # catalogs, FAQ answers and questions, welcome, modules, starters: not vacuous
    assert sum(1 for text in texts.values() if re.search(r"\u00a0[:;?!]", text)) > 400
    offending = {where: errors for where, text in texts.items() if (errors := typography_errors(text))}
    assert offending == {}


@pytest.mark.parametrize(("fmt", "first", "second"), [
    ("full_short", "samedi 1er mai 2027, 12:00 (UTC)", "dimanche 2 mai 2027, 12:00 (UTC)"),
    ("d MMMM y", "1er mai 2027", "2 mai 2027"), ("d MMM", "1er mai", "2 mai"),
])
def test_french_dates_write_the_first_of_the_month_1er(fmt: str, first: str, second: str) -> None:
    assert fmt_datetime(datetime(2027, 5, 1, 12, tzinfo=UTC), "fr", "UTC", fmt) == first
    assert fmt_datetime(datetime(2027, 5, 2, 12, tzinfo=UTC), "fr", "UTC", fmt) == second
    assert fmt_datetime(datetime(2027, 5, 1, 12, tzinfo=UTC), "en", "UTC", fmt).startswith(("Saturday 1 May", "1 May"))


def test_non_breaking_spaces_survive_the_values_put_in_a_template() -> None:
    """A FAQ answer or a label goes through a template as a value: its typography must not be stripped."""
    text = Catalogs().t("fr", "faq.answer", answer="Oui\u00a0: une démo\u202f!")
    assert "Oui\u00a0: une démo\u202f!" in text


def test_no_french_text_mixes_both_apostrophes() -> None:
    """’ or ' (content/STYLE.fr.md): either is fine, not both in one message."""
    texts = all_french_texts()
    assert sum(1 for text in texts.values() if "’" in text) > 20  # both kinds are in use: the check is not vacuous
    mixed = [where for where, text in texts.items() if re.search(r"\w'\w", text) and "’" in text]
    assert mixed == []


async def test_language_names_are_lower_case_in_french_sentences(console: ConsoleFactory) -> None:
    async with console(user="admin", lang="fr") as session:
        assert "Aperçu (anglais), avec vous" in await session.send("/bienvenue aperçu en")
        assert "Aperçu (français), avec vous" in await session.send("/bienvenue aperçu fr")
        assert "Je vous parle en français." in await session.send("/langue")
        assert "Preview (French), with you" in await session.send("/language en", "/welcome preview fr")
