"""Webinars mirrored as Discord guild scheduled events (issue 19 #2): created, edited and cancelled with the
webinar through the outbox; a recurrence Discord can express becomes its rule, any other series an event for
its next session, moved after each session; "Interested" on the event is recorded as Maybe, and un-pressing
it removes that Maybe (never a Going)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import App
from bot.core.clock import SimClock
from bot.core.model import Actor, ButtonPressed, CommandInvoked, Reply
from bot.services.webinars.events import recurrence
from tests.fakes import discord_payloads as dp
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings

SATURDAY = datetime(2027, 3, 20, 9, 0, tzinfo=UTC)
ADMIN = Actor("discord", "900000000000005001", "Ana", platform_admin=True)
RAM, AWA = dp.user("900000000000005002", "Ram"), dp.user("900000000000005003", "Awa")
LINK = "https://meet.example.org/implementers"


async def run(app: App, actor: Actor, line: str) -> str:
    """An admin's command, then the first button of its answer (Confirm), as the door would pass them on."""
    name, _, args = line.partition(" ")
    answer = await app.dispatcher.handle(CommandInvoked(actor, name, args))
    assert isinstance(answer, Reply), answer
    confirm = next((b for b in answer.buttons if b.action in ("webinar.confirm", "webinar.cancel")), None)
    if confirm is None:
        return answer.text
    pressed = await app.dispatcher.handle(ButtonPressed(actor, confirm.action, confirm.value))
    assert isinstance(pressed, Reply)
    return pressed.text


async def rsvp(app: App, user_id: str) -> str | None:
    rows = await app.services.store.fetch_all(
        "SELECT answer FROM webinar_rsvps r JOIN members m ON m.id = r.member_id WHERE m.user_id = ?", (user_id,))
    return str(rows[0][0]) if rows else None


class Interests:
    """Counts the "Interested" presses the door has dispatched (wraps the dispatcher), to wait on them."""

    def __init__(self, app: App) -> None:
        self.count, self.changed, inner = 0, asyncio.Condition(), app.dispatcher.dispatch

        async def dispatch(event: Any) -> Any:
            outcome = await inner(event)
            if isinstance(event, ButtonPressed) and event.action == "webinar.interested":
                async with self.changed:
                    self.count += 1
                    self.changed.notify_all()
            return outcome

        app.dispatcher.dispatch = dispatch  # type: ignore[method-assign]

    async def wait(self, count: int) -> None:
        async with asyncio.timeout(10), self.changed:
            await self.changed.wait_for(lambda: self.count >= count)


def test_recurrences_discord_can_express() -> None:
    tuesday = datetime(2027, 3, 23, 13, 0, tzinfo=UTC)
    assert recurrence("FREQ=WEEKLY", tuesday) == {"start": tuesday.isoformat(), "interval": 1, "frequency": 2,
                                                  "by_weekday": [1]}
    assert recurrence("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", tuesday)["interval"] == 2  # type: ignore[index]
    assert recurrence("FREQ=MONTHLY;BYDAY=+4TU", tuesday)["by_n_weekday"] == [{"n": 4, "day": 1}]  # type: ignore[index]
    for other in ("FREQ=WEEKLY;INTERVAL=3", "FREQ=WEEKLY;BYDAY=TU,TH", "FREQ=MONTHLY;BYDAY=-1TU",
                  "FREQ=WEEKLY;COUNT=4", "FREQ=DAILY;INTERVAL=2", None):
        assert recurrence(other, tuesday) is None, other


async def test_a_weekly_webinar_becomes_a_recurring_event_and_interest_is_a_maybe(tmp_path: Path) -> None:
    fake = await FakeDiscord().start()
    try:
        async with app_for(door_settings(fake, tmp_path / "bot.db"), clock=SimClock(SATURDAY)) as (app, clock), \
                door(app, clock):
            await run(app, ADMIN, f'webinar create title="Implementers call" start="2027-03-23 14:00" '
                                  f'tz=Europe/Paris link={LINK} repeat=weekly desc="Open to all"')
            await app.heartbeat.tick()
            await fake.wait_until(lambda: bool(fake.scheduled_events))
            [event] = fake.scheduled_events.values()
            assert event["name"] == "Implementers call" and event["entity_metadata"] == {"location": LINK}
            assert event["scheduled_start_time"].startswith("2027-03-23T13:00")  # 14:00 Paris = 13:00 UTC
            assert event["recurrence_rule"]["frequency"] == 2 and event["description"].endswith("\n\n#1")

            interests = Interests(app)
            await fake.scheduled_event_user(event["id"], RAM, added=True)
            await interests.wait(1)
            assert await rsvp(app, RAM["id"]) == "maybe"
            await fake.scheduled_event_user(event["id"], RAM, added=False)
            await interests.wait(2)
            assert await rsvp(app, RAM["id"]) is None
            await app.dispatcher.handle(ButtonPressed(Actor("discord", AWA["id"], "Awa"), "webinar.rsvp", "1:going"))
            await fake.scheduled_event_user(event["id"], AWA, added=True)
            await fake.scheduled_event_user(event["id"], AWA, added=False)
            await interests.wait(4)
            assert await rsvp(app, AWA["id"]) == "going"  # interest never lowers a Going, nor removes it

            await run(app, ADMIN, 'webinar edit 1 start="2027-03-23 15:00"')
            await app.heartbeat.tick()
            await fake.wait_until(lambda: event["scheduled_start_time"].startswith("2027-03-23T14:00"))
            assert len(fake.scheduled_events) == 1  # edited, not created again
            await run(app, ADMIN, "webinar cancel 1")
            await app.heartbeat.tick()
            await fake.wait_until(lambda: event["status"] == 4)
    finally:
        await fake.close()


async def test_a_series_discord_cannot_repeat_moves_to_its_next_session(tmp_path: Path) -> None:
    fake = await FakeDiscord().start()
    try:
        async with app_for(door_settings(fake, tmp_path / "bot.db"), clock=SimClock(SATURDAY)) as (app, clock), \
                door(app, clock):
            await run(app, ADMIN, f'webinar create title="Claims clinic" start="2027-03-23 09:00" tz=UTC '
                                  f'link={LINK} repeat="every 3 weeks"')
            await app.heartbeat.tick()
            await fake.wait_until(lambda: bool(fake.scheduled_events))
            [event] = fake.scheduled_events.values()
            assert event["recurrence_rule"] is None and event["scheduled_start_time"].startswith("2027-03-23T09:00")
            await app.heartbeat.advance_to(clock, datetime(2027, 3, 23, 9, 30, tzinfo=UTC))
            await app.heartbeat.tick()
            await fake.wait_until(lambda: event["scheduled_start_time"].startswith("2027-04-13T09:00"))
            assert datetime.fromisoformat(event["scheduled_end_time"]) - datetime.fromisoformat(
                event["scheduled_start_time"]) == timedelta(minutes=60)
    finally:
        await fake.close()
