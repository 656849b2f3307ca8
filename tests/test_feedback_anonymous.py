"""Anonymous means anonymous: no table and no log line links an anonymous item to its author."""

from __future__ import annotations

import logging

import pytest

from bot.core.model import Actor, FormSubmitted
from bot.store import feedback as feedback_sql
from bot.store import members as member_sql
from tests.conftest import ConsoleFactory

SECRET_USER = "zoe-7731"  # the console uses the name as platform user id and display name


async def every_row(session) -> dict[str, list[dict[str, object]]]:  # type: ignore[no-untyped-def]
    store = session.app.services.store
    tables = [r[0] for r in await store.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: [dict(r) for r in await store.fetch_all(f'SELECT * FROM "{t}"')] for t in tables}


async def test_anonymous_items_store_and_log_no_identity(console: ConsoleFactory,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)  # the production level (aiosqlite logs SQL parameters at DEBUG: see bot/cli.py)
    async with console(user="admin") as session:
        await session.send(f":join {SECRET_USER} fr", f":as {SECRET_USER}", "/feedback", ":click 1")
        answer = await session.send("2", "5", "La recherche d'assurés plante", "Assurés > Rechercher", "oui")
        assert "enregistré anonymement sous la référence FB-0001" in answer
        assert "anonymous" in answer and SECRET_USER not in answer.split("[#product]")[1]
        second = await session.send("/feedback anonyme tout est lent")
        assert "enregistré anonymement sous la référence FB-0002" in second
        await session.send(":as admin", ":click 2", "/feedback set FB-0001 done corrigé en 24.10", ":advance 2d")

        async with session.app.services.store.transaction() as db:
            member = await member_sql.by_name(db, "console", SECRET_USER)
            items = await feedback_sql.search(db)
        assert member is not None and len(items) == 2
        assert all(i.member_id is None and i.anonymous for i in items)
        assert all(i.created_at.hour == 0 and i.created_at.minute == 0 for i in items)  # kept to the day only

        tables = await every_row(session)
        assert {"feedback_items", "feedback_changes", "outbox", "members"} <= set(tables)
        feedback_marks = ("feedback", "FB-000", "La recherche d'assurés plante", "trop lent")
        for table, rows in tables.items():
            for row in rows:
                text = " ".join(str(v) for v in row.values())
                names_member = SECRET_USER in text or any(
                    "member" in column and value == member.id for column, value in row.items())
                if table.startswith("feedback_"):
                    assert not names_member, (table, row)
                elif names_member:  # other features may know the member, but never next to their feedback
                    assert not any(mark in text for mark in feedback_marks), (table, row)
        # anonymous items get no status DMs
        assert not [r for r in tables["outbox"] if r["kind"] == "dm" and "feedback" in r["idempotency_key"]]
        mine = await session.send(f":as {SECRET_USER}", "/feedback mes")
        assert "aucun retour à votre nom" in mine
        status = await session.send("/feedback statut FB-0001")
        assert "FB-0001 : Réalisé" in status and "Note de l'équipe produit : corrigé en 24.10" in status
        assert "La recherche d'assurés plante" not in status  # the text is shown to its author and admins only

    logged = [r.getMessage() for r in caplog.records]
    assert any(f"member {member.id} welcomed" in m for m in logged)  # the capture works
    # an anonymous filing is not logged at all: its time would sit among the author's own lines
    assert not any("filed" in m for m in logged)
    feedback_logs = [m for m in logged if "feedback" in m]
    for message in feedback_logs:
        assert SECRET_USER not in message and f"member {member.id}" not in message, message


async def test_a_non_anonymous_item_does_record_its_author(console: ConsoleFactory) -> None:
    """The inspection above can fail: the same checks find the author of a named item."""
    async with console(user="admin") as session:
        await session.send(f":join {SECRET_USER} en", f":as {SECRET_USER}", "/feedback the menu is confusing")
        tables = await every_row(session)
        assert [r["member_id"] for r in tables["feedback_items"]] != [None]
        assert any(SECRET_USER in " ".join(map(str, r.values())) for r in tables["outbox"])


async def test_anonymous_form_values_arrive_as_booleans(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        event = FormSubmitted(Actor("console", "yan", "yan"), "feedback.item",
                              {"category": "bug", "rating": None, "description": "x crashes", "anonymous": True},
                              state="claim")
        reply = await session.app.dispatcher.handle(event)
        assert "anonymously as FB-0001" in reply.text  # type: ignore[union-attr]
        row = await session.app.services.store.fetch_one("SELECT member_id, module FROM feedback_items")
        assert row is not None and (row[0], row[1]) == (None, "claim")
