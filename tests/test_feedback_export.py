"""Export: CSV that round-trips through csv.DictReader, JSON, --since and --out, through the real CLI."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.services.feedback.report import EXPORT_FIELDS
from tests.conftest import ConsoleFactory

TRICKY = 'Le bouton "Valider", puis\nune 2e ligne; =SUM(A1) @here «ok» — 30%'


async def file_three(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await session.send(":join ines fr", ":as ines", "/feedback", ":click 4")
        await session.send("3", "4", TRICKY, "", "non")
        await session.send(":advance 10d", "/feedback anonyme traduction manquante", ":click 1", ":advance 1d")
        await session.send("/feedback tout va bien", ":as admin", "/feedback set FB-0003 declined")


async def test_csv_export_round_trips(console: ConsoleFactory, settings, tmp_path: Path,  # type: ignore[no-untyped-def]
                                      capsys: pytest.CaptureFixture[str]) -> None:
    await file_three(console)
    args = ["--env-file", "/dev/null", "feedback", "export", "--format", "csv", "--db", settings.db_path]
    assert await asyncio.to_thread(main, args) == 0  # the CLI runs its own event loop
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["reference"] for r in rows] == ["FB-0001", "FB-0002", "FB-0003"]
    assert tuple(rows[0]) == EXPORT_FIELDS
    first = rows[0]
    assert first["description"] == TRICKY
    assert (first["category"], first["module"], first["rating"], first["status"]) == ("feature", "claim", "4", "new")
    assert (first["anonymous"], first["source"], first["steps"], first["created_at"]) == (
        "false", "form", "", "2026-12-01T08:00:00+00:00")
    assert rows[1]["anonymous"] == "true" and rows[1]["created_at"] == "2026-12-11T00:00:00+00:00"
    assert rows[2]["status"] == "declined"
    assert not any("ines" in value for row in rows for value in row.values())  # no identity is exported


async def test_json_export_with_since_to_a_file(console: ConsoleFactory, settings, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                capsys: pytest.CaptureFixture[str]) -> None:
    await file_three(console)
    out = tmp_path / "fb.json"
    args = ["--env-file", "/dev/null", "feedback", "export", "--format", "json", "--since", "2026-12-05",
            "--out", str(out), "--db", settings.db_path]
    code = await asyncio.to_thread(main, args)
    assert code == 0
    assert "2 feedback item(s) written" in capsys.readouterr().err
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [d["reference"] for d in data] == ["FB-0002", "FB-0003"]
    assert data[0]["anonymous"] is True and data[0]["rating"] is None


def test_export_refuses_a_missing_database_and_a_bad_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--env-file", "/dev/null", "feedback", "export", "--db", str(tmp_path / "none.db")]) == 2
    assert "no database at" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()
    with pytest.raises(SystemExit):
        main(["--env-file", "/dev/null", "feedback", "export", "--since", "yesterday"])
    assert "not a date like 2026-12-01" in capsys.readouterr().err


def test_weekly_trend_counts_by_monday() -> None:
    from datetime import UTC, datetime

    from bot.services.feedback.report import week_starts, weekly_trend

    now = datetime(2026, 12, 9, 15, 0, tzinfo=UTC)  # a Wednesday
    starts = week_starts(now, 3)
    assert [s.date().isoformat() for s in starts] == ["2026-11-23", "2026-11-30", "2026-12-07"]
    created = [now, now - timedelta(days=2), now - timedelta(days=3), datetime(2026, 11, 1, tzinfo=UTC)]
    assert [n for _, n in weekly_trend(created, starts)] == [0, 1, 2]
