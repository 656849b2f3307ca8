"""The feedback webhook against a local HTTP server: it fails first, then accepts; bodies are signed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace

import pytest
from aiohttp import web

from bot.platforms.webhook.feedback import SIGNATURE_HEADER, sign, verify
from bot.settings import Settings, SettingsError
from tests.conftest import ConsoleFactory

SECRET = "s3cret-shared"


@dataclass
class Receiver:
    """A webhook receiver that answers the queued statuses in turn (then 200) and keeps what it got."""

    answers: list[int] = field(default_factory=list)
    received: list[tuple[bytes, dict[str, str], int]] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        status = self.answers.pop(0) if self.answers else 200
        self.received.append((body, dict(request.headers), status))
        return web.Response(status=status, text="ok" if status == 200 else "down",
                            headers={"Retry-After": "30"} if status == 503 else None)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/hook", rec.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    rec.url = f"http://127.0.0.1:{port}/hook"
    yield rec
    await runner.cleanup()


def with_hook(settings: Settings, receiver: Receiver) -> Settings:
    return replace(settings, feedback_webhook_url=receiver.url, feedback_webhook_secret=SECRET)


async def test_webhook_fails_first_then_accepts_with_a_valid_signature(
        console: ConsoleFactory, settings: Settings, receiver: Receiver) -> None:
    receiver.answers = [500]
    async with console(user="admin", app_settings=with_hook(settings, receiver)) as session:
        await session.send(":join ana en", ":as ana", "/feedback the claim form loses my entries")
        assert [status for _, _, status in receiver.received] == [500]
        row = await session.app.services.store.fetch_one(
            "SELECT status, attempts, last_error FROM outbox WHERE platform = 'webhook'")
        assert row is not None and tuple(row) == ("pending", 1, "webhook answered HTTP 500")
        assert "waiting for a retry" in await session.send(":as admin", "/feedback stats")
        await session.send(":advance 5s")  # the outbox's backoff: 2 s after the first attempt
        assert [status for _, _, status in receiver.received] == [500, 200]
        await session.send("/feedback set FB-0001 planned next release")

    bodies = [body for body, _, _ in receiver.received]
    assert bodies[0] == bodies[1]  # a retry sends the same delivery
    for body, headers, _ in receiver.received:
        assert headers[SIGNATURE_HEADER] == sign(SECRET, body)
        assert verify(SECRET, body, headers[SIGNATURE_HEADER])
        assert not verify("wrong-secret", body, headers[SIGNATURE_HEADER])
        assert headers["Content-Type"] == "application/json"
    created, changed = json.loads(bodies[0]), json.loads(bodies[2])
    assert created["event"] == "feedback.created" and created["id"] == "feedback:1:webhook:new"
    assert receiver.received[0][1]["X-Feedback-Delivery"] == "feedback:1:webhook:new"
    assert created["item"]["reference"] == "FB-0001" and created["item"]["status"] == "new"
    assert "ana" not in bodies[0].decode()
    assert changed["event"] == "feedback.status_changed"
    assert changed["change"]["from"] == "new" and changed["change"]["to"] == "planned"
    assert changed["change"]["note"] == "next release"


async def test_webhook_is_not_a_chat_platform_and_4xx_is_recorded_for_good(
        console: ConsoleFactory, settings: Settings, receiver: Receiver) -> None:
    receiver.answers = [503, 410]
    async with console(user="admin", app_settings=with_hook(settings, receiver)) as session:
        await session.send(":join ana en", ":as ana", "/feedback search is slow")
        assert session.app.services.outbox.channel_platforms(()) == ["console"]
        row = await session.app.services.store.fetch_one(
            "SELECT next_attempt_at FROM outbox WHERE platform = 'webhook'")
        assert row is not None and row[0] == "2026-12-01T08:00:30+00:00"  # Retry-After: 30 is honoured
        await session.send(":advance 1m")
        keys = await session.app.services.store.fetch_all(
            "SELECT idempotency_key, status, last_error FROM outbox WHERE platform = 'webhook'")
        assert [tuple(k) for k in keys] == [("feedback:1:webhook:new", "failed", "webhook answered HTTP 410")]
        stats = await session.send(":as admin", "/feedback stats")
        assert "Webhook: 0 delivered, 0 waiting for a retry, 1 failed for good" in stats
        item = await session.app.services.store.fetch_one("SELECT description FROM feedback_items")
        assert item is not None and item[0] == "search is slow"  # the item itself is never lost


def test_webhook_settings_are_checked() -> None:
    base = {"BOT_FEEDBACK_WEBHOOK_URL": "https://tracker.example.org/hook"}
    with pytest.raises(SettingsError, match="BOT_FEEDBACK_WEBHOOK_SECRET is required"):
        Settings.from_env(base, env_file=None)
    with pytest.raises(SettingsError, match="must start with http"):
        Settings.from_env({"BOT_FEEDBACK_WEBHOOK_URL": "ftp://x", "BOT_FEEDBACK_WEBHOOK_SECRET": "k"}, env_file=None)
    ok = Settings.from_env({**base, "BOT_FEEDBACK_WEBHOOK_SECRET": "k", "BOT_FEEDBACK_CHANNEL": "#produit"},
                           env_file=None)
    assert (ok.feedback_webhook_secret, ok.feedback_channel) == ("k", "produit")
