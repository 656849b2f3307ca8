"""Socket Mode specifics: the door reconnects when Slack drops or refreshes the websocket."""

from __future__ import annotations

import asyncio

from bot.core.clock import SimClock
from bot.settings import Settings
from tests.fakes import slack_payloads as p
from tests.fakes.slack_harness import TIMEOUT, slack_rig


async def test_reconnects_after_the_socket_is_dropped(settings: Settings, clock: SimClock) -> None:
    async with slack_rig(settings, clock, "socket") as rig:
        opened = rig.slack.calls_to("apps.connections.open")
        assert len(opened) == 1 and opened[0].token == "xapp-test"
        await rig.slack.drop_socket()
        async with asyncio.timeout(TIMEOUT):
            await rig.slack.wait_for(lambda s: s.connections == 2 and s.sockets)
        assert len(rig.slack.calls_to("apps.connections.open")) == 2
        ack = await rig.side.command(p.command(rig.slack, "help"))
        assert "/language" in ack["text"] and (await rig.replies(1))[0] == ack


async def test_disconnect_message_makes_the_client_reconnect(settings: Settings, clock: SimClock) -> None:
    async with slack_rig(settings, clock, "socket") as rig:
        await rig.slack.sockets[-1].send_json({"type": "disconnect", "reason": "refresh_requested"})
        async with asyncio.timeout(TIMEOUT):
            await rig.slack.wait_for(lambda s: s.connections == 2 and len(s.sockets) == 1)
        await rig.side.command(p.command(rig.slack, "aide"))
        assert (await rig.replies(1))[0]["response_type"] == "ephemeral"
