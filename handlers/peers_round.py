"""`/peers round now|preview` (admins): a round started by hand is asked first, never empty, and never puts
anyone in two open rounds; it resets the cadence (the next automatic round comes a cadence later)."""

from __future__ import annotations

from bot.core.model import Button, ButtonPressed, Reply
from bot.services.container import Ctx
from bot.services.peers import Pool, next_after, text
from bot.services.peers.matching import Plan

START, NOT_NOW = "peers.round_start", "peers.round_not_now"


async def round_now(ctx: Ctx) -> Reply:
    """`round now` asks first, saying who would hear from the bot (or why no round can start)."""
    pool, plans = await planned(ctx)
    return refusal(ctx, pool, plans) or ask(ctx, plans)


async def round_preview(ctx: Ctx) -> Reply:
    """`round preview` shows the round that would start now, sending nothing."""
    return preview(ctx, *await planned(ctx))


async def planned(ctx: Ctx) -> tuple[Pool, dict[str, Plan]]:
    """The pool and the plans of a round that would start now."""
    return await ctx.services.peers.plan(ctx.now)


def refusal(ctx: Ctx, pool: Pool, plans: dict[str, Plan]) -> Reply | None:
    """Why no round can start now (None when at least one group forms)."""
    if any(plan.groups for plan in plans.values()):
        return None
    if pool.busy and not pool.by_id:
        round_id, ends = max(pool.busy.values())
        return ctx.reply("peers.round.refused_busy", number=round_id, end=ctx.when(ends))
    if not pool.by_id:
        return ctx.reply("peers.round.refused_nobody")
    return ctx.reply("peers.round.refused_no_group", count=len(pool.by_id),
                     busy=ctx.t("text.count.others_busy", count=len(pool.busy)))


def ask(ctx: Ctx, plans: dict[str, Plan]) -> Reply:
    """How many would be introduced, with start and not-now buttons."""
    groups = sum(len(plan.groups) for plan in plans.values())
    unmatched = sum(len(plan.unmatched) for plan in plans.values())
    people = sum(len(group) for plan in plans.values() for group in plan.groups) + unmatched
    buttons = (Button(ctx.t("peers.round.button_start"), START, style="primary"),
               Button(ctx.t("peers.round.button_not_now"), NOT_NOW))
    return ctx.reply("peers.round.ask", count=people, groups=ctx.t("text.count.groups_introduced", count=groups),
                     unmatched=ctx.t("text.count.members_told_why", count=unmatched),
                     next=ctx.when(next_after(ctx.services.settings, ctx.now)), buttons=buttons)


async def start_pressed(ctx: Ctx, event: ButtonPressed) -> Reply:
    """Plan again (the pool may have changed since the question) and start the round."""
    pool, plans = await planned(ctx)
    refused = refusal(ctx, pool, plans)  # e.g. the button pressed twice: everyone is in the new round
    if refused is not None:
        return refused
    summary = await ctx.services.peers.start_round(ctx.now)
    if summary is None:
        return ctx.reply("peers.round.just_started")
    return ctx.reply("peers.round.done", number=summary.round_id,
                     groups=ctx.t("text.count.groups", count=summary.groups), count=summary.unmatched)


async def not_now_pressed(ctx: Ctx, event: ButtonPressed) -> Reply:
    """The admin chose not to start the round."""
    return ctx.reply("peers.round.not_started")


def preview(ctx: Ctx, pool: Pool, plans: dict[str, Plan]) -> Reply:
    """The planned groups and who stays unmatched, per platform."""
    lines = [ctx.t("peers.preview.title")]
    for platform, plan in plans.items():
        for group in plan.groups:
            names = [pool.members[int(i)].display_name for i in group]
            lines.append(ctx.t("text.bullet_labelled", label=platform, value=", ".join(names)))
        for lone in plan.unmatched:
            reason = ctx.t(text.PREVIEW_REASON_KEYS.get(lone.reason, "peers.preview.reason.no_partner_available"))
            lines.append(ctx.t("peers.preview.unmatched", name=pool.members[int(lone.id)].display_name,
                               reason=reason))
    for member_id, (round_id, ends) in sorted(pool.busy.items()):
        lines.append(ctx.t("peers.preview.busy", name=pool.members[member_id].display_name, number=round_id,
                           end=ctx.when(ends)))
    if len(lines) == 1:
        lines.append(ctx.t("peers.preview.empty"))
    return Reply("\n".join(lines), ephemeral=True)
