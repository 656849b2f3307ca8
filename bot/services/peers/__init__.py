"""Peer-matching rounds: the cadence, planning a round per platform, intros, check-ins and pauses.

The database says what is due: the next cadence slot (after the last scheduled round and the first
participant), unsent check-ins and rounds not yet closed. Everything a member reads is queued in the
outbox in the same transaction as the change that causes it, under deterministic keys.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from bot.core.i18n import fmt_datetime, locale_of, zone
from bot.core.model import Destination, Member, Reply
from bot.core.taxonomy import STAGES
from bot.core.text import Safe, mention, timestamp
from bot.services.peers import text
from bot.services.peers.matching import Candidate, Plan, Why, explain, plan_round, utc_offset_minutes
from bot.services.shared import Shared
from bot.settings import Settings
from bot.store import peers as sql
from bot.store import profiles as profile_sql
from bot.store.db import Connection
from bot.store.profiles import Profile

log = logging.getLogger(__name__)


# ---- the cadence ------------------------------------------------------------------------------


def slot_at(settings: Settings, day: date) -> datetime:
    """The round time on `day` in the community timezone, as UTC."""
    hour, minute = (int(p) for p in settings.peers_round_time.split(":"))
    local = datetime.combine(day, time(hour, minute), tzinfo=zone(settings.community_timezone))
    return local.astimezone(UTC)


def first_weekday_slot(settings: Settings, floor: datetime) -> datetime:
    """The first round weekday and time at or after `floor` (where a new community's cadence starts)."""
    day = floor.astimezone(zone(settings.community_timezone)).date()
    day += timedelta(days=(settings.peers_round_weekday - day.weekday()) % 7)
    slot = slot_at(settings, day)
    return slot if slot >= floor else slot_at(settings, day + timedelta(days=7))


def slot_after(settings: Settings, anchor: datetime, after: datetime) -> datetime:
    """The first slot of the cadence that starts at `anchor` strictly after `after`."""
    tz = zone(settings.community_timezone)
    first = anchor.astimezone(tz).date()
    elapsed = (after.astimezone(tz).date() - first).days
    day = first + timedelta(days=max(0, elapsed // settings.peers_cadence_days) * settings.peers_cadence_days)
    while slot_at(settings, day) <= after:
        day += timedelta(days=settings.peers_cadence_days)
    return slot_at(settings, day)


def latest_slot_until(settings: Settings, now: datetime, due: datetime) -> datetime:
    """The last slot of the cadence through `due` that is not after `now`: a late start runs one round."""
    slot = due
    while (following := slot_after(settings, due, slot)) <= now:
        slot = following
    return slot


async def next_scheduled(db: Connection, settings: Settings) -> datetime | None:
    """When the next scheduled round is due: a cadence after the latest round, scheduled or manual (a
    manual round resets the cadence), or at the first round weekday after the first member joined (None
    while nobody has joined)."""
    latest = await sql.latest_start(db)
    if latest is None:
        first = await sql.first_join(db)
        return first_weekday_slot(settings, first) if first else None
    return next_after(settings, latest)


def next_after(settings: Settings, start: datetime) -> datetime:
    """The round time on the day a cadence after `start` (a round at 08:00 is not followed at 09:00)."""
    return slot_after(settings, start, start + timedelta(days=settings.peers_cadence_days - 1))


def round_times(settings: Settings, start: datetime) -> tuple[datetime, datetime]:
    """Check-in time and end of a round starting at `start`."""
    ends = start + timedelta(days=settings.peers_cadence_days)
    before = min(timedelta(days=settings.peers_checkin_days_before_end), (ends - start) / 2)
    return ends - before, ends


# ---- planning ---------------------------------------------------------------------------------


@dataclass
class Pool:
    """Everyone available for a round, by platform, with what the planner needs."""

    members: dict[int, Member] = field(default_factory=dict)
    profiles: dict[int, Profile] = field(default_factory=dict)
    candidates: dict[str, list[Candidate]] = field(default_factory=dict)
    history: dict[str, list[list[list[str]]]] = field(default_factory=dict)

    by_id: dict[int, Candidate] = field(default_factory=dict)
    busy: dict[int, tuple[int, datetime]] = field(default_factory=dict)  # member -> (open round, its end)


def candidate(member: Member, profile: Profile, wants_mentor: bool, excluded: set[int], at: datetime,
              default_tz: str) -> Candidate:
    """What the matcher knows of a member: stage, languages, country, interests, offset, exclusions."""
    return Candidate(
        id=str(member.id), stage=profile.stage if profile.stage in STAGES else None,
        languages=profile.languages, country=profile.country, interests=profile.interests,
        utc_offset_minutes=utc_offset_minutes(member.timezone or default_tz, at),
        exclude=tuple(str(x) for x in excluded), wants_mentor=wants_mentor)


async def load_pool(db: Connection, settings: Settings, at: datetime, skip_busy: bool = True) -> Pool:
    """Who a round at `at` can match; with `skip_busy`, not those in a group of a round still open."""
    await sql.enrol_consenting(db, at)
    busy = await sql.busy(db, at) if skip_busy else {}
    participants = await sql.available(db, at)
    ids = [p.member_id for p in participants]
    pool = Pool(await sql.members(db, ids), await profile_sql.get_many(db, ids))
    pool.busy = {p.member_id: busy[p.member_id] for p in participants if p.member_id in busy}
    excluded = await sql.exclusions(db)
    for p in participants:
        if p.member_id in busy:
            continue
        member, profile = pool.members.get(p.member_id), pool.profiles.get(p.member_id)
        if member is None or profile is None or not profile.peer_consent or not profile.languages:
            continue  # consent withdrawn (e.g. with /profile), or nothing to match a language on
        pool.by_id[member.id] = candidate(member, profile, p.wants_mentor, excluded.get(member.id, set()), at,
                                          settings.community_timezone)
        pool.candidates.setdefault(member.platform, []).append(pool.by_id[member.id])
    for platform in pool.candidates:
        past = await sql.history(db, platform, settings.peers_repeat_rounds)
        pool.history[platform] = [[[str(m) for m in g] for g in groups] for groups in past]
    return pool


def plan_pool(pool: Pool, settings: Settings) -> dict[str, Plan]:
    """One plan per platform (a group DM needs everyone on the same platform)."""
    return {platform: plan_round(members, pool.history.get(platform, []),
                                 repeat_window=settings.peers_repeat_rounds)
            for platform, members in sorted(pool.candidates.items())}


@dataclass(frozen=True)
class RoundSummary:
    """What a round recorded: its id, groups, unmatched members and score."""

    round_id: int
    groups: int
    unmatched: int
    score: int


async def run_round(services: Shared, kind: str, slot: datetime) -> RoundSummary | None:
    """Plan and record a round, queueing intros and notices, in one transaction (the pool planned is the pool
    recorded: nobody leaves or pauses in between); None if this slot already ran."""
    settings, now = services.settings, services.clock.now()
    starters = text.load_starters()  # read before the transaction: no file I/O while it holds the lock
    checkin_at, ends = round_times(settings, now)
    async with services.store.transaction() as db:
        pool = await load_pool(db, settings, now)
        plans = plan_pool(pool, settings)  # CPU only; it held the event loop as long before
        round_id = await sql.create_round(db, kind, slot, now, checkin_at, ends)
        if round_id is None:
            return None
        summary = RoundSummary(round_id, 0, 0, 0)
        for platform, plan in plans.items():
            summary = await _record(db, services, pool, round_id, platform, plan, ends, summary, starters)
        await sql.set_score(db, round_id, summary.score)
    log.info("peers: round %d (%s) planned %d group(s), %d unmatched", round_id, kind, summary.groups,
             summary.unmatched)
    return summary


async def _record(db: Connection, services: Shared, pool: Pool, round_id: int, platform: str,
                  plan: Plan, ends: datetime, summary: RoundSummary, starters: list[text.Starter]) -> RoundSummary:
    for group in plan.groups:
        ids = [int(x) for x in group]
        await _introduce(db, services, pool, round_id, platform, ids, ends, starters)
    for lone in plan.unmatched:
        member = pool.members[int(lone.id)]
        await sql.add_unmatched(db, round_id, member.id, lone.reason)
        locale = locale_of(member, services.settings.default_locale)
        await services.outbox.enqueue(db, f"peers:{round_id}:unmatched:{member.id}", Destination.dm(member),
                                      text.unmatched(services.catalogs, locale, lone.reason))
    return RoundSummary(round_id, summary.groups + len(plan.groups), summary.unmatched + len(plan.unmatched),
                        summary.score + plan.score)


async def _introduce(db: Connection, services: Shared, pool: Pool, round_id: int, platform: str,
                     ids: list[int], ends: datetime, starters: list[text.Starter]) -> None:
    members = [pool.members[i] for i in ids]
    profiles = [pool.profiles[i] for i in ids]
    default = services.settings.default_locale
    locales = [locale_of(m, default) for m in members]
    shared = set.intersection(*(set(p.languages) for p in profiles))
    language = text.group_language(shared, locales, default)
    group_id = await sql.add_group(db, round_id, platform, language or "", ids)
    why = explain([pool.by_id[i] for i in ids])
    names = [mention(m.user_id, m.display_name) for m in members]
    stages = [p.stage for p in profiles if p.stage]
    chosen = text.pick_starters(starters, set(stages), group_id)
    if language is not None:
        reply = _intro(services, language, names, why, stages, chosen, ends, None)
        target = ",".join(m.user_id for m in members)
        await services.outbox.enqueue(db, f"peers:{round_id}:intro:{group_id}",
                                      Destination(platform, "group", target), reply)
        return
    for member, locale in zip(members, locales, strict=True):  # no language the bot writes: one DM each
        reply = _intro(services, locale, names, why, stages, chosen, ends, member)
        await services.outbox.enqueue(db, f"peers:{round_id}:intro:{group_id}:{member.id}",
                                      Destination.dm(member), reply)


def _intro(services: Shared, locale: str, names: list[Safe], why: Why, stages: list[str],
           starters: list[text.Starter], ends: datetime, reader: Member | None) -> Reply:
    tz = (reader.timezone if reader else None) or services.settings.community_timezone
    when = timestamp(int(ends.timestamp()), fmt_datetime(ends, locale, tz))
    lines = text.why_lines(services.catalogs, locale, why, stages, locale if reader is None else None)
    return text.intro(services.catalogs, locale, names, lines, starters, when)
