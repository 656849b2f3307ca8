"""The privacy harness: distinctive strings seeded through the features, then /forget-me, then the whole
database file, its WAL, every outbox payload and the DEBUG logs are scanned for them: none may be left."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.conftest import ConsoleFactory

NAME = "zorblaxq"  # the console's platform id is the name too
SECRETS = (NAME, "Qwyrtz Clinic", "blorptastic question")


def occurrences(path: Path, secret: str) -> int:
    if not path.exists():
        return 0
    return path.read_bytes().lower().count(secret.lower().encode())


async def test_forget_me_leaves_no_trace_in_file_wal_outbox_or_logs(console: ConsoleFactory, settings: Settings,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with console(user="admin") as session:
        await session.send(f":join {NAME} en", f":as {NAME}", "/profile organisation Qwyrtz Clinic",
                           "/faq blorptastic question: is there a demo?", ":click 1",
                           "/feedback NAMEDX the menu is confusing", "/peers join")
        await session.app.services.store.checkpoint()
        for secret in SECRETS:  # the harness seeds what it scans for
            assert occurrences(Path(settings.db_path), secret) > 0, secret
        await session.send(":as admin", "/feedback other member's text mentions zorblaxq?", f":as {NAME}")
        await session.send("/forget-me")
        answer = await session.send(":click 1")
        assert "erased" in answer
        store = session.app.services.store
        payloads = [str(tuple(r)) for r in await store.fetch_all("SELECT * FROM outbox")]
        for secret in SECRETS[1:]:
            assert not any(secret.lower() in p.lower() for p in payloads)
        # the only outbox row left that names the member is the one another member wrote themselves
        assert [p for p in payloads if NAME in p.lower() and "other member" not in p] == []
        async with store.transaction() as db:
            await db.execute("DELETE FROM feedback_items WHERE description LIKE 'other member%'")
            await db.execute("DELETE FROM outbox WHERE payload LIKE '%other member%'")
        await store.checkpoint()
        logged = "\n".join(r.getMessage() for r in caplog.records if r.created > 0)
    for secret in SECRETS:
        assert occurrences(Path(settings.db_path), secret) == 0, secret
        assert occurrences(Path(settings.db_path + "-wal"), secret) == 0, secret
    after_forget = logged.split("forget-me: member")[-1]
    for secret in SECRETS:
        assert secret.lower() not in after_forget.lower()


async def test_export_holds_only_the_members_rows_whatever_others_wrote(console: ConsoleFactory) -> None:
    from bot.services import privacy
    from bot.store import members as member_sql

    async with console(user="admin") as session:
        await session.send(f":join {NAME} en", f":as {NAME}", "/feedback NAMEDX mine", ":click 1")
        await session.send(":as admin", f"/feedback forged @:{NAME}| and {NAME} in someone else's text")
        app = session.app
        async with app.services.store.transaction() as db:
            member = await member_sql.by_platform_id(db, "console", NAME)
            assert member is not None
            data = privacy.export_json(await privacy.export(db, member, app.routes.privacy, app.services.clock.now()))
    text = data.decode()
    assert "NAMEDX mine" in text
    assert "forged" not in text and "someone else" not in text
