"""What each dashboard page shows, read from the services (no HTTP here)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.core import values
from bot.core.i18n import Catalogs
from bot.services.digest import collect
from bot.services.digest.charts import Chart
from bot.services.digest.job import render
from bot.services.digest.text import DigestWriter
from bot.services.feedback import SETTABLE, STATUSES, excerpt, status_label
from bot.services.feedback.votes import SCOPES, scope_label
from bot.services.peers.job import stats as peers_stats
from bot.store import dashboard as sql
from bot.store import faq as faq_sql
from bot.store import faq_drafts
from bot.store.faq_drafts import Content

if TYPE_CHECKING:
    from bot.services.container import Services

DIGEST_TTL = 300.0  # seconds a rendered digest (summary and charts) is reused; a status change drops it
BOARD_LIMIT = 50
PEERS_TTL = 60.0  # seconds the peer statistics are reused (they read every group seat)


@dataclass(frozen=True)
class Rendered:
    """A digest drawn for one language, and when."""

    at: float
    writer: DigestWriter
    charts: dict[str, Chart]


class DigestCache:
    """The digest of the last 7 days per language, drawn at most every DIGEST_TTL seconds."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.entries: dict[str, Rendered] = {}
        self.lock = asyncio.Lock()

    async def get(self, locale: str) -> Rendered:
        """The digest rendered in `locale`, drawn again when older than DIGEST_TTL."""
        async with self.lock:  # one drawing at a time: matplotlib work is CPU-bound
            entry = self.entries.get(locale)
            if entry is None or time.monotonic() - entry.at > DIGEST_TTL:
                digest = await collect(self.services, self.services.clock.now(), 7)
                writer, charts = await asyncio.to_thread(render, self.services, digest, locale, True)
                entry = Rendered(time.monotonic(), writer, {c.name: c for c in charts})
                self.entries[locale] = entry
            return entry

    def drop(self) -> None:
        """Forget every rendered digest."""
        self.entries.clear()


def options(catalogs: Catalogs, locale: str, services: Services) -> dict[str, list[tuple[str, str]]]:
    """The board's filter and status choices, labelled in `locale`."""
    feedback = services.feedback
    return {
        "status": [(s, status_label(catalogs, locale, s)) for s in STATUSES],
        "settable": [(s, status_label(catalogs, locale, s)) for s in SETTABLE],
        "module": [(m, feedback.module_label(catalogs, locale, m)) for m in feedback.module_keys],
        "scope": [(s, scope_label(catalogs, locale, s)) for s in SCOPES],
    }


def board_filters(query: dict[str, str], choices: dict[str, list[tuple[str, str]]]) -> dict[str, Any]:
    """Filters from the query string; unknown values are ignored, never echoed."""
    filters: dict[str, Any] = {}
    for name in ("status", "module", "scope"):
        value = query.get(name, "")
        filters[name] = value if value in {code for code, _ in choices[name]} else ""
    votes = query.get("votes", "")
    filters["votes"] = int(votes) if votes.isdigit() and len(votes) < 6 else 0
    return filters


async def board(services: Services, locale: str, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """The feedback board rows matching the filters, labelled in `locale`."""
    async with services.store.transaction() as db:
        rows = await sql.board(db, status=filters["status"] or None, module=filters["module"] or None,
                               scope=filters["scope"] or None, min_votes=filters["votes"], limit=BOARD_LIMIT)
    catalogs = services.catalogs
    return [{"id": item.id, "ref": item.ref, "votes": votes, "status": item.status,
             "status_label": status_label(catalogs, locale, item.status),
             "module": services.feedback.module_label(catalogs, locale, item.module),
             "scope": scope_label(catalogs, locale, item.scope), "summary": excerpt(item.description, 90),
             "anonymous": item.anonymous} for item, votes in rows]


async def webinars(services: Services) -> list[dict[str, Any]]:
    """The 50 latest webinars with their RSVP counts."""
    async with services.store.transaction() as db:
        rows = await sql.webinars(db, services.clock.now(), 50)
    return [{"id": w_id, "title": title, "start": start.replace("T", " ")[:16], "timezone": tz,
             "going": counts.get("going", 0), "maybe": counts.get("maybe", 0), "no": counts.get("no", 0)}
            for w_id, title, start, tz, counts in rows]


async def faq(services: Services, locale: str) -> dict[str, Any]:
    """The gaps (unanswered or unhelpful questions) and the open FAQ drafts (bot/store/faq_drafts.py)."""
    async with services.store.transaction() as db:
        gaps = await faq_sql.gaps(db, 25)
        drafts = await faq_drafts.open_drafts(db, 50)
    return {"gaps": gaps, "drafts": [{"ref": d.ref, "topic": d.topic_id, "origin": d.origin,
                                      "question": draft_question(d.content, locale)} for d in drafts]}


def draft_question(content: Content, locale: str) -> str:
    """A draft's first question, in `locale` when the draft has one there."""
    for lang in (locale, *content):
        questions = content.get(lang, {}).get("questions") or []
        if questions and isinstance(questions[0], str):
            return excerpt(questions[0], 90)
    return ""


class PeersCache:
    """The peer-matching statistics, computed at most every PEERS_TTL seconds."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.at: float | None = None
        self.stats: Any = None
        self.lock = asyncio.Lock()

    async def get(self) -> Any:
        """The peer-matching figures, computed again when older than PEERS_TTL."""
        async with self.lock:
            if self.at is None or time.monotonic() - self.at > PEERS_TTL:
                self.stats, self.at = await peers_stats(self.services), time.monotonic()
            return self.stats


async def peers(cache: PeersCache, locale: str) -> dict[str, Any]:
    """The peer-matching statistics, with stages and languages labelled in `locale`."""
    stats = await cache.get()
    return {"stats": stats,
            "by_language": [(_label("language", code, locale), rate) for code, rate in stats.by_language.items()],
            "by_stage": [(_label("stage", code, locale), rate) for code, rate in stats.by_stage.items()]}


def _label(kind: str, code: str, locale: str) -> str:
    try:
        return values.label(kind, code, locale) if code != "?" else "?"
    except (KeyError, ValueError):
        return code
