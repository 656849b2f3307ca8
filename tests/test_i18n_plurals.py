"""Counts are ngettext (issue 13 #4): plural messages in the .po files, the form chosen by each catalog's
Plural-Forms rule (English: 1 is singular; French: 0 and 1 are singular), both forms translated with the
same placeholders, and no "(s)" left to stand for a plural."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.core.i18n import LOCALES_DIR, Catalogs

CATALOGS = Catalogs()
RULES = {"en": "nplurals=2; plural=(n != 1);", "fr": "nplurals=2; plural=(n > 1);"}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("lang", sorted(RULES))
def test_every_catalog_file_states_the_languages_plural_rule(lang: str) -> None:
    files = sorted((LOCALES_DIR / lang / "LC_MESSAGES").glob("*.po"))
    assert len(files) > 15
    for po in files:
        header = po.read_text(encoding="utf-8").split("\n\n", 1)[0]
        assert f'"Plural-Forms: {RULES[lang]}\\n"' in header, po.name


def test_plural_messages_have_every_form_in_both_languages() -> None:
    english, french = CATALOGS.plurals["en"], CATALOGS.plurals["fr"]
    assert len(english) >= 20
    assert set(english) == set(french)
    for key, forms in english.items():
        assert len(forms) == len(french[key]) == 2, key
        assert "count" in placeholders(forms[1]), key  # the singular may leave the number out ("The item:")
        expected = placeholders(forms[1])
        assert all(placeholders(form) | {"count"} == expected for form in (*forms, *french[key])), key


@pytest.mark.parametrize(("lang", "count", "expected"), [
    ("en", 0, "0 groups"), ("en", 1, "1 group"), ("en", 2, "2 groups"),
    ("fr", 0, "0 groupe"), ("fr", 1, "1 groupe"), ("fr", 2, "2 groupes"),
])
def test_the_form_follows_the_count_by_the_languages_rule(lang: str, count: int, expected: str) -> None:
    assert CATALOGS.t(lang, "text.count.groups", count=count) == expected


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_plural_message_reads_well_for_0_1_and_2(lang: str) -> None:
    for key in CATALOGS.plurals[lang]:
        values = {name: "x" for form in CATALOGS.plurals[lang][key] for name in placeholders(form)}
        texts = {n: CATALOGS.t(lang, key, **{**values, "count": n}) for n in (0, 1, 2)}
        assert texts[1] != texts[2], key
        assert (texts[0] == texts[1].replace("1", "0", 1)) == (lang == "fr"), key


def test_a_plural_message_without_a_count_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    assert CATALOGS.t("fr", "text.count.groups", count="trois") == "trois groupe"
    assert "no integer count" in caplog.text


def test_a_po_file_without_a_plural_rule_would_get_babels_three_forms(tmp_path: Path) -> None:
    """Why every file states its rule: babel's default for French has three forms."""
    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n', encoding="utf-8")
    with po.open("rb") as handle:
        assert read_po(handle).num_plurals == 3


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_message_writes_a_plural_as_s_in_brackets(lang: str) -> None:
    offending = {key: text for key, text in CATALOGS.messages[lang].items()
                 if re.search(r"\w\((s|es|x|ies)\)", text)}
    assert offending == {}
