"""Welcome and onboarding edge cases: bad input, old buttons, skipped members, closed DMs, preview."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App, lifespan
from bot.core.clock import SimClock
from bot.core.model import (
    Actor,
    ButtonPressed,
    CommandInvoked,
    Destination,
    FormErrors,
    FormSubmitted,
    MemberJoined,
    Reply,
)
from bot.core.text import plain
from bot.platforms.console.door import ConsoleDoor
from bot.services.outbox import DeliveryError
from bot.settings import Settings, SettingsError

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
AMINA = Actor("console", "amina", "amina", platform_locale="fr")


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    settings = Settings(db_path=str(tmp_path / "bot.db"), admins=frozenset({"console:admin"}))
    async with lifespan(settings=settings, clock=SimClock(START)) as app:
        yield app


def text_of(result: object) -> str:
    replies = result if isinstance(result, list) else [result]
    return "\n".join(plain(r.text) for r in replies if isinstance(r, Reply))


async def command(app: App, args: str, actor: Actor = AMINA, name: str = "profile") -> str:
    return text_of(await app.dispatcher.handle(CommandInvoked(actor, name, args)))


async def press(app: App, action: str, value: str, actor: Actor = AMINA) -> str:
    return text_of(await app.dispatcher.handle(ButtonPressed(actor, action, value)))


async def test_unknown_country_and_timezone_get_suggestions(app: App) -> None:
    assert "Vouliez-vous dire\u00a0: Cameroun" in await command(app, "pays Camerun")
    assert "code à deux lettres" in await command(app, "country xyzzy-land")
    assert "Africa/Douala" in await command(app, "timezone Africa/Duala")
    assert "Asia/Kathmandu" in await command(app, "tz kathmandu")
    assert "Fuseau horaire : Asia/Kathmandu" in await command(app, "")
    assert "Pays : Tchad" in await command(app, "country td")
    assert "Langues : anglais, haoussa" in await command(app, "langues english, Haoussa")
    assert "Je ne connais pas la langue « klingonese »" in await command(app, "languages klingonese")
    assert "Je ne connais pas le rôle « astronaut »" in await command(app, "role astronaut")
    assert "Répondez « oui » ou « non »" in await command(app, "consent maybe")
    assert "Je ne connais pas le champ" in await command(app, "shoe-size 42")


async def test_free_text_is_trimmed_and_limited(app: App) -> None:
    out = await command(app, "organisation   " + "Santé   pour\ttous " * 20)
    async with app.services.store.transaction() as db:
        row = list(await db.execute_fetchall("SELECT organisation FROM profiles"))[0]
    assert row[0].startswith("Santé pour tous Santé") and len(row[0]) <= 120
    assert "Enregistré" in out
    await command(app, "organisation -")
    assert "Organisation : —" in await command(app, "")


async def test_profile_form_rejects_bad_fields_and_keeps_skipped_ones(app: App) -> None:
    await command(app, "organisation MoH")
    form = FormSubmitted(AMINA, "profile.main", {"role": "developer", "country": "Camerun",
                                                 "timezone": "Mars/Olympus", "organisation": None})
    result = await app.dispatcher.handle(form)
    assert isinstance(result, FormErrors)
    assert set(result.errors) == {"country", "timezone"}
    assert "Cameroun" in result.errors["country"]
    ok = FormSubmitted(AMINA, "profile.main", {"role": "developer", "country": "Cameroon", "stage": "pilot",
                                               "timezone": "douala", "organisation": None})
    out = text_of(await app.dispatcher.handle(ok))
    assert "Pays : Cameroun" in out and "Organisation : MoH" in out and "Phase pilote" in out


async def test_old_and_forged_buttons_do_nothing_harmful(app: App) -> None:
    first = await press(app, "onb.set", "role:developer")
    again = await press(app, "onb.set", "role:developer")
    assert first == again and "(2/8)" in first
    for action, value in (("onb.set", "role:astronaut"), ("onb.set", "organisation:x"), ("onb.add", "interests:x"),
                          ("onb.add", "languages:<script>"), ("onb.next", "nope"), ("onb.type", "role"),
                          ("welcome.lang", "de"), ("onb.set", "timezone:Mars/Olympus")):
        assert "n'est plus valable" in await press(app, action, value), (action, value)
    await press(app, "onb.add", "interests:claims")
    await press(app, "onb.add", "interests:claims")
    await press(app, "onb.del", "interests:mobile")
    async with app.services.store.transaction() as db:
        row = list(await db.execute_fetchall("SELECT role, interests FROM profiles"))[0]
    assert (row[0], row[1]) == ("developer", '["claims"]')


async def test_consent_is_off_unless_yes(app: App) -> None:
    await press(app, "onb.next", "role")
    assert "Mise en relation avec des pairs : non" in await command(app, "")
    hint = await press(app, "onb.set", "consent:yes")
    assert "/pairs rejoindre" in hint  # consent given, but matching still needs stage, languages, country...
    assert "Mise en relation avec des pairs : oui" in await command(app, "")
    assert await app.services.store.fetch_all("SELECT * FROM peer_participants") == []
    await command(app, "consent non")
    assert "Mise en relation avec des pairs : non" in await command(app, "")


async def test_bots_and_guests_are_not_welcomed(app: App) -> None:
    await app.dispatcher.handle(MemberJoined(Actor("console", "robot", "robot", is_bot=True)))
    await app.dispatcher.handle(MemberJoined(Actor("console", "visitor", "visitor", is_guest=True)))
    assert await app.services.store.fetch_all("SELECT * FROM outbox") == []


async def test_guests_are_welcomed_when_the_setting_says_so(tmp_path: Path) -> None:
    settings = Settings(db_path=str(tmp_path / "bot.db"), welcome_skip_guests=False, welcome_public_greeting=True)
    async with lifespan(settings=settings, clock=SimClock(START)) as app:
        await app.dispatcher.handle(MemberJoined(Actor("console", "visitor", "Visitor", is_guest=True)))
        rows = await app.services.store.fetch_all("SELECT idempotency_key, kind, target FROM outbox ORDER BY id")
    assert [tuple(r) for r in rows] == [("welcome:1:dm", "dm", "visitor"),
                                        ("welcome:1:greeting", "channel", "introductions")]


class ClosedDms:
    """A platform where the newcomer's DMs are closed; channel posts are recorded."""

    platform = "chat"

    def __init__(self) -> None:
        self.posts: list[tuple[Destination, Reply]] = []

    async def send(self, dest: Destination, reply: Reply, key: str = "") -> str | None:
        if dest.kind == "dm":
            raise DeliveryError("cannot_dm_user: the member does not accept direct messages", permanent=True)
        self.posts.append((dest, reply))
        return "ts-1"


