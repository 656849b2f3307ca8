"""Webinar messages through the outbox (announcements, reminders, changes, recordings) and the due job.

Every message is queued in the caller's transaction under a deterministic key, for example
`webinar:3:2027-03-30T12:00:00+00:00:reminder:60:7` (webinar, occurrence, offset, member), so a replay,
a restart or a clock jump queues nothing twice. DMs are written in each member's language and timezone;
channel posts in the session's language (both for a bilingual session) with native timestamps.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from babel import Locale
from babel.lists import format_list
from babel.units import format_unit

from bot.core.clock import to_iso
from bot.core.i18n import fmt_datetime, locale_of
from bot.core.model import Attachment, Button, Destination, Member, Reply
from bot.core.text import Safe, timestamp
from bot.services.channel_posts import channel_label, channel_locales, channel_text
from bot.services.shared import Shared
from bot.services.webinars import (
    LATE_GRACE,
    Due,
    Webinar,
    calendar_feeds,
    describe_repeat,
    due_events,
    interval_of,
    next_due,
    rule_of,
)
from bot.services.webinars import events as webinar_events
from bot.services.webinars import ics as webinar_ics
from bot.services.webinars import mention as webinar_mention
from bot.store import webinars as sql
from bot.store.db import Connection

log = logging.getLogger(__name__)
ANSWERS = ("going", "maybe", "no")
ANSWER_KEYS = {"going": "webinars.answer_going", "maybe": "webinars.answer_maybe", "no": "webinars.answer_no"}


# ---- formatting -----------------------------------------------------------------------------------


def when(dt: datetime, locale: str, tz: str | None) -> Safe:
    """A time token: native on Slack/Discord, Babel-formatted in `tz` and `locale` elsewhere."""
    return timestamp(int(dt.timestamp()), fmt_datetime(dt, locale, tz))


def fmt_offset(minutes: int, locale: str) -> str:
    """1440 -> '1 day' / '1 jour'; 90 -> '90 minutes'; 1000 -> '1000 minutes' (no digit grouping: what is shown
    can be typed back in /webinar reminders, where "1 000" or "1,000" would read as two numbers)."""
    if minutes % 1440 == 0:
        text = format_unit(minutes // 1440, "duration-day", format="0", locale=Locale.parse(locale))
    elif minutes % 60 == 0:
        text = format_unit(minutes // 60, "duration-hour", format="0", locale=Locale.parse(locale))
    else:
        text = format_unit(minutes, "duration-minute", format="0", locale=Locale.parse(locale))
    return text.replace("\u202f", " ").replace("\xa0", " ")


def fmt_late(minutes: int, locale: str) -> str:
    """Time left before a session: '25 minutes', or '20 hours 15 minutes' from two hours on."""
    def unit(value: int, name: str) -> str:
        return format_unit(value, name, locale=Locale.parse(locale)).replace("\u202f", " ").replace("\xa0", " ")

    if minutes < 120:
        return unit(minutes, "duration-minute")
    hours, rest = divmod(minutes, 60)
    return unit(hours, "duration-hour") + (" " + unit(rest, "duration-minute") if rest else "")


def fmt_offsets(offsets: list[int], locale: str) -> str:
    """Reminder delays as a list in words ("1 day and 1 hour")."""
    return format_list([fmt_offset(o, locale) for o in offsets], locale=Locale.parse(locale))


def details(services: Shared, webinar: Webinar, locale: str, tz: str | None, start: datetime) -> Safe:
    """The webinar's title, time (in the reader's zone), duration, language, recurrence, link and description."""
    t, spec = services.catalogs.t, webinar.spec
    repeat = t(locale, describe_repeat(spec.rrule), interval=interval_of(spec.rrule), rule=rule_of(spec.rrule) or "")
    text = t(locale, "webinars.details", title=spec.title, when=when(start, locale, tz),
             minutes=spec.duration_min, language=t(locale, f"webinars.lang_{spec.language}"),
             repeat=repeat, link=spec.link)
    if spec.description:
        text += "\n" + t(locale, "webinars.details_description", description=spec.description)
    return Safe(text)


def rsvp_buttons(services: Shared, webinar_id: int, locales: Sequence[str]) -> tuple[Button, ...]:
    """The Going / Maybe / Not going buttons, labelled in the channel's languages."""
    def label(answer: str) -> str:
        return channel_label(services.catalogs, locales, ANSWER_KEYS[answer])

    styles = {"going": "primary", "maybe": None, "no": "danger"}
    return tuple(Button(label(a), "webinar.rsvp", f"{webinar_id}:{a}", styles[a]) for a in ANSWERS)


