"""The dispatcher: explicit routes, admin refusal, errors turned into translated messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import lifespan
from bot.core.clock import SimClock
from bot.core.context import Ctx, UserError
from bot.core.model import (
    Actor,
    ButtonPressed,
    CommandInvoked,
    Field,
    FieldKind,
    Form,
    FormErrors,
    FormSubmitted,
    MemberJoined,
    MessageReceived,
    Reply,
)
from bot.core.routes import Command, Routes, merge
from bot.settings import Settings
from handlers import core

ANA = Actor("console", "ana", "Ana")
BOSS = Actor("slack", "U9", "Boss", platform_admin=True)


async def echo(ctx: Ctx, event: CommandInvoked) -> Reply:
    return Reply(f"echo {event.args} ({ctx.locale})")


async def fails(ctx: Ctx, event: CommandInvoked) -> Reply:
    raise RuntimeError("bug")


async def refuses(ctx: Ctx, event: CommandInvoked) -> Reply:
    raise UserError("language.unknown", choice="xx", options="en, fr")


async def ask(ctx: Ctx, event: CommandInvoked) -> Form:
    return Form("test.form", "Title", (Field("name", FieldKind.SHORT_TEXT, "Name", required=True),), "Send")


async def submitted(ctx: Ctx, event: FormSubmitted) -> Reply | FormErrors:
    if not event.values.get("name"):
        return FormErrors({"name": "needed"})
    return Reply(f"thanks {event.values['name']}")


async def on_join(ctx: Ctx, event: MemberJoined) -> Reply:
    return Reply("welcome")


async def faq_like(ctx: Ctx, event: MessageReceived) -> Reply | None:
    return Reply("an answer") if "?" in event.text else None


TEST_ROUTES = merge(core.ROUTES, Routes(
    commands=(Command("echo", echo, "help.summary"), Command("boom", fails, "help.summary"),
              Command("refuse", refuses, "help.summary"), Command("secret", echo, "help.summary", admin=True),
              Command("ask", ask, "help.summary")),
    forms={"test.form": submitted}, joins=(on_join,), messages=(faq_like,),
))


@pytest.fixture
async def app(tmp_path: Path):
    settings = Settings(db_path=str(tmp_path / "d.db"), admins=frozenset({"console:root"}))
    async with lifespan(settings=settings, clock=SimClock(), routes=TEST_ROUTES) as opened:
        yield opened


async def test_routes_commands_and_aliases(app) -> None:
    assert (await app.dispatcher.handle(CommandInvoked(ANA, "echo", "hi"))).text == "echo hi (en)"
    french = await app.dispatcher.handle(CommandInvoked(ANA, "aide"))
    assert "Here is what I can do" in french.text


async def test_admin_commands_refuse_others_and_admins_come_from_three_sources(app) -> None:
    refused = await app.dispatcher.handle(CommandInvoked(ANA, "secret"))
    assert "only community admins" in refused.text
    assert (await app.dispatcher.handle(CommandInvoked(BOSS, "secret", "x"))).text.startswith("echo")
    root = Actor("console", "root", "root")
    assert (await app.dispatcher.handle(CommandInvoked(root, "secret", "x"))).text.startswith("echo")
    help_text = (await app.dispatcher.handle(CommandInvoked(ANA, "help"))).text
    assert help_text.count("•") == len([c for c in TEST_ROUTES.commands if not c.admin])


async def test_failures_become_short_translated_messages(app) -> None:
    crashed = await app.dispatcher.handle(CommandInvoked(Actor("console", "f", "f", "fr"), "boom"))
    assert crashed.text.startswith("Un problème de mon côté")
    refused = await app.dispatcher.handle(CommandInvoked(ANA, "refuse"))
    assert 'I do not know the language "xx"' in refused.text


async def test_forms_buttons_joins_and_messages(app) -> None:
    assert isinstance(await app.dispatcher.handle(CommandInvoked(ANA, "ask")), Form)
    errors = await app.dispatcher.handle(FormSubmitted(ANA, "test.form", {"name": ""}))
    assert errors == FormErrors({"name": "needed"})
    assert (await app.dispatcher.handle(FormSubmitted(ANA, "test.form", {"name": "Ana"}))).text == "thanks Ana"
    stale = await app.dispatcher.handle(ButtonPressed(ANA, "gone.action", "1"))
    assert "no longer active" in stale.text
    assert [r.text for r in await app.dispatcher.handle(MemberJoined(ANA))] == ["welcome"]
    assert (await app.dispatcher.handle(MessageReceived(ANA, "what is it?"))).text == "an answer"
    assert "did not understand" in (await app.dispatcher.handle(MessageReceived(ANA, "hi"))).text
    assert await app.dispatcher.handle(MessageReceived(ANA, "hi", is_dm=False)) is None


async def test_language_is_stored_and_resolved_once_per_event(app) -> None:
    await app.dispatcher.handle(ButtonPressed(ANA, "language.set", "fr"))
    assert (await app.dispatcher.handle(CommandInvoked(ANA, "echo", "x"))).text == "echo x (fr)"
    english_platform = Actor("console", "ana", "Ana", platform_locale="en-GB")
    assert (await app.dispatcher.handle(CommandInvoked(english_platform, "echo", "x"))).text == "echo x (fr)"


def test_merge_rejects_duplicates() -> None:
    with pytest.raises(ValueError, match="defined twice"):
        merge(core.ROUTES, core.ROUTES)


async def test_an_event_id_is_handled_once_and_a_repeat_changes_nothing(app) -> None:
    question = MessageReceived(ANA, "what is openIMIS?", event_id="Ev1")
    first = await app.dispatcher.dispatch(question)
    assert first.result.text == "an answer" and not first.duplicate
    members = await app.services.store.fetch_all("SELECT * FROM members")
    again = await app.dispatcher.dispatch(MessageReceived(ANA, "what is openIMIS?", event_id="Ev1"))
    assert again.duplicate and again.result is None
    assert [dict(r) for r in await app.services.store.fetch_all("SELECT * FROM members")] == [dict(r) for r in members]
    assert await app.dispatcher.seen("console", "Ev1") and not await app.dispatcher.seen("console", "Ev2")
    other = await app.dispatcher.dispatch(MessageReceived(ANA, "what is openIMIS?", event_id="Ev2"))
    assert not other.duplicate  # events without an id, or with a new one, are always handled


async def test_the_outcome_carries_the_members_choice_over_the_platform_locale(app) -> None:
    english_platform = Actor("discord", "42", "Awa", platform_locale="en-US")
    assert (await app.dispatcher.dispatch(CommandInvoked(english_platform, "echo"))).locale == "en"
    await app.dispatcher.handle(CommandInvoked(english_platform, "language", "fr"))
    outcome = await app.dispatcher.dispatch(CommandInvoked(english_platform, "echo", "x"))
    assert outcome.locale == "fr" and outcome.result.text == "echo x (fr)"
    assert await app.dispatcher.locale_for(english_platform) == "fr"
    french_platform = Actor("discord", "43", "Ram", platform_locale="fr")
    assert await app.dispatcher.locale_for(french_platform) == "fr"  # not stored yet: the platform's locale


async def test_buttons_and_forms_declared_admin_are_refused_centrally(tmp_path: Path) -> None:
    pressed: list[str] = []

    async def press(ctx: Ctx, event: ButtonPressed) -> Reply:
        pressed.append(event.value)
        return Reply("done")

    gated = merge(core.ROUTES, Routes(buttons={"x.admin": press, "x.open": press}, forms={"test.form": submitted},
                                      admin_buttons=frozenset({"x.admin"}), admin_forms=frozenset({"test.form"})))
    settings = Settings(db_path=str(tmp_path / "g.db"))
    async with lifespan(settings=settings, clock=SimClock(), routes=gated) as app:
        refused = await app.dispatcher.handle(ButtonPressed(ANA, "x.admin", "1"))
        assert refused.text == app.services.catalogs.t("en", "errors.admin_only") and pressed == []
        assert (await app.dispatcher.handle(ButtonPressed(ANA, "x.open", "2"))).text == "done"
        form = await app.dispatcher.handle(FormSubmitted(ANA, "test.form", {"name": "x"}))
        assert form.text == app.services.catalogs.t("en", "errors.admin_only")
        assert (await app.dispatcher.handle(ButtonPressed(BOSS, "x.admin", "3"))).text == "done"
        assert (await app.dispatcher.handle(FormSubmitted(BOSS, "test.form", {"name": "x"}))).text == "thanks x"
    assert pressed == ["2", "3"]
    with pytest.raises(ValueError, match="unknown"):
        Routes(buttons={"x.open": press}, admin_buttons=frozenset({"x.typo"}))