async def test_closed_dm_falls_back_to_introductions_and_is_recorded(app: App) -> None:
    chat = ClosedDms()
    app.services.outbox.register(chat)
    await app.dispatcher.handle(MemberJoined(Actor("chat", "U42", "Zoé", platform_locale="fr")))
    await app.heartbeat.tick()
    assert [(d.kind, d.target) for d, _ in chat.posts] == [("channel", "introductions")]
    assert "Bienvenue @Zoé ! Je n'ai pas pu vous envoyer de message privé" in plain(chat.posts[0][1].text)
    rows = await app.services.store.fetch_all("SELECT idempotency_key, status, last_error FROM outbox ORDER BY id")
    assert [tuple(r)[:2] for r in rows] == [("welcome:1:dm", "failed"), ("welcome:1:dm:fallback", "sent")]
    out = io.StringIO()
    door = ConsoleDoor(app, SimClock(START), out, "admin", "en")
    await door.handle_line("/welcome failures")
    assert "welcome:1:dm (chat U42) after 1 attempt: cannot_dm_user" in out.getvalue()
    assert "Fallback: sent" in out.getvalue()


async def test_preview_shows_exactly_what_a_newcomer_receives(app: App) -> None:
    admin = Actor("console", "admin", "admin")
    assert "administrateurs" in await command(app, "preview fr", name="welcome")
    preview = await app.dispatcher.handle(CommandInvoked(admin, "welcome", "preview fr"))
    assert isinstance(preview, list)
    await app.dispatcher.handle(MemberJoined(Actor("console", "admin2", "admin", platform_locale="fr")))
    async with app.services.store.transaction() as db:
        payload = list(await db.execute_fetchall("SELECT payload FROM outbox"))[0][0]
    queued = Reply.from_json(json.loads(payload))
    assert queued in preview  # the very same DM, buttons included
    assert any("rencontrer un pair" in r.text for r in preview)
    assert "Aucun" not in text_of(preview)
    assert "I have no welcome" in await command(app, "preview de", actor=admin, name="welcome")


