"""The dispatcher: turns a neutral event into a handler call through explicit routes."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.core.context import Ctx, UserError
from bot.core.i18n import resolve_locale
from bot.core.invocation import bind, locate
from bot.core.model import (
    Actor,
    ButtonPressed,
    CommandInvoked,
    Event,
    FormSubmitted,
    HomeOpened,
    Member,
    MemberJoined,
    MessageActionInvoked,
    MessageReceived,
    Option,
    Reply,
    Result,
    as_replies,
)
from bot.core.ports import CoreServices, MemberDirectory, StorageUnavailable
from bot.core.routes import Handler, Routes
from bot.core.suggest import suggest
from bot.core.text import MAX_TEXT

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What the dispatcher decided: the answer, the reader's language, and whether the event was a repeat."""

    result: Result
    locale: str
    duplicate: bool = False


class Dispatcher:
    """Turns each event into a handler call: the member, the dedupe, the language and the error reply first."""

    def __init__(self, services: CoreServices, routes: Routes, members: MemberDirectory) -> None:
        self.services = services
        self.routes = routes
        self.members = members

    def context_for(self, member: Member, event: Event) -> Ctx[CoreServices]:
        """The context of one event: the member, their language, whether they are an admin, now."""
        settings = self.services.settings
        is_admin = (member.is_admin or event.actor.platform_admin
                    or settings.is_configured_admin(member.platform, member.user_id, member.display_name))
        return Ctx(member=member, actor=event.actor, locale=self.locale_of(member, event.actor), is_admin=is_admin,
                   event=event, services=self.services, routes=self.routes, now=self.services.clock.now())

    def locale_of(self, member: Member | None, actor: Actor) -> str:
        """The member's choice, else the event's platform locale, else the platform locale stored when the
        member was first seen (a Slack button or a console restart carries none), else the community default."""
        chosen = member.locale if member else None
        stored = resolve_locale(None, member.platform_locale if member else None, self.services.settings.default_locale)
        return resolve_locale(chosen, actor.platform_locale, stored)

    async def locale_for(self, actor: Actor) -> str:
        """The language of a door's own words for `actor`, outside an event."""
        try:
            member = await self.members.find(actor)
        except StorageUnavailable:
            log.exception("database unavailable while looking up a member's language")
            member = None
        return self.locale_of(member, actor)

    async def seen(self, platform: str, event_id: str | None) -> bool:
        """True for an event id already handled; lets a door skip platform calls for a repeat."""
        return bool(event_id) and await self.members.seen(platform, str(event_id))

    async def first_time(self, platform: str, event_id: str) -> bool:
        """Record an event id for work a door does before any dispatch (e.g. a Discord form's pages)."""
        return await self.members.record(platform, event_id, self.services.clock.now())

    async def handle(self, event: Event) -> Result:
        """Answer one event (None for a repeated delivery). Never raises."""
        return (await self.dispatch(event)).result

    async def dispatch(self, event: Event) -> Outcome:
        """Handle `event` once per event id; failures become a short translated message."""
        try:
            member = await self.members.arrive(event.actor, getattr(event, "event_id", None),
                                               self.services.clock.now())
        except StorageUnavailable:
            log.exception("database unavailable while handling %s", type(event).__name__)
            return Outcome(self._storage_error(event), self.locale_of(None, event.actor))
        if member is None:
            log.info("%s event %s already processed; ignored", event.actor.platform, getattr(event, "event_id", ""))
            return Outcome(None, self.locale_of(None, event.actor), duplicate=True)
        ctx = self.context_for(member, event)
        return Outcome(await self._answer(ctx, event), ctx.locale)

    async def _answer(self, ctx: Ctx[CoreServices], event: Event) -> Result:
        try:
            return await self._route(ctx, event)
        except UserError as exc:
            return ctx.reply(exc.key, **exc.values)
        except StorageUnavailable:
            log.exception("database unavailable while handling %s", type(event).__name__)
            return ctx.reply("errors.storage")
        except Exception:
            log.exception("handler failed for %s", type(event).__name__)
            return ctx.reply("errors.internal")

    def _storage_error(self, event: Event) -> Reply:
        locale = self.locale_of(None, event.actor)
        return Reply(self.services.catalogs.t(locale, "errors.storage"), ephemeral=True)

    async def _route(self, ctx: Ctx[CoreServices], event: Event) -> Result:
        if isinstance(event, CommandInvoked):
            return await self._command(ctx, event)
        if isinstance(event, MessageReceived):
            return await self._message(ctx, event)
        if isinstance(event, MemberJoined):
            return await self._join(ctx, event)
        if isinstance(event, ButtonPressed):
            return await self._gated(ctx, event, event.action, self.routes.buttons, self.routes.admin_buttons)
        if isinstance(event, FormSubmitted):
            return await self._gated(ctx, event, event.form_id, self.routes.forms, self.routes.admin_forms)
        if isinstance(event, MessageActionInvoked):
            return await self._message_action(ctx, event)
        if isinstance(event, HomeOpened):
            return await self._home(ctx, event)
        raise TypeError(f"unknown event {event!r}")

    async def _gated(self, ctx: Ctx[CoreServices], event: ButtonPressed | FormSubmitted, name: str,
                     handlers: dict[str, Handler], admin_only: frozenset[str]) -> Result:
        """A button or form handler, refused to non-admins when its route is declared admin."""
        handler = handlers.get(name)
        if handler is None:
            return ctx.reply("errors.stale_button")
        if name in admin_only and not ctx.is_admin:
            log.info("refused admin %s %s for member %s", type(event).__name__, name, ctx.member.id)
            return ctx.admin_only()
        return await handler(ctx, event)

    async def _command(self, ctx: Ctx[CoreServices], event: CommandInvoked) -> Result:
        command = self.routes.command(event.name)
        if command is None:
            return ctx.reply("errors.unknown_command", command=event.name[:40])
        if command.admin and not ctx.is_admin:
            log.info("refused admin command /%s for member %s", command.name, ctx.member.id)
            return ctx.admin_only()
        if len(event.args) > MAX_TEXT:
            return self._too_long(ctx, event.args)
        target = locate(command, event)
        if target.admin and not ctx.is_admin:
            log.info("refused admin subcommand /%s %s for member %s", command.name, " ".join(target.path),
                     ctx.member.id)
            return ctx.admin_only()
        handler, ctx.event = bind(command, target, event, ctx)
        return await handler(ctx, ctx.event)

    async def _message_action(self, ctx: Ctx[CoreServices], event: MessageActionInvoked) -> Result:
        action = self.routes.action(event.action)
        if action is None:
            return ctx.reply("errors.stale_button")
        if action.admin and not ctx.is_admin:
            log.info("refused admin message action %s for member %s", action.name, ctx.member.id)
            return ctx.admin_only()
        return await action.handler(ctx, event)

    async def suggest(self, event: CommandInvoked, option_name: str, typed: str) -> list[Option]:
        """Autocomplete: what to offer for option `option_name` of the (sub)command `event` names. Read
        only; nothing for an admin subcommand asked by a non-admin, nor when anything fails."""
        command = self.routes.command(event.name)
        try:
            target = locate(command, event) if command else None
            member = await self.members.find(event.actor) or await self.members.arrive(
                event.actor, None, self.services.clock.now())
            if command is None or target is None or member is None:
                return []
            ctx = self.context_for(member, event)
            if (command.admin or target.admin) and not ctx.is_admin:
                return []
            options = target.sub.options if target.sub else command.default.options if command.default \
                else command.options
            option = next((o for o in options if o.name == option_name), None)
            return await suggest(ctx, option, typed, self.routes.suggestions) if option else []
        except Exception:
            log.exception("suggestions failed for /%s %s", event.name, option_name)
            return []

    async def _message(self, ctx: Ctx[CoreServices], event: MessageReceived) -> Result:
        if len(event.text) > MAX_TEXT:
            return self._too_long(ctx, event.text)
        for handler in self.routes.messages:
            result = await handler(ctx, event)
            if result is not None:
                return result
        return ctx.reply("messages.fallback") if event.is_dm else None

    @staticmethod
    def _too_long(ctx: Ctx[CoreServices], text: str) -> Reply:
        """Refused for its length, and given back whole so nothing typed is lost."""
        return ctx.reply("errors.too_long_given_back", limit=MAX_TEXT, length=len(text), text=text)

    async def _home(self, ctx: Ctx[CoreServices], event: HomeOpened) -> Result:
        sections: list[Reply] = []
        for handler in self.routes.home:
            sections.extend(as_replies(await handler(ctx, event)))
        return sections

    async def _join(self, ctx: Ctx[CoreServices], event: MemberJoined) -> Result:
        replies: list[Reply] = []
        for handler in self.routes.joins:
            replies.extend(as_replies(await handler(ctx, event)))
        return replies or None
