"""Issue 20 #1: `/feedback` with a word or two, or a typo of a subcommand, files nothing until confirmed."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.clock import SimClock
from bot.core.model import ButtonPressed
from bot.settings import Settings
from handlers.feedback_guard import close_subcommand
from tests.conftest import ConsoleFactory, ConsoleSession
from tests.fakes import discord_payloads as dp
from tests.fakes import slack_payloads as sp
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings
from tests.fakes.slack_harness import slack_rig


async def items(session: ConsoleSession) -> list[str]:
    return [r[0] for r in await session.app.services.store.fetch_all("SELECT description FROM feedback_items")]


async def test_one_word_asks_first_and_the_send_button_files_it_once(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await session.send(":join ana en", ":as ana")
        asked = await session.send("/feedback export")
        assert "“export” is very short for feedback, so nothing is filed yet." in asked and "[1] Send" in asked
        assert await items(session) == []
        assert "filed as FB-0001" in await session.send(":click 1")
        again = await session.door.app.dispatcher.handle(ButtonPressed(session.door.actor(), "feedback.send", "export"))
        assert again is not None and "Already done: this text is filed as FB-0001" in str(again)
        assert await items(session) == ["export"]
        assert "filed as FB-0002" in await session.send("/feedback the export is slow")


async def test_a_typo_of_a_subcommand_is_answered_did_you_mean(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await session.send(":join ana en", ":as ana")
        answer = await session.send("/feedback stauts FB-0001")
        assert "Did you mean /feedback status FB-0001? Nothing was filed." in answer
        assert "Did you mean /feedback mine?" in await session.send("/feedback mien")
        await session.send("/language fr")
        assert "Vouliez-vous dire /avis statut FB-0001\u00a0? Rien n'a été enregistré." in await session.send(
            "/avis statu FB-0001")
        short = await session.send("/avis anonyme lent")
        assert "«\u00a0lent\u00a0», c'est bien court" in short and "[1] Envoyer anonymement" in short
        assert await items(session) == []
        assert "enregistré anonymement" in await session.send(":click 1")
        assert await items(session) == ["lent"]


async def test_a_long_single_word_is_given_back_with_how_to_file_it(console: ConsoleFactory) -> None:
    word = "https://demo.openimis.org/front/claim/healthFacilities/" + "x" * 60
    async with console(user="ana") as session:
        answer = await session.send(f"/feedback {word}")
        assert word in answer and "write a sentence of three words or more" in answer and "[1]" not in answer
        assert await items(session) == []


def test_close_subcommand() -> None:
    names = {"status", "statut", "stats", "mine", "list", "help"}
    assert close_subcommand("stauts", names, names - {"stats"}) == "status"
    assert close_subcommand("stauts", names) in {"status", "stats"}
    assert close_subcommand("export", names) is None
    assert close_subcommand("the", names) is None
    assert close_subcommand("status", names) is None  # a subcommand itself is not a typo


@pytest.mark.parametrize("mode", ["http"])
async def test_slack_short_feedback_asks_then_the_button_files_it(settings: Settings, clock: SimClock,
                                                                  mode: str) -> None:
    async with slack_rig(settings, clock, mode) as rig:
        await rig.side.command(sp.command(rig.slack, "feedback", "export"))
        asked = (await rig.replies(1))[0]
        assert "nothing is filed yet" in asked["text"]
        button = asked["blocks"][-1]["elements"][0]
        assert button["value"] == "export"
        assert await rig.app.services.store.fetch_all("SELECT id FROM feedback_items") == []
        await rig.side.interactive(sp.block_action(rig.slack, button["action_id"], button["value"]))
        assert "filed as FB-0001" in (await rig.replies(2))[1]["text"]


async def test_discord_short_feedback_asks_then_the_button_files_it(tmp_path: Any) -> None:
    fake = await FakeDiscord().start()
    ana = dp.user("900000000000001001", "Ana")
    try:
        async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
            answer = await fake.interact(dp.command(ana, "feedback", "new", options={"text": "export"}))
            assert "nothing is filed yet" in answer["data"]["content"]
            ids = [c["custom_id"] for row in answer["data"]["components"] for c in row["components"]]
            assert ids == ["feedback.send|export"]
            assert await app.services.store.fetch_all("SELECT id FROM feedback_items") == []
            filed = await fake.interact(dp.press(ana, ids[0]))
            assert "filed as FB-0001" in filed["data"]["content"]
    finally:
        await fake.close()


async def test_overlong_feedback_is_given_back_whole(console: ConsoleFactory) -> None:
    text = " ".join(f"mot{i}" for i in range(1200))  # 8,489 characters: over the 4,000 any command takes
    async with console(user="ana", lang="fr") as session:
        answer = await session.send(f"/avis {text}")
        assert "C'est trop long pour moi\u00a0: 8489 caractères, pour une limite de 4000." in answer
        assert text in answer
        middle = " ".join(f"mot{i}" for i in range(400))  # 2,000 < length <= 4,000: the feedback limit
        assert middle in await session.send(f"/avis {middle}")
        assert await items(session) == []


async def test_slack_gives_overlong_text_back_whole_across_messages(settings: Settings, clock: SimClock) -> None:
    text = " ".join(f"word{i}" for i in range(1200))
    async with slack_rig(settings, clock, "http") as rig:
        await rig.side.command(sp.command(rig.slack, "feedback", text))
        replies = [r["text"] for r in await rig.replies(5)]  # the answer is split into Slack-sized messages
        assert "That is too long for me" in replies[0]
        assert " ".join(" ".join(replies).split()).endswith(text)
