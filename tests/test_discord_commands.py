"""Native Discord application commands from the declarations: the registered tree (checked by the fake as
Discord checks it), subcommands and groups, typed options, choices, autocomplete, French localizations."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from bot.core.context import Ctx
from bot.core.model import Option
from bot.core.routes import Routes, merge
from handlers import all_routes
from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_commands import command_problem
from tests.fakes.discord_harness import app_for, door, door_settings, typed
from tests.test_core_commands import THING

ANA = p.user("900000000000008001", "Ana")
BOSS = p.user("900000000000008002", "Boss")


async def things(ctx: Ctx, typed: str) -> Sequence[Option]:
    return [Option(str(n), f"Thing {n} ({ctx.locale})") for n in range(1, 40)]


ROUTES = merge(all_routes(), Routes(commands=(THING,), suggestions={"things": things}))


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


def text(answer: dict[str, Any]) -> str:
    return str(answer["data"]["content"])


def test_the_fake_refuses_what_discord_refuses() -> None:
    good = {"name": "x", "description": "d", "type": 1}
    assert command_problem([good]) is None
    assert command_problem([{**good, "name": "Bad Name"}])
    assert command_problem([{**good, "name_localizations": {"fr": "Créer"}}])
    assert command_problem([{**good, "options": [{"name": "a", "description": "d", "type": 3},
                                                 {"name": "b", "description": "d", "type": 3, "required": True}]}])
    nested = {"name": "g", "description": "d", "type": 2, "options": [
        {"name": "h", "description": "d", "type": 2, "options": []}]}
    assert command_problem([{**good, "options": [nested]}])


async def test_declared_commands_register_as_native_subcommands_with_typed_options(fake, tmp_path):
    async with app_for(door_settings(fake, tmp_path / "bot.db"), ROUTES) as (app, clock), door(app, clock):
        slash = {name for name, c in fake.commands.items() if c.get("type", 1) == 1}  # message actions: type 3
        assert slash == {c.name for c in app.routes.commands}  # accepted as Discord checks them
        thing = fake.commands["thing"]
        assert thing["name_localizations"] == {"fr": "truc"}
        subs = {o["name"]: o for o in thing["options"]}
        assert list(subs) == ["new", "create", "show", "snooze", "pick", "round"]
        assert {o["type"] for o in subs.values()} == {1, 2}
        assert subs["create"]["name_localizations"] == {"fr": "créer"}
        [ident] = subs["show"]["options"]
        assert (ident["type"], ident["required"], ident["autocomplete"]) == (4, True, True)
        stage, notify, who = subs["pick"]["options"]
        assert (stage["type"], notify["type"], who["type"]) == (3, 5, 6)
        assert stage["autocomplete"] is True  # a vocabulary offered while typing
        assert [s["name"] for s in subs["round"]["options"]] == ["now", "preview"]
        assert subs["round"]["options"][0]["name_localizations"] == {"fr": "maintenant"}


async def test_subcommands_groups_and_typed_values_reach_the_handler(fake, tmp_path):
    async with app_for(door_settings(fake, tmp_path / "bot.db"), ROUTES) as (app, clock), door(app, clock):
        shown = await fake.interact(p.command(ANA, "thing", "show", options={"id": 42}))
        assert text(shown) == "show [id=42] args='42'"
        picked = await fake.interact(p.command(ANA, "thing", "pick", options={
            "stage": "pilote", "notify": True, "who": "900000000000008002"}, locale="fr"))
        assert "stage='pilot'" in text(picked) and "who='900000000000008002'" in text(picked)
        assert text(await fake.interact(p.command(ANA, "thing", "round", "now"))).startswith("round/now")
        bare = await fake.interact(p.command(ANA, "thing", "new", options={"text": "hello"}))
        assert text(bare) == "\\- [text='hello'] args='hello'"  # markdown escaped
        refused = await fake.interact(p.command(ANA, "thing", "create", options={"title": "x"}))
        assert "only community admins" in text(refused)
        allowed = await fake.interact(p.command(BOSS, "thing", "create", options={"title": "x"}, admin=True))
        assert text(allowed).startswith("create")
        bad = await fake.interact(p.command(ANA, "thing", "snooze", options={"until": "jamais"}, locale="fr"))
        assert "comme une date" in text(bad)


async def test_autocomplete_offers_at_most_25_in_the_readers_language(fake, tmp_path):
    async with app_for(door_settings(fake, tmp_path / "bot.db"), ROUTES) as (app, clock), door(app, clock):
        offered = await fake.interact(p.command(ANA, "thing", "show", options={"id": ""}, focused="id"))
        assert offered["type"] == 8 and len(offered["data"]["choices"]) == 25
        narrowed = await fake.interact(p.command(ANA, "thing", "show", options={"id": "3"}, focused="id",
                                                 locale="fr"))
        names = [c["name"] for c in narrowed["data"]["choices"]]
        assert names[0] == "Thing 3 (fr)" and all("3" in n for n in names)
        stages = await fake.interact(p.command(ANA, "thing", "pick", options={"stage": "pil"}, focused="stage",
                                               locale="fr"))
        assert stages["data"]["choices"] == [{"name": "Phase pilote", "value": "pilot"}]


async def test_an_admin_subcommand_suggests_nothing_to_others(fake, tmp_path):
    async with app_for(door_settings(fake, tmp_path / "bot.db"), ROUTES) as (app, clock), door(app, clock):
        asked = await fake.interact(p.command(ANA, "thing", "create", options={"title": ""}, focused="title"))
        assert asked["data"]["choices"] == []


async def test_webinar_ids_are_offered_and_french_subcommands_work(fake, tmp_path):
    admin = p.user("900000000000008003", "Admin")
    create = ('create title="Implementers call" start="2027-03-23 14:00" tz=Europe/Paris duration=60 lang=en '
              'link=https://meet.example.org/imp')
    settings = door_settings(fake, tmp_path / "bot.db", community_timezone="Europe/Paris")
    async with app_for(settings) as (app, clock), door(app, clock):
        confirm = await fake.interact(typed(app.routes, admin, "webinar", create, admin=True))
        [button] = [c["custom_id"] for row in confirm["data"]["components"] for c in row["components"]
                    if c["custom_id"].startswith("webinar.confirm|")]
        await fake.interact(p.press(admin, button, admin=True))
        offered = await fake.interact(p.command(ANA, "webinar", "show", options={"id": "impl"}, focused="id",
                                                locale="fr"))
        [choice] = offered["data"]["choices"]
        assert choice["value"] == "1" and choice["name"].startswith("#1 Implementers call — ")
        assert "mars" in choice["name"]  # the date in the reader's language
        shown = await fake.interact(p.command(ANA, "webinar", "show", options={"id": 1}, locale="fr"))
        assert "Implementers call" in text(shown)
        french = await fake.interact(typed(app.routes, ANA, "webinaire", "voir 1", locale="fr"))
        assert french["data"]["content"] == shown["data"]["content"]
        refused = await fake.interact(typed(app.routes, ANA, "webinaire", "annuler 1"))
        assert "only community admins" in text(refused)
