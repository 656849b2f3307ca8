"""Every value a French reader is shown in a choice list is accepted back when typed: as shown, in any case,
without its accents, with spaces around (issue 13 Tests). Covers every closed vocabulary of bot.core.values
(stage, role, interest, session language, yes/no, on/off/default, country, language), the feedback statuses
and categories, reminder delays as the bot writes them, and webinar durations. Completes test_values_vocab.py,
which checks the labels as shown and in whole-string case variants."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from bot.core import values
from bot.core.i18n import Catalogs
from bot.core.values import durations
from bot.services.feedback import CATEGORIES, SETTABLE, STATUSES, category_label, status_label, value_named
from bot.services.webinars import parse_offsets
from bot.services.webinars.notify import fmt_offsets

CATALOGS = Catalogs()
SHOWN = [(kind, option.value, option.label) for kind in values.KINDS for option in values.choices(kind, "fr")]
FEEDBACK = [(STATUSES, status_label, code) for code in STATUSES] + \
    [(CATEGORIES, category_label, code) for code in CATEGORIES]


def without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@st.composite
def typed(draw: st.DrawFn, label: str) -> str:
    """`label` as someone may type it: accents kept or dropped, each letter's case at random, spaces around."""
    text = draw(st.sampled_from([label, without_accents(label)]))
    upper = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    text = "".join(c.upper() if up else c.lower() for c, up in zip(text, upper, strict=True))
    return draw(st.sampled_from(["", " ", "  "])) + text + draw(st.sampled_from(["", " "]))


@given(st.sampled_from(SHOWN).flatmap(lambda shown: st.tuples(st.just(shown), typed(shown[2]))))
def test_every_vocabulary_label_is_accepted_back(case: tuple[tuple[str, str, str], str]) -> None:
    (kind, code, label), text = case
    assert values.parse(kind, text, "fr") == code, (kind, label, text)


def test_every_kind_has_french_choices_that_differ_from_the_codes() -> None:
    kinds = {kind for kind, _, _ in SHOWN}
    assert kinds == set(values.KINDS)
    assert {"stage", "role", "interest", "session_language", "yes_no", "switch", "country", "language"} <= kinds
    assert values.label("switch", "default", "fr") == "par défaut" and values.label("stage", "pilot", "fr") != "pilot"


@given(st.sampled_from(FEEDBACK).flatmap(lambda case: st.tuples(
    st.just(case), typed(case[1](CATALOGS, "fr", case[2])))))
def test_every_feedback_status_and_category_label_is_accepted_back(
        case: tuple[tuple[tuple[str, ...], Callable[[Catalogs, str, str], str], str], str]) -> None:
    (codes, label, code), text = case
    assert value_named(CATALOGS, codes, label, text) == code, text


def test_settable_statuses_are_named_apart_from_categories() -> None:
    for status in SETTABLE:
        assert value_named(CATALOGS, CATEGORIES, category_label, status_label(CATALOGS, "fr", status)) is None


@given(st.lists(st.integers(1, 14 * 1440), min_size=1, max_size=5, unique=True), st.sampled_from(["fr", "en"]))
def test_reminder_delays_as_written_are_read_back(offsets: list[int], locale: str) -> None:
    shown = fmt_offsets(sorted(offsets, reverse=True), locale)
    assert parse_offsets(shown) == sorted(offsets, reverse=True), shown
    assert parse_offsets(without_accents(shown).upper()) == sorted(offsets, reverse=True), shown


@given(st.integers(1, 24 * 60))
def test_a_webinar_duration_as_shown_is_read_back(minutes: int) -> None:
    assert durations.minutes(f"{minutes} min") == minutes  # "🗓 … · 90 min · en français"
