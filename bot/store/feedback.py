"""SQL for usability feedback: items, their status changes, and erasure of a member's link."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from bot.core.clock import from_iso, to_iso
from bot.store.db import Connection, Row


@dataclass(frozen=True)
class NewItem:
    """What a member files. `member_id` is None when they chose anonymity."""

    member_id: int | None
    source: str  # "form" | "quick"
    category: str
    module: str
    rating: int | None
    description: str
    steps: str | None

    @property
    def anonymous(self) -> bool:
        """Whether the item is filed without its author."""
        return self.member_id is None


@dataclass(frozen=True)
class Item:
    """A feedback item."""

    id: int
    member_id: int | None
    anonymous: bool
    source: str
    category: str
    module: str
    rating: int | None
    description: str
    steps: str | None
    status: str
    duplicate_of: int | None
    note: str | None
    created_at: datetime
    updated_at: datetime
    scope: str = "undecided"  # core / country / undecided (issue 21)

    @property
    def ref(self) -> str:
        """The item's reference, e.g. FB-7Q3K."""
        return format_ref(self.id)


@dataclass(frozen=True)
class Change:
    """One status change of an item."""

    item_id: int
    seq: int
    previous: str
    status: str
    duplicate_of: int | None
    note: str | None
    changed_at: datetime


# References (issue 15 #3): every item filed now gets a random id, shown as four Crockford base-32 characters
# with at least one letter (FB-7Q3K), so references say nothing about the order items were filed in. Items
# filed before keep their number (FB-0042): an all-digit reference is always one of those.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REF_LENGTH = 4
RANDOM_BASE = 1_000_000  # random ids are RANDOM_BASE + a 20-bit value; numbered items stay below it
RANDOM_SPAN = len(CROCKFORD) ** REF_LENGTH


def _crockford(value: int) -> str:
    chars = []
    for _ in range(REF_LENGTH):
        value, digit = divmod(value, len(CROCKFORD))
        chars.append(CROCKFORD[digit])
    return "".join(reversed(chars))


def format_ref(item_id: int) -> str:
    """42 -> "FB-0042" (an item filed before random references); a random id -> "FB-7Q3K"."""
    if item_id < RANDOM_BASE:
        return f"FB-{item_id:04d}"
    return "FB-" + _crockford(item_id - RANDOM_BASE)


def random_ref_id(code: str) -> int | None:
    """The id behind the characters of a random reference ("7q3k", read as Crockford: I and L as 1,
    O as 0), None if they are not one (wrong length, a character outside the alphabet, or digits only)."""
    code = code.upper().translate(str.maketrans("ILO", "110"))
    if len(code) != REF_LENGTH or code.isdigit() or any(c not in CROCKFORD for c in code):
        return None
    value = 0
    for char in code:
        value = value * len(CROCKFORD) + CROCKFORD.index(char)
    return RANDOM_BASE + value


def new_item_id() -> int:
    """A random id whose reference has at least one letter (so it is never read as an old number) and does
    not start with FB (so "FB12" typed without its dash is always FB-0012)."""
    while True:
        value = secrets.randbelow(RANDOM_SPAN)
        code = _crockford(value)
        if not code.isdigit() and not code.startswith("FB"):
            return RANDOM_BASE + value


def _item(row: Row) -> Item:
    return Item(
        id=row["id"], member_id=row["member_id"], anonymous=bool(row["anonymous"]), source=row["source"],
        category=row["category"], module=row["module"], rating=row["rating"], description=row["description"],
        steps=row["steps"], status=row["status"], duplicate_of=row["duplicate_of"], note=row["note"],
        created_at=from_iso(row["created_at"]), updated_at=from_iso(row["updated_at"]), scope=row["scope"],
    )


async def insert(db: Connection, new: NewItem, created_at: datetime) -> Item:
    """Store a new item (status "new") under a random id (another one if it is taken) and return it."""
    sql = """INSERT INTO feedback_items (id, member_id, anonymous, source, category, module, rating, description,
                                         steps, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING *"""
    stamp = to_iso(created_at)
    params = (new.member_id, int(new.anonymous), new.source, new.category, new.module, new.rating,
              new.description, new.steps, stamp, stamp)
    for _ in range(100):
        rows = list(await db.execute_fetchall(sql, (new_item_id(), *params)))
        if rows:
            return _item(rows[0])
    raise RuntimeError("feedback: no free reference left after 100 random draws")


async def get(db: Connection, item_id: int) -> Item | None:
    """Item `item_id`, or None."""
    rows = list(await db.execute_fetchall("SELECT * FROM feedback_items WHERE id = ?", (item_id,)))
    return _item(rows[0]) if rows else None


