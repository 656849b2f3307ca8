"""The profile feature's service (/profile and the onboarding buttons): reading the profile, saving one
answer (the member's roles kept in step), ending the onboarding and whether consent may enrol the member in
peer matching; each public method one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services import roles
from bot.services.shared import Feature
from bot.store import members as member_sql
from bot.store import peers as peers_sql
from bot.store import profiles as profile_sql
from bot.store.profiles import Profile

QUESTION_PENDING = timedelta(days=1)  # an onboarding question left longer is no longer read from a typed DM


@dataclass(frozen=True)
class Enrolment:
    """What consent given in the onboarding finds: the profile, and whether the member ever joined /peers."""

    profile: Profile
    known: bool


class ProfileService(Feature):
    """The profile feature: reading and saving the profile, ending the onboarding, what consent enrols."""

    async def get(self, member_id: int) -> Profile:
        """The member's profile."""
        async with self.store.transaction() as db:
            return await profile_sql.get(db, member_id)

    async def with_timezone(self, member_id: int) -> tuple[Profile, str | None]:
        """The member's profile and time zone (kept on the member, not in the profile)."""
        async with self.store.transaction() as db:
            member = await member_sql.by_id(db, member_id)
            return await profile_sql.get(db, member_id), member.timezone if member else None

    async def save_field(self, member_id: int, field: str, value: object, now: datetime) -> None:
        """One answer, already checked (the time zone on the member, the rest in the profile); the member's
        roles follow it."""
        async with self.store.transaction() as db, roles.kept_in_step(self, db, member_id, now):
            if field == "timezone":
                await member_sql.set_timezone(db, member_id, str(value) if value else None)
                return
            profile = await profile_sql.get(db, member_id)
            name = "peer_consent" if field == "consent" else field
            await profile_sql.save(db, profile.with_changes(**{name: value}), now)

    async def finish_onboarding(self, member_id: int, now: datetime) -> None:
        """Mark the onboarding done (the last step was answered or skipped); no question is pending."""
        async with self.store.transaction() as db:
            profile = await profile_sql.get(db, member_id)
            await profile_sql.save(db, profile.with_changes(onboarding_done=True), now)
            await profile_sql.set_asking(db, member_id, None, now)

    async def ask(self, member_id: int, step: str, now: datetime) -> None:
        """Remember that this onboarding question is the one shown, so a typed answer can be read as its answer."""
        async with self.store.transaction() as db:
            await profile_sql.set_asking(db, member_id, step, now)

    async def pending_question(self, member_id: int, now: datetime) -> str | None:
        """The onboarding step whose question is waiting for an answer (shown within the last day), if any."""
        async with self.store.transaction() as db:
            pending = await profile_sql.asking(db, member_id)
        return pending[0] if pending and now - pending[1] <= QUESTION_PENDING else None

    async def enrolment(self, member_id: int) -> Enrolment:
        """The member's profile and whether they ever joined peer matching."""
        async with self.store.transaction() as db:
            profile = await profile_sql.get(db, member_id)
            known = await peers_sql.participant(db, member_id)
        return Enrolment(profile, known is not None)