def ics_file(services: Shared, webinar: Webinar, now: datetime) -> Attachment:
    """The webinar's .ics file."""
    settings = services.settings
    content = webinar_ics.calendar([webinar], settings.webinar_uid_domain, now, settings.community_name)
    return Attachment(webinar_ics.filename(webinar), content, "text/calendar")


def post_locales(services: Shared, webinar: Webinar) -> tuple[str, ...]:
    """The channel's languages, then the session's (a French session is announced in French too)."""
    session = ("en", "fr") if webinar.spec.language == "bilingual" else (webinar.spec.language,)
    return channel_locales(services.settings, also=session)


def member_locale(services: Shared, member: Member) -> str:
    """The member's language (the community's by default)."""
    return locale_of(member, services.settings.default_locale)


def member_tz(services: Shared, member: Member) -> str:
    """The member's time zone (the community's by default)."""
    return member.timezone or services.settings.community_timezone


async def post_channel(services: Shared, db: Connection, key: str, webinar: Webinar,
                       text: Callable[[str], str], buttons: bool = False, file: bool = False,
                       mention: bool = False) -> None:
    """One post per channel platform, in the session's language(s), under `key:<platform>`; with `mention`,
    opened by the role or user group the organiser chose, where that platform has it (webinar_mention)."""
    locales = post_locales(services, webinar)
    body = channel_text(locales, text)
    now = services.clock.now()
    reply = Reply(body, buttons=rsvp_buttons(services, webinar.id, locales) if buttons else (),
                  file=ics_file(services, webinar, now) if file else None)
    channel = services.settings.webinar_channel
    for platform in services.outbox.channel_platforms(services.settings.configured_platforms):
        post = webinar_mention.tagged(services.settings, platform, webinar.spec.mention, locales, reply) \
            if mention else reply
        await services.outbox.enqueue(db, f"{key}:{platform}", Destination.channel(platform, channel), post)


# ---- what organisers trigger ------------------------------------------------------------------------


async def announce(services: Shared, db: Connection, webinar: Webinar) -> None:
    """The announcement with RSVP buttons and the .ics file, on every channel platform."""
    start = webinar.spec.start
    tz = webinar.spec.timezone

    feed = calendar_feeds.public_url(services, "/webinars.ics")

    def text(lc: str) -> str:
        body = services.catalogs.t(lc, "webinars.announce", id=webinar.id,
                                   details=details(services, webinar, lc, tz, start))
        return body + "\n" + services.catalogs.t(lc, "webinars.announce_feed", url=feed) if feed else body

    await post_channel(services, db, f"webinar:{webinar.id}:announce", webinar, text, buttons=True, file=True,
                       mention=True)
    await webinar_events.mirror(services, db, webinar, "announce")


async def notify_change(services: Shared, db: Connection, webinar: Webinar, kind: str,
                        start: datetime) -> int:
    """Tell Going/Maybe members (once each) and the channel that a webinar is 'cancelled' or 'changed'."""
    key = f"webinar:{webinar.id}:{kind}:{webinar.sequence}"
    people = await sql.attendees(db, webinar.id)
    for member, _ in people:
        lc, tz = member_locale(services, member), member_tz(services, member)
        text = services.catalogs.t(lc, f"webinars.{kind}_dm", details=details(services, webinar, lc, tz, start))
        reply = Reply(text, file=ics_file(services, webinar, services.clock.now()))
        await services.outbox.enqueue(db, f"{key}:{member.id}", Destination.dm(member), reply)

    def post(lc: str) -> str:
        return services.catalogs.t(lc, f"webinars.{kind}_post", id=webinar.id,
                                   details=details(services, webinar, lc, webinar.spec.timezone, start))

    await post_channel(services, db, key, webinar, post, buttons=kind == "changed")
    await webinar_events.mirror(services, db, webinar, kind)
    return len(people)


async def send_recording(services: Shared, db: Connection, webinar: Webinar, occurrence: datetime,
                         url: str) -> int:
    """DM the recording link to everyone who answered the RSVP (once per member and session)."""
    people = await sql.attendees(db, webinar.id, ANSWERS)
    for member, _ in people:
        lc, tz = member_locale(services, member), member_tz(services, member)
        text = services.catalogs.t(lc, "webinars.recording_dm", title=webinar.spec.title,
                                   when=when(occurrence, lc, tz), url=url)
        key = f"webinar:{webinar.id}:{to_iso(occurrence)}:recording:{member.id}"
        await services.outbox.enqueue(db, key, Destination.dm(member), Reply(text))
    return len(people)


