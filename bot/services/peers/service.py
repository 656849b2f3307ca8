"""The peer-matching feature's service (/peers): each public method is one transaction; handlers/peers*.py
parse what members type and format the answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.model import Member
from bot.core.taxonomy import STAGES
from bot.services import roles
from bot.services.peers import Pool, candidate, load_pool, matching, next_scheduled, plan_pool, run_round
from bot.services.peers import RoundSummary as RoundSummary
from bot.services.peers.job import Stats, stats
from bot.services.peers.matching import Plan, Why
from bot.services.shared import Feature
from bot.store import members as member_sql
from bot.store import peers as sql
from bot.store import profiles as profile_sql
from bot.store.peers import ANSWERS as ANSWERS
from bot.store.peers import Participant
from bot.store.profiles import Profile as Profile

FIELDS = ("stage", "languages", "country", "interests", "consent")  # what matching needs, in form order


def missing(profile: Profile) -> list[str]:
    """Profile fields matching needs that are still empty, in form order."""
    gaps = {"stage": profile.stage not in STAGES, "languages": not profile.languages,
            "country": not profile.country, "interests": not profile.interests,
            "consent": not profile.peer_consent}
    return [name for name in FIELDS if gaps[name]]


@dataclass(frozen=True)
class Status:
    """Whether a member takes part (`me` None: never joined), their latest group and the next round."""

    me: Participant | None
    group: list[Member]  # the others in their latest group
    next_round: datetime | None


@dataclass(frozen=True)
class Suggestion:
    """A member suggested to talk to, and why."""

    member: Member
    why: Why
    stages: list[str]  # the suggested member's and the asker's stages


@dataclass(frozen=True)
class Joined:
    """What `/peers join` did: `refused` consent, else the `gaps` still missing (none: joined)."""

    refused: bool
    gaps: list[str]
    next_round: datetime | None


class PeersService(Feature):
    """The peer-matching feature: joining, pausing, status, suggestions and rounds."""

    async def status(self, member_id: int, now: datetime) -> Status:
        """Also enrols members who consented during onboarding."""
        async with self.store.transaction() as db:
            await sql.enrol_consenting(db, now)
            me = await sql.participant(db, member_id)
            seats = await sql.latest_group_of(db, member_id)
            people = await sql.members(db, [s.member_id for s in seats])
            due = await next_scheduled(db, self.settings)
        group = [people[s.member_id] for s in seats if s.member_id != member_id and s.member_id in people]
        return Status(me, group, due)

    async def taking_part(self, member_id: int) -> bool:
        """Whether the member is in peer matching (joined and not left)."""
        async with self.store.transaction() as db:
            me = await sql.participant(db, member_id)
        return me is not None and me.status != "left"

    async def leave(self, member_id: int, now: datetime) -> bool:
        """False when the member had not joined."""
        async with self.store.transaction() as db:
            await sql.enrol_consenting(db, now)
            return await sql.set_status(db, member_id, "left", now)

    async def snooze(self, member_id: int, until: datetime | None, now: datetime) -> bool:
        """Pause until `until` (None: resume now); False when the member had not joined."""
        async with self.store.transaction() as db:
            await sql.enrol_consenting(db, now)
            return await sql.snooze(db, member_id, until, now)

    async def resume(self, member_id: int, now: datetime) -> bool:
        """Take part again (keeping the mentor wish); False when the member had not joined."""
        async with self.store.transaction() as db:
            me = await sql.participant(db, member_id)
            if me is None:
                return False
            await sql.join(db, member_id, me.wants_mentor, now)
        return True

    async def suggest(self, member: Member, now: datetime) -> list[Suggestion] | None:
        """Up to three taking part whom `member` could contact now; None while their profile lacks what
        matching needs."""
        settings = self.settings
        async with self.store.transaction() as db:
            profile = await profile_sql.get(db, member.id)
            me = await sql.participant(db, member.id)
            pool = await load_pool(db, settings, now, skip_busy=False)  # someone in a round can still be contacted
            excluded = (await sql.exclusions(db)).get(member.id, set())
        if missing(profile):
            return None
        mine = candidate(member, profile, bool(me and me.wants_mentor), excluded, now, settings.community_timezone)
        best = matching.suggest(mine, pool.candidates.get(member.platform, []),
                                pool.history.get(member.platform, []), repeat_window=settings.peers_repeat_rounds)
        found = []
        for other, _ in best:
            person = pool.members[int(other.id)]
            stages = [s for s in (profile.stage, pool.profiles[person.id].stage) if s]
            found.append(Suggestion(person, matching.explain([mine, other]), stages))
        return found

    async def find_member(self, platform: str, name: str) -> Member | None:
        """A member of `platform` by user id or display name."""
        async with self.store.transaction() as db:
            return (await member_sql.by_platform_id(db, platform, name)
                    or await member_sql.by_name(db, platform, name))

    async def exclude(self, member_id: int, other_id: int, now: datetime) -> None:
        """Never match these two again."""
        async with self.store.transaction() as db:
            await sql.exclude(db, member_id, other_id, now)

    async def answer(self, group_id: int, member_id: int, answer: str, now: datetime) -> bool:
        """A check-in answered; False when the member is not in that group."""
        async with self.store.transaction() as db:
            return await sql.answer(db, group_id, member_id, answer, now)

    async def profile(self, member_id: int) -> Profile:
        """The member's profile."""
        async with self.store.transaction() as db:
            return await profile_sql.get(db, member_id)

    async def join(self, member_id: int, profile: Profile, mentor: bool, consent_given: bool,
                   now: datetime) -> Joined:
        """Save what was given (kept even without consent), then join when nothing is missing."""
        gaps = missing(profile)
        refused = consent_given and not profile.peer_consent
        async with self.store.transaction() as db:
            async with roles.kept_in_step(self, db, member_id, now):
                await profile_sql.save(db, profile, now)
            if refused:
                return Joined(True, gaps, None)
            if not gaps:
                await sql.join(db, member_id, mentor, now)
            due = await next_scheduled(db, self.settings)
        return Joined(False, gaps, due)

    async def plan(self, now: datetime) -> tuple[Pool, dict[str, Plan]]:
        """The round that would start now, one plan per platform (nothing recorded)."""
        async with self.store.transaction() as db:
            pool = await load_pool(db, self.settings, now)
        return pool, plan_pool(pool, self.settings)

    async def start_round(self, now: datetime) -> RoundSummary | None:
        """A round started by hand; None when one started at this moment already."""
        return await run_round(self, "manual", now)

    async def stats(self) -> Stats:
        """Rounds and how many met, for /peers stats."""
        return await stats(self)
