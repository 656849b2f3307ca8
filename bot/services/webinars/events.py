"""Each webinar mirrored as a Discord guild scheduled event (issue 19 #2), through the outbox.

What is queued is the event as it should now be (a JSON description, destination kind "scheduled_event"),
so every row is a complete update: the Discord messenger finds the webinar's event (its description ends
with the line `#<webinar id>`) and creates or edits it, or cancels it. A recurrence Discord can express
(weekly, every 2 weeks, monthly on the Nth weekday) becomes its recurrence rule; any other series gets one
event for its next session, moved to the following session when a session starts.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.core.clock import to_iso
from bot.core.model import Destination, Reply
from bot.services.webinars import Webinar, next_start, occurrences, skips_of
from bot.store.db import Connection

if TYPE_CHECKING:
    from bot.services.shared import Shared

KIND = "scheduled_event"
PLATFORM = "discord"
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # Discord numbers them 0 (Monday) to 6


def recurrence(rule: str | None, start: datetime) -> dict[str, Any] | None:
    """Discord's recurrence_rule for an RRULE it can express; None for a single session or one it cannot."""
    if not rule or skips_of(rule):  # Discord cannot skip a session: a series with cancelled ones follows sessions
        return None
    parts = dict(p.split("=", 1) for p in rule.removeprefix("RRULE:").split(";") if "=" in p)
    if parts.keys() - {"FREQ", "INTERVAL", "BYDAY", "WKST"}:  # COUNT, UNTIL, BYMONTHDAY...: not mapped
        return None
    interval, days = int(parts.get("INTERVAL", "1")), [d for d in parts.get("BYDAY", "").split(",") if d]
    base = {"start": start.isoformat(), "interval": interval}
    if parts.get("FREQ") == "WEEKLY" and interval in (1, 2) and days in ([], [WEEKDAYS[start.weekday()]]):
        return {**base, "frequency": 2, "by_weekday": [start.weekday()]}
    if parts.get("FREQ") == "MONTHLY" and interval == 1 and len(days) == 1 and days[0][:-2].lstrip("+").isdigit():
        n = int(days[0][:-2].lstrip("+"))
        if 1 <= n <= 5 and days[0][-2:] in WEEKDAYS:
            return {**base, "frequency": 1, "by_n_weekday": [{"n": n, "day": WEEKDAYS.index(days[0][-2:])}]}
    return None


def event_of(webinar: Webinar, now: datetime, recording: str | None = None,
             start: datetime | None = None) -> dict[str, Any] | None:
    """The scheduled event as it should be now (for the session running or next, or for `start`); None when
    the webinar has no session to come."""
    spec = webinar.spec
    start = start or next_start(spec, now)
    cancelled = webinar.status == "cancelled"
    if start is None and not cancelled:
        return None
    start = start or spec.start
    lines = [spec.description, spec.link, recording or "", f"#{webinar.id}"]
    return {"webinar": webinar.id, "name": spec.title[:100], "status": "cancelled" if cancelled else "scheduled",
            "description": "\n\n".join(line for line in lines if line)[-1000:],
            "start": to_iso(start), "end": to_iso(start + timedelta(minutes=spec.duration_min)),
            "location": spec.link[:100], "recurrence": recurrence(spec.rrule, start)}


async def mirror(services: Shared, db: Connection, webinar: Webinar, reason: str,
                 recording: str | None = None, after: datetime | None = None) -> bool:
    """Queue the event's update for Discord, when Discord is one of the community's platforms; `after`: the
    event is for the first session after that time (default: now)."""
    if PLATFORM not in services.settings.configured_platforms:
        return False
    start = next(occurrences(webinar.spec, after), None) if after else None
    if after and start is None:
        return False
    event = event_of(webinar, services.clock.now(), recording, start)
    if event is None:
        return False
    key = f"webinar:{webinar.id}:event:{webinar.sequence}:{reason}:{PLATFORM}"
    return await services.outbox.enqueue(db, key, Destination(PLATFORM, KIND, str(webinar.id)),
                                         Reply(json.dumps(event)))


def follows_sessions(webinar: Webinar) -> bool:
    """A series Discord cannot repeat by itself: its event moves to the next session after each one."""
    return bool(webinar.spec.rrule) and recurrence(webinar.spec.rrule, webinar.spec.start) is None
