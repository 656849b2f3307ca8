"""DISCORD_ROLES / SLACK_USERGROUPS read at start: known keys only, one line and exit 2 otherwise."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.cli import main
from bot.core.model import Actor, Member
from bot.services.roles import key_problem, member_keys
from bot.settings import Settings, SettingsError
from bot.store import members as member_sql
from bot.store import privacy as privacy_sql
from bot.store import profiles as profile_sql
from bot.store.backends import make_store
from bot.store.profiles import Profile


def test_keys_name_a_language_country_or_stage() -> None:
    settings = Settings.from_env({"DISCORD_ROLES": "lang:fr=11, country:TD=22,stage:scale-up=33",
                                  "SLACK_USERGROUPS": "lang:en=S1"}, env_file=None)
    assert settings.discord_roles == {"lang:fr": "11", "country:TD": "22", "stage:scale-up": "33"}
    assert settings.slack_usergroups == {"lang:en": "S1"}
    assert key_problem("stage:not-implementing") is None
    for bad in ("lang:de", "country:XX", "country:td", "stage:pilote", "region:west"):
        assert key_problem(bad), bad
    with pytest.raises(SettingsError, match="SLACK_USERGROUPS: 'stage:pilote': unknown stage"):
        Settings.from_env({"SLACK_USERGROUPS": "stage:pilote=S1"}, env_file=None)
    with pytest.raises(SettingsError, match="no id"):
        Settings.from_env({"DISCORD_ROLES": "lang:fr=<id>"}, env_file=None)


def test_a_bad_key_stops_start_up_with_one_line(monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.setenv("DISCORD_ROLES", "langue:fr=123")
    assert main(["--env-file", str(tmp_path / "none.env"), "db", "migrate"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DISCORD_ROLES: 'langue:fr' should start with lang:, country: or stage:" in err


def test_the_language_is_the_chosen_one_else_the_platforms() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    member = Member(id=1, platform="discord", user_id="9", display_name="Awa", locale=None, platform_locale="fr-FR",
                    timezone=None, is_admin=False, joined_at=None, created_at=now)
    assert member_keys(member, Profile(1, country="TD", stage="pilot"), "en") == {"lang:fr", "country:TD",
                                                                                  "stage:pilot"}
    assert member_keys(replace(member, locale="en"), Profile(1), "fr") == {"lang:en"}
    assert member_keys(replace(member, platform_locale=None), Profile(1), "fr") == {"lang:fr"}  # the default


async def _seed(path: str) -> None:
    store = make_store(path)
    await store.open()
    now = datetime(2026, 12, 1, tzinfo=UTC)
    async with store.transaction() as db:
        awa = await member_sql.upsert(db, Actor("discord", "9001", "Awa", platform_locale="fr"), now)
        await profile_sql.save(db, Profile(awa.id, country="TD"), now)
        await member_sql.upsert(db, Actor("discord", "9002", "Ram"), now)
        await member_sql.upsert(db, Actor("console", "zoe", "Zoé"), now)  # no roles on the console
        gone = await member_sql.upsert(db, Actor("discord", "9003", "Eve"), now)
        await privacy_sql.anonymise_member(db, gone.id)
    await store.close()


def test_roles_sync_queues_every_known_members_roles(monkeypatch, capsys, tmp_path) -> None:
    path = str(tmp_path / "bot.db")
    asyncio.run(_seed(path))
    args = ["--env-file", str(tmp_path / "none.env"), "roles", "sync", "--db", path]
    assert main(args) == 2 and "neither DISCORD_ROLES nor SLACK_USERGROUPS" in capsys.readouterr().err
    monkeypatch.setenv("DISCORD_ROLES", "lang:fr=11,lang:en=12,country:TD=13")
    assert main(args) == 0
    assert capsys.readouterr().out.startswith("2 update(s) queued")

    async def rows() -> list[tuple[str, dict[str, list[str]]]]:
        store = make_store(path)
        await store.open()
        async with store.transaction() as db:
            found = await db.execute_fetchall("SELECT target, payload FROM outbox WHERE kind = 'roles' ORDER BY target")
        await store.close()
        return [(r[0], json.loads(json.loads(r[1])["text"])) for r in found]

    assert asyncio.run(rows()) == [("9001", {"wanted": ["11", "13"], "managed": ["11", "12", "13"]}),
                                   ("9002", {"wanted": ["12"], "managed": ["11", "12", "13"]})]
    assert main(args) == 0 and len(asyncio.run(rows())) == 2  # run again: the waiting updates are replaced
