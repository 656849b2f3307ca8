"""Non-admins calling every admin command and admin-only subcommand, on every door, are refused.

Refused means: the translated "admins only" answer, and nothing in the database changed. The list below
must name every Command with admin=True (a test fails when a new one is added without being listed);
admin-only subcommands were found by reading the handlers (every `ctx.admin_only()`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import App
from bot.core.clock import SimClock
from bot.core.model import Actor, ButtonPressed, FormSubmitted
from bot.settings import Settings
from handlers import all_routes
from tests.conftest import ConsoleFactory
from tests.fakes import discord_payloads as dp
from tests.fakes import slack_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings, typed
from tests.fakes.slack_harness import slack_rig

CREATE = ('create title="Implementers call" start="2027-03-23 14:00" tz=Europe/Paris duration=60 lang=en '
          'link=https://meet.example.org/imp')
ADMIN_CALLS: list[tuple[str, str]] = [
    ("welcome", ""), ("welcome", "preview fr"), ("welcome", "failures"),
    ("webinar", CREATE), ("webinar", "edit 1 title=Other"), ("webinar", "cancel 1"),
    ("webinar", "recording 1 https://example.org/recording"),
    ("peers", "stats"), ("peers", "round"),
    ("faq", "reload"), ("faq", "gaps"),
    ("feedback", "list"), ("feedback", "stats"), ("feedback", "set FB-0001 planned"),
    ("feedback", "scope FB-0001 core"), ("digest", ""), ("dashboard", ""),
]
ADMIN_BUTTONS = [("feedback.status", "1:planned"), ("feedback.change", "1")]
ADMIN_FORMS = ["webinar.create", "webinar.edit", "feedback.change"]
KEPT_CHANGING = ("kv", "members", "processed_events", "schema_migrations", "seen_signatures")  # who called, when


def test_every_admin_command_is_called() -> None:
    admin_commands = {c.name for c in all_routes().commands if c.admin}
    assert admin_commands <= {name for name, _ in ADMIN_CALLS}


async def snapshot(app: App) -> dict[str, int]:
    store = app.services.store
    tables = [r[0] for r in await store.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")]
    counts = {}
    for table in tables:
        if table not in KEPT_CHANGING and not table.startswith("sqlite_"):
            counts[table] = int((await store.fetch_all(f"SELECT count(*) FROM {table}"))[0][0])
    return counts


def refusal(app: App) -> str:
    return app.services.catalogs.t("en", "errors.admin_only")


async def test_console_refuses_every_admin_call(console: ConsoleFactory) -> None:
    async with console(user="bob") as session:
        await session.send("/help")
        before = await snapshot(session.app)
        for name, args in ADMIN_CALLS:
            out = await session.send(f"/{name} {args}".strip())
            assert refusal(session.app) in out, (name, args, out)
        assert await snapshot(session.app) == before


async def test_slack_refuses_every_admin_call(settings: Settings, clock: SimClock) -> None:
    async with slack_rig(settings, clock, "http") as rig:
        assert not rig.slack.users["U1"]["is_admin"]
        await rig.side.command(p.command(rig.slack, "help"))
        await rig.replies(1)
        before = await snapshot(rig.app)
        for index, (name, args) in enumerate(ADMIN_CALLS, start=2):
            await rig.side.command(p.command(rig.slack, name, args))
            replies = await rig.replies(index)
            assert refusal(rig.app) in str(replies[-1].get("text", "")), (name, args, replies[-1])
        assert await snapshot(rig.app) == before


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


async def test_discord_refuses_every_admin_call(fake: FakeDiscord, tmp_path) -> None:
    member = dp.user("900000000000008001", "Bob")
    async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
        await fake.interact(dp.slash(member, "help"))
        before = await snapshot(app)
        for name, args in ADMIN_CALLS:
            answer: dict[str, Any] = await fake.interact(typed(app.routes, member, name, args, admin=False))
            assert refusal(app) in answer["data"]["content"], (name, args, answer)
        assert await snapshot(app) == before


@pytest.mark.parametrize("platform", ["console", "slack", "discord"])
async def test_admin_buttons_and_forms_refuse_non_admins(settings: Settings, clock: SimClock,
                                                         platform: str) -> None:
    from bot.app import lifespan

    actor = Actor(platform, "1234", "Bob")
    async with lifespan(settings=settings, clock=clock) as app:
        before = await snapshot(app)
        for action, value in ADMIN_BUTTONS:
            reply = await app.dispatcher.handle(ButtonPressed(actor, action, value))
            assert refusal(app) in getattr(reply, "text", ""), (action, reply)
        for form_id in ADMIN_FORMS:
            reply = await app.dispatcher.handle(FormSubmitted(actor, form_id, {"title": "x"}, ""))
            assert refusal(app) in getattr(reply, "text", ""), (form_id, reply)
        assert await snapshot(app) == before