async def search(db: Connection, *, status: str | None = None, category: str | None = None,
                 member_id: int | None = None, since: datetime | None = None,
                 limit: int | None = None, newest_first: bool = True) -> list[Item]:
    """Items matching every filter given."""
    where, params = ["1 = 1"], []
    for column, value in (("status", status), ("category", category), ("member_id", member_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if since is not None:
        where.append("created_at >= ?")
        params.append(to_iso(since))
    order = "DESC" if newest_first else "ASC"  # ids are random: the filing time orders (anonymous: the day)
    sql = f"SELECT * FROM feedback_items WHERE {' AND '.join(where)} ORDER BY created_at {order}, id {order}"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_item(r) for r in await db.execute_fetchall(sql, tuple(params))]


async def record_change(db: Connection, item: Item, status: str, note: str | None,
                        duplicate_of: int | None, admin_member_id: int | None, now: datetime) -> Change:
    """Append a status change and apply it to the item; the change gets the item's next sequence number.
    On an anonymous item both times are kept to the day, like its filing time."""
    now = day_of(now) if item.anonymous else now
    seq_rows = list(await db.execute_fetchall(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM feedback_changes WHERE item_id = ?", (item.id,)))
    seq = int(seq_rows[0][0])
    await db.execute(
        """INSERT INTO feedback_changes (item_id, seq, previous, status, duplicate_of, note, admin_member_id,
                                         changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (item.id, seq, item.status, status, duplicate_of, note, admin_member_id, to_iso(now)))
    await db.execute(
        "UPDATE feedback_items SET status = ?, note = ?, duplicate_of = ?, updated_at = ? WHERE id = ?",
        (status, note, duplicate_of, to_iso(now), item.id))
    return Change(item.id, seq, item.status, status, duplicate_of, note, now)


async def changes(db: Connection, item_id: int) -> list[Change]:
    """An item's status changes, oldest first."""
    sql = "SELECT * FROM feedback_changes WHERE item_id = ? ORDER BY seq"
    return [Change(r["item_id"], r["seq"], r["previous"], r["status"], r["duplicate_of"], r["note"],
                   from_iso(r["changed_at"])) for r in await db.execute_fetchall(sql, (item_id,))]


async def counts(db: Connection, column: str) -> dict[str, int]:
    """Items per value of `column` (category, module or status)."""
    if column not in ("category", "module", "status"):
        raise ValueError(column)
    sql = f"SELECT {column}, COUNT(*) FROM feedback_items GROUP BY {column} ORDER BY COUNT(*) DESC, {column}"
    return {str(r[0]): int(r[1]) for r in await db.execute_fetchall(sql)}


async def rating_summary(db: Connection) -> tuple[float | None, int]:
    """(average rating, number of rated items)."""
    rows = list(await db.execute_fetchall(
        "SELECT AVG(rating), COUNT(rating) FROM feedback_items WHERE rating IS NOT NULL"))
    return (float(rows[0][0]) if rows[0][0] is not None else None), int(rows[0][1])


async def created_since(db: Connection, since: datetime) -> list[datetime]:
    """When each item filed since `since` was filed."""
    sql = "SELECT created_at FROM feedback_items WHERE created_at >= ?"
    return [from_iso(r[0]) for r in await db.execute_fetchall(sql, (to_iso(since),))]


async def webhook_backlog(db: Connection) -> dict[str, int]:
    """Webhook deliveries in the outbox by status (pending, sending, sent, failed)."""
    sql = """SELECT status, COUNT(*) FROM outbox WHERE platform = 'webhook'
             AND idempotency_key LIKE 'feedback:%' GROUP BY status"""
    return {str(r[0]): int(r[1]) for r in await db.execute_fetchall(sql)}


MIDNIGHT = "T00:00:00+00:00"  # what follows the date in a stored time cut to the day (see to_iso)


def day_of(moment: datetime) -> datetime:
    """Midnight of `moment`'s day: the only time kept on an anonymous item's rows."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


async def erase_member(db: Connection, member_id: int) -> int:
    """Forget a member in feedback: their items stay for the product team but become anonymous.

    The link to the member is removed (member_id NULL, anonymous, filing time kept to the day, like any
    anonymous item) and their name is removed from the status changes they made as an admin. Returns the
    number of items unlinked; status updates still waiting in the outbox for them are dropped. Call it
    inside the /forget-me transaction.
    """
    rows = await db.execute_fetchall("SELECT id, created_at, updated_at FROM feedback_items WHERE member_id = ?",
                                     (member_id,))
    for row in rows:
        created, updated = (to_iso(day_of(from_iso(row[column]))) for column in ("created_at", "updated_at"))
        await db.execute("""UPDATE feedback_items SET member_id = NULL, anonymous = 1, created_at = ?, updated_at = ?
                            WHERE id = ?""", (created, updated, row["id"]))
    await db.execute(f"""UPDATE feedback_changes SET changed_at = substr(changed_at, 1, 10) || '{MIDNIGHT}'
                         WHERE item_id IN (SELECT id FROM feedback_items WHERE member_id IS NULL AND anonymous = 1)""")
    await db.execute("UPDATE feedback_changes SET admin_member_id = NULL WHERE admin_member_id = ?", (member_id,))
    await db.execute(
        """DELETE FROM outbox WHERE status = 'pending' AND kind = 'dm' AND idempotency_key LIKE 'feedback:%'
           AND (platform, target) IN (SELECT platform, user_id FROM members WHERE id = ?)""", (member_id,))
    return len(list(rows))
