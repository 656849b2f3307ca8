"""The webinars feature's service (/webinar): drafts, saving and cancelling with their notices, RSVPs,
reminder offsets and recordings. Each public method is one transaction, so a change and the messages it
queues commit together; handlers/webinar*.py parse what organisers and members type and format answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.core.context import UserError
from bot.services.shared import Feature
from bot.services.webinars import Spec, Webinar, next_start, notify, skipping, with_changes
from bot.services.webinars import events as webinar_events
from bot.store import webinars as sql


@dataclass(frozen=True)
class Upcoming:
    """A webinar's next session, with the member's RSVP."""

    start: datetime
    webinar: Webinar
    answer: str | None  # the member's RSVP


@dataclass(frozen=True)
class Draft:
    """A webinar being created or edited, waiting for confirmation."""

    member_id: int  # who wrote it
    webinar_id: int | None  # the webinar it edits (None: a new one)
    spec: Spec
    status: str


@dataclass(frozen=True)
class Rsvp:
    """An answer recorded: the session it is for and the member's reminder offsets (None: the default)."""

    webinar: Webinar
    start: datetime
    offsets: list[int] | None


class WebinarService(Feature):
    """The webinar feature: drafts, scheduling, RSVPs, reminders, recordings, cancellations."""

    async def get(self, webinar_id: int) -> Webinar | None:
        """Webinar `webinar_id`, or None."""
        async with self.store.transaction() as db:
            return await sql.get(db, webinar_id)

    async def scheduled(self, now: datetime) -> list[tuple[datetime, Webinar]]:
        """The webinars with a session to come, soonest first, with that session's start."""
        async with self.store.transaction() as db:
            webinars = await sql.scheduled(db)
        return sorted((start, w) for w in webinars if (start := next_start(w.spec, now)) is not None)

    async def upcoming(self, member_id: int, now: datetime) -> list[Upcoming]:
        """The webinars with a session to come, soonest first, each with the member's answer."""
        async with self.store.transaction() as db:
            webinars = await sql.scheduled(db)
            answers = {w.id: await sql.rsvp_of(db, w.id, member_id) for w in webinars}
        found = sorted((start, w) for w in webinars if (start := next_start(w.spec, now)) is not None)
        return [Upcoming(start, w, answers[w.id]) for start, w in found]

    async def answers(self, webinar_id: int, member_id: int) -> tuple[str | None, dict[str, int]]:
        """The member's answer and how many answered each way."""
        async with self.store.transaction() as db:
            return await sql.rsvp_of(db, webinar_id, member_id), await sql.counts(db, webinar_id)

    async def attendee_count(self, webinar_id: int) -> int:
        """How many Going/Maybe members a change would tell."""
        async with self.store.transaction() as db:
            return len(await sql.attendees(db, webinar_id))

    async def cancel(self, webinar_id: int, now: datetime) -> int:
        """Cancel the whole series and tell its Going/Maybe members and the channel; returns how many were told."""
        async with self.store.transaction() as db:
            if not await sql.cancel(db, webinar_id, now):
                raise UserError("webinars.already_cancelled", id=webinar_id)
            cancelled = await sql.get(db, webinar_id)
            assert cancelled is not None
            start = next_start(cancelled.spec, now) or cancelled.spec.start
            return await notify.notify_change(self, db, cancelled, "cancelled", start)

    async def cancel_session(self, webinar: Webinar, start: datetime, now: datetime) -> int:
        """Take one session out of the series (an EXDATE) and tell who answered; returns how many."""
        async with self.store.transaction() as db:
            rule = skipping(webinar.spec.rrule or "", start, webinar.spec.timezone)
            changed = await sql.update_spec(db, webinar.id, with_changes(webinar.spec, rrule=rule), now, False)
            return await notify.notify_change(self, db, changed, "cancelled_one", start)

    async def reminder_offsets(self, member_id: int, offsets: list[int] | None, change: bool,
                               now: datetime) -> list[int] | None:
        """The member's reminder offsets (None: the default), set first to `offsets` when `change`."""
        async with self.store.transaction() as db:
            if change:
                await sql.set_offsets(db, member_id, offsets, now)
            return await sql.get_offsets(db, member_id)

    async def set_recording(self, webinar: Webinar, occurrence: datetime, link: str, now: datetime) -> int | None:
        """Store a session's recording; once the session has ended, DM it to who answered (returns how many;
        None while it has not ended: the due job sends it then)."""
        end = occurrence.timestamp() + webinar.spec.duration_min * 60
        async with self.store.transaction() as db:
            await sql.set_recording(db, webinar.id, occurrence, link, now)
            await webinar_events.mirror(self, db, webinar, f"recording:{occurrence:%Y%m%dT%H%M}", recording=link)
            if now.timestamp() >= end:
                return await notify.send_recording(self, db, webinar, occurrence, link)
        return None

    async def rsvp(self, webinar_id: int, member_id: int, answer: str, now: datetime) -> Rsvp | None:
        """Going / Maybe / Not going for the next session; None when the webinar takes no answers."""
        async with self.store.transaction() as db:
            webinar = await sql.get(db, webinar_id)
            start = next_start(webinar.spec, now) if webinar else None
            if webinar is None or webinar.status != "scheduled" or start is None:
                return None
            await sql.set_rsvp(db, webinar.id, member_id, answer, now)
            return Rsvp(webinar, start, await sql.get_offsets(db, member_id))

    async def interested(self, webinar_id: int, member_id: int, add: bool, now: datetime) -> None:
        """Discord's "Interested" pressed (`add`) or un-pressed: a Maybe that never lowers a Going; un-pressing
        removes a Maybe and nothing else."""
        async with self.store.transaction() as db:
            current = await sql.rsvp_of(db, webinar_id, member_id)
            webinar = await sql.get(db, webinar_id)
            if webinar is None or webinar.status != "scheduled":
                return
            if add and current in (None, "no"):
                await sql.set_rsvp(db, webinar_id, member_id, "maybe", now)
            elif not add and current == "maybe":
                await sql.drop_rsvp(db, webinar_id, member_id)

    # ---- drafts: nothing is saved until the organiser confirms ----------------------------------------

    async def add_draft(self, member_id: int, spec: Spec, webinar_id: int | None, now: datetime) -> int:
        """Keep a webinar being created or edited until it is confirmed; its draft id."""
        async with self.store.transaction() as db:
            return await sql.add_draft(db, member_id, spec, webinar_id, now)

    async def draft(self, draft_id: int) -> Draft | None:
        """Draft `draft_id`, or None."""
        async with self.store.transaction() as db:
            found = await sql.get_draft(db, draft_id)
        return Draft(*found) if found else None

    async def replace_draft(self, draft_id: int, spec: Spec) -> None:
        """Replace a draft's details."""
        async with self.store.transaction() as db:
            await sql.replace_draft(db, draft_id, spec)

    async def discard_draft(self, draft_id: int) -> None:
        """Close a draft as discarded (nothing is announced)."""
        async with self.store.transaction() as db:
            await sql.close_draft(db, draft_id, "discarded")

    async def save_draft(self, draft_id: int, draft: Draft, member_id: int, now: datetime) -> tuple[int, int]:
        """Save a confirmed draft and queue the announcement or the change notices, all at once. Returns the
        webinar's id and how many members were told of a change (0 for a new webinar). A draft confirmed
        twice, a start in the past or a webinar cancelled meanwhile raises UserError and saves nothing."""
        spec = draft.spec
        async with self.store.transaction() as db:
            if not await sql.close_draft(db, draft_id, "saved"):
                raise UserError("webinars.draft_closed")
            if draft.webinar_id is None:
                if spec.start <= now:
                    raise UserError("webinars.error_past", text=spec.local_start)
                webinar = await sql.insert(db, spec, member_id, now)
                await notify.announce(self, db, webinar)
                return webinar.id, 0
            old = await sql.get(db, draft.webinar_id)
            if old is None or old.status != "scheduled":
                raise UserError("webinars.already_cancelled", id=draft.webinar_id)
            reschedule = old.spec.schedule() != spec.schedule()
            if reschedule and (next_start(spec, now) or datetime.min.replace(tzinfo=UTC)) <= now:
                raise UserError("webinars.error_past", text=spec.local_start)
            webinar = await sql.update_spec(db, old.id, spec, now, reschedule)
            if not reschedule and old.spec.link == spec.link:
                return webinar.id, 0
            start = next_start(spec, now) or spec.start
            return webinar.id, await notify.notify_change(self, db, webinar, "changed", start)
