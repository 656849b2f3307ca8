"""Discord input goes through the same sanitiser as Slack and the console, and the door refuses what a form
cannot take instead of cutting or dropping it (issue 15 #7)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.core.context import Ctx
from bot.core.model import Actor, FormErrors, FormSubmitted, MessageReceived, Reply
from bot.core.routes import Routes, merge
from bot.core.text import CLOSE, OPEN
from handlers import all_routes
from tests.conftest import ConsoleFactory
from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings

AWA = p.user("900000000000008003", "Awa")
ADMIN = p.user("900000000000008009", "Admin")
# a NUL, a right-to-left override, and a forged mention token of another member
NASTY = f"save\x00 button \u202eesrever{OPEN}@:900000000000000001|boss{CLOSE} fails"
CLEAN = "save button esrever@:900000000000000001|boss fails"


def buttons_of(data: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in data.get("components", []) for c in row["components"]]


async def open_feedback_modal(fake: FakeDiscord) -> tuple[dict[str, Any], str]:
    picker = (await fake.interact(p.slash(AWA, "feedback")))["data"]
    module = next(b for b in buttons_of(picker) if b.startswith("feedback.new|"))
    modal = (await fake.interact(p.press(AWA, module)))["data"]
    return modal, modal["components"][0]["component"]["options"][0]["value"]


async def items(app: Any) -> list[Any]:
    return list(await app.services.store.fetch_all("SELECT description, member_id, anonymous FROM feedback_items"))


async def test_form_text_is_sanitised_before_it_is_stored_or_shown(tmp_path: Path) -> None:
    fake = await FakeDiscord().start()
    settings = door_settings(fake, tmp_path / "bot.db", admins=frozenset({f"discord:{ADMIN['id']}"}))
    try:
        async with app_for(settings) as (app, clock), door(app, clock):
            modal, category = await open_feedback_modal(fake)
            answers = {"category": [category], "rating": [], "description": NASTY, "steps": "", "anonymous": ["no"]}
            await fake.interact(p.submit(AWA, modal["custom_id"], answers))
            stored = await items(app)
            listed = (await fake.interact(p.command(ADMIN, "feedback", "list", admin=True)))["data"]["content"]
    finally:
        await fake.close()
    assert [row[0] for row in stored] == [CLEAN]
    for text in (stored[0][0], listed):
        assert "\x00" not in text and "\u202e" not in text and OPEN not in text and CLOSE not in text
    assert "<@900000000000000001>" not in listed  # the forged token never becomes a real mention


async def test_dm_text_is_sanitised(tmp_path: Path) -> None:
    heard: list[str] = []

    async def record(ctx: Ctx, event: MessageReceived) -> Reply | None:
        heard.append(event.text)
        return None

    fake = await FakeDiscord().start()
    try:
        routes = merge(Routes(messages=(record,)), all_routes())
        async with app_for(door_settings(fake, tmp_path / "bot.db"), routes) as (app, clock), door(app, clock):
            dm = p.dm_channel_id(AWA["id"])
            await fake.dispatch("MESSAGE_CREATE", p.message(dm, AWA, NASTY))
            await fake.wait_until(lambda: bool(heard))
    finally:
        await fake.close()
    assert heard == [CLEAN]


async def test_over_long_and_invalid_values_are_refused_through_the_form_not_cut(tmp_path: Path) -> None:
    fake = await FakeDiscord().start()
    try:
        async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
            modal, category = await open_feedback_modal(fake)
            too_long = {"category": [category], "rating": [], "description": "x" * 2001, "steps": "",
                        "anonymous": ["no"]}
            refused = (await fake.interact(p.submit(AWA, modal["custom_id"], too_long)))["data"]
            assert "Too long: 2001 characters, at most 2000" in refused["content"]
            assert await items(app) == []  # nothing filed, nothing cut
            reopened = (await fake.interact(p.press(AWA, buttons_of(refused)[0])))["data"]
            maybe = {**too_long, "description": "the search is slow", "anonymous": ["maybe"]}
            refused = (await fake.interact(p.submit(AWA, reopened["custom_id"], maybe)))["data"]
            assert "Please choose one of the options offered" in refused["content"]
            assert await items(app) == []  # an invalid "anonymous" answer never files the item as named
            reopened = (await fake.interact(p.press(AWA, buttons_of(refused)[0])))["data"]
            good = {**maybe, "anonymous": ["yes"]}
            filed = (await fake.interact(p.submit(AWA, reopened["custom_id"], good)))["data"]
            assert "anonymously" in filed["content"]
            assert [tuple(row) for row in await items(app)] == [("the search is slow", None, 1)]
    finally:
        await fake.close()


async def test_the_feedback_form_refuses_an_anonymous_answer_that_is_not_yes_or_no(console: ConsoleFactory) -> None:
    """Whatever door it comes from: a value other than yes, no or nothing is refused, not read as "named"."""
    async with console(user="ana") as session:
        await session.send(":join ana fr")
        values = {"category": "bug", "rating": None, "description": "x crashes", "anonymous": "maybe"}
        result = await session.app.dispatcher.handle(
            FormSubmitted(Actor("console", "ana", "ana", platform_locale="fr"), "feedback.item", values, state="claim"))
        assert isinstance(result, FormErrors) and "anonymous" in result.errors
        assert "Répondez par oui ou par non" in result.errors["anonymous"]
        assert await items(session.app) == []
