"""erase_member: a member's feedback stays for the product team but no longer points to them."""

from __future__ import annotations

from bot.store import feedback as feedback_sql
from bot.store import members as member_sql
from tests.conftest import ConsoleFactory

FEEDBACK_DMS = "SELECT idempotency_key, status FROM outbox WHERE target = ? AND idempotency_key LIKE 'feedback:%'"


async def test_erase_member_unlinks_items_changes_and_pending_updates(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await session.send(":join omar fr", ":as omar", "/feedback premier retour ici", ":advance 3h",
                           "/feedback second retour ici", ":as boss", "/feedback boss writes too")
        await session.send(":admin omar", ":as omar", "/feedback set FB-0003 triaged")
        services = session.app.services
        async with services.store.transaction() as db:
            omar = await member_sql.by_name(db, "console", "omar")
            boss = await member_sql.by_name(db, "console", "boss")
        assert omar is not None and boss is not None
        await services.feedback.change_status(omar, 1, "planned")  # its DM to omar is still queued
        queued = await services.store.fetch_all(FEEDBACK_DMS, ("omar",))
        assert [tuple(r) for r in queued] == [("feedback:1:change:1:dm", "pending")]
        async with services.store.transaction() as db:
            unlinked = await feedback_sql.erase_member(db, omar.id)
            items = await feedback_sql.search(db, newest_first=False)
        assert unlinked == 2
        assert [(i.id, i.anonymous, i.member_id) for i in items] == [(1, True, None), (2, True, None),
                                                                     (3, False, boss.id)]
        assert items[1].created_at.hour == 0  # filing time kept to the day, like any anonymous item
        admins = await services.store.fetch_all("SELECT admin_member_id FROM feedback_changes ORDER BY id")
        assert [r[0] for r in admins] == [None, None]
        left = await services.store.fetch_all(FEEDBACK_DMS, ("omar",))
        assert [tuple(r) for r in left] == []  # the pending "planned" DM to omar is dropped
        boss_dm = await services.store.fetch_all(FEEDBACK_DMS, ("boss",))
        assert [r[1] for r in boss_dm] == ["sent"]  # other members' messages are untouched
        assert "FB-0001 : Planifié" in await session.send("/feedback statut FB-0001")
        assert "aucun retour à votre nom" in await session.send("/feedback mes")


async def test_forget_me_keeps_feedback_anonymously(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await session.send(":join lea fr", ":as lea", "/feedback le menu est confus")
        data = await session.send("/mydata")
        assert "my-data-" in data
        await session.send("/forget-me")
        answer = await session.send(":click 1")
        assert "1 retour que vous avez envoyé, conservé pour l'équipe produit" in answer
        sql = "SELECT member_id, anonymous, description FROM feedback_items"
        row = await session.app.services.store.fetch_one(sql)
        assert row is not None and tuple(row) == (None, 1, "le menu est confus")
