"""The privacy feature's service: /mydata's export and /forget-me's erasure, each in one transaction."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.core.model import Member
from bot.core.routes import PrivacyPart
from bot.services import privacy, roles
from bot.services.privacy.posts import redactor
from bot.services.shared import Feature
from bot.store.db import Connection

log = logging.getLogger(__name__)


class PrivacyService(Feature):
    """/mydata and /forget-me: every feature's part of a member's data."""

    async def export(self, member: Member, parts: tuple[PrivacyPart[Connection], ...], now: datetime) -> bytes:
        """Everything stored about `member`, as a JSON file's bytes."""
        async with self.store.transaction() as db:
            data = await privacy.export(db, member, parts, now)
        return privacy.export_json(data)

    async def forget(self, member: Member, parts: tuple[PrivacyPart[Connection], ...],
                     now: datetime) -> list[tuple[str, int]]:
        """Erase `member` everywhere (their channel posts edited, in the community's language); returns the
        (message id, count) pairs of what was kept anonymously."""
        redact = redactor(member, parts, self.catalogs, self.settings.default_locale)
        async with self.store.transaction() as db:
            await roles.forget(self, db, member)  # a private outbox row: gone once delivered
            kept = await privacy.erase(db, member, parts, now, (self.outbox, redact))
        await self.store.checkpoint()
        privacy.forget_cached(self.outbox, member)
        log.info("forget-me: member %s erased", member.id)
        return kept
