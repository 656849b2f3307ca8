"""Route-driven: every command of every feature answers through Discord, and so does every button it shows,
for English and French members, admins or not (new features are covered without new door code)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.platforms.discord.render import to_markdown
from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


async def answered(fake: FakeDiscord, payload: dict[str, Any]) -> dict[str, Any]:
    """The message or modal the bot answered with (after a defer: its first followup)."""
    answer = await fake.interact(payload)
    if answer["type"] == 5:
        [followup] = await fake.followups(payload)
        return {"type": 4, "data": followup.body}
    return answer


def buttons(answer: dict[str, Any]) -> list[str]:
    if answer["type"] != 4:
        return []
    return [c["custom_id"] for row in answer["data"].get("components", []) for c in row["components"]]


@pytest.mark.parametrize("locale", ["en-US", "fr"])
async def test_every_command_and_its_buttons_answer(fake, tmp_path, locale):
    async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
        lang = "fr" if locale == "fr" else "en"
        internal = to_markdown(app.services.catalogs.t(lang, "errors.internal"))
        for index, command in enumerate(app.routes.commands):
            for admin in (False, True):
                who = p.user(str(900000000000007000 + index * 2 + admin), f"m{index}")
                answer = await answered(fake, p.slash(who, command.name, locale=locale, admin=admin))
                assert answer["type"] in (4, 9), (command.name, answer)
                assert answer["type"] == 9 or answer["data"]["content"] not in ("", internal), command.name
                for custom_id in buttons(answer):
                    pressed = await answered(fake, p.press(who, custom_id, locale=locale, admin=admin))
                    assert pressed["type"] in (4, 6, 9), (command.name, custom_id, pressed)
                    assert pressed["type"] != 4 or internal not in pressed["data"]["content"], custom_id
