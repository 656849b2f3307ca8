"""Issue 20, on the console: what a new community manager hits in the first hour."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

from bot.settings import Settings
from tests.conftest import ConsoleFactory


async def test_bot_admins_console_name_is_matched_whatever_its_case(console: ConsoleFactory,
                                                                      settings: Settings) -> None:
    capitalised = dataclasses.replace(settings, admins=frozenset({"console:Ana"}))
    async with console(user="Ana", app_settings=capitalised) as session:
        assert "For admins:" in await session.send("/help")
        assert "only community admins" not in await session.send("/welcome failures")
    async with console(user="bob", app_settings=capitalised) as session:
        assert "only community admins" in await session.send("/welcome failures")


def test_configured_admins_other_platforms_stay_exact(settings: Settings) -> None:
    listed = dataclasses.replace(settings, admins=frozenset({"slack:U123", "console:Ana"}))
    assert listed.is_configured_admin("slack", "U123")
    assert not listed.is_configured_admin("slack", "u123")
    assert listed.is_configured_admin("console", "ana")
    assert listed.is_configured_admin("console", "x", "ANA")
    assert not listed.is_configured_admin("discord", "ana")


async def test_admin_help_lists_admin_commands_in_both_languages(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        english = await session.send("/help")
        admins = english.split("For admins:")[1]
        for usage in ("/webinar create", "/welcome preview", "/peers round now", "/feedback list", "/faq reload"):
            assert usage in admins
        await session.send("/language fr")
        french = (await session.send("/aide")).split("Pour les admins\u00a0:")[1]
        assert "/webinaire créer" in french and "/pairs tour maintenant" in french and "/avis liste" in french
    async with console(user="bob") as session:
        member = await session.send("/help")
        assert "For admins" not in member and "/welcome" not in member and "/webinar create" not in member


async def test_language_names_read_as_in_a_sentence(console: ConsoleFactory) -> None:
    async with console(user="ana") as session:
        assert "je vous parlerai désormais en français." in await session.send("/language fr")
        assert "Je vous parle en français." in await session.send("/langue")
        assert "I will speak English with you" in await session.send("/langue anglais")
        assert 'I do not know the language "klingon"' in await session.send("/language klingon")


async def test_peers_exclude_without_a_name_says_how(console: ConsoleFactory) -> None:
    async with console(user="ana") as session:
        english = await session.send("/peers exclude")
        assert "Write /peers exclude followed by their name" in english and "?" in english
        assert "member called ?" not in english
        await session.send("/language fr")
        assert "Écrivez /pairs exclure suivi de son nom" in await session.send("/pairs exclure  ")


def test_version_option() -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stdout.startswith("community-bot ") and done.stdout.split()[1][0].isdigit()
