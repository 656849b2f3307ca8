"""Slack having a bad hour: a 5xx or a dropped connection may come after Slack posted the message.

Such a failure leaves the message "in doubt": before the retry, the door looks for its outbox key in the
DM (conversations.history), so the member does not get it twice; a failure before posting is retried
normally.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.clock import SimClock
from bot.core.model import Destination, Reply
from bot.settings import Settings
from tests.fakes.slack_harness import slack_rig

DM = Destination("slack", "dm", "U1")


@pytest.mark.parametrize("fault", ["500 after posting", "connection lost after posting", "500 before posting"])
async def test_an_ambiguous_failure_is_checked_before_the_retry(settings: Settings, clock: SimClock,
                                                                fault: str) -> None:
    async with slack_rig(settings, clock, deliver=False) as rig:
        outbox = rig.app.services.outbox
        after = "after" in fault
        if fault.startswith("connection"):
            rig.slack.fail("chat.postMessage", disconnect=True, after=True)
        else:
            rig.slack.fail("chat.postMessage", status=500, after=after)
        await outbox.send("webinar:1:reminder:U1", DM, Reply("The webinar starts in one hour."))
        assert await outbox.deliver_due() == 0
        assert len(rig.slack.posted("DU1")) == (1 if after else 0)
        rows = await rig.app.services.store.fetch_all("SELECT status, in_doubt FROM outbox")
        assert [tuple(r) for r in rows] == [("pending", 1)]
        clock.advance(timedelta(seconds=4))
        assert await outbox.deliver_due() == 1
        assert len(rig.slack.posted("DU1")) == 1  # exactly one copy either way
        assert len(rig.slack.calls_to("conversations.history")) == 1
        rows = await rig.app.services.store.fetch_all("SELECT status, in_doubt FROM outbox")
        assert [tuple(r) for r in rows] == [("sent", 0)]
