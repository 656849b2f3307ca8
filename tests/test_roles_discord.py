"""Roles kept in step with the profile on Discord (issue 19 #5), through the fake Discord's REST API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from bot.core.model import MemberJoined
from bot.platforms.discord.render import to_markdown
from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import Handled, app_for, door, door_settings

AWA = p.user("900000000000001011", "Awa")
RAM = p.user("900000000000001012", "Ram")
ROLES = {"lang:fr": "700000000000000001", "lang:en": "700000000000000002", "country:TD": "700000000000000003",
         "stage:pilot": "700000000000000004", "stage:scale-up": "700000000000000005"}
FR, EN, TD, PILOT, SCALE = ROLES.values()


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    for role in ROLES.values():
        server.add_role(role)
    server.add_role(FR, AWA["id"], RAM["id"])
    server.member_roles[RAM["id"]].add(FR)  # given by hand before the bot managed roles
    yield server
    await server.close()


def settings(fake: FakeDiscord, tmp_path: Any) -> Any:
    return door_settings(fake, tmp_path / "bot.db", discord_roles=ROLES, discord_guild_ids=(int(p.GUILD_ID),))


def buttons(answer: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in answer["data"].get("components", []) for c in row["components"]]


async def test_french_member_country_and_stage_become_roles_and_forget_me_takes_them_away(fake, tmp_path):
    async with app_for(settings(fake, tmp_path)) as (app, clock), door(app, clock):
        t = app.services.catalogs.t
        answer = await fake.interact(p.command(AWA, "profile", "country", options={"value": "Tchad"}, locale="fr"))
        assert to_markdown(t("fr", "profile.saved")) in answer["data"]["content"]
        await app.services.outbox.deliver_due()
        assert fake.member_roles[AWA["id"]] == {FR, TD}

        await fake.interact(p.command(AWA, "profile", "stage", options={"value": "pilote"}, locale="fr"))
        await app.services.outbox.deliver_due()
        assert fake.member_roles[AWA["id"]] == {FR, TD, PILOT}
        await fake.interact(p.command(AWA, "profile", "stage", options={"value": "passage à l'échelle"}, locale="fr"))
        await app.services.outbox.deliver_due()
        assert fake.member_roles[AWA["id"]] == {FR, TD, SCALE}  # the stage role moved

        # no role changes
        await fake.interact(p.command(AWA, "profile", "organisation", options={"value": "CNAM"}, locale="fr"))
        async with app.services.store.transaction() as db:
            waiting = await db.execute_fetchall("SELECT COUNT(*) FROM outbox WHERE kind = 'roles'")
        assert list(waiting)[0][0] == 0  # delivered rows are gone, and nothing new was queued

        confirm = await fake.interact(p.slash(AWA, "forget-me", locale="fr"))
        await fake.interact(p.press(AWA, buttons(confirm)[0], locale="fr"))
        await app.services.outbox.deliver_due()
        assert fake.member_roles[AWA["id"]] == set()
        async with app.services.store.transaction() as db:
            rows = await db.execute_fetchall("SELECT target, payload FROM outbox")
        assert not [r for r in rows if AWA["id"] in str(r[0]) + str(r[1])]


async def test_language_choice_moves_the_language_role_and_an_unknown_role_does_not_block_the_others(fake, tmp_path):
    fake.guild_roles.discard(SCALE)  # deleted on the server since it was configured
    async with app_for(settings(fake, tmp_path)) as (app, clock), door(app, clock):
        await fake.interact(p.command(RAM, "profile", "stage", options={"value": "scale-up"}))
        await app.services.outbox.deliver_due()
        assert fake.member_roles[RAM["id"]] == {EN}  # lang:fr taken away, en given; the stage role refused
        async with app.services.store.transaction() as db:
            failed = list(await db.execute_fetchall("SELECT last_error FROM outbox WHERE status = 'failed'"))
        assert len(failed) == 1 and SCALE in failed[0][0] and RAM["id"] not in failed[0][0]

        await fake.interact(p.command(RAM, "language", options={"language": "fr"}))
        await app.services.outbox.deliver_due()
        assert fake.member_roles[RAM["id"]] == {FR}


async def test_a_rate_limit_is_retried_after_retry_after(fake, tmp_path):
    fake.fail("PUT", r"/guilds/\d+/members/\d+/roles/\d+", 429, retry_after=0.5)
    async with app_for(settings(fake, tmp_path)) as (app, clock), door(app, clock):
        await fake.interact(p.command(RAM, "profile", "country", options={"value": "Chad"}))
        await app.services.outbox.deliver_due()
        assert fake.member_roles[RAM["id"]] == {FR}  # the first change met the 429
        clock.advance(timedelta(seconds=1))
        await app.services.outbox.deliver_due()
        assert fake.member_roles[RAM["id"]] == {EN, TD}


async def test_a_newcomer_gets_the_servers_language_then_chooses_french_and_a_stage_by_buttons(fake, tmp_path):
    newcomer = p.user("900000000000001013", "Zoé")
    fake.add_role(FR, newcomer["id"])
    async with app_for(settings(fake, tmp_path)) as (app, clock), door(app, clock):
        handled = Handled(app)
        assert await fake.member_joins(newcomer)
        await handled.wait(MemberJoined)
        await app.services.outbox.deliver_due()
        assert fake.member_roles[newcomer["id"]] == {EN}  # the server's language (en-US)

        await fake.interact(p.press(newcomer, "welcome.lang|fr", in_guild=False, locale="fr"))
        await fake.interact(p.press(newcomer, "onb.set|stage:pilot", in_guild=False, locale="fr"))
        await app.services.outbox.deliver_due()
        assert fake.member_roles[newcomer["id"]] == {FR, PILOT}
