"""Old incoming event ids are forgotten once a day; recent ones still stop duplicates."""

from __future__ import annotations

from datetime import timedelta

from bot.store import members as member_sql


async def test_processed_event_ids_are_pruned_after_a_week(console) -> None:
    async with console(user="ana") as session:
        app = session.app
        clock = app.services.clock
        async with app.services.store.transaction() as db:
            assert await member_sql.first_time_seen(db, "slack", "Ev-old", clock.now())
        await session.send(":advance 6d")
        async with app.services.store.transaction() as db:
            assert await member_sql.first_time_seen(db, "slack", "Ev-new", clock.now())
            assert not await member_sql.first_time_seen(db, "slack", "Ev-old", clock.now())
        await session.send(":advance 2d")
        rows = await app.services.store.fetch_all("SELECT event_id FROM processed_events ORDER BY event_id")
        assert [r[0] for r in rows] == ["Ev-new"]
        assert await app.heartbeat.next_due() is not None
        job = next(j for j in app.routes.jobs if j.name == "housekeeping")
        due = await job.next_due(app.services, clock.now())
        assert due is not None and due - clock.now() <= timedelta(days=1)
