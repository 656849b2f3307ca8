"""Countries (ISO 3166 alpha-2) and spoken languages (ISO 639), named through Babel in English and French.

Typed names are matched without case, accents or punctuation, with the names people use besides the
official ones ("RDC", "Congo-Kinshasa", "Ivory Coast", "Kiswahili").
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from importlib.resources import files

from babel import Locale

from bot.core.i18n import SUPPORTED
from bot.core.values.vocab import fold

COMMUNITY_COUNTRIES = ("CM", "TD", "NE", "NP", "TZ", "BD", "BI", "CD")
SPOKEN = ("en", "fr", "pt", "es", "sw", "ar")
COUNTRY_SYNONYMS = {
    "CD": ("rdc", "drc", "dr congo", "rd congo", "congo kinshasa", "congo rdc", "congo democratique",
           "democratic republic of congo", "democratic republic of the congo",
           "republique democratique du congo", "zaire"),
    "CG": ("congo brazzaville", "republic of congo", "republic of the congo", "republique du congo"),
    "CI": ("cote d ivoire", "cote divoire", "ivory coast"),
    "CF": ("rca", "centrafrique", "central african republic", "republique centrafricaine"),
    "TZ": ("tanzania", "tanzanie", "united republic of tanzania"),
    "US": ("usa", "united states of america", "etats unis d amerique"),
    "GB": ("uk", "united kingdom", "great britain", "grande bretagne", "angleterre", "england"),
    "NE": ("niger",), "NP": ("nepal",), "BD": ("bangladesh",), "TD": ("chad", "tchad"),
}
LANGUAGE_SYNONYMS = {"sw": ("kiswahili",), "fr": ("francais",), "en": ("anglais",), "ha": ("haoussa", "hausa"),
                     "ar": ("arabe",), "ne": ("nepalais", "nepali"), "bn": ("bangla", "bengali")}


@cache
def iso_countries() -> tuple[str, ...]:
    """Every ISO 3166 country code tzdata lists."""
    text = files("tzdata").joinpath("zoneinfo/iso3166.tab").read_text(encoding="utf-8")
    return tuple(line.split("\t")[0] for line in text.splitlines() if line and not line.startswith("#"))


@cache
def country_index() -> dict[str, str]:
    """Folded name or code -> ISO code."""
    index: dict[str, str] = {code.lower(): code for code in iso_countries()}
    for lang in SUPPORTED:
        territories = Locale.parse(lang).territories
        index.update({fold(str(territories[code])): code for code in iso_countries() if code in territories})
    for code, names in COUNTRY_SYNONYMS.items():
        index.update({fold(name): code for name in names})
    return index


def country_name(code: str, locale: str) -> str:
    """The country's name in `locale` (the code when unknown)."""
    return str(Locale.parse(locale).territories.get(code, code))


def country_code(text: str) -> str | None:
    """The ISO code `text` names, or None."""
    wanted = fold(text)
    index = country_index()
    if wanted in index:
        return index[wanted]
    partial = {code for name, code in index.items() if len(wanted) >= 4 and f" {wanted} " in f" {name} "}
    return partial.pop() if len(partial) == 1 else None


def close_countries(text: str, locale: str, among: int = 3) -> list[str]:
    """Country names in `locale` close to what was typed (for "did you mean")."""
    wanted = fold(text)
    index = country_index()
    close = difflib.get_close_matches(wanted, [n for n in index if len(n) > 2], n=6, cutoff=0.6)
    partial = [name for name in index if len(wanted) >= 4 and f" {wanted} " in f" {name} "]
    return list(dict.fromkeys(country_name(index[n], locale) for n in (*partial, *close)))[:among]


@cache
def language_index() -> dict[str, str]:
    """Folded language name (English, French, its own) or code -> ISO 639 code."""
    index: dict[str, str] = {}
    for lang in SUPPORTED:
        for code, name in Locale.parse(lang).languages.items():
            if re.fullmatch(r"[a-z]{2,3}", code):
                index.setdefault(fold(name), code)
    for code in list(index.values()):
        index[code] = code
    for code in SPOKEN:
        index[fold(Locale.parse(code).get_display_name(code) or code)] = code
    for code, names in LANGUAGE_SYNONYMS.items():
        index.update({fold(name): code for name in names})
    return index


def language_name(code: str, locale: str) -> str:
    """The language's name in `locale` (the code when unknown)."""
    return str(Locale.parse(locale).languages.get(code, code))


def language_code(text: str) -> str | None:
    """The language code `text` names, in any language known, or None."""
    return language_index().get(fold(text))


def close_languages(text: str, locale: str) -> list[str]:
    """Up to three language names close to `text` ("did you mean"), in `locale`."""
    index = language_index()
    close = difflib.get_close_matches(fold(text), list(index), n=3, cutoff=0.7)
    return list(dict.fromkeys(language_name(index[c], locale) for c in close))
