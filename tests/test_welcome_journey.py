"""The issue's "Done when" journey through the console door: join -> French welcome DM with buttons ->
profile through buttons -> /profile -> :advance 3d delivers the day-3 follow-up once -> /forget-me
leaves no trace (every table inspected). Also: a replayed join sends nothing new."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import App, lifespan
from bot.core.clock import SimClock
from bot.core.model import Actor, MemberJoined
from bot.platforms.console.door import ConsoleDoor
from bot.settings import Settings

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


class Console:
    """A console door on a StringIO; `run` feeds lines and returns what was printed."""

    def __init__(self, app: App, clock: SimClock) -> None:
        self.app, self.clock, self.out = app, clock, io.StringIO()
        self.door = ConsoleDoor(app, clock, self.out, "admin", "en")

    async def run(self, *lines: str) -> str:
        start = self.out.tell()
        for line in lines:
            await self.door.handle_line(line)
        self.out.seek(start)
        return self.out.read()

    async def rows(self, sql: str, *params: object) -> list[dict[str, object]]:
        return [dict(r) for r in await self.app.services.store.fetch_all(sql, params)]


@pytest.fixture
async def console(tmp_path: Path) -> AsyncIterator[Console]:
    clock = SimClock(START)
    async with lifespan(settings=Settings(db_path=str(tmp_path / "bot.db")), clock=clock) as app:
        yield Console(app, clock)


async def fill_profile_through_buttons(c: Console) -> str:
    """Amina answers every onboarding step with buttons (and one typed answer, through its form)."""
    out = await c.run(":as amina", ":click 2")  # Français
    assert "Je vous écrirai en français" in out and "(1/8)" in out
    out = await c.run(":click 2")  # role: developer
    assert "(2/8)" in out and "[1] Cameroun" in out
    out = await c.run(":click 1")  # country: Cameroun
    assert "(3/8)" in out
    out = await c.run(":click 1", "   Ministère   de la Santé  ")  # organisation, typed into a one-field form
    assert "(4/8)" in out and "Phase pilote" in out
    out = await c.run(":click 4")  # stage: pilot
    assert "(5/8)" in out
    out = await c.run(":click 1", ":click 2")  # languages: en, fr (toggles)
    assert "✓ anglais" in out and "✓ français" in out
    out = await c.run(":click 8")  # Done
    assert "(6/8)" in out
    out = await c.run(":click 2", ":click 11")  # interests: claims, then Done
    assert "✓ Prestations" in out and "(7/8)" in out and "Africa/Douala (suggéré)" in out
    out = await c.run(":click 1")  # timezone: the suggestion from her country
    assert "(8/8)" in out
    return await c.run(":click 1")  # consent: yes


async def test_done_when_journey(console: Console) -> None:
    c = console
    out = await c.run(":join amina fr")
    assert "[DM amina] Bienvenue, amina" in out
    assert "[1] English  [2] Français" in out
    assert "#ask-openimis" in out and "https://openimis.org" in out

    out = await fill_profile_through_buttons(c)
    assert "votre profil est complet" in out
    assert "C'est fait ! Au prochain tour" in out  # her "yes" enrolled her in peer matching
    assert len(await c.rows("SELECT * FROM peer_participants WHERE status = 'active'")) == 1

    out = await c.run("/profile")
    for expected in ("Rôle : Développeur", "Pays : Cameroun", "Organisation : Ministère de la Santé",
                     "Étape de mise en œuvre : Phase pilote", "Langues : anglais, français",
                     "Intérêts : Prestations", "Fuseau horaire : Africa/Douala",
                     "Mise en relation avec des pairs : oui"):
        assert expected in out, expected

    out = await c.run(":advance 3d")
    assert out.count("une petite astuce") == 1
    assert "[1] Ne plus recevoir ces conseils" in out
    out = await c.run(":advance 1d", ":advance 12h")
    assert "une petite astuce" not in out
    # She already agreed to peer matching: the day-10 "meet a peer?" follow-up is skipped.
    out = await c.run(":advance 7d")
    assert "rencontrer un pair" not in out
    member = (await c.rows("SELECT id FROM members WHERE user_id = 'amina'"))[0]["id"]
    sent = await c.rows("SELECT status FROM outbox WHERE idempotency_key = ?", f"welcome:{member}:followup:faq-tip")
    assert sent == [{"status": "sent"}]

    out = await c.run("/forget-me")
    assert "[1] Oui, oubliez-moi" in out
    out = await c.run(":click 1")
    assert "vos données personnelles ont été effacées" in out
    assert "sans destinataire ni contenu" in out
    await assert_no_trace(c, ("amina", "Ministère", "Africa/Douala"))
    assert await c.rows("SELECT * FROM profiles") == []
    assert await c.rows("SELECT * FROM welcome_followups") == []
    assert await c.rows("SELECT * FROM peer_participants") == []


async def assert_no_trace(c: Console, needles: tuple[str, ...]) -> None:
    """Every table, every column, every row: none of the needles appears (case-insensitive)."""
    tables = [r["name"] for r in await c.rows("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert {"members", "profiles", "outbox", "welcome_followups", "processed_events", "kv"} <= set(tables)
    for table in tables:
        for row in await c.rows(f'SELECT * FROM "{table}"'):
            text = json.dumps(row, ensure_ascii=False, default=str).lower()
            for needle in needles:
                assert needle.lower() not in text, (table, row)


async def test_replayed_join_sends_nothing_new(console: Console) -> None:
    c = console
    first = await c.run(":join amina fr")
    assert "Bienvenue" in first
    before = await c.rows("SELECT idempotency_key, status FROM outbox ORDER BY id")
    again = await c.run(":join amina fr", ":join amina fr")
    assert "Bienvenue" not in again
    assert await c.rows("SELECT idempotency_key, status FROM outbox ORDER BY id") == before
    assert len(await c.rows("SELECT * FROM welcome_followups")) == 1


async def test_replayed_join_after_restart_sends_nothing_new(tmp_path: Path) -> None:
    settings = Settings(db_path=str(tmp_path / "bot.db"))
    event = MemberJoined(Actor("console", "amina", "amina", platform_locale="fr"), event_id="join:amina")
    clock = SimClock(START)
    async with lifespan(settings=settings, clock=clock) as app:
        await app.dispatcher.handle(event)
        keys = [r[0] for r in await app.services.store.fetch_all("SELECT idempotency_key FROM outbox")]
    async with lifespan(settings=settings, clock=clock) as app:
        await app.dispatcher.handle(event)
        again = [r[0] for r in await app.services.store.fetch_all("SELECT idempotency_key FROM outbox")]
    assert keys == again == ["welcome:1:dm"]


async def test_followup_next_due_is_exact_and_sent_once(console: Console) -> None:
    c = console
    await c.run(":join ben en")
    job = next(j for j in c.app.routes.jobs if j.name == "welcome.followups")
    assert await job.next_due(c.app.services, START) == START + timedelta(days=3)
    await job.run(c.app.services, START + timedelta(days=3))
    await job.run(c.app.services, START + timedelta(days=3))
    assert await job.next_due(c.app.services, START) == START + timedelta(days=10)
    keys = [r["idempotency_key"] for r in await c.rows("SELECT idempotency_key FROM outbox ORDER BY id")]
    assert keys == ["welcome:1:dm", "welcome:1:followup:faq-tip"]
    out = await c.run(":advance 10d")
    assert out.count("Would you like to meet a peer?") == 1
    assert await job.next_due(c.app.services, START) is None


async def test_stop_tips_button_stops_the_sequence(console: Console) -> None:
    c = console
    await c.run(":join ben en", ":as ben")
    out = await c.run(":advance 3d")
    assert "a quick tip" in out
    out = await c.run(":click 1")
    assert "will not send you any more welcome tips" in out
    out = await c.run(":click 1")  # the old button again: harmless
    assert "nothing to stop" in out
    out = await c.run(":advance 10d")
    assert "meet a peer" not in out
