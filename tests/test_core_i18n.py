"""Catalog completeness: every message in both languages, same placeholders, every key used exists."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from bot.core.i18n import Catalogs, fmt_datetime, locale_of, normalise_locale, resolve_locale
from bot.core.text import mention

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = Catalogs()
KEY_CALLS = {"t", "reply", "UserError", "Command"}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_exist() -> None:
    assert {"en", "fr"} <= set(CATALOGS.languages)


@pytest.mark.parametrize("lang", ["fr"])
def test_every_message_is_translated_with_the_same_placeholders(lang: str) -> None:
    english, other = CATALOGS.messages["en"], CATALOGS.messages[lang]
    missing = sorted(set(english) - set(other))
    assert not missing, f"messages without a {lang} translation: {missing}"
    extra = sorted(set(other) - set(english))
    assert not extra, f"{lang} messages unknown in English: {extra}"
    differing = [k for k in english if placeholders(english[k]) != placeholders(other[k])]
    assert not differing, f"placeholders differ between en and {lang}: {differing}"


def keys_used_in_code() -> set[tuple[str, str]]:
    """(file, key) for every string literal passed as a message id in bot/ and handlers/."""
    found = set()
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in KEY_CALLS:
                continue
            literals = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            found |= {(path.name, v) for v in literals if "." in v and " " not in v and v[0].islower()}
    return found


def test_every_key_used_in_code_is_in_the_catalogs() -> None:
    used = keys_used_in_code()
    assert len(used) > 10  # the scan itself works
    unknown = sorted(f"{file}: {key}" for file, key in used if key not in CATALOGS.messages["en"])
    assert not unknown, f"message ids used in code but missing from the catalogs: {unknown}"


def test_values_are_inert_and_missing_keys_fall_back_to_the_key() -> None:
    forged = "\ue000@:U1|x\ue001 <!channel>"
    text = CATALOGS.t("en", "errors.unknown_command", command=forged)
    assert "\ue000" not in text
    assert CATALOGS.t("en", "no.such.key") == "no.such.key"
    assert "\ue000" in CATALOGS.t("en", "errors.unknown_command", command=mention("U1", "ana"))


def test_locale_resolution_order() -> None:
    assert resolve_locale("fr", "en-US", "en") == "fr"
    assert resolve_locale(None, "fr-FR", "en") == "fr"
    assert resolve_locale(None, "de-DE", "fr") == "fr"
    assert resolve_locale("xx", None, "en") == "en"
    assert normalise_locale("fr_CA") == "fr"
    assert normalise_locale(None) is None


def test_dates_are_formatted_in_the_readers_zone_and_language() -> None:
    from datetime import UTC, datetime

    when = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
    assert fmt_datetime(when, "fr", "Africa/Douala") == "jeudi 3 décembre 2026, 15:00 (WAT)"
    assert fmt_datetime(when, "en", "Asia/Kathmandu").startswith("Thursday 3 December 2026, 19:45")
    assert fmt_datetime(when, "en", "Not/AZone").endswith("14:00 (UTC)")


def test_locale_of_member() -> None:
    from datetime import UTC, datetime

    from bot.core.model import Member

    member = Member(1, "console", "a", "a", None, "fr", None, False, None, datetime.now(UTC))
    assert locale_of(member, "en") == "fr"


def test_a_timezone_name_too_long_for_a_file_is_just_unknown() -> None:
    from bot.core.i18n import is_timezone, zone

    name = "Africa/" + "Ṱ̺̺̕o͞" * 60  # longer than a file name may be: zoneinfo raises OSError for it
    assert not is_timezone(name) and zone(name, "Africa/Douala").key == "Africa/Douala"
