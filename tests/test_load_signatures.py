"""Forged, stale and replayed Slack requests are refused (401) and change nothing.

tests/test_slack_requests.py covers slash commands signed with a wrong secret, stale, unsigned or tampered;
here: the same faults on interactive payloads and events, signatures from the future or of another version,
and replays of correctly signed requests of every kind.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.core.clock import SimClock
from bot.core.routes import merge
from bot.platforms.slack.replay import WINDOW_SECONDS, ReplayGuard
from bot.settings import Settings
from bot.store.db import Store
from bot.store.directory import StoreDirectory
from handlers import core
from tests.fakes import slack_demo
from tests.fakes import slack_payloads as p
from tests.fakes.slack_harness import SlackRig, slack_rig

ROUTES = merge(core.ROUTES, slack_demo.ROUTES)
FORM = "application/x-www-form-urlencoded"


def request_of(rig: SlackRig, kind: str) -> tuple[str, str]:
    """(body, content type) of a correctly formed request of each kind."""
    if kind == "command":
        return urlencode(p.command(rig.slack, "language", "fr")), FORM
    if kind == "interactive":
        return urlencode({"payload": json.dumps(p.block_action(rig.slack, "lang.set", "fr"))}), FORM
    return json.dumps(p.event_callback(p.dm_event("hello"))), "application/json"


async def state(rig: SlackRig) -> tuple[Any, ...]:
    store = rig.app.services.store
    counts = [int((await store.fetch_all(f"SELECT count(*) FROM {t}"))[0][0])
              for t in ("members", "processed_events", "outbox")]
    locales = [tuple(r) for r in await store.fetch_all("SELECT user_id, locale FROM members")]
    return tuple(counts), tuple(locales), len(rig.slack.calls), len(rig.door.listeners.inflight)


@pytest.mark.parametrize("kind", ["command", "interactive", "event"])
@pytest.mark.parametrize("fault", ["wrong secret", "stale", "future", "other version", "no timestamp"])
async def test_forged_or_stale_requests_of_every_kind_get_401(settings: Settings, clock: SimClock, kind: str,
                                                              fault: str) -> None:
    async with slack_rig(settings, clock, "http", routes=ROUTES) as rig:
        assert rig.http is not None
        body, content_type = request_of(rig, kind)
        before = await state(rig)
        now = int(time.time())
        if fault == "wrong secret":
            headers = p.signed_headers(body, content_type, secret="forged")
        elif fault in ("stale", "future"):
            headers = p.signed_headers(body, content_type, timestamp=now + (-1 if fault == "stale" else 1) * 6 * 60)
        elif fault == "other version":
            headers = p.signed_headers(body, content_type)
            headers["X-Slack-Signature"] = "v1=" + headers["X-Slack-Signature"].removeprefix("v0=")
        else:
            headers = p.signed_headers(body, content_type)
            del headers["X-Slack-Request-Timestamp"]
        async with rig.http.session.post(rig.http.url, data=body.encode(), headers=headers) as response:
            assert response.status == 401
        assert await state(rig) == before


@pytest.mark.parametrize("kind", ["command", "interactive", "event"])
async def test_a_replayed_request_is_refused_and_changes_nothing(settings: Settings, clock: SimClock,
                                                                 kind: str) -> None:
    async with slack_rig(settings, clock, "http", routes=ROUTES) as rig:
        assert rig.http is not None
        body, content_type = request_of(rig, kind)
        headers = p.signed_headers(body, content_type)
        async with rig.http.session.post(rig.http.url, data=body.encode(), headers=headers) as response:
            assert response.status == 200
        await rig.settled("done", 1)
        before = await state(rig)
        async with rig.http.session.post(rig.http.url, data=body.encode(), headers=headers) as response:
            assert response.status == 401  # the same signature again: someone replays a captured request
        assert rig.door.journal.count("replayed") == 1
        assert await state(rig) == before


async def test_slacks_own_event_retry_with_the_same_signature_is_acknowledged_once(settings: Settings,
                                                                                   clock: SimClock) -> None:
    async with slack_rig(settings, clock, "http", routes=ROUTES) as rig:
        assert rig.http is not None
        body = json.dumps(p.event_callback(p.dm_event("once"), event_id="EvSAME"))
        headers = p.signed_headers(body, "application/json")
        for retry in ("", "1"):
            extra = {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
            async with rig.http.session.post(rig.http.url, data=body.encode(), headers={**headers, **extra}) as r:
                assert r.status == 200
        await rig.settled("done", 2)
        assert rig.door.journal.count("duplicate") == 1
        assert [c.args["text"] for c in rig.slack.calls_to("chat.postMessage")] == ["You said: once"]


async def test_the_replay_guard_forgets_signatures_once_stale(tmp_path: Path) -> None:
    async with Store(str(tmp_path / "bot.db")) as store:
        directory = StoreDirectory(store)
        guard = ReplayGuard("s", directory.first_request)
        body, now = "token=x", int(time.time())
        headers = p.signed_headers(body, FORM, secret="s", timestamp=now)
        assert not await guard.replayed(body, headers)
        assert await guard.replayed(body, headers)
        assert not await guard.replayed(body, p.signed_headers(body, FORM, secret="wrong"))  # invalid: left to bolt
        assert await directory.first_request("v0=stale", now - 1)  # bolt refuses its timestamp by now
        signatures = "SELECT signature, expires_at FROM seen_signatures ORDER BY signature"
        assert "v0=stale" in [r[0] for r in await store.fetch_all(signatures)]  # swept once a minute at most
        directory.next_sweep = now  # a minute later
        assert not await guard.replayed("token=y", p.signed_headers("token=y", FORM, secret="s", timestamp=now))
        rows = await store.fetch_all(signatures)
        assert "v0=stale" not in [r[0] for r in rows]  # forgotten at the next request once the sweep is due
        assert len(rows) == 2 and {r[1] for r in rows} == {now + WINDOW_SECONDS}
