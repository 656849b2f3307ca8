"""Property-based: arbitrary text and values to every command, button and form never crash the bot.

Whatever a member types, the answer is a message (or a form), never the generic "something went wrong";
a form rejected with errors leaves the database as it was.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import App, lifespan
from bot.core.clock import SimClock
from bot.core.model import Actor, ButtonPressed, CommandInvoked, FieldKind, Form, FormErrors, FormSubmitted, Reply
from bot.core.text import plain
from bot.settings import Settings
from handlers import all_routes

ROUTES = all_routes()
COMMANDS = sorted(c.name for c in ROUTES.commands)
ACTIONS = sorted(ROUTES.buttons)
INTERNAL = {"Something went wrong on my side", "Un problème de mon côté"}
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=300)


class Runner:
    def __init__(self, loop: asyncio.AbstractEventLoop, app: App) -> None:
        self.loop, self.app = loop, app

    def handle(self, event: Any) -> Any:
        return self.loop.run_until_complete(self.app.dispatcher.handle(event))

    def snapshot(self) -> dict[str, int]:
        async def counts() -> dict[str, int]:
            rows = await self.app.services.store.fetch_all(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT IN ('members', 'processed_events', 'kv')")
            return {r[0]: (await self.app.services.store.fetch_one(f'SELECT COUNT(*) FROM "{r[0]}"'))[0] for r in rows}

        return self.loop.run_until_complete(counts())


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    loop = asyncio.new_event_loop()
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    manager = lifespan(settings=Settings(db_path=str(path), admins=frozenset({"console:boss"})),
                       clock=SimClock(datetime(2026, 12, 1, 8, 0, tzinfo=UTC)))
    app = loop.run_until_complete(manager.__aenter__())
    yield Runner(loop, app)
    loop.run_until_complete(manager.__aexit__(None, None, None))
    loop.close()


def actor(admin: bool, lang: str | None) -> Actor:
    return Actor("console", "boss" if admin else "member", "boss" if admin else "member", platform_locale=lang)


def assert_answered(result: Any) -> None:
    replies = result if isinstance(result, list) else [result]
    for reply in replies:
        assert reply is None or isinstance(reply, Reply | Form | FormErrors), reply
        if isinstance(reply, Reply):
            assert not any(marker in plain(reply.text) for marker in INTERNAL), reply.text


@FUZZ
@given(name=st.sampled_from(COMMANDS), args=text, admin=st.booleans(), lang=st.sampled_from([None, "en", "fr"]))
def test_any_arguments_to_any_command(runner: Runner, name: str, args: str, admin: bool, lang: str | None) -> None:
    assert_answered(runner.handle(CommandInvoked(actor(admin, lang), name, args)))


@FUZZ
@given(data=st.data(), admin=st.booleans())
def test_any_value_on_any_button(runner: Runner, data: st.DataObject, admin: bool) -> None:
    if not ACTIONS:
        return
    action = data.draw(st.sampled_from(ACTIONS))
    value = data.draw(st.text(max_size=80))
    assert_answered(runner.handle(ButtonPressed(actor(admin, None), action, value)))


def forms_offered(runner: Runner) -> list[Form]:
    """Every form a command opens without arguments (or with a common subcommand), for an admin."""
    forms = []
    for name in COMMANDS:
        for args in ("", "create", "edit 1", "new"):
            result = runner.handle(CommandInvoked(actor(True, None), name, args))
            if isinstance(result, Form) and all(f.id != result.id for f in forms):
                forms.append(result)
    return forms


def value_for(kind: FieldKind, options: list[str]) -> st.SearchStrategy[Any]:
    if kind is FieldKind.YES_NO:
        return st.one_of(st.none(), st.booleans())
    if kind is FieldKind.CHOICE and options:  # typed values (bot/core/form_values.py): one code, or anything
        return st.one_of(st.none(), st.sampled_from(options), text)
    if kind is FieldKind.MULTI_CHOICE and options:
        return st.one_of(st.none(), st.lists(st.one_of(st.sampled_from(options), text), max_size=3))
    return st.one_of(st.none(), text)


@FUZZ
@given(data=st.data())
def test_any_values_in_any_form(runner: Runner, data: st.DataObject) -> None:
    forms = getattr(runner, "forms", None)
    if forms is None:
        forms = runner.forms = forms_offered(runner)  # type: ignore[attr-defined]
    if not forms:
        return
    form = data.draw(st.sampled_from(forms))
    values = {f.name: data.draw(value_for(f.kind, [o.value for o in f.options])) for f in form.fields}
    before = runner.snapshot()
    result = runner.handle(FormSubmitted(actor(data.draw(st.booleans()), None), form.id, values, form.state))
    assert_answered(result)
    if isinstance(result, FormErrors):
        assert runner.snapshot() == before, "a rejected form changed the database"


def test_the_fuzzers_reach_every_command() -> None:
    assert "help" in COMMANDS and "language" in COMMANDS


def test_huge_and_odd_ids_in_buttons_and_arguments_are_refused_politely(runner: Runner) -> None:
    huge = "9223372036854775808"
    for action in ACTIONS:
        for value in (huge, f"{huge}:going", f"{huge}:x:y", "¹", "-1"):
            assert_answered(runner.handle(ButtonPressed(actor(True, None), action, value)))
    for name in COMMANDS:
        for args in (huge, f"show {huge}", f"status FB-{huge}", f"set FB-{huge} done", f"cancel {huge}"):
            assert_answered(runner.handle(CommandInvoked(actor(True, None), name, args)))
