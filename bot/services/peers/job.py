"""The peer-matching due job (rounds, check-ins, closing rounds) and the statistics admins see."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.i18n import locale_of
from bot.core.model import Destination
from bot.core.text import mention
from bot.services.peers import latest_slot_until, next_scheduled, run_round, text
from bot.services.shared import Shared
from bot.store import peers as sql
from bot.store import profiles as profile_sql

log = logging.getLogger(__name__)


class PeersJob:
    """Closes ended rounds (pausing who ignored too many check-ins), sends check-ins, runs due rounds."""

    name = "peers.rounds"

    async def run(self, services: Shared, now: datetime) -> None:
        """Send due check-ins and close ended rounds, then start the scheduled round when due."""
        async with services.store.transaction() as db:
            checkins, ended = await sql.rounds_due(db, now)
        for round_ in checkins:
            if round_ not in ended:
                await send_checkins(services, round_.id)
        for round_ in ended:  # a round that ended before its check-in went out (bot down) counts no one
            await close_round(services, round_.id, count_ignored=round_.checkin_sent)
        async with services.store.transaction() as db:
            due = await next_scheduled(db, services.settings)
        if due is not None and due <= now:
            await run_round(services, "scheduled", latest_slot_until(services.settings, now, due))

    async def next_due(self, services: Shared, now: datetime) -> datetime | None:
        """The earliest of the next check-in, round end or scheduled round."""
        async with services.store.transaction() as db:
            times = [await sql.next_round_event(db), await next_scheduled(db, services.settings)]
        return min((t for t in times if t is not None), default=None)


async def send_checkins(services: Shared, round_id: int) -> int:
    """'Did you meet?' to everyone in the round's groups; returns how many were queued."""
    queued = 0
    async with services.store.transaction() as db:
        seats = await sql.seats(db, round_id)
        members = await sql.members(db, sorted({s.member_id for s in seats}))
        by_group: dict[int, list[int]] = defaultdict(list)
        for seat in seats:
            by_group[seat.group_id].append(seat.member_id)
        for group_id, ids in by_group.items():
            for member_id in ids:
                member = members[member_id]
                others = [mention(members[o].user_id, members[o].display_name) for o in ids if o != member_id]
                reply = text.checkin(services.catalogs, locale_of(member, services.settings.default_locale),
                                     group_id, others)
                queued += await services.outbox.enqueue(db, f"peers:{round_id}:checkin:{member_id}",
                                                        Destination.dm(member), reply)
        await sql.mark_round(db, round_id, checkin_sent=True)
    return queued


async def close_round(services: Shared, round_id: int, count_ignored: bool = True) -> list[int]:
    """Count ignored check-ins; pause (with a friendly note and a come-back button) who reached the limit."""
    settings, now = services.settings, services.clock.now()
    async with services.store.transaction() as db:
        paused = (await sql.count_ignored(db, round_id, settings.peers_pause_after_ignored, now)
                  if count_ignored else [])
        members = await sql.members(db, paused)
        for member_id in paused:
            member = members[member_id]
            reply = text.paused(services.catalogs, locale_of(member, settings.default_locale),
                                settings.peers_pause_after_ignored)
            await services.outbox.enqueue(db, f"peers:{round_id}:paused:{member_id}", Destination.dm(member), reply)
        await sql.mark_round(db, round_id, closed=True)
    if paused:
        log.info("peers: round %d closed, %d member(s) paused after ignored check-ins", round_id, len(paused))
    return paused


@dataclass
class Rate:
    """Groups or seats, how many answered the check-in and how many met."""

    total: int = 0
    answered: int = 0
    met: int = 0

    @property
    def percent(self) -> int:
        """The share of answers that said they met, in percent."""
        return round(100 * self.met / self.answered) if self.answered else 0


@dataclass
class Stats:
    """Peer-matching figures for /peers stats and the dashboard."""

    participants: Counter[str] = field(default_factory=Counter)
    snoozed: int = 0
    rounds: int = 0
    groups: Rate = field(default_factory=Rate)
    answers: Counter[str] = field(default_factory=Counter)
    by_stage: dict[str, Rate] = field(default_factory=lambda: defaultdict(Rate))
    by_language: dict[str, Rate] = field(default_factory=lambda: defaultdict(Rate))


async def stats(services: Shared) -> Stats:
    """Participants, rounds, groups, meeting rate (groups where someone said yes, of groups that answered)."""
    now = services.clock.now()
    result = Stats()
    async with services.store.transaction() as db:
        await sql.enrol_consenting(db, now)
        people = await sql.all_participants(db)
        seats = await sql.all_seats(db)
        result.rounds = await sql.round_count(db)
        profiles = await profile_sql.get_many(db, sorted({s.member_id for s in seats}))
    for p in people:
        result.participants[p.status] += 1
        result.snoozed += bool(p.status == "active" and p.snoozed_until and p.snoozed_until > now)
    groups: dict[int, list[sql.GroupSeat]] = defaultdict(list)
    for seat in seats:
        groups[seat.group_id].append(seat)
        result.answers[seat.answer or "none"] += 1
        stage = profiles[seat.member_id].stage if seat.member_id in profiles else None
        _count(result.by_stage[stage or "?"], [seat])
    for members in groups.values():
        _count(result.groups, members)
        _count(result.by_language[members[0].language or "?"], members)
    return result


def _count(rate: Rate, seats: list[sql.GroupSeat]) -> None:
    rate.total += 1
    rate.answered += any(s.answer for s in seats)
    rate.met += any(s.answer == "yes" for s in seats)
