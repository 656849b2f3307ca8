"""Running the Discord door against the fake Discord in tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import App, lifespan
from bot.core.clock import SimClock
from bot.core.invocation import locate
from bot.core.model import Actor, CommandInvoked
from bot.core.routes import Routes
from bot.core.usage import declared
from bot.platforms.discord import run_door
from bot.settings import Settings
from tests.fakes import discord_payloads as p
from tests.fakes.discord import WAIT, FakeDiscord

ANNOUNCEMENTS = "900000000000000300"
START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A started fake Discord (a test module imports this fixture to use it)."""
    server = await FakeDiscord().start()
    yield server
    await server.close()


def door_settings(fake: FakeDiscord, db: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "db_path": str(db), "discord_token": "fake-token", "discord_api_url": fake.api_url,
        "discord_gateway_url": fake.gateway_url, "discord_channels": {"announcements": ANNOUNCEMENTS},
        "outbox_base_delay_seconds": 2, **extra}
    return Settings(**values)


@dataclass
class Running:
    app: App
    clock: SimClock
    task: asyncio.Task[None]


@asynccontextmanager
async def app_for(settings: Settings, routes: Routes | None = None,
                  clock: SimClock | None = None) -> AsyncIterator[tuple[App, SimClock]]:
    clock = clock or SimClock(START)
    async with lifespan(settings=settings, clock=clock, routes=routes) as app:
        yield app, clock


@asynccontextmanager
async def door(app: App, clock: SimClock, answer_within: float = 2.0) -> AsyncIterator[Running]:
    """Run the door until the block ends; waits until discord.py reports ready."""
    ready = asyncio.Event()
    task = asyncio.create_task(run_door(app, ready=ready, guild_ready_timeout=0.01, answer_within=answer_within))
    waiter = asyncio.create_task(ready.wait())
    try:
        done, _ = await asyncio.wait({task, waiter}, timeout=WAIT, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            task.result()  # raises what stopped the door
        assert waiter in done, "the Discord door did not become ready"
        yield Running(app, clock, task)
    finally:
        waiter.cancel()
        task.cancel()
        await asyncio.gather(task, waiter, return_exceptions=True)


class Calls:
    """Records the calls of an object's async method once they have finished, to wait on work the door does in
    the background (no sleeps)."""

    def __init__(self, owner: object, method: str) -> None:
        self.args: list[tuple[Any, ...]] = []
        self.changed = asyncio.Condition()
        original = getattr(owner, method)

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            result = await original(*args, **kwargs)
            async with self.changed:
                self.args.append(args)
                self.changed.notify_all()
            return result

        setattr(owner, method, wrapper)

    async def wait(self, count: int = 1, match: Any = lambda args: True) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(lambda: sum(map(match, self.args)) >= count), WAIT)


class Handled(Calls):
    """The events the dispatcher has finished handling."""

    def __init__(self, app: App) -> None:
        super().__init__(app.dispatcher, "dispatch")

    async def wait(self, kind: Any = object, count: int = 1, match: Any = None) -> None:  # type: ignore[override]
        await super().wait(count, lambda args: isinstance(args[0], kind))


def typed(routes: Routes, who: dict[str, Any], name: str, text: str = "", **kwargs: Any) -> dict[str, Any]:
    """The native slash command a member fills in on Discord for what a console member types as
    `/name text`: the same subcommand and option values (an undeclared command gets its one "args")."""
    command = routes.command(name)
    if command is None or not declared(command):
        return p.slash(who, name, text or None, **kwargs)
    target = locate(command, CommandInvoked(Actor("discord", who["id"], who["username"]), name, text))
    path = target.path or ((command.default.name,) if command.default else ())
    return p.command(who, command.name, *path, options=dict(target.raw), **kwargs)
