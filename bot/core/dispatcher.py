"""The dispatcher: turns a neutral event into a handler call through explicit routes."""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING

from bot.core.context import Ctx, UserError
from bot.core.i18n import resolve_locale
from bot.core.model import (
    ButtonPressed,
    CommandInvoked,
    Event,
    FormSubmitted,
    Member,
    MemberJoined,
    MessageReceived,
    Reply,
    Result,
    as_replies,
)
from bot.core.routes import Routes
from bot.core.text import MAX_TEXT
from bot.store import members as member_sql

if TYPE_CHECKING:
    from bot.services.container import Services

log = logging.getLogger(__name__)


class Dispatcher:
    def __init__(self, services: Services, routes: Routes) -> None:
        self.services = services
        self.routes = routes

    async def context(self, event: Event) -> Ctx:
        """Store or refresh the acting member and resolve their language once for this event."""
        now = self.services.clock.now()
        async with self.services.store.transaction() as db:
            member = await member_sql.upsert(db, event.actor, now)
        return self.context_for(member, event)

    def context_for(self, member: Member, event: Event) -> Ctx:
        settings = self.services.settings
        locale = resolve_locale(member.locale, event.actor.platform_locale, settings.default_locale)
        is_admin = (member.is_admin or event.actor.platform_admin
                    or settings.is_configured_admin(member.platform, member.user_id, member.display_name))
        return Ctx(member=member, actor=event.actor, locale=locale, is_admin=is_admin, event=event,
                   services=self.services, routes=self.routes, now=self.services.clock.now())

    async def handle(self, event: Event) -> Result:
        """Answer one event. Never raises: failures become a short translated message."""
        try:
            ctx = await self.context(event)
        except sqlite3.Error:
            log.exception("database unavailable while handling %s", type(event).__name__)
            return self._storage_error(event)
        try:
            return await self._route(ctx, event)
        except UserError as exc:
            return ctx.reply(exc.key, **exc.values)
        except sqlite3.Error:
            log.exception("database unavailable while handling %s", type(event).__name__)
            return ctx.reply("errors.storage")
        except Exception:
            log.exception("handler failed for %s", type(event).__name__)
            return ctx.reply("errors.internal")

    def _storage_error(self, event: Event) -> Reply:
        default = self.services.settings.default_locale
        locale = resolve_locale(None, event.actor.platform_locale, default)
        return Reply(self.services.catalogs.t(locale, "errors.storage"), ephemeral=True)

    async def _route(self, ctx: Ctx, event: Event) -> Result:
        if isinstance(event, CommandInvoked):
            return await self._command(ctx, event)
        if isinstance(event, MessageReceived):
            return await self._message(ctx, event)
        if isinstance(event, MemberJoined):
            return await self._join(ctx, event)
        if isinstance(event, ButtonPressed):
            handler = self.routes.buttons.get(event.action)
            return await handler(ctx, event) if handler else ctx.reply("errors.stale_button")
        if isinstance(event, FormSubmitted):
            handler = self.routes.forms.get(event.form_id)
            return await handler(ctx, event) if handler else ctx.reply("errors.stale_button")
        raise TypeError(f"unknown event {event!r}")

    async def _command(self, ctx: Ctx, event: CommandInvoked) -> Result:
        command = self.routes.command(event.name)
        if command is None:
            return ctx.reply("errors.unknown_command", command=event.name[:40])
        if command.admin and not ctx.is_admin:
            log.info("refused admin command /%s for member %s", command.name, ctx.member.id)
            return ctx.admin_only()
        if len(event.args) > MAX_TEXT:
            return ctx.reply("errors.too_long", limit=MAX_TEXT)
        return await command.handler(ctx, event)

    async def _message(self, ctx: Ctx, event: MessageReceived) -> Result:
        if len(event.text) > MAX_TEXT:
            return ctx.reply("errors.too_long", limit=MAX_TEXT)
        for handler in self.routes.messages:
            result = await handler(ctx, event)
            if result is not None:
                return result
        return ctx.reply("messages.fallback") if event.is_dm else None

    async def _join(self, ctx: Ctx, event: MemberJoined) -> Result:
        replies: list[Reply] = []
        for handler in self.routes.joins:
            replies.extend(as_replies(await handler(ctx, event)))
        return replies or None
