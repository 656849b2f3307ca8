"""The weekly digest (issue 21 #1): figures from the database, words and charts in both languages, /digest for
admins, the weekly post through the outbox (once per slot, across restarts), and `community-bot digest`."""

from __future__ import annotations

import asyncio
import logging
import struct
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import lifespan
from bot.cli import main
from bot.core.clock import SimClock
from bot.services.digest import collect
from bot.services.digest.job import DigestJob, latest_slot, render
from bot.settings import Settings
from tests.conftest import ConsoleFactory
from tests.fakes.desk_seed import seed

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # a Thursday


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return struct.unpack(">II", data[16:24])


async def test_figures_match_the_rows(settings: Settings) -> None:
    async with lifespan(settings=settings, clock=SimClock(NOW)) as app:
        await seed(app.services.store, NOW, members=60, items=30)
        digest = await collect(app.services, NOW, 7)
        store = app.services.store
        since = (NOW - timedelta(days=7)).isoformat()
        [[arrived]] = await store.fetch_all(
            "SELECT COUNT(*) FROM members WHERE joined_at >= ? AND platform != 'console'", (since,))
        [[filed]] = await store.fetch_all("SELECT COUNT(*) FROM feedback_items WHERE created_at >= ?", (since,))
        [[done]] = await store.fetch_all(
            "SELECT COUNT(*) FROM feedback_changes WHERE status = 'done' AND changed_at >= ?", (since,))
    assert digest.new_members == arrived > 0
    assert sum(digest.by_country.values()) == sum(digest.by_language.values()) == arrived
    assert sum(digest.onboarding.values()) == arrived
    assert len(digest.stalled_names) == digest.onboarding["stalled"]
    assert digest.feedback_total("filed") == filed and digest.feedback_total("done") == done
    assert digest.reminders_sent == 12
    [round_] = digest.rounds
    assert round_.groups == 3 and 0 < round_.met <= round_.answered <= round_.seats
    assert digest.top_voted and digest.top_voted[0].votes >= digest.top_voted[-1].votes
    assert all(v.item.status in ("new", "triaged", "planned") for v in digest.top_voted)


async def test_words_and_charts_in_each_language(settings: Settings) -> None:
    async with lifespan(settings=settings, clock=SimClock(NOW)) as app:
        await seed(app.services.store, NOW)
        digest = await collect(app.services, NOW, 7)
        english, charts_en = render(app.services, digest, "en", names=False)
        french, charts_fr = render(app.services, digest, "fr", names=True)
    assert english.summary().startswith("Community digest, Thursday 26 November 2026 to Thursday 3 December 2026")
    assert "Synthèse de la communauté, du jeudi 26 novembre 2026 au jeudi 3 décembre 2026" in french.summary()
    assert "Nouveaux membres\u00a0:" in french.summary() and "Retours\u00a0: reçus" in french.summary()
    assert ("Member " in french.summary()) == bool(digest.stalled_names)  # names only when asked
    assert "Member " not in english.summary()
    assert [c.name for c in charts_en] == [c.name for c in charts_fr] == [
        "members.png", "onboarding.png", "faq.png", "webinars.png", "peers.png", "feedback.png"]
    for chart in charts_en + charts_fr:
        width, height = png_size(chart.png)
        assert width > 300 and height > 100
    assert charts_en[0].png != charts_fr[0].png  # labels differ by language
    assert charts_fr[5].caption == "Retours par module et par portée"


async def test_an_empty_week_has_a_summary_and_no_charts(settings: Settings) -> None:
    async with lifespan(settings=settings, clock=SimClock(NOW)) as app:
        writer, charts = render(app.services, await collect(app.services, NOW, 7), "fr", names=True)
    assert charts == []
    assert "Nouveaux membres\u00a0: aucun." in writer.summary()
    assert "Rencontres entre pairs\u00a0: aucun tour en cours." in writer.summary()


async def test_digest_command_is_for_admins_and_understood_in_french(console: ConsoleFactory, clock: SimClock) -> None:
    async with console(user="ana") as session:
        refused = await session.send("/digest")
    assert "Community digest" not in refused
    async with console(user="admin", lang="fr") as session:
        await seed(session.app.services.store, clock.now(), members=20, items=10)
        out = await session.send("/synthese")
        bad = await session.send("/synthese cent")
    assert "Synthèse de la communauté" in out
    assert "members.png" in out and "feedback.png" in out  # the charts, saved as console files
    assert "Indiquez un nombre de jours entre 1 et 366" in bad


async def outbox_digest_rows(app) -> list[str]:  # type: ignore[no-untyped-def]
    rows = await app.services.store.fetch_all(
        "SELECT idempotency_key FROM outbox WHERE idempotency_key LIKE 'digest:%' ORDER BY idempotency_key")
    return [str(r[0]) for r in rows]