def test_followup_cadence_setting() -> None:
    settings = Settings.from_env({"BOT_WELCOME_FOLLOWUPS": "meet-a-peer:10, faq-tip:2"}, env_file=None)
    assert settings.welcome_followups == (("faq-tip", 2), ("meet-a-peer", 10))
    assert Settings.from_env({"BOT_WELCOME_FOLLOWUPS": ""}, env_file=None).welcome_followups == ()
    with pytest.raises(SettingsError, match="BOT_WELCOME_FOLLOWUPS"):
        Settings.from_env({"BOT_WELCOME_FOLLOWUPS": "faq-tip:soon"}, env_file=None)


async def test_typed_languages_add_to_the_pressed_ones(app: App) -> None:
    await press(app, "onb.add", "languages:fr")
    form = await app.dispatcher.handle(ButtonPressed(AMINA, "onb.type", "languages"))
    assert form is not None and getattr(form, "state", None) == "languages"
    bad = await app.dispatcher.handle(FormSubmitted(AMINA, "profile.text", {"languages": "Haousa, klingon"},
                                                    "languages"))
    assert isinstance(bad, FormErrors) and "« Haousa ». Proches\u00a0: haoussa" in bad.errors["languages"]
    step = await app.dispatcher.handle(FormSubmitted(AMINA, "profile.text", {"languages": "Haoussa"}, "languages"))
    assert isinstance(step, Reply) and "(5/8)" in step.text  # the step again, both ticked
    assert {"✓ français", "✓ haoussa"} <= {b.label for b in step.buttons}
    assert "Langues : français, haoussa" in await command(app, "")


async def test_a_broken_followup_template_is_skipped_not_stuck(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.services import welcome

    await app.dispatcher.handle(MemberJoined(AMINA))

    def broken(*args: object, **kwargs: object) -> Reply:
        raise FileNotFoundError("followup-faq-tip.fr.md is being edited")

    monkeypatch.setattr(welcome, "followup_reply", broken)
    job = welcome.FollowUpJob()
    await job.run(app.services, START.replace(day=5))
    assert await job.next_due(app.services, START) == START.replace(day=12)  # moved on to meet-a-peer


async def test_yes_enrols_in_matching_once_and_an_old_yes_changes_nothing(app: App) -> None:
    for args in ("stage pilot", "languages fr", "country CM", "interests claims"):
        await command(app, args)
    first = await press(app, "onb.set", "consent:yes")
    assert "Au prochain tour" in first
    async with app.services.store.transaction() as db:
        await db.execute("UPDATE peer_participants SET status = 'left', wants_mentor = 1")
    again = await press(app, "onb.set", "consent:yes")
    assert "ne changent pas" in again
    rows = await app.services.store.fetch_all("SELECT status, wants_mentor FROM peer_participants")
    assert [tuple(r) for r in rows] == [("left", 1)]
