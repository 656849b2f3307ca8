"""A Slack door running against the fake Slack, in HTTP mode or Socket Mode, for tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import aiohttp

from bot.app import App, lifespan
from bot.core.clock import SimClock
from bot.core.routes import Routes
from bot.platforms.slack.door import EVENTS_PATH, SlackDoor
from bot.settings import Settings
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_payloads import SECRET, HttpSide, Side, SocketSide

TIMEOUT = 10


@dataclass
class SlackRig:
    slack: FakeSlack
    app: App
    door: SlackDoor
    side: Side
    http: HttpSide | None

    async def replies(self, count: int = 1) -> list[dict[str, Any]]:
        """Wait for `count` answers to the member (response_url, chat.postMessage or ephemeral)."""
        kinds = ("response_url", "chat.postMessage", "chat.postEphemeral")
        async with asyncio.timeout(TIMEOUT):
            await self.slack.wait_for(lambda s: len([c for c in s.calls if c.method in kinds]) >= count)
        return [c.args for c in self.slack.calls if c.method in kinds]

    async def settled(self, kind: str, count: int = 1) -> None:
        """Wait until the door recorded `count` outcomes of `kind` (e.g. "done", "duplicate"), and the delivery
        loop (when it runs) sent what they queued."""
        async with asyncio.timeout(TIMEOUT):
            await self.door.journal.wait_for(lambda j: j.count(kind) >= count)
            await self.app.delivery.settle()


@asynccontextmanager
async def slack_rig(settings: Settings, clock: SimClock, mode: str = "http",
                    users: tuple[tuple[str, str, str], ...] = (("U1", "Ana", "en-US"),),
                    routes: Routes | None = None, deliver: bool = True, **overrides: Any) -> AsyncIterator[SlackRig]:
    """Fake Slack + app + door (HTTP mode on port 0, or Socket Mode); everything closed on exit. With `deliver`
    the outbox's delivery loop runs, as in `community-bot slack`; without, the test delivers by hand."""
    async with FakeSlack() as slack:
        for user_id, name, locale in users:
            slack.add_user(user_id, name, locale=locale)
        app_token = "xapp-test" if mode == "socket" else ""
        settings = replace(settings, slack_bot_token="xoxb-test", slack_api_url=slack.api_url,
                           slack_signing_secret=SECRET, slack_app_token=app_token, **overrides)
        async with lifespan(settings=settings, clock=clock, routes=routes, deliver=deliver) as app:
            door = SlackDoor(app, port=0, host="127.0.0.1", ping_interval=0.5)
            ready = asyncio.Event()
            task = asyncio.create_task(door.run(ready))
            try:
                waiter = asyncio.create_task(ready.wait())
                await asyncio.wait((task, waiter), timeout=TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
                if task.done():
                    task.result()  # the door failed to start: raise its error
                assert ready.is_set(), "the Slack door did not become ready"
                async with aiohttp.ClientSession() as session:
                    url = f"http://127.0.0.1:{door.port}{EVENTS_PATH}"
                    http = HttpSide(session, url, slack) if mode == "http" else None
                    yield SlackRig(slack, app, door, http or SocketSide(slack), http)
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
