"""The core commands through real Slack payloads, in HTTP mode and in Socket Mode."""

from __future__ import annotations

import pytest

from bot.core.clock import SimClock
from bot.settings import Settings
from tests.fakes import slack_payloads as p
from tests.fakes.slack_harness import slack_rig

MODES = ("http", "socket")


@pytest.mark.parametrize("mode", MODES)
async def test_help_then_language_fr_then_help_in_french(settings: Settings, clock: SimClock, mode: str) -> None:
    async with slack_rig(settings, clock, mode) as rig:
        ack = await rig.side.command(p.command(rig.slack, "help"))
        first = (await rig.replies(1))[0]
        assert first == ack  # a quick answer comes in the acknowledgement itself
        assert first["response_type"] == "ephemeral"
        assert "/language" in first["text"] and first["blocks"][0]["text"]["verbatim"] is True

        await rig.side.command(p.command(rig.slack, "language", "fr"))
        assert "désormais en français" in (await rig.replies(2))[1]["text"]

        await rig.side.command(p.command(rig.slack, "community"))  # Slack-only alias of /help
        french = (await rig.replies(3))[2]["text"]
        assert french.startswith("Voici ce que je peux faire") and "afficher les commandes" in french
        assert first["text"].startswith("Here") or "show the commands" in first["text"]


@pytest.mark.parametrize("mode", MODES)
async def test_language_buttons_round_trip(settings: Settings, clock: SimClock, mode: str) -> None:
    async with slack_rig(settings, clock, mode) as rig:
        await rig.side.command(p.command(rig.slack, "language"))
        reply = (await rig.replies(1))[0]
        buttons = reply["blocks"][-1]["elements"]
        action_ids = [b["action_id"] for b in buttons]
        assert len(set(action_ids)) == len(action_ids) == 2
        french = next(b for b in buttons if b["value"] == "fr")
        await rig.side.interactive(p.block_action(rig.slack, french["action_id"], french["value"]))
        assert "désormais en français" in (await rig.replies(2))[1]["text"]


async def test_every_command_of_every_feature_answers_through_slack(settings: Settings, clock: SimClock) -> None:
    """Route-driven: each command and alias in handlers.all_routes() gets an answer (message or modal)."""
    from handlers import all_routes

    names = [n for c in all_routes().commands for n in c.all_names()]
    async with slack_rig(settings, clock, "http") as rig:
        for index, name in enumerate(names, 1):
            await rig.side.command(p.command(rig.slack, name))
            await rig.settled("done", index)
        answered = {c.args["trigger_id"] for c in rig.slack.calls_to("views.open")}
        texts = [c.args["text"] for c in rig.slack.calls_to("response_url")]
        assert len(texts) + len(answered) + len(rig.slack.calls_to("chat.postMessage")) >= len(names)
        assert rig.door.journal.count("failed") == 0
        assert not any("Something went wrong" in t or "I do not know the command" in t for t in texts)
