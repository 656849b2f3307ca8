"""One typed value per form field kind, whatever the door (bot/core/form_values.py)."""

from __future__ import annotations

import pytest

from bot.core.form_values import Refused, read
from bot.core.model import Actor, Field, FieldKind, Form, FormSubmitted, Option
from bot.platforms.console.forms import AnswerError, parse_answer
from bot.platforms.discord.forms import parse_page
from tests.fakes import discord_payloads as p

STAGE = Field("stage", FieldKind.CHOICE, "Stage", options=(Option("pilot", "Pilot"), Option("scale", "Scale-up")))
MODULES = Field("modules", FieldKind.MULTI_CHOICE, "Modules",
                options=(Option("claims", "Claims"), Option("policy", "Policy")))
PUBLIC = Field("public", FieldKind.YES_NO, "Public?")
NAME = Field("name", FieldKind.SHORT_TEXT, "Name", max_length=10)


def test_each_kind_has_one_type() -> None:
    assert read(STAGE, ["pilot"]) == "pilot"  # a Slack or Discord select
    assert read(MODULES, ["claims", "policy"]) == ["claims", "policy"]
    assert read(PUBLIC, ["no"]) is False
    assert read(PUBLIC, "oui") is True  # typed, in French
    assert read(NAME, "  Ana\u0000 ") == "Ana"  # sanitised and stripped
    assert read(Field("when", FieldKind.DATETIME, "When"), "2026-12-03 15:00") == "2026-12-03 15:00"
    assert read(Field("free", FieldKind.CHOICE, "Free"), "typed in") == "typed in"  # no options: the text
    assert [read(f, None) for f in (STAGE, MODULES, PUBLIC, NAME)] == [None] * 4
    assert read(MODULES, []) is None and read(NAME, "   ") is None


def test_answers_that_do_not_fit_are_refused_with_a_reason() -> None:
    assert read(STAGE, ["pilot", "scale"]) == Refused("invalid_choice")
    assert read(STAGE, ["nonsense"]) == Refused("invalid_choice")
    assert read(PUBLIC, ["maybe"]) == Refused("invalid_choice")
    assert read(PUBLIC, "peut-être") == Refused("invalid_yes_no")
    assert read(NAME, "x" * 11) == Refused("too_long", {"length": 11, "limit": 10})
    assert read(NAME, ["pilot"]) == Refused("invalid_choice")


def test_the_console_and_discord_give_the_handler_the_same_values() -> None:
    typed = {"stage": parse_answer(STAGE, "2"), "modules": parse_answer(MODULES, "claims, 2"),
             "public": parse_answer(PUBLIC, "non"), "name": parse_answer(NAME, "Ana")}
    form = Form("t", "T", (STAGE, MODULES, PUBLIC, NAME), "Send")
    data = p.submit(p.user("900000000000001001", "Ana"), "~m|h|0",
                    {"stage": ["scale"], "modules": ["claims", "policy"], "public": ["no"], "name": "Ana"})["data"]
    picked, problems = parse_page(form, 0, data)
    assert not problems and picked == typed == {"stage": "scale", "modules": ["claims", "policy"], "public": False,
                                                "name": "Ana"}
    event = FormSubmitted(Actor("console", "ana", "Ana"), "t", picked)
    assert (event.text("stage"), event.choices("modules"), event.yes_no("public"), event.text("name")) == (
        "scale", ["claims", "policy"], False, "Ana")
    assert (event.text("missing"), event.choices("stage"), event.yes_no("name")) == ("", [], None)


@pytest.mark.parametrize(("field", "line", "key"), [
    (STAGE, "1, 2", "console.form_invalid_choice"), (STAGE, "nonsense", "console.form_invalid_choice"),
    (PUBLIC, "peut-être", "console.form_invalid_yes_no"), (NAME, "x" * 11, "console.form_too_long")])
def test_the_console_words_a_refusal_its_own_way(field: Field, line: str, key: str) -> None:
    with pytest.raises(AnswerError) as refused:
        parse_answer(field, line)
    assert refused.value.key == key
