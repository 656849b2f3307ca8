"""Feedback figures and exports: items per week, and CSV/JSON for the product team's tracker."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from bot.core.i18n import Catalogs
from bot.core.model import Member
from bot.services.feedback import item_record
from bot.store import feedback as feedback_sql
from bot.store.db import Connection
from bot.store.feedback import Item, format_ref

EXPORT_FIELDS = ("reference", "created_at", "updated_at", "category", "module", "rating", "status", "anonymous",
                 "source", "description", "steps", "duplicate_of", "note")


def week_starts(now: datetime, weeks: int) -> list[datetime]:
    """Mondays 00:00 UTC of the last `weeks` weeks, oldest first, the current week last."""
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def weekly_trend(created: list[datetime], starts: list[datetime]) -> list[tuple[datetime, int]]:
    """How many items were filed in each week that begins at one of `starts` (weeks with none count 0)."""
    counts: Counter[datetime] = Counter()
    for when in created:
        monday = (when - timedelta(days=when.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
        counts[monday] += 1
    return [(start, counts[start]) for start in starts]


def export_rows(items: list[Item]) -> list[dict[str, object]]:
    """The items as export records (no member identity)."""
    return [item_record(item) for item in items]


def to_csv(items: list[Item]) -> str:
    """CSV with a header row; empty cells for missing values; booleans as true/false."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in export_rows(items):
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def to_json(items: list[Item]) -> str:
    """The items as indented JSON text."""
    return json.dumps(export_rows(items), ensure_ascii=False, indent=2) + "\n"


class FeedbackPrivacy:
    """The feedback share of /mydata and /forget-me (a PrivacyPart): a member's named items are exported,
    and on erase they are kept for the product team but made anonymous (bot.store.feedback.erase_member)."""

    name: str = "feedback"
    tables: tuple[str, ...] = ("feedback_items", "feedback_changes", "feedback_votes")

    async def export(self, db: Connection, member: Member) -> Any:
        """The member's items (and votes, when any), for /mydata."""
        items = await feedback_sql.search(db, member_id=member.id, newest_first=False)
        rows = await db.execute_fetchall(
            "SELECT item_id, voted_at FROM feedback_votes WHERE member_id = ? ORDER BY voted_at", (member.id,))
        votes = [{"reference": format_ref(r[0]), "voted_at": r[1]} for r in rows]
        return {"items": export_rows(items), "votes": votes} if votes else export_rows(items)

    async def outbox_keys(self, db: Connection, member: Member) -> list[str]:
        """The product-channel posts of the member's named items say "from <name>"."""
        items = await feedback_sql.search(db, member_id=member.id, newest_first=False)
        return [f"feedback:{item.id}:new:%" for item in items]

    @staticmethod
    def redact(text: str, member: Member, catalogs: Catalogs) -> str:
        """A product-channel post of theirs, as an anonymous item's reads: "from <name> (<platform>)" becomes
        "anonymous" (when /forget-me edits the post on the platform, see bot/services/privacy/posts.py)."""
        for locale in catalogs.languages:
            named = catalogs.t(locale, "feedback.post.from", name=member.display_name, platform=member.platform)
            text = text.replace(named, catalogs.t(locale, "feedback.post.anonymous"))
        return text

    async def erase(self, db: Connection, member: Member, now: datetime) -> list[tuple[str, int]]:
        """Unlink the member from their items and erase their votes; how many items were kept."""
        kept = await feedback_sql.erase_member(db, member.id)
        await db.execute("DELETE FROM feedback_votes WHERE member_id = ?", (member.id,))
        return [("feedback.privacy_kept", kept)] if kept else []
