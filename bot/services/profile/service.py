"""The profile feature's service (/profile and the onboarding buttons): reading the profile, ending the
onboarding and whether consent may enrol the member in peer matching; each public method one transaction.
Saving one answer is `WelcomeService.save_answer` (the onboarding answers, with the roles kept in step)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.shared import Feature
from bot.store import peers as peers_sql
from bot.store import profiles as profile_sql
from bot.store.profiles import Profile


@dataclass(frozen=True)
class Enrolment:
    """What consent given in the onboarding finds: the profile, and whether the member ever joined /peers."""

    profile: Profile
    known: bool


class ProfileService(Feature):
    """The profile feature: reading the profile, ending the onboarding, what consent enrols."""

    async def get(self, member_id: int) -> Profile:
        """The member's profile."""
        async with self.store.transaction() as db:
            return await profile_sql.get(db, member_id)

    async def finish_onboarding(self, member_id: int, now: datetime) -> None:
        """Mark the onboarding done (the last step was answered or skipped)."""
        async with self.store.transaction() as db:
            profile = await profile_sql.get(db, member_id)
            await profile_sql.save(db, profile.with_changes(onboarding_done=True), now)

    async def enrolment(self, member_id: int) -> Enrolment:
        """The member's profile and whether they ever joined peer matching."""
        async with self.store.transaction() as db:
            profile = await profile_sql.get(db, member_id)
            known = await peers_sql.participant(db, member_id)
        return Enrolment(profile, known is not None)
