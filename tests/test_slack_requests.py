"""Request verification, acknowledgements and retries: bad or stale signatures get 401 and change nothing;
a retried event (X-Slack-Retry-Num, a Socket Mode retry, or the same event_id) is processed once."""

from __future__ import annotations

import asyncio
import json
import time
from urllib.parse import urlencode

import pytest

from bot.core.clock import SimClock
from bot.core.routes import merge
from bot.settings import Settings
from handlers import core
from tests.fakes import slack_demo
from tests.fakes import slack_payloads as p
from tests.fakes.slack_harness import slack_rig

ROUTES = merge(core.ROUTES, slack_demo.ROUTES)


async def table_counts(rig: object) -> tuple[int, int, int]:
    store = rig.app.services.store  # type: ignore[attr-defined]
    rows = [await store.fetch_all(f"SELECT count(*) FROM {t}") for t in ("members", "processed_events", "outbox")]
    return tuple(int(r[0][0]) for r in rows)  # type: ignore[return-value]


@pytest.mark.parametrize("case", ["wrong secret", "stale", "unsigned", "tampered"])
async def test_bad_or_stale_signatures_get_401_and_change_nothing(settings: Settings, clock: SimClock,
                                                                  case: str) -> None:
    async with slack_rig(settings, clock, "http", routes=ROUTES) as rig:
        assert rig.http is not None
        body = urlencode(p.command(rig.slack, "language", "fr"))
        form = "application/x-www-form-urlencoded"
        before = await table_counts(rig)
        calls_before = len(rig.slack.calls)
        if case == "wrong secret":
            status, _ = await rig.http.post(body, form, secret="not-the-secret")
        elif case == "stale":
            status, _ = await rig.http.post(body, form, timestamp=int(time.time()) - 6 * 60)
        elif case == "unsigned":
            async with rig.http.session.post(rig.http.url, data=body, headers={"Content-Type": form}) as response:
                status = response.status
        else:
            headers = p.signed_headers(body, form)
            async with rig.http.session.post(rig.http.url, data=body.replace("fr", "en"), headers=headers) as r:
                status = r.status
        assert status == 401
        assert await table_counts(rig) == before
        assert len(rig.slack.calls) == calls_before and not rig.door.listeners.inflight
        # the same request, properly signed, is accepted
        status, _ = await rig.http.post(body, form)
        assert status == 200
        assert "désormais en français" in (await rig.replies(1))[0]["text"]


async def test_http_retry_header_with_the_same_event_id_is_processed_once(settings: Settings,
                                                                         clock: SimClock) -> None:
    async with slack_rig(settings, clock, "http", routes=ROUTES) as rig:
        event = p.event_callback(p.dm_event("once please"), event_id="EvRETRY1")
        await rig.side.event(event)
        await rig.side.event(event, retry=1)
        await rig.side.event(event, retry=2)
        await rig.settled("duplicate", 2)
        await rig.settled("done", 3)
        assert [c.args["text"] for c in rig.slack.calls_to("chat.postMessage")] == ["You said: once please"]


async def test_socket_mode_retry_is_acked_and_processed_once(settings: Settings, clock: SimClock) -> None:
    async with slack_rig(settings, clock, "socket", routes=ROUTES) as rig:
        rig.slack.add_user("U5", "Eve")
        event = p.event_callback({"type": "team_join", "user": rig.slack.users["U5"]}, event_id="EvJOIN5")
        assert await rig.side.event(event) == {}
        assert await rig.side.event(event, retry=1) == {}  # acked again, so Slack stops retrying
        await rig.settled("duplicate", 1)
        await rig.settled("done", 2)
        assert len(rig.slack.calls_to("chat.postMessage")) == 1


async def test_url_verification_challenge_is_answered(settings: Settings, clock: SimClock) -> None:
    async with slack_rig(settings, clock, "http", routes=ROUTES) as rig:
        assert rig.http is not None
        body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
        status, text = await rig.http.post(body, "application/json")
        assert status == 200 and json.loads(text) == {"challenge": "c-123"}


async def test_acknowledged_before_the_slow_work(settings: Settings, clock: SimClock) -> None:
    """Work that outlasts the acknowledgement budget does not hold the ack: an empty ack goes first and the
    answer follows through the response_url (here the budget is 0 and users.info is failing over)."""
    async with slack_rig(settings, clock, "http", routes=ROUTES) as rig:
        rig.door.listeners.ack_budget = 0.0
        rig.slack.fail("users.info", status=503)
        assert await rig.side.command(p.command(rig.slack, "survey", "inline")) == {}
        reply = await rig.slack.wait_call("response_url")
        assert reply.token != "ack" and reply.args["text"] == "inline answer"
        assert reply.args["response_type"] == "in_channel"


async def test_a_quick_answer_comes_in_the_acknowledgement(settings: Settings, clock: SimClock) -> None:
    """Within the budget the answer is the ack's body: no response_url call, in either mode."""
    async with slack_rig(settings, clock, "http", routes=ROUTES) as rig:
        ack = await rig.side.command(p.command(rig.slack, "survey", "inline"))
        assert ack["text"] == "inline answer" and ack["response_type"] == "in_channel"
        await rig.settled("done")
        assert [c.token for c in rig.slack.calls_to("response_url")] == ["ack"]


async def test_a_retry_of_an_event_never_seen_is_processed(settings: Settings, clock: SimClock) -> None:
    """The first delivery may have been lost (the bot was down): a retry header alone is no reason to drop."""
    async with slack_rig(settings, clock, "http", routes=ROUTES) as rig:
        await rig.side.event(p.event_callback(p.dm_event("lost the first time"), event_id="EvLOST"), retry=2)
        dm = (await rig.slack.wait_call("chat.postMessage")).args
        assert dm["text"] == "You said: lost the first time"


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_many_members_at_once_each_get_their_own_answer(settings: Settings, clock: SimClock,
                                                              mode: str) -> None:
    users = tuple((f"U{i:02d}", f"M{i}", "fr-FR" if i % 2 else "en-US") for i in range(30))
    async with slack_rig(settings, clock, mode, routes=ROUTES, users=users) as rig:
        payloads = [p.command(rig.slack, "help", user=u, channel=f"D{u}") for u, _, _ in users]
        acks = await asyncio.gather(*(rig.side.command(payload) for payload in payloads))
        for (user, _, locale), ack in zip(users, acks, strict=True):  # each answered in its own ack
            assert ack["text"].startswith("Voici" if locale == "fr-FR" else "Here"), (user, ack["text"][:30])
        count = await rig.app.services.store.fetch_all("SELECT count(*) FROM members")
        assert count[0][0] == 30
