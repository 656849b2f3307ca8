"""Feature services called directly (no door): a refusal writes nothing, a change and its notices commit together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.app import App, lifespan
from bot.core.clock import SimClock
from bot.core.context import UserError
from bot.core.model import Actor, Member
from bot.services.webinars import Raw, Spec
from bot.services.webinars.spec import build_spec
from bot.settings import Settings
from bot.store import members

ORGANISER = Actor("console", "ana", "Ana")


@pytest.fixture
async def app(db_path: str, clock: SimClock) -> AsyncIterator[App]:
    settings = Settings(db_path=db_path, slack_bot_token="xoxb-test")  # channel posts are queued for Slack
    async with lifespan(settings=settings, clock=clock) as app:
        yield app


async def member(app: App, actor: Actor = ORGANISER) -> Member:
    async with app.services.store.transaction() as db:
        return await members.upsert(db, actor, app.services.clock.now())


async def count(app: App, sql: str) -> int:
    row = await app.services.store.fetch_one(sql)
    assert row is not None
    return int(row[0])


def spec(clock: SimClock, start: str = "2026-12-03 14:00") -> Spec:
    raw = Raw({"title": "Implementers call", "start": start, "timezone": "UTC", "link": "https://meet.example.org/a"})
    return build_spec(raw, base=None, organiser_tz="UTC", default_language="en", now=clock.now())


async def test_a_draft_confirmed_after_its_start_is_refused_and_nothing_is_written(app: App, clock: SimClock) -> None:
    ana = await member(app)
    webinars = app.services.webinars
    draft_id = await webinars.add_draft(ana.id, spec(clock), None, clock.now())
    draft = await webinars.draft(draft_id)
    assert draft is not None and draft.status == "pending"
    clock.advance(timedelta(days=3))  # the start went by while the organiser looked away
    with pytest.raises(UserError) as refused:
        await webinars.save_draft(draft_id, draft, ana.id, clock.now())
    assert refused.value.key == "webinars.error_past"
    again = await webinars.draft(draft_id)
    assert again is not None and again.status == "pending"  # closing the draft was rolled back with the rest
    assert await count(app, "SELECT COUNT(*) FROM webinars") == 0
    assert await count(app, "SELECT COUNT(*) FROM outbox") == 0


async def test_a_draft_confirmed_twice_announces_once(app: App, clock: SimClock) -> None:
    ana = await member(app)
    webinars = app.services.webinars
    draft_id = await webinars.add_draft(ana.id, spec(clock), None, clock.now())
    draft = await webinars.draft(draft_id)
    assert draft is not None
    webinar_id, told = await webinars.save_draft(draft_id, draft, ana.id, clock.now())
    queued = await count(app, "SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'webinar:%:announce:%'")
    assert told == 0 and queued >= 1  # the announcement, in the transaction that saved the webinar
    with pytest.raises(UserError) as refused:
        await webinars.save_draft(draft_id, draft, ana.id, clock.now())
    assert refused.value.key == "webinars.draft_closed"
    assert await count(app, "SELECT COUNT(*) FROM webinars") == 1
    assert await count(app, "SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'webinar:%:announce:%'") == queued
    assert (await webinars.get(webinar_id)) is not None


async def test_a_cancelled_webinar_cannot_be_cancelled_again_nor_answered(app: App, clock: SimClock) -> None:
    ana, ram = await member(app), await member(app, Actor("console", "ram", "Ram"))
    webinars = app.services.webinars
    draft_id = await webinars.add_draft(ana.id, spec(clock), None, clock.now())
    draft = await webinars.draft(draft_id)
    assert draft is not None
    webinar_id, _ = await webinars.save_draft(draft_id, draft, ana.id, clock.now())
    assert await webinars.rsvp(webinar_id, ram.id, "going", clock.now()) is not None
    assert await webinars.cancel(webinar_id, clock.now()) == 1  # Ram, who was going, is told
    queued = await count(app, "SELECT COUNT(*) FROM outbox")
    with pytest.raises(UserError) as refused:
        await webinars.cancel(webinar_id, clock.now())
    assert refused.value.key == "webinars.already_cancelled"
    assert await webinars.rsvp(webinar_id, ram.id, "maybe", clock.now()) is None
    assert await count(app, "SELECT COUNT(*) FROM outbox") == queued


async def test_bots_are_never_greeted_and_a_newcomer_once(app: App, clock: SimClock) -> None:
    bot_actor = Actor("console", "helper-bot", "Helper", is_bot=True)
    assert not await app.services.welcome.greet(await member(app, bot_actor), bot_actor, clock.now())
    assert await count(app, "SELECT COUNT(*) FROM outbox") == 0
    awa = Actor("console", "awa", "Awa")
    newcomer = await member(app, awa)
    assert await app.services.welcome.greet(newcomer, awa, clock.now())
    queued = await count(app, "SELECT COUNT(*) FROM outbox")
    assert queued >= 1 and not await app.services.welcome.greet(newcomer, awa, clock.now())
    assert await count(app, "SELECT COUNT(*) FROM outbox") == queued
    assert await app.services.welcome.tips_running(newcomer.id)
    assert await app.services.welcome.stop_tips(newcomer.id, clock.now())
    assert not await app.services.welcome.tips_running(newcomer.id)
    assert not await app.services.welcome.stop_tips(newcomer.id, clock.now())


async def test_joining_peers_keeps_what_was_given_even_when_consent_is_refused(app: App, clock: SimClock) -> None:
    peers = app.services.peers
    ana = await member(app)
    given = (await peers.profile(ana.id)).with_changes(stage="pilot", languages=("fr",), peer_consent=False)
    refused = await peers.join(ana.id, given, False, True, clock.now())
    assert refused.refused and not await peers.taking_part(ana.id)
    assert (await peers.profile(ana.id)).stage == "pilot"  # saved all the same
    partial = await peers.join(ana.id, given.with_changes(peer_consent=True), False, True, clock.now())
    assert partial.gaps == ["country", "interests"] and not await peers.taking_part(ana.id)
    full = given.with_changes(peer_consent=True, country="CM", interests=("claims",))
    joined = await peers.join(ana.id, full, True, True, clock.now())
    assert not joined.refused and joined.gaps == [] and joined.next_round is not None
    assert await peers.taking_part(ana.id)
    assert (await peers.status(ana.id, clock.now())).me is not None
    assert await peers.leave(ana.id, clock.now()) and not await peers.taking_part(ana.id)


async def test_a_round_reads_the_pool_and_records_it_in_one_transaction(app: App, clock: SimClock,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    peers, store = app.services.peers, app.services.store
    for name in ("ana", "bea"):
        someone = await member(app, Actor("console", name, name.title()))
        profile = (await peers.profile(someone.id)).with_changes(
            stage="pilot", languages=("fr",), country="CM", interests=("claims",), peer_consent=True)
        assert not (await peers.join(someone.id, profile, False, True, clock.now())).refused
    opened = []
    transaction = store.transaction
    monkeypatch.setattr(store, "transaction", lambda: opened.append(1) or transaction())
    summary = await peers.start_round(clock.now())
    assert summary is not None and (summary.groups, summary.unmatched) == (1, 0)
    assert len(opened) == 1
    assert await peers.start_round(clock.now()) is None  # the same moment again: nothing recorded twice
    assert await count(app, "SELECT COUNT(*) FROM peer_rounds") == 1


async def test_the_profile_service_saves_an_answer_and_reads_it_back_with_the_zone(app: App, clock: SimClock) -> None:
    profiles = app.services.profile
    ana = await member(app)
    await profiles.save_field(ana.id, "stage", "pilot", clock.now())
    await profiles.save_field(ana.id, "consent", True, clock.now())
    await profiles.save_field(ana.id, "timezone", "Africa/Douala", clock.now())
    profile, zone = await profiles.with_timezone(ana.id)
    assert (profile.stage, profile.peer_consent, zone) == ("pilot", True, "Africa/Douala")
    assert (await profiles.get(ana.id)).stage == "pilot"  # the zone lives on the member, not in the profile
