"""Welcome: greet each newcomer once (DM through the outbox), language buttons that start onboarding,
the follow-up opt-out, and /welcome preview|failures for admins."""

from __future__ import annotations

from bot.core.i18n import SUPPORTED
from bot.core.model import ButtonPressed, CommandInvoked, MemberJoined, Reply
from bot.core.routes import Command, Kind, Opt, Routes, Sub
from bot.services import welcome as service
from bot.services.container import Ctx
from bot.services.privacy import ProfilePart
from bot.services.welcome.onboarding import language_name
from bot.services.welcome.service import FollowUpPart
from handlers.profile import ask_step


async def on_join(ctx: Ctx, event: MemberJoined) -> None:
    """Queue the welcome once; bots (always) and guests (BOT_WELCOME_SKIP_GUESTS) are skipped."""
    await ctx.services.welcome.greet(ctx.member, event.actor, ctx.now)
    return None


async def choose_language(ctx: Ctx, event: ButtonPressed) -> list[Reply] | Reply:
    """English / Français on the welcome DM: store the choice, then ask the first profile question."""
    if event.value not in SUPPORTED:
        return ctx.reply("profile.stale")
    await ctx.services.welcome.set_language(ctx.member.id, event.value, ctx.now)
    ctx.locale = event.value
    intro = ctx.reply("welcome.language_set", language=language_name(event.value, event.value))
    return [intro, await ask_step(ctx, "role")]


async def stop_tips(ctx: Ctx, event: ButtonPressed) -> Reply:
    """Stop the member's follow-up tips."""
    stopped = await ctx.services.welcome.stop_tips(ctx.member.id, ctx.now)
    return ctx.reply("welcome.tips_stopped" if stopped else "welcome.tips_not_running")


async def welcome_command(ctx: Ctx, event: CommandInvoked) -> Reply:
    """/welcome without a known subcommand (those are declared below): how to use it."""
    return ctx.reply("welcome.usage_hint")


async def preview_command(ctx: Ctx, event: CommandInvoked) -> list[Reply]:
    """/welcome preview [en|fr]: the welcome newcomers get."""
    return preview(ctx, str(event.values.get("language") or ctx.locale))


async def failures_command(ctx: Ctx, event: CommandInvoked) -> Reply:
    """/welcome failures: welcome messages that could not be delivered."""
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
    rows = await ctx.services.welcome.failures()
    if not rows:
        return ctx.reply("welcome.failures_none")
    lines = [ctx.t("welcome.failures_title", count=len(rows))]
    for row in rows:
        lines.append(ctx.t("welcome.failure_line", key=row.key, platform=row.platform, target=row.target,
                           count=row.attempts, reason=row.error[:200],
                           fallback=row.fallback_status or ctx.t("welcome.no_fallback")))
    return Reply("\n".join(lines), ephemeral=True)


ROUTES = Routes(
    commands=(Command("welcome", welcome_command, "welcome.summary", "welcome.usage", admin=True,
                      names={"fr": "bienvenue"}, subs=(
                          Sub("preview", "welcome.sub.preview", preview_command, names={"fr": "aperçu"},
                              options=(Opt("language", "welcome.option.language", Kind.CHOICE, choices=SUPPORTED,
                                           invalid="welcome.preview_unknown", names={"fr": "langue"}),)),
                          Sub("failures", "welcome.sub.failures", failures_command, names={"fr": "échecs"}))),),
    buttons={"welcome.lang": choose_language, "welcome.stop": stop_tips},
    joins=(on_join,),
    jobs=(service.FollowUpJob(),),
    privacy=(ProfilePart(), FollowUpPart()),
)