# ---- the due job ---------------------------------------------------------------------------------


class WebinarJob:
    """Reminders, 'starting now' posts and recording DMs; the webinars table says what is due."""

    name = "webinars"

    async def next_due(self, services: Shared, now: datetime) -> datetime | None:
        """The earliest reminder, recording notice or occurrence still to process."""
        async with services.store.transaction() as db:
            plans = [(w, await _offsets(services, db, w), set(await sql.recordings(db, w.id)))
                     for w in await sql.scheduled(db)]
        times = (next_due(w.spec, offsets, recorded, w.processed_until) for w, offsets, recorded in plans)
        return min((t for t in times if t is not None), default=None)

    async def run(self, services: Shared, now: datetime) -> None:
        """Send what is due for each scheduled webinar, one transaction each."""
        async with services.store.transaction() as db:
            webinars = await sql.scheduled(db)
        for webinar in webinars:
            async with services.store.transaction() as db:
                await self._run_one(services, db, webinar, now)

    async def _run_one(self, services: Shared, db: Connection, webinar: Webinar,
                       now: datetime) -> None:
        current = await sql.get(db, webinar.id)
        if current is None or current.status != "scheduled":
            return
        offsets = await _offsets(services, db, current)
        recorded = await sql.recordings(db, current.id)
        dues = list(due_events(current.spec, offsets, set(recorded), current.processed_until, now))
        for due in dues:
            if due.kind == "reminder":
                batch = {d.offset for d in dues if d.kind == "reminder" and d.occurrence == due.occurrence}
                await _remind(services, db, current, due, now, batch)
            elif due.kind == "start":
                await _starting(services, db, current, due, now)
            else:
                await send_recording(services, db, current, due.occurrence, recorded[due.occurrence])
        await sql.set_processed(db, current.id, now)


async def _offsets(services: Shared, db: Connection, webinar: Webinar) -> set[int]:
    return set(services.settings.webinar_reminders) | await sql.custom_offsets(db, webinar.id)


async def _remind(services: Shared, db: Connection, webinar: Webinar, due: Due, now: datetime,
                  batch: set[int]) -> None:
    """DM this reminder to Going/Maybe members who chose its offset, unless a later one of theirs is due too.

    `batch` holds the offsets of this session found due in the same run (after downtime or a clock
    jump): a member then gets one reminder, the one closest to the start, not a burst of stale ones.
    """
    if now >= due.occurrence:
        log.info("webinar %s: %d-minute reminder for %s dropped, found at %s after the start",
                 webinar.id, due.offset, to_iso(due.occurrence), to_iso(now))
        return
    late = now - due.at > LATE_GRACE
    defaults = list(services.settings.webinar_reminders)
    for member, chosen in await sql.attendees(db, webinar.id):
        mine = chosen if chosen is not None else defaults
        if due.offset not in mine or any(o < due.offset for o in batch & set(mine)):
            continue
        lc, tz = member_locale(services, member), member_tz(services, member)
        values = {"title": webinar.spec.title, "when": when(due.occurrence, lc, tz), "link": webinar.spec.link}
        if late:
            minutes = math.ceil((due.occurrence - now).total_seconds() / 60)
            text = services.catalogs.t(lc, "webinars.reminder_late", delta=fmt_late(minutes, lc), **values)
        else:
            text = services.catalogs.t(lc, "webinars.reminder", delta=fmt_offset(due.offset, lc), **values)
        key = f"webinar:{webinar.id}:{to_iso(due.occurrence)}:reminder:{due.offset}:{member.id}"
        await services.outbox.enqueue(db, key, Destination.dm(member), Reply(text))


async def _starting(services: Shared, db: Connection, webinar: Webinar, due: Due,
                    now: datetime) -> None:
    end = due.occurrence.timestamp() + webinar.spec.duration_min * 60
    if now.timestamp() >= end:
        log.info("webinar %s: 'starting now' post for %s dropped, found at %s after the end",
                 webinar.id, to_iso(due.occurrence), to_iso(now))
        return

    def text(lc: str) -> str:
        return services.catalogs.t(lc, "webinars.starting_now", title=webinar.spec.title, link=webinar.spec.link)

    await post_channel(services, db, f"webinar:{webinar.id}:{to_iso(due.occurrence)}:start", webinar, text,
                       mention=True)
    if webinar_events.follows_sessions(webinar):  # Discord's event moves on to the next session
        await webinar_events.mirror(services, db, webinar, f"after-{to_iso(due.occurrence)}",
                                    after=due.occurrence + timedelta(seconds=1))
