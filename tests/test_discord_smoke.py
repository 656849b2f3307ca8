from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings


async def test_help(tmp_path):
    fake = await FakeDiscord().start()
    try:
        async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
            ana = p.user("900000000000001001", "Ana")
            answer = await fake.interact(p.slash(ana, "help"))
            print(answer)
    finally:
        await fake.close()
