"""The weekly digest (issue 21 #1): what happened in the community over the last days, as figures.

`collect` reads one window [now - days, now) in one transaction; bot/services/digest/text.py writes it
as a chat summary or Markdown and bot/services/digest/charts.py draws it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.core.clock import from_iso
from bot.core.i18n import resolve_locale
from bot.store import digest as sql
from bot.store import feedback as feedback_sql
from bot.store import feedback_votes as votes_sql
from bot.store.feedback import Item

if TYPE_CHECKING:
    from bot.services.container import Services

STALLED_AFTER = timedelta(days=3)  # a newcomer who has not finished onboarding after this is "stalled"
GAPS_LIMIT = 5
TOP_VOTED_LIMIT = 5
UNKNOWN = ""  # a member without a country in their profile
ONBOARDING = ("completed", "in_progress", "stalled")
FAQ_DECISIONS = ("answer", "suggest", "none")
FEEDBACK_STEPS = ("filed", "triaged", "done")


@dataclass(frozen=True)
class WebinarRsvps:
    """A webinar's RSVP answers in the window."""

    id: int
    title: str
    answers: dict[str, int]  # going / maybe / no -> members who answered in the window


@dataclass(frozen=True)
class RoundStats:
    """A peer round: its groups, seats, answers and meetings."""

    id: int
    started_at: datetime
    groups: int
    seats: int
    answered: int
    met: int

    @property
    def meeting_rate(self) -> float | None:
        """Share of answered check-ins saying "yes, we met" (None before any answer)."""
        return self.met / self.answered if self.answered else None


@dataclass(frozen=True)
class Voted:
    """A feedback item with its votes and the countries voting."""

    item: Item
    votes: int
    countries: int


@dataclass
class Digest:
    """The community's figures for one window."""

    since: datetime
    until: datetime
    new_members: int = 0
    by_country: Counter[str] = field(default_factory=Counter)
    by_language: Counter[str] = field(default_factory=Counter)
    onboarding: Counter[str] = field(default_factory=Counter)
    stalled_names: list[str] = field(default_factory=list)
    faq: Counter[str] = field(default_factory=Counter)
    faq_gaps: list[tuple[str, int]] = field(default_factory=list)
    webinars: list[WebinarRsvps] = field(default_factory=list)
    reminders_sent: int = 0
    rounds: list[RoundStats] = field(default_factory=list)
    feedback_by_module: dict[str, Counter[str]] = field(default_factory=dict)  # module -> filed/triaged/done
    feedback_by_scope: dict[str, Counter[str]] = field(default_factory=dict)
    top_voted: list[Voted] = field(default_factory=list)

    def feedback_total(self, step: str) -> int:
        """How many feedback items reached `step` in the window, all modules together."""
        return sum(counts[step] for counts in self.feedback_by_module.values())


async def collect(services: Services, now: datetime, days: int = 7) -> Digest:
    """The digest of the `days` before `now` (one read transaction)."""
    digest = Digest(since=now - timedelta(days=days), until=now)
    since, until = digest.since, digest.until
    async with services.store.transaction() as db:
        members = await sql.new_members(db, since, until)
        digest.faq.update(await sql.faq_decisions(db, since, until))
        digest.faq_gaps = await sql.faq_gaps(db, since, until, GAPS_LIMIT)
        rsvps = await sql.webinar_rsvps(db, since, until)
        digest.reminders_sent = await sql.reminders_sent(db, since, until)
        rounds = await sql.peer_rounds(db, since, until)
        filed, moved = await sql.feedback_filed(db, since, until), await sql.feedback_moved(db, since, until)
        ranked = await votes_sql.top(db, TOP_VOTED_LIMIT)
        items = {r.item_id: await feedback_sql.get(db, r.item_id) for r in ranked}
    _members(digest, members, services.settings.default_locale, now)
    digest.webinars = _webinars(rsvps)
    digest.rounds = [RoundStats(r[0], from_iso(r[1]), *r[2:]) for r in rounds]
    _feedback(digest, filed, moved)
    digest.top_voted = [Voted(item, r.votes, r.countries) for r in ranked if (item := items[r.item_id])]
    return digest


def _members(digest: Digest, rows: list[tuple[Any, ...]], default_locale: str, now: datetime) -> None:
    digest.new_members = len(rows)
    for _id, name, locale, platform_locale, country, done, joined in rows:
        digest.by_country[country or UNKNOWN] += 1
        digest.by_language[resolve_locale(locale, platform_locale, default_locale)] += 1
        if done:
            digest.onboarding["completed"] += 1
        elif now - from_iso(joined) >= STALLED_AFTER:
            digest.onboarding["stalled"] += 1
            digest.stalled_names.append(str(name))
        else:
            digest.onboarding["in_progress"] += 1
    digest.stalled_names.sort(key=str.casefold)


def _webinars(rows: list[tuple[int, str, str, int]]) -> list[WebinarRsvps]:
    by_id: dict[int, WebinarRsvps] = {}
    for webinar_id, title, answer, count in rows:
        by_id.setdefault(webinar_id, WebinarRsvps(webinar_id, title, {}))
        by_id[webinar_id].answers[answer] = count
    return list(by_id.values())


def _feedback(digest: Digest, filed: list[tuple[str, str, int]], moved: list[tuple[str, str, str, int]]) -> None:
    rows = [(module, scope, "filed", count) for module, scope, count in filed] + moved
    for module, scope, step, count in rows:
        digest.feedback_by_module.setdefault(module, Counter())[step] += count
        digest.feedback_by_scope.setdefault(scope, Counter())[step] += count
