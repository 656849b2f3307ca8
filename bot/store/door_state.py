"""The doors' DoorState (bot/core/ports.py) over the SQL store: one transaction per call."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.core.model import FormValue
from bot.store import discord as form_sql
from bot.store import members as member_sql
from bot.store.backends import AnyStore


class StoreDoorState:
    """What doors keep between events: forms shown, answers so far, small values."""

    def __init__(self, store: AnyStore) -> None:
        self.store = store

    async def recall(self, key: str) -> str | None:
        """The value a door kept under `key`, or None."""
        async with self.store.transaction() as db:
            return await member_sql.kv_get(db, key)

    async def remember(self, key: str, value: str) -> None:
        """Keep `value` under `key` for the door."""
        async with self.store.transaction() as db:
            await member_sql.kv_set(db, key, value)

    async def keep_form(self, user_id: str, digest: str, body: str, now: datetime) -> None:
        """Keep a form shown to the member, by its hash."""
        async with self.store.transaction() as db:
            await form_sql.save_form(db, digest, user_id, body, now)

    async def form(self, user_id: str, digest: str) -> str | None:
        """A form kept for the member, or None."""
        async with self.store.transaction() as db:
            return await form_sql.load_form(db, digest, user_id)

    async def add_answers(self, user_id: str, digest: str, answers: dict[str, FormValue], *, keep: bool | None,
                          now: datetime) -> dict[str, FormValue]:
        """Merge a page's answers into those kept; keep them, clear them, or neither."""
        async with self.store.transaction() as db:
            merged: dict[str, FormValue] = {**await form_sql.load_answers(db, user_id, digest), **answers}
            if keep:
                await form_sql.save_answers(db, user_id, digest, merged, now)
            elif keep is False:
                await form_sql.clear_answers(db, user_id, digest)
        return merged

    async def keep_answers(self, user_id: str, digest: str, answers: dict[str, FormValue], now: datetime) -> None:
        """Keep a long form's answers so far."""
        async with self.store.transaction() as db:
            await form_sql.save_answers(db, user_id, digest, answers, now)

    async def forget_forms(self, user_id: str, same: Callable[[str], bool]) -> None:
        """Forget the member's forms that `same` recognises."""
        async with self.store.transaction() as db:
            digests = [digest for digest, body in await form_sql.forms_of(db, user_id) if same(body)]
            await form_sql.forget_forms(db, user_id, digests)
