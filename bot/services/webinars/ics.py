"""iCalendar (.ics) for webinars: one file per webinar and a feed of all upcoming ones (RFC 5545).

UIDs are stable (`webinar-<id>@<domain>`) and SEQUENCE grows with every edit, so calendar apps
update an event they already hold instead of adding a copy; a cancelled webinar is STATUS:CANCELLED.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.services.webinars import Webinar, rule_of, skips_of

if TYPE_CHECKING:
    from icalendar import Event

PRODID = "-//openIMIS community//community-bot webinars//EN"


def uid(webinar: Webinar, domain: str) -> str:
    """The stable calendar UID of a webinar."""
    return f"webinar-{webinar.id}@{domain}"


def event(webinar: Webinar, domain: str, stamp: datetime) -> Event:
    """One VEVENT, with its start in the webinar's own timezone and its recurrence rule."""
    from icalendar import Event, vRecur  # here: 3 MB of memory a bot that never serves a calendar does not need

    spec = webinar.spec
    start = datetime.fromisoformat(spec.local_start).astimezone(ZoneInfo(spec.timezone))
    item = Event()
    item.add("uid", uid(webinar, domain))
    item.add("dtstamp", stamp)
    item.add("sequence", webinar.sequence)
    item.add("summary", spec.title)
    item.add("dtstart", start)
    item.add("duration", timedelta(minutes=spec.duration_min))
    description = "\n\n".join(part for part in (spec.description, spec.link) if part)
    item.add("description", description)
    item.add("url", spec.link)
    item.add("location", spec.link)
    item.add("status", "CANCELLED" if webinar.status == "cancelled" else "CONFIRMED")
    if spec.rrule:
        item.add("rrule", vRecur.from_ical(rule_of(spec.rrule) or ""))
        for skip in skips_of(spec.rrule):  # cancelled sessions of the series
            item.add("exdate", skip.replace(tzinfo=ZoneInfo(spec.timezone)))
    return item


def calendar(webinars: list[Webinar], domain: str, stamp: datetime, name: str) -> bytes:
    """A calendar (with the VTIMEZONE definitions it uses) holding these webinars."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for webinar in webinars:
        cal.add_component(event(webinar, domain, stamp))
    first = min((datetime.fromisoformat(w.spec.local_start).date() for w in webinars), default=stamp.date())
    cal.add_missing_timezones(first_date=first - timedelta(days=366))
    return bytes(cal.to_ical())


def filename(webinar: Webinar) -> str:
    """The .ics file name of a webinar."""
    return f"webinar-{webinar.id}.ics"
