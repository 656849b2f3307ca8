"""Declared commands: subcommands in any language, typed options from text and from Discord's payloads,
admin subcommands refused by the dispatcher, generated usage lines."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App, lifespan
from bot.core import usage
from bot.core.clock import SimClock
from bot.core.commands import Kind, Opt, Sub, find_sub
from bot.core.context import Ctx
from bot.core.dispatcher import Dispatcher
from bot.core.invocation import split_options
from bot.core.model import Actor, CommandInvoked, Reply
from bot.core.routes import Command, Routes, merge
from bot.settings import Settings
from bot.store.directory import StoreDirectory
from handlers import core

ANA = Actor("console", "ana", "Ana")
AMINA = Actor("console", "amina", "Amina", platform_locale="fr")
BOSS = Actor("console", "boss", "Boss", platform_admin=True)


async def show(ctx: Ctx, event: CommandInvoked) -> Reply:
    values = ", ".join(f"{k}={v!r}" for k, v in sorted(event.values.items()))
    return Reply(f"{'/'.join(event.path) or '-'} [{values}] args={event.args!r}")


THING = Command(
    "thing", show, "help.summary", names={"fr": "truc"},
    subs=(
        Sub("create", "help.summary", show, names={"fr": "créer"}, aliases=("new",), admin=True,
            options=(Opt("title", "help.summary", required=True),)),
        Sub("show", "help.summary", show, names={"fr": "voir"},
            options=(Opt("id", "help.summary", Kind.INTEGER, required=True, autocomplete="things"),)),
        Sub("snooze", "help.summary", show, options=(
            Opt("days", "help.summary", Kind.DURATION), Opt("until", "help.summary", Kind.DATE))),
        Sub("pick", "help.summary", show, names={"fr": "choisir"}, options=(
            Opt("stage", "help.summary", Kind.CHOICE, vocabulary="stage"),
            Opt("notify", "help.summary", Kind.BOOLEAN), Opt("who", "help.summary", Kind.MEMBER))),
        Sub("round", "help.summary", names={"fr": "tour"}, subs=(
            Sub("now", "help.summary", show, names={"fr": "maintenant"}),
            Sub("preview", "help.summary", show, names={"fr": "apercu"}))),
    ),
    default=Sub("new", "help.summary", show, options=(Opt("text", "help.summary"),)),
)
ROUTES = merge(core.ROUTES, Routes(commands=(THING,)))


@pytest.fixture
async def app(tmp_path: Path):
    settings = Settings(db_path=str(tmp_path / "d.db"), community_timezone="Europe/Paris")
    async with lifespan(settings=settings, clock=SimClock(datetime(2026, 12, 1, 8, 0, tzinfo=UTC)),
                        routes=ROUTES) as opened:
        yield opened


async def said(app, actor: Actor, args: str = "", **kwargs) -> str:
    result = await app.dispatcher.handle(CommandInvoked(actor, kwargs.pop("name", "thing"), args, **kwargs))
    assert isinstance(result, Reply)
    return result.text


def test_subcommand_words_in_any_language_ignore_case_and_accents() -> None:
    assert find_sub(THING.subs, "CREER") is find_sub(THING.subs, "créer") is find_sub(THING.subs, "new")
    assert find_sub(THING.subs, "voir") is find_sub(THING.subs, "show")
    assert find_sub(THING.subs, "nothing") is None and find_sub(THING.subs, "") is None


def test_text_splits_one_word_per_option_and_the_rest_for_the_last() -> None:
    options = (Opt("a", "x"), Opt("b", "x"), Opt("c", "x"))
    assert split_options(options, " one  two three four ") == {"a": "one", "b": "two", "c": "three four"}
    assert split_options(options, "one") == {"a": "one"}


def test_a_declaration_that_discord_would_refuse_fails_at_start_up() -> None:
    with pytest.raises(ValueError, match="required option"):
        Sub("x", "s", show, options=(Opt("a", "s"), Opt("b", "s", required=True)))
    with pytest.raises(ValueError, match="no choices"):
        Opt("a", "s", Kind.CHOICE) and Sub("x", "s", show, options=(Opt("a", "s", Kind.CHOICE),))
    with pytest.raises(ValueError, match="handler or subcommands"):
        Sub("x", "s")


async def test_text_reaches_the_subcommand_with_typed_values(app) -> None:
    assert await said(app, ANA, "show #42") == "show [id=42] args='#42'"
    assert await said(app, AMINA, "voir 42", name="truc") == "show [id=42] args='42'"
    assert await said(app, ANA, "pick rollout yes <@U1|ana>") == \
        "pick [notify=True, stage='scale-up', who='U1'] args='rollout yes <@U1|ana>'"
    assert await said(app, AMINA, "choisir pilote oui @ana") == \
        "pick [notify=True, stage='pilot', who='ana'] args='pilote oui @ana'"
    assert await said(app, ANA, "round now") == "round/now [] args=''"
    assert await said(app, AMINA, "tour maintenant") == "round/now [] args=''"


async def test_dates_and_durations_read_in_the_readers_zone_and_language(app) -> None:
    english = await said(app, ANA, "snooze 1h30 next tuesday 14:00")
    assert "days=90" in english and "until=datetime.datetime(2026, 12, 8, 13, 0, tzinfo=" in english
    french = await said(app, AMINA, "snooze 2j 03/12")  # day first in French, start of that day in Paris
    assert "days=2880" in french and "until=datetime.datetime(2026, 12, 2, 23, 0, tzinfo=" in french


async def test_other_text_goes_to_the_command_itself_unchanged(app) -> None:
    # with the values of its `default` read from it, as Discord's `/thing new text:…` gives them
    assert await said(app, ANA, "ask show me") == "- [text='ask show me'] args='ask show me'"
    assert await said(app, ANA) == "- [] args=''"


async def test_the_default_subcommand_named_alone_is_the_bare_command(app: App) -> None:
    bare = Command("card", show, "help.summary", subs=THING.subs[1:2],
                   default=Sub("view", "help.summary", show, names={"fr": "fiche"}))
    routes = merge(core.ROUTES, Routes(commands=(bare,)))
    dispatcher = Dispatcher(app.services, routes, StoreDirectory(app.services.store))
    for text in ("view", "FICHE", ""):
        result = await dispatcher.handle(CommandInvoked(ANA, "card", text))
        assert isinstance(result, Reply) and result.text == "- [] args=''", text


async def test_bad_and_missing_values_get_translated_messages_and_run_nothing(app) -> None:
    assert "not a number" in await said(app, ANA, "show forty-two")
    assert "n'est pas un nombre" in await said(app, AMINA, "voir quarante")
    assert "Please add the id" in await said(app, ANA, "show")
    assert "«\u00a0jamais\u00a0» comme une date" in await said(app, AMINA, "snooze 2j jamais")
    assert "Ajoutez l'un de ces mots" in await said(app, AMINA, "tour")


async def test_admin_subcommands_are_refused_before_their_values_are_read(app) -> None:
    assert "only community admins" in await said(app, ANA, "create")
    assert await said(app, BOSS, "créer Implementers call") == "create [title='Implementers call'] " \
        "args='Implementers call'"


async def test_discord_paths_and_raw_options_convert_the_same_way(app) -> None:
    assert await said(app, ANA, options={"id": 7}, path=("show",)) == "show [id=7] args='7'"
    assert await said(app, ANA, options={"stage": "pilot", "notify": False, "who": "123"}, path=("pick",)) == \
        "pick [notify=False, stage='pilot', who='123'] args='pilot no 123'"
    assert await said(app, ANA, options={}, path=("round", "preview")) == "round/preview [] args=''"
    assert await said(app, ANA, options={"text": "hello there"}, path=("new",)) == \
        "- [text='hello there'] args='hello there'"
    assert "only community admins" in await said(app, ANA, options={"title": "x"}, path=("create",))


def test_usage_lines_in_each_language_split_member_and_admin_subcommands() -> None:
    assert usage.usage(THING, "en") == ("/thing [text] | show <id> | snooze [days] [until] | "
                                       "pick [stage] [notify] [who] | round now|preview")
    assert usage.usage(THING, "fr").startswith("/truc [text] | voir <id> |")
    assert "tour maintenant|apercu" in usage.usage(THING, "fr")
    assert usage.usage(THING, "fr", admin=True) == "/truc créer <title>"
    assert usage.admin_lines(THING, "fr") == [("/truc créer <title>", "help.summary")]
