"""Outbox claims on PostgreSQL skip the rows another replica is claiming (FOR UPDATE SKIP LOCKED): two
replicas claiming at the same moment each get different rows at once, never the same row, never a wait."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.model import Destination, Reply
from bot.store import outbox as outbox_sql
from bot.store.pg import PgStore

pytestmark = pytest.mark.postgres
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
LEASE = NOW + timedelta(seconds=30)


async def queue(store: PgStore, count: int) -> None:
    async with store.transaction() as db:
        for i in range(count):
            await outbox_sql.insert(db, f"claim:{i}", Destination("slack", "dm", f"U{i}"), Reply(f"n{i}"), NOW, NOW)


async def test_a_claim_skips_the_rows_another_replica_holds_uncommitted(postgres_url: str) -> None:
    async with PgStore(postgres_url) as store:
        await queue(store, 3)
        async with store.transaction() as first:
            mine = await outbox_sql.claim_due(first, ["slack"], NOW, 1, "replica-a", LEASE)
            # replica b claims while a's transaction still holds its row: it takes the next one, without waiting
            async with asyncio.timeout(5), store.transaction() as second:
                theirs = await outbox_sql.claim_due(second, ["slack"], NOW, 1, "replica-b", LEASE)
        assert [r.key for r in mine] == ["claim:0"] and [r.key for r in theirs] == ["claim:1"]
        rows = await store.fetch_all("SELECT idempotency_key, lease_owner FROM outbox ORDER BY id")
        assert [(r[0], r[1]) for r in rows] == [("claim:0", "replica-a"), ("claim:1", "replica-b"), ("claim:2", None)]


async def test_many_concurrent_claimers_lease_every_row_once(postgres_url: str) -> None:
    async with PgStore(postgres_url, pool_size=10) as store:
        await queue(store, 200)
        claimed: list[tuple[str, str]] = []

        async def worker(owner: str) -> None:
            while True:
                async with store.transaction() as db:
                    rows = await outbox_sql.claim_due(db, ["slack"], NOW, 1, owner, LEASE)
                if not rows:
                    return
                claimed.extend((row.key, owner) for row in rows)

        owners = [f"replica-{r}:worker-{w}" for r in "ab" for w in range(4)]
        await asyncio.gather(*(worker(owner) for owner in owners))
        keys = [key for key, _ in claimed]
        assert sorted(keys) == sorted(f"claim:{i}" for i in range(200))  # every row, each once
        assert len({owner for _, owner in claimed}) == len(owners)  # nobody stopped early on a taken row


async def test_a_retry_keeps_a_row_in_doubt_on_postgresql(postgres_url: str) -> None:
    async with PgStore(postgres_url) as store:
        await queue(store, 2)
        async with store.transaction() as db:
            rows = await outbox_sql.claim_due(db, ["slack"], NOW, 2, "replica-a", LEASE)
            await outbox_sql.mark_retry(db, rows[0].id, "replica-a", NOW, "HTTP 500", in_doubt=True)
            await outbox_sql.mark_retry(db, rows[1].id, "replica-a", NOW, "HTTP 429")
        found = await store.fetch_all("SELECT idempotency_key, status, in_doubt FROM outbox ORDER BY id")
        assert [tuple(r) for r in found] == [("claim:0", "pending", 1), ("claim:1", "pending", 0)]
