"""Shared fixtures: an app on a temporary database with a simulated clock, and a console driver."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App, lifespan
from bot.core.clock import SimClock
from bot.platforms.console.door import ConsoleDoor
from bot.settings import Settings

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db_path=str(tmp_path / "bot.db"), admins=frozenset({"console:admin"}))


@pytest.fixture
def clock() -> SimClock:
    return SimClock(START)


class ConsoleSession:
    """Drives a ConsoleDoor line by line and collects what it prints."""

    def __init__(self, door: ConsoleDoor, buffer: io.StringIO) -> None:
        self.door = door
        self.buffer = buffer
        self._read = 0

    async def send(self, *lines: str) -> str:
        """Feed lines; return only what the bot printed in response."""
        for line in lines:
            await self.door.handle_line(line)
        text = self.buffer.getvalue()
        new, self._read = text[self._read :], len(text)
        return new

    @property
    def app(self) -> App:
        return self.door.app


ConsoleFactory = Callable[..., AbstractAsyncContextManager[ConsoleSession]]


@pytest.fixture
def console(settings: Settings, clock: SimClock) -> ConsoleFactory:
    """`async with console(user="ana", lang="fr") as session:` opens the bot in a console door."""

    @asynccontextmanager
    async def open_console(user: str = "ana", lang: str | None = None,
                           app_settings: Settings | None = None) -> AsyncIterator[ConsoleSession]:
        async with lifespan(settings=app_settings or settings, clock=clock) as app:
            buffer = io.StringIO()
            door = ConsoleDoor(app, clock, buffer, user, lang)
            await door.restore_clock()
            yield ConsoleSession(door, buffer)

    return open_console
