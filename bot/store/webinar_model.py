"""A webinar as stored: what the organiser asked for (`Spec`) and the stored row (`Webinar`).

Plain data shared by the store and the webinar services (bot/services/webinars/__init__.py re-exports them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Spec:
    """What an organiser asked for, validated."""

    title: str
    description: str
    local_start: str  # aware ISO in `timezone`, e.g. 2027-03-23T14:00:00+01:00
    timezone: str
    duration_min: int
    language: str
    link: str
    rrule: str | None = None
    mention: str | None = None  # a DISCORD_ROLES / SLACK_USERGROUPS key (bot/services/webinars/mention.py)

    @property
    def start(self) -> datetime:
        """The first occurrence, aware UTC."""
        return datetime.fromisoformat(self.local_start).astimezone(UTC)

    def as_dict(self) -> dict[str, object]:
        """The details as stored (one column each)."""
        return {k: getattr(self, k) for k in ("title", "description", "local_start", "timezone",
                                               "duration_min", "language", "link", "rrule", "mention")}

    def schedule(self) -> tuple[object, ...]:
        """What decides the webinar's occurrences: start, zone, duration, recurrence."""
        return (self.local_start, self.timezone, self.duration_min, self.rrule)


@dataclass(frozen=True)
class Webinar:
    """A stored webinar."""

    id: int
    status: str
    spec: Spec
    sequence: int
    processed_until: datetime
    created_by: int | None
    created_at: datetime
