"""Forms on Discord: slash command -> modal -> submit -> answer and DM; errors and reopen; long forms; defer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.core.context import Ctx
from bot.core.model import (
    CommandInvoked,
    Destination,
    Field,
    FieldKind,
    Form,
    FormErrors,
    FormSubmitted,
    FormValue,
    Option,
    Reply,
)
from bot.core.routes import Command, Routes, merge
from bot.platforms.discord import forms
from bot.platforms.discord.render import to_markdown
from bot.store.privacy import user_id_tables
from handlers import core
from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings

ANA = p.user("900000000000002001", "Ana")
SIGNUP = Form("test.signup", "Sign up for the demo", (
    Field("name", FieldKind.SHORT_TEXT, "Your name", required=True, max_length=40),
    Field("topic", FieldKind.CHOICE, "Topic", options=(Option("claims", "Claims"), Option("policy", "Policy"))),
    Field("modules", FieldKind.MULTI_CHOICE, "Modules you use",
          options=(Option("fhir", "FHIR"), Option("claims", "Claims"), Option("insuree", "Insuree"))),
    Field("consent", FieldKind.YES_NO, "May peers contact you?"),
    Field("when", FieldKind.DATETIME, "Preferred time", placeholder="2026-12-03 15:00"),
), "Send", state="round-7")
LONG = Form("test.long", "Long form", tuple(Field(f"q{i}", FieldKind.SHORT_TEXT, f"Question {i}") for i in range(7)),
            "Send")


class Recorder:
    def __init__(self) -> None:
        self.submitted: list[dict[str, FormValue]] = []
        self.gate = asyncio.Event()

    async def signup(self, ctx: Ctx, event: CommandInvoked) -> Form:
        return LONG if event.args == "long" else SIGNUP

    async def slow(self, ctx: Ctx, event: CommandInvoked) -> Reply | Form | None:
        await self.gate.wait()
        if event.args == "quiet":
            return None
        return SIGNUP if event.args == "form" else Reply("done after a while")

    async def on_submit(self, ctx: Ctx, event: FormSubmitted) -> Reply | FormErrors | Form:
        if event.values.get("name") == "x":
            return FormErrors({"name": "Please write your whole name."})
        if event.values.get("q6") == "bad":
            return FormErrors({"q6": "Not that."})
        if event.values.get("name") == "more":
            return LONG  # a second form right after the first
        self.submitted.append({**event.values, "_state": event.state})
        async with ctx.services.store.transaction() as db:
            await ctx.services.outbox.enqueue(db, f"test:signup:{ctx.member.id}", Destination.dm(ctx.member),
                                              Reply(f"Thanks {event.values.get('name') or ''}, see you soon."))
        return Reply("Saved.", ephemeral=True)

    async def admin_thing(self, ctx: Ctx, event: CommandInvoked) -> Reply:
        return Reply("admin ok")

    def routes(self) -> Routes:
        return merge(core.ROUTES, Routes(
            commands=(Command("signup", self.signup, "help.summary"), Command("slow", self.slow, "help.summary"),
                      Command("secret", self.admin_thing, "help.summary", admin=True)),
            forms={"test.signup": self.on_submit, "test.long": self.on_submit}))


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


def labels(modal: dict[str, Any]) -> list[dict[str, Any]]:
    return [row["component"] for row in modal["components"]]


def open_button(answer: dict[str, Any]) -> str:
    [row] = answer["data"]["components"]
    return str(row["components"][0]["custom_id"])


async def test_slash_command_modal_submit_answer_and_dm(fake, tmp_path):
    recorder = Recorder()
    async with app_for(door_settings(fake, tmp_path / "bot.db"), recorder.routes()) as (app, clock), \
            door(app, clock):
        answer = await fake.interact(p.slash(ANA, "signup"))
        assert answer["type"] == 9  # modal
        modal = answer["data"]
        assert modal["title"] == "Sign up for the demo" and modal["custom_id"].startswith("~m|")
        kinds = {c["custom_id"]: c["type"] for c in labels(modal)}
        assert kinds == {"name": 4, "topic": 3, "modules": 3, "consent": 3, "when": 4}
        consent = next(c for c in labels(modal) if c["custom_id"] == "consent")
        assert [o["label"] for o in consent["options"]] == ["Yes", "No"]

        values = {"name": "Ana", "topic": ["claims"], "modules": ["fhir", "insuree"], "consent": ["yes"],
                  "when": "2026-12-03 15:00"}
        answer = await fake.interact(p.submit(ANA, modal["custom_id"], values))
        assert answer["type"] == 4 and answer["data"]["content"] == "Saved."
        assert recorder.submitted == [{"name": "Ana", "topic": "claims", "modules": ["fhir", "insuree"],
                                       "consent": True, "when": "2026-12-03 15:00", "_state": "round-7"}]
        await app.heartbeat.tick()
        [dm] = await fake.messages_to(p.dm_channel_id(ANA["id"]))
        assert dm.body["content"] == "Thanks Ana, see you soon."


async def test_french_member_gets_french_modal_and_skipped_fields(fake, tmp_path):
    recorder = Recorder()
    async with app_for(door_settings(fake, tmp_path / "bot.db"), recorder.routes()) as (app, clock), \
            door(app, clock):
        answer = await fake.interact(p.slash(ANA, "signup", locale="fr"))
        consent = next(c for c in labels(answer["data"]) if c["custom_id"] == "consent")
        assert [o["label"] for o in consent["options"]] == ["Oui", "Non"]
        values: dict[str, str | list[str]] = {"name": "Anaïs", "topic": [], "modules": [], "consent": ["no"],
                                              "when": ""}
        await fake.interact(p.submit(ANA, answer["data"]["custom_id"], values, locale="fr"))
        assert recorder.submitted[-1] == {"name": "Anaïs", "topic": None, "modules": None, "consent": False,
                                          "when": None, "_state": "round-7"}


async def test_form_errors_list_and_reopen_with_answers_after_restart(fake, tmp_path):
    recorder = Recorder()
    settings = door_settings(fake, tmp_path / "bot.db")
    async with app_for(settings, recorder.routes()) as (app, clock), door(app, clock):
        modal = (await fake.interact(p.slash(ANA, "signup")))["data"]
        answer = await fake.interact(p.submit(ANA, modal["custom_id"], {"name": "x", "consent": ["yes"]}))
        text = answer["data"]["content"]
        assert to_markdown(app.services.catalogs.t("en", "discord.form_errors")) in text
        assert "Your name: Please write your whole name." in text
        reopen = open_button(answer)
    async with app_for(settings, recorder.routes()) as (app, clock), door(app, clock):  # restart in between
        other = await fake.interact(p.press(p.user("900000000000002003", "Eve"), reopen))
        assert other["type"] == 4  # somebody else cannot open Ana's form (it holds her answers)
        assert other["data"]["content"] == to_markdown(app.services.catalogs.t("en", "errors.stale_button"))
        again = await fake.interact(p.press(ANA, reopen))
        assert again["type"] == 9
        fields = {c["custom_id"]: c for c in labels(again["data"])}
        assert fields["name"]["value"] == "x"
        assert [o.get("default", False) for o in fields["consent"]["options"]] == [True, False]
        await fake.interact(p.submit(ANA, again["data"]["custom_id"], {"name": "Ana Maria", "consent": ["yes"]}))
        assert recorder.submitted[-1]["name"] == "Ana Maria"


async def test_form_of_seven_fields_is_filled_over_two_modals(fake, tmp_path):
    recorder = Recorder()
    async with app_for(door_settings(fake, tmp_path / "bot.db"), recorder.routes()) as (app, clock), \
            door(app, clock):
        first = (await fake.interact(p.slash(ANA, "signup", "long")))["data"]
        assert len(labels(first)) == 5 and first["title"].endswith("(1/2)")
        answer = await fake.interact(p.submit(ANA, first["custom_id"], {f"q{i}": f"a{i}" for i in range(5)}))
        assert answer["type"] == 4 and recorder.submitted == []
        second = (await fake.interact(p.press(ANA, open_button(answer))))["data"]
        assert [c["custom_id"] for c in labels(second)] == ["q5", "q6"]
        await fake.interact(p.submit(ANA, second["custom_id"], {"q5": "a5", "q6": "a6"}))
        assert recorder.submitted == [{**{f"q{i}": f"a{i}" for i in range(7)}, "_state": ""}]


async def test_slow_handler_is_deferred_then_followed_up(fake, tmp_path):
    recorder = Recorder()
    async with app_for(door_settings(fake, tmp_path / "bot.db"), recorder.routes()) as (app, clock), \
            door(app, clock, answer_within=0.01):
        payload = p.slash(ANA, "slow")
        answer = await fake.interact(payload)
        assert answer["type"] == 5  # deferred ("thinking"), before the handler finished
        recorder.gate.set()
        [followup] = await fake.followups(payload)
        assert followup.body["content"] == "done after a while"

        recorder.gate.clear()
        payload = p.slash(ANA, "slow", "form")  # a form after a defer cannot be a modal: a button opens it
        assert (await fake.interact(payload))["type"] == 5
        recorder.gate.set()
        [followup] = await fake.followups(payload)
        custom_id = followup.body["components"][0]["components"][0]["custom_id"]
        assert (await fake.interact(p.press(ANA, custom_id)))["type"] == 9

        recorder.gate.clear()
        payload = p.slash(ANA, "slow", "quiet")  # nothing to say after "thinking…": a bare acknowledgement
        assert (await fake.interact(payload))["type"] == 5
        recorder.gate.set()
        [followup] = await fake.followups(payload)
        assert followup.body["content"] == "✓"


async def test_admin_command_needs_manage_server(fake, tmp_path):
    recorder = Recorder()
    async with app_for(door_settings(fake, tmp_path / "bot.db"), recorder.routes()) as (app, clock), \
            door(app, clock):
        refused = await fake.interact(p.slash(ANA, "secret"))
        assert refused["data"]["content"] == to_markdown(app.services.catalogs.t("en", "errors.admin_only"))
        allowed = await fake.interact(p.slash(p.user("900000000000002002", "Boss"), "secret", admin=True))
        assert allowed["data"]["content"] == "admin ok"


async def test_form_returned_by_a_form_opens_from_a_button(fake, tmp_path):
    recorder = Recorder()
    async with app_for(door_settings(fake, tmp_path / "bot.db"), recorder.routes()) as (app, clock), \
            door(app, clock):
        modal = (await fake.interact(p.slash(ANA, "signup")))["data"]
        answer = await fake.interact(p.submit(ANA, modal["custom_id"], {"name": "more"}))
        assert answer["type"] == 4  # Discord never answers a modal with a modal
        assert answer["data"]["content"] == to_markdown(app.services.catalogs.t(
            "en", "discord.form_prompt", title="Long form"))
        second = await fake.interact(p.press(ANA, open_button(answer)))
        assert second["type"] == 9 and second["data"]["title"] == "Long form (1/2)"


async def test_modal_fields_stay_within_discord_limits():
    long_label = "Which modules of openIMIS does your scheme use today, and which next?"
    form = Form("t.limits", "A title that is much longer than forty-five characters", (
        Field("a", FieldKind.SHORT_TEXT, long_label, initial="x" * 50, max_length=10),
        Field("b", FieldKind.CHOICE, "No options"),
        Field("c", FieldKind.MULTI_CHOICE, "Many", options=tuple(Option(str(i), str(i)) for i in range(40))),
    ), "Send")
    modal = forms.build_modal(form, "h", 0, ("Yes", "No")).to_dict()
    assert len(modal["title"]) <= 45
    first, second, third = (row for row in modal["components"])
    assert len(first["label"]) <= 45 and first["description"] and first["component"]["value"] == "x" * 10
    assert second["component"]["type"] == 4  # a choice without options is typed in
    assert len(third["component"]["options"]) == 25 and third["component"]["max_values"] == 25
    data = p.submit(ANA, "~m|h|0", {"a": " hi ", "b": "free text", "c": ["3", "7"]})["data"]
    assert forms.parse_page(form, 0, data) == ({"a": "hi", "b": "free text", "c": ["3", "7"]}, {})
    data = p.submit(ANA, "~m|h|0", {"a": "x" * 11, "b": "free text", "c": ["3", "99"]})["data"]
    values, problems = forms.parse_page(form, 0, data)  # refused, not cut or dropped (issue 15 #7)
    assert problems == {"a": forms.Problem("forms.too_long", {"length": 11, "limit": 10}),
                        "c": forms.Problem("forms.invalid_choice")}
    assert values["a"] == "x" * 11 and values["c"] is None  # the text comes back in the reopened form


async def test_stored_forms_are_erased_with_the_member(fake, tmp_path):
    async with app_for(door_settings(fake, tmp_path / "bot.db"), Recorder().routes()) as (app, clock):
        async with app.services.store.transaction() as db:
            tables = dict(await user_id_tables(db))
        assert "discord_forms" in tables and "discord_form_progress" in tables


async def test_correcting_the_last_page_of_a_long_form_keeps_the_first_page(fake, tmp_path):
    recorder = Recorder()
    async with app_for(door_settings(fake, tmp_path / "bot.db"), recorder.routes()) as (app, clock), \
            door(app, clock):
        first = (await fake.interact(p.slash(ANA, "signup", "long")))["data"]
        answer = await fake.interact(p.submit(ANA, first["custom_id"], {f"q{i}": f"a{i}" for i in range(5)}))
        second = (await fake.interact(p.press(ANA, open_button(answer))))["data"]
        errors = await fake.interact(p.submit(ANA, second["custom_id"], {"q5": "a5", "q6": "bad"}))
        again = (await fake.interact(p.press(ANA, open_button(errors))))["data"]
        assert again["title"].endswith("(2/2)") and [c["value"] for c in labels(again)] == ["a5", "bad"]
        await fake.interact(p.submit(ANA, again["custom_id"], {"q5": "a5", "q6": "a6"}))
        assert recorder.submitted == [{**{f"q{i}": f"a{i}" for i in range(7)}, "_state": ""}]


async def test_the_door_speaks_the_language_the_member_chose_over_the_discord_locale(fake, tmp_path):
    recorder = Recorder()
    async with app_for(door_settings(fake, tmp_path / "bot.db"), recorder.routes()) as (app, clock), \
            door(app, clock):
        # her Discord client stays in English
        await fake.interact(p.command(ANA, "language", options={"language": "fr"}))
        modal = (await fake.interact(p.slash(ANA, "signup")))["data"]
        consent = next(c for c in labels(modal) if c["custom_id"] == "consent")
        assert [o["label"] for o in consent["options"]] == ["Oui", "Non"]
        errors = await fake.interact(p.submit(ANA, modal["custom_id"], {"name": "x"}))
        assert errors["data"]["content"].startswith(to_markdown(app.services.catalogs.t("fr", "discord.form_errors")))
