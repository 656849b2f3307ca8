"""Welcome: greet each newcomer once (DM through the outbox), language buttons that start onboarding,
the follow-up opt-out, and /welcome preview|failures for admins."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot.core.i18n import SUPPORTED
from bot.core.model import ButtonPressed, CommandInvoked, Member, MemberJoined, Reply
from bot.core.routes import Command, Kind, Opt, Routes, Sub
from bot.services import roles
from bot.services import welcome as service
from bot.services.container import Ctx
from bot.services.onboarding import language_name
from bot.services.privacy import ProfilePart
from bot.store import members as member_sql
from bot.store import privacy as privacy_sql
from bot.store import welcome as sql
from bot.store.db import Connection
from handlers.profile import ask_step

log = logging.getLogger(__name__)


async def on_join(ctx: Ctx, event: MemberJoined) -> None:
    """Queue the welcome once; bots (always) and guests (BOT_WELCOME_SKIP_GUESTS) are skipped."""
    actor = event.actor
    if actor.is_bot or (actor.is_guest and ctx.services.settings.welcome_skip_guests):
        log.info("welcome: skipped %s member %s", "bot" if actor.is_bot else "guest", ctx.member.id)
        return None
    async with ctx.services.store.transaction() as db:
        queued = await service.queue_welcome(ctx.services, db, ctx.member, ctx.now)
        if queued:  # the platform's language may already name a role
            await roles.sync(ctx.services, db, ctx.member.id)
    log.info("welcome: member %s %s", ctx.member.id, "welcomed" if queued else "was welcomed before")
    return None


async def choose_language(ctx: Ctx, event: ButtonPressed) -> list[Reply] | Reply:
    """English / Français on the welcome DM: store the choice, then ask the first profile question."""
    if event.value not in SUPPORTED:
        return ctx.reply("profile.stale")
    async with ctx.services.store.transaction() as db, roles.kept_in_step(ctx.services, db, ctx.member.id, ctx.now):
        await member_sql.set_locale(db, ctx.member.id, event.value)
    ctx.locale = event.value
    intro = ctx.reply("welcome.language_set", language=language_name(event.value, event.value))
    return [intro, await ask_step(ctx, "role")]


async def stop_tips(ctx: Ctx, event: ButtonPressed) -> Reply:
    async with ctx.services.store.transaction() as db:
        stopped = await sql.stop(db, ctx.member.id, "opted-out", ctx.now)
    return ctx.reply("welcome.tips_stopped" if stopped else "welcome.tips_not_running")


async def welcome_command(ctx: Ctx, event: CommandInvoked) -> Reply:
    """/welcome without a known subcommand (those are declared below): how to use it."""
    return ctx.reply("welcome.usage_hint")


async def preview_command(ctx: Ctx, event: CommandInvoked) -> list[Reply]:
    return preview(ctx, str(event.values.get("language") or ctx.locale))


async def failures_command(ctx: Ctx, event: CommandInvoked) -> Reply:
    return await failures(ctx)


def preview(ctx: Ctx, locale: str) -> list[Reply]:
    """Exactly what a newcomer receives, built by the same code, with the admin as the newcomer."""
    if locale not in SUPPORTED:
        return [ctx.reply("welcome.preview_unknown", choice=locale[:20], options=", ".join(SUPPORTED))]
    member = ctx.member
    services = ctx.services
    parts: list[Reply] = [ctx.reply("welcome.preview_dm", language=language_name(locale, ctx.locale)),
                          service.dm_reply(services, member, locale)]
    if services.settings.welcome_public_greeting:
        parts += [ctx.reply("welcome.preview_greeting"), service.public_reply(services, member, locale, "greeting")]
    parts += [ctx.reply("welcome.preview_fallback"), service.public_reply(services, member, locale, "fallback")]
    for step, day in services.settings.welcome_followups:
        parts += [ctx.reply("welcome.preview_followup", day=day, step=step),
                  service.followup_reply(services, member, locale, step)]
    return parts


async def failures(ctx: Ctx) -> Reply:
    """Welcome messages that could not be delivered, with the platform's reason and the fallback's fate."""
    async with ctx.services.store.transaction() as db:
        rows = await sql.failures(db)
    if not rows:
        return ctx.reply("welcome.failures_none")
    lines = [ctx.t("welcome.failures_title", count=len(rows))]
    for row in rows:
        lines.append(ctx.t("welcome.failure_line", key=row.key, platform=row.platform, target=row.target,
                           count=row.attempts, reason=row.error[:200],
                           fallback=row.fallback_status or ctx.t("welcome.no_fallback")))
    return Reply("\n".join(lines), ephemeral=True)


class FollowUpPart:
    """The follow-up sequence row: exported, then deleted by /forget-me."""

    name: str = "welcome_followups"
    tables: tuple[str, ...] = ("welcome_followups",)

    async def export(self, db: Connection, member: Member) -> Any:
        return await privacy_sql.rows_where(db, "welcome_followups", "member_id", member.id)

    async def outbox_keys(self, db: Connection, member: Member) -> list[str]:
        """The greeting in the introductions channel names the member."""
        return [f"welcome:{member.id}:%"]

    async def erase(self, db: Connection, member: Member, now: datetime) -> list[tuple[str, int]]:
        await sql.erase(db, member.id)
        return []


ROUTES = Routes(
    commands=(Command("welcome", welcome_command, "welcome.summary", "welcome.usage", admin=True,
                      names={"fr": "bienvenue"}, subs=(
                          Sub("preview", "welcome.sub.preview", preview_command, names={"fr": "apercu"},
                              options=(Opt("language", "welcome.option.language", Kind.CHOICE, choices=SUPPORTED,
                                           invalid="welcome.preview_unknown", names={"fr": "langue"}),)),
                          Sub("failures", "welcome.sub.failures", failures_command, names={"fr": "echecs"}))),),
    buttons={"welcome.lang": choose_language, "welcome.stop": stop_tips},
    joins=(on_join,),
    jobs=(service.FollowUpJob(),),
    privacy=(ProfilePart(), FollowUpPart()),
)