async def test_the_weekly_post_goes_out_once_per_slot_across_restarts(settings: Settings) -> None:
    settings = replace(settings, slack_bot_token="xoxb-test", slack_channels={"coordination": "C0DESK"},
                       digest_weekday=0, digest_time="08:00", community_timezone="Europe/Paris")
    clock = SimClock(NOW)
    job = DigestJob()
    async with lifespan(settings=settings, clock=clock) as app:
        await seed(app.services.store, NOW, members=20, items=10)
        due = await job.next_due(app.services, clock.now())
        assert due == datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # Monday 08:00 in Paris
        await job.run(app.services, clock.now())
        assert await outbox_digest_rows(app) == []  # nothing before the slot
        clock.set(due + timedelta(minutes=1))
        await job.run(app.services, clock.now())
        first = await outbox_digest_rows(app)
    assert first[0] == "digest:2026-12-07T07:00:00+00:00:slack:0" and len(first) == 7  # summary + 6 charts
    async with lifespan(settings=settings, clock=clock) as app:  # a restart in the same week
        await job.run(app.services, clock.now())
        assert await outbox_digest_rows(app) == first
        assert await job.next_due(app.services, clock.now()) == datetime(2026, 12, 14, 7, 0, tzinfo=UTC)
        clock.set(datetime(2027, 1, 5, 12, 0, tzinfo=UTC))  # three weeks down: only the latest slot is posted
        await job.run(app.services, clock.now())
        rows = await outbox_digest_rows(app)
    later = [r for r in rows if r not in first]
    assert later == ["digest:2027-01-04T07:00:00+00:00:slack:0"]  # a quiet week: the summary, no charts


async def test_a_platform_without_the_channel_is_skipped_and_said_once(settings: Settings,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    settings = replace(settings, slack_bot_token="xoxb-test", discord_token="discord-test",
                       slack_channels={"coordination": "C0DESK"}, discord_channels={"announcements": "42"},
                       digest_weekday=0, digest_time="08:00", community_timezone="Europe/Paris")
    clock = SimClock(NOW)
    job = DigestJob()
    async with lifespan(settings=settings, clock=clock) as app:
        due = await job.next_due(app.services, clock.now())
        for week in range(2):
            clock.set(due + timedelta(days=7 * week, minutes=1))
            with caplog.at_level(logging.WARNING, logger="bot.services.digest.job"):
                await job.run(app.services, clock.now())
        rows = await outbox_digest_rows(app)
    assert rows and all(":slack:" in key for key in rows)  # nothing queued for Discord, bound to fail
    assert {key.split(":slack:")[0] for key in rows} == {"digest:2026-12-07T07:00:00+00:00",
                                                         "digest:2026-12-14T07:00:00+00:00"}
    warnings = [r.getMessage() for r in caplog.records if "digest" in r.getMessage()]
    assert len(warnings) == 1 and "no discord channel named 'coordination'" in warnings[0]


def test_latest_slot_keeps_the_wall_clock_time_across_dst(settings: Settings) -> None:
    from bot.services.digest.job import slot_after

    class S:
        settings = replace(Settings(), community_timezone="Europe/Paris", digest_weekday=0, digest_time="08:00")

    summer = latest_slot(S(), datetime(2026, 10, 20, 12, 0, tzinfo=UTC))  # type: ignore[arg-type]
    assert summer == datetime(2026, 10, 19, 6, 0, tzinfo=UTC)
    assert slot_after(S(), summer) == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)  # type: ignore[arg-type]


async def seed_now(settings: Settings) -> None:
    async with lifespan(settings=settings, clock=SimClock(datetime.now(UTC))) as app:
        await seed(app.services.store, datetime.now(UTC), members=30, items=15)


def test_cli_writes_markdown_and_charts(settings: Settings, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    asyncio.run(seed_now(settings))
    out = tmp_path / "digest"
    assert main(["--env-file", "", "digest", "--db", settings.db_path, "--lang", "fr", "--out", str(out)]) == 0
    markdown = (out / "digest.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Synthèse de la communauté")
    assert "![Nouveaux membres](members.png)" in markdown
    assert "Webinar 1: claims $ & <review>" not in markdown  # member text escaped in Markdown
    for name in ("members.png", "feedback.png"):
        assert png_size((out / name).read_bytes())[0] > 300
    assert str(out / "digest.md") in capsys.readouterr().out
    assert main(["--env-file", "", "digest", "--db", settings.db_path, "--days", "0", "--out", str(out)]) == 2


def test_digest_settings_are_checked() -> None:
    import pytest

    from bot.settings import SettingsError

    settings = Settings.from_env({"BOT_DIGEST_WEEKDAY": "Friday", "BOT_DIGEST_TIME": "7:30"}, env_file=None)
    assert (settings.digest_weekday, settings.digest_time, settings.digest_channel) == (4, "07:30", "coordination")
    with pytest.raises(SettingsError, match="BOT_DIGEST_WEEKDAY"):
        Settings.from_env({"BOT_DIGEST_WEEKDAY": "vendredi"}, env_file=None)
    with pytest.raises(SettingsError, match="BOT_DIGEST_TIME"):
        Settings.from_env({"BOT_DIGEST_TIME": "25:00"}, env_file=None)
