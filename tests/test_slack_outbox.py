"""Outbox delivery through the Slack messenger against the fake Slack: 429 Retry-After, 5xx backoff,
dropped connections, permanent errors, logical channels, group DMs and long messages."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from bot.core.clock import SimClock
from bot.core.model import Destination, Reply
from bot.settings import Settings
from bot.store import outbox as outbox_sql
from tests.fakes.slack_harness import SlackRig, slack_rig

DM = Destination("slack", "dm", "U1")
CHANNELS = {"announcements": "C0ANNOUNCE"}


async def status(rig: SlackRig, key: str) -> dict[str, Any]:
    rows = await rig.app.services.store.fetch_all(
        "SELECT status, attempts, last_error, next_attempt_at FROM outbox WHERE idempotency_key = ?", (key,))
    return dict(rows[0])


async def test_429_retry_after_pauses_slack_then_delivers_once(settings: Settings, clock: SimClock) -> None:
    # pacing off: the outbox's own pause (on the simulated clock) is what this test watches
    async with slack_rig(settings, clock, slack_channels=CHANNELS, slack_api_rate=0.0, deliver=False) as rig:
        outbox = rig.app.services.outbox
        rig.slack.fail("chat.postMessage", status=429, retry_after=7)
        await outbox.send("k1", DM, Reply("hello"))
        await outbox.send("k2", DM, Reply("second"))
        assert await outbox.deliver_due() == 0
        row = await status(rig, "k1")
        assert row["status"] == "pending" and row["attempts"] == 1 and "retry after 7" in row["last_error"]
        assert outbox.paused_until["slack"] == clock.now() + timedelta(seconds=7)
        assert len(rig.slack.calls_to("chat.postMessage!fault")) == 1  # k2 was not tried while paused
        clock.advance(timedelta(seconds=6))
        assert await outbox.deliver_due() == 0
        clock.advance(timedelta(seconds=1))
        assert await outbox.deliver_due() == 2
        assert [c.args["text"] for c in rig.slack.calls_to("chat.postMessage")] == ["hello", "second"]
        assert await outbox.deliver_due() == 0


async def test_429_also_holds_the_messengers_pacing(settings: Settings, clock: SimClock) -> None:
    async with slack_rig(settings, clock, deliver=False) as rig:
        rig.slack.fail("chat.postMessage", status=429, retry_after=30)
        await rig.app.services.outbox.send("k", DM, Reply("hello"))
        assert await rig.app.services.outbox.deliver_due() == 0
        bucket = rig.door.messenger.pacer.bucket("chat.postMessage")
        assert bucket.reserve() >= 29  # the next request would wait for Retry-After, in real time too


async def test_5xx_backs_off_and_retries(settings: Settings, clock: SimClock) -> None:
    async with slack_rig(settings, clock, deliver=False) as rig:
        outbox = rig.app.services.outbox
        rig.slack.fail("chat.postMessage", status=503, times=2)
        await outbox.send("k", DM, Reply("hello"))
        assert await outbox.deliver_due() == 0
        assert (await status(rig, "k"))["last_error"] == "slack 503"
        clock.advance(timedelta(seconds=2))
        assert await outbox.deliver_due() == 0
        clock.advance(timedelta(seconds=3))
        assert await outbox.deliver_due() == 0  # second backoff is 4 s
        clock.advance(timedelta(seconds=1))
        assert await outbox.deliver_due() == 1
        assert (await status(rig, "k"))["status"] == "sent"


async def test_dropped_connections_are_retried(settings: Settings, clock: SimClock) -> None:
    async with slack_rig(settings, clock, deliver=False) as rig:
        outbox = rig.app.services.outbox
        rig.slack.fail("chat.postMessage", disconnect=True)  # the outbox's client never resends blindly
        await outbox.send("once", DM, Reply("one"))
        assert await outbox.deliver_due() == 0
        assert (await status(rig, "once"))["last_error"].startswith("connection to Slack failed")
        clock.advance(timedelta(seconds=2))
        assert await outbox.deliver_due() == 1  # Slack did not have it (history checked): sent now
        rig.slack.fail("chat.postMessage", disconnect=True, times=2)  # then the outbox retries later
        await outbox.send("twice", DM, Reply("two"))
        assert await outbox.deliver_due() == 0
        clock.advance(timedelta(seconds=2))
        assert await outbox.deliver_due() == 0
        clock.advance(timedelta(seconds=4))
        assert await outbox.deliver_due() == 1
        assert [c.args["text"] for c in rig.slack.calls_to("chat.postMessage")] == ["one", "two"]
        assert len(rig.slack.calls_to("conversations.history")) == 3  # before each resend


async def test_permanent_errors_are_recorded_with_their_code_and_fallback(settings: Settings,
                                                                          clock: SimClock) -> None:
    async with slack_rig(settings, clock, slack_channels=CHANNELS, deliver=False) as rig:
        outbox = rig.app.services.outbox
        rig.slack.fail("conversations.open", error="cannot_dm_bot")
        await outbox.send("dm", DM, Reply("hi"), fallback=(Destination("slack", "channel", "announcements"),
                                                            Reply("fallback")))
        await outbox.send("unmapped", Destination("slack", "channel", "product"), Reply("x"))
        assert await outbox.deliver_due() == 1
        async with rig.app.services.store.transaction() as db:
            failed = {r["idempotency_key"]: r["last_error"] for r in await outbox_sql.failures(db)}
        assert failed == {"dm": "slack error cannot_dm_bot",
                          "unmapped": "no Slack channel configured for 'product' (SLACK_CHANNELS)"}
        assert (await rig.slack.wait_call("chat.postMessage")).args["channel"] == "C0ANNOUNCE"


async def test_group_dm_channel_ids_and_long_messages(settings: Settings, clock: SimClock) -> None:
    async with slack_rig(settings, clock, deliver=False) as rig:
        outbox = rig.app.services.outbox
        long_text = "\n".join(f"line {i} " + "x" * 90 for i in range(80))
        await outbox.send("group", Destination("slack", "group", "U1, U2"), Reply("peers"))
        await outbox.send("by-id", Destination("slack", "channel", "C0RAW"), Reply(long_text))
        assert await outbox.deliver_due() == 2
        assert rig.slack.calls_to("conversations.open")[0].args["users"] == "U1,U2"
        posts = [c.args for c in rig.slack.calls_to("chat.postMessage")]
        assert posts[0]["channel"] == "GU1U2"
        chunks = [p["text"] for p in posts[1:]]
        assert len(chunks) == 3 and all(len(c) <= 3000 for c in chunks)
        assert "\n".join(chunks) == long_text

        nine = ",".join(f"U{i}" for i in range(1, 10))
        await outbox.send("nine", Destination("slack", "group", nine), Reply("too many for a group DM"))
        assert await outbox.deliver_due() == 1
        opened = [c.args["users"] for c in rig.slack.calls_to("conversations.open")][1:]
        assert opened == [f"U{i}" for i in range(1, 10)]


async def test_dm_left_in_doubt_by_a_crash_is_found_and_not_sent_again(settings: Settings,
                                                                       clock: SimClock) -> None:
    async with slack_rig(settings, clock, deliver=False) as rig:
        outbox = rig.app.services.outbox
        store = rig.app.services.store
        await outbox.send("sent-before-crash", DM, Reply("hello"))
        await outbox.send("never-sent", DM, Reply("second"))
        assert await outbox.deliver_due() == 2
        posted = rig.slack.calls_to("chat.postMessage")
        assert posted[0].args["metadata"] == {"event_type": "community_bot_outbox",
                                              "event_payload": {"key": "sent-before-crash"}}
        rig.slack.history["DU1"].pop(0)  # "second" never reached Slack
        async with store.transaction() as db:  # both were mid-send when another process stopped
            await db.execute("UPDATE outbox SET status = 'sending', lease_owner = 'crashed:1:dead'")
        assert await outbox.recover_expired() == 0  # its lease is watched for a whole lease length first
        outbox.leases.monotonic = lambda: time.monotonic() + outbox.policy.lease_seconds
        assert await outbox.recover_expired() == 2
        assert await outbox.deliver_due() == 2
        texts = [c.args["text"] for c in rig.slack.calls_to("chat.postMessage")]
        assert texts == ["hello", "second", "second"]
        assert len(rig.slack.calls_to("conversations.history")) == 2
