"""The round cadence: exact due times in the community timezone (DST included), catch-up after downtime,
and check-in/end times of a round."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services.peers import first_weekday_slot, latest_slot_until, round_times, slot_after
from bot.settings import Settings


def test_first_slot_is_the_next_round_weekday_at_the_round_time_in_the_community_zone() -> None:
    douala = Settings(community_timezone="Africa/Douala")  # UTC+1
    tuesday = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert first_weekday_slot(douala, tuesday) == datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    monday_early = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    assert first_weekday_slot(douala, monday_early) == datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    monday_late = datetime(2026, 12, 7, 8, 1, tzinfo=UTC)
    assert first_weekday_slot(douala, monday_late) == datetime(2026, 12, 14, 8, 0, tzinfo=UTC)
    friday = Settings(peers_round_weekday=4, peers_round_time="15:30")
    assert first_weekday_slot(friday, tuesday) == datetime(2026, 12, 4, 15, 30, tzinfo=UTC)


def test_cadence_keeps_local_time_across_daylight_saving() -> None:
    paris = Settings(community_timezone="Europe/Paris")
    anchor = datetime(2027, 3, 15, 8, 0, tzinfo=UTC)  # Monday 09:00 CET
    assert slot_after(paris, anchor, anchor) == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)  # 09:00 CEST


def test_every_two_weeks_from_the_anchor_and_one_catch_up_after_downtime() -> None:
    settings = Settings()
    anchor = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert slot_after(settings, anchor, anchor) == anchor + timedelta(days=14)
    assert slot_after(settings, anchor, anchor + timedelta(days=20)) == anchor + timedelta(days=28)
    later = anchor + timedelta(days=45)  # the bot was down for three slots: run only the latest one
    assert latest_slot_until(settings, later, anchor) == anchor + timedelta(days=42)


def test_check_in_comes_three_days_before_the_end() -> None:
    start = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    checkin, ends = round_times(Settings(), start)
    assert (checkin, ends) == (start + timedelta(days=11), start + timedelta(days=14))
    weekly = Settings(peers_cadence_days=4)
    assert round_times(weekly, start) == (start + timedelta(days=2), start + timedelta(days=4))
