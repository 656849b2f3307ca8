"""A community's week in the database, written with plain SQL (fast enough for 10,000 members).

Used by the digest and dashboard tests (small) and by the bench (10,000 members, 5,000 feedback items).
Deterministic: the same arguments give the same rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.clock import to_iso
from bot.store.backends import AnyStore
from bot.store.db import Connection

COUNTRIES = ("CM", "TD", "NE", "NP", "TZ", "BD", "GN", "CI", "GM", "")
MODULES = ("claim", "insuree", "policy", "contribution", "report", "mobile", "other")
SCOPES = ("core", "country", "undecided")
STATUSES = ("new", "triaged", "planned", "done", "declined")


class _Offset(random.Random):
    """The same random draws, with member ids (randint(1, members)) shifted past the members already there."""

    def __init__(self, rnd: random.Random, base: int) -> None:
        super().__init__()
        self.setstate(rnd.getstate())
        self.base = base

    def member(self, members: int) -> int:
        return self.base + self.randint(1, members)


@dataclass(frozen=True)
class Seeded:
    members: int
    items: int
    webinar_ids: tuple[int, ...]
    item_ids: tuple[int, ...]


async def seed(store: AnyStore, now: datetime, members: int = 60, items: int = 30, seed_value: int = 7) -> Seeded:
    rnd = random.Random(seed_value)
    async with store.transaction() as db:
        [[base]] = list(await db.execute_fetchall("SELECT COALESCE(MAX(id), 0) FROM members"))
        await db.executemany(
            "INSERT INTO members (id, platform, user_id, display_name, locale, platform_locale, is_admin, joined_at,"
            " created_at) VALUES (?, 'slack', ?, ?, ?, ?, 0, ?, ?)",
            [(base + n, f"U{n:06d}", f"Member {n}", rnd.choice(("en", "fr", None)), rnd.choice(("en-US", "fr-FR")),
              to_iso(now - timedelta(hours=rnd.randrange(24 * 30))), to_iso(now - timedelta(days=40)))
             for n in range(1, members + 1)])
        await db.executemany(
            "INSERT INTO profiles (member_id, country, onboarding_done, updated_at) VALUES (?, ?, ?, ?)",
            [(base + n, rnd.choice(COUNTRIES) or None, rnd.random() < 0.5, to_iso(now))
             for n in range(1, members + 1)])
        rnd = _Offset(rnd, int(base))
        await _faq(db, rnd, now, members)
        webinars = await _webinars(db, rnd, now, members)
        await _peers(db, rnd, now, members)
        item_ids = await _feedback(db, rnd, now, members, items)
    return Seeded(members, items, webinars, item_ids)


async def _faq(db: Connection, rnd: _Offset, now: datetime, members: int) -> None:
    questions = ("how do I install openIMIS", "what is a claim", "comment inscrire une famille",
                 "does it work offline", "où est le guide", "how to export reports")
    await db.executemany(
        "INSERT INTO faq_asks (member_id, question, norm, lang, decision, confidence, created_at)"
        " VALUES (?, ?, ?, 'en', ?, 0.5, ?)",
        [(rnd.member(members), q, q, rnd.choice(("answer", "answer", "suggest", "none")),
          to_iso(now - timedelta(hours=rnd.randrange(24 * 7))))
         for q in (rnd.choice(questions) for _ in range(max(members // 2, 10)))])


async def _webinars(db: Connection, rnd: _Offset, now: datetime, members: int) -> tuple[int, ...]:
    ids = (1, 2, 3)
    await db.executemany(
        "INSERT INTO webinars (id, title, local_start, timezone, duration_min, language, link, processed_until,"
        " created_at, updated_at) VALUES (?, ?, ?, 'UTC', 60, 'en', 'https://meet.example.org/w', ?, ?, ?)",
        [(i, f"Webinar {i}: claims $ & <review>", to_iso(now + timedelta(days=i))[:19], to_iso(now), to_iso(now),
          to_iso(now)) for i in ids])
    await db.executemany(
        "INSERT INTO webinar_rsvps (webinar_id, member_id, answer, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        [(rnd.choice(ids), rnd.member(members), rnd.choice(("going", "maybe", "no")),
          to_iso(now - timedelta(hours=rnd.randrange(24 * 6)))) for _ in range(max(members // 3, 5))])
    await db.executemany(
        "INSERT INTO outbox (idempotency_key, platform, kind, target, payload, status, next_attempt_at, created_at,"
        " sent_at) VALUES (?, 'slack', 'dm', 'U1', '{}', 'sent', ?, ?, ?)",
        [(f"webinar:1:2026-12-01T14:00:00+00:00:reminder:60:{n}", to_iso(now), to_iso(now),
          to_iso(now - timedelta(days=1))) for n in range(1, 13)])
    return ids


async def _peers(db: Connection, rnd: _Offset, now: datetime, members: int) -> None:
    await db.execute(
        "INSERT INTO peer_rounds (id, kind, slot, started_at, checkin_at, ends_at) VALUES (1, 'scheduled', ?, ?, ?, ?)",
        (to_iso(now - timedelta(days=10)), to_iso(now - timedelta(days=10)), to_iso(now - timedelta(days=2)),
         to_iso(now + timedelta(days=4))))
    groups = max(members // 20, 2)
    await db.executemany("INSERT INTO peer_groups (id, round_id, platform, language) VALUES (?, 1, 'slack', 'en')",
                         [(g,) for g in range(1, groups + 1)])
    await db.executemany(
        "INSERT INTO peer_group_members (group_id, member_id, answer) VALUES (?, ?, ?)",
        [((n - 1) % groups + 1, rnd.base + n, rnd.choice(("yes", "yes", "no", "not_yet", None)))
         for n in range(1, min(members, groups * 3) + 1)])


async def _feedback(db: Connection, rnd: _Offset, now: datetime, members: int, items: int) -> tuple[int, ...]:
    rows = []
    for n in range(1, items + 1):
        anonymous = rnd.random() < 0.2
        created = now - timedelta(hours=rnd.randrange(24 * 14))
        rows.append((n, None if anonymous else rnd.member(members), int(anonymous), rnd.choice(MODULES),
                     rnd.choice(STATUSES), rnd.choice(SCOPES), f"Feedback {n}: the *claims* page is slow",
                     to_iso(created), to_iso(created)))
    await db.executemany(
        "INSERT INTO feedback_items (id, member_id, anonymous, source, category, module, status, scope, description,"
        " created_at, updated_at) VALUES (?, ?, ?, 'quick', 'usability', ?, ?, ?, ?, ?, ?)", rows)
    changes = [(r[0], r[4], to_iso(now - timedelta(hours=rnd.randrange(24 * 7)))) for r in rows if r[4] != "new"]
    await db.executemany(
        "INSERT INTO feedback_changes (item_id, seq, previous, status, changed_at) VALUES (?, 1, 'new', ?, ?)", changes)
    votes = {(rnd.randint(1, items), rnd.member(members)) for _ in range(items * 2)}
    await db.executemany("INSERT INTO feedback_votes (item_id, member_id, voted_at) VALUES (?, ?, ?)",
                         [(i, m, to_iso(now)) for i, m in sorted(votes)])
    return tuple(r[0] for r in rows)
