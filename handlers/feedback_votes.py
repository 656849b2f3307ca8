"""/feedback vote, /feedback top, /feedback scope and the "Me too" button (issue 21)."""

from __future__ import annotations

from bot.core import values
from bot.core.ids import parse_id
from bot.core.model import ButtonPressed, Reply
from bot.services.container import Ctx
from bot.services.feedback import Item, excerpt, parse_ref, status_label
from bot.services.feedback.votes import scope_label

TOP_LIMIT = 10


async def vote_command(ctx: Ctx, rest: str) -> Reply:
    """`/feedback vote FB-0042` (`/avis vote`)."""
    item_id = parse_ref(rest) if rest.strip() else None
    if item_id is None:
        return ctx.reply("feedback.vote.usage", text=rest[:30])
    return await _vote(ctx, item_id)


async def vote_button(ctx: Ctx, event: ButtonPressed) -> Reply:
    """"Me too" under a product-channel post; value "<id>"."""
    item_id = parse_id(event.value)
    if item_id is None:
        return ctx.reply("errors.stale_button")
    return await _vote(ctx, item_id)


async def _vote(ctx: Ctx, item_id: int) -> Reply:
    item, added, total = await ctx.services.feedback.vote(ctx.member, item_id)
    return ctx.reply("feedback.vote.added" if added else "feedback.vote.already", ref=item.ref, count=total)


async def top(ctx: Ctx, rest: str) -> Reply:
    """`/feedback top`: the most-voted open items, with how many countries ask for each."""
    ranked = await ctx.services.feedback.top(TOP_LIMIT)
    if not ranked:
        return ctx.reply("feedback.top.empty")
    lines = [ctx.t("feedback.top.title", count=len(ranked))]
    lines += [f"• {_line(ctx, item, r.votes, r.countries)}" for item, r in ranked]
    return Reply("\n".join(lines), ephemeral=True)


def _line(ctx: Ctx, item: Item, count: int, countries: int) -> str:
    catalogs = ctx.services.catalogs
    return ctx.t("feedback.top.line", ref=item.ref, count=count,
                 countries=ctx.t("text.count.countries_asking", count=countries),
                 status=status_label(catalogs, ctx.locale, item.status),
                 scope=scope_label(catalogs, ctx.locale, item.scope),
                 module=ctx.services.feedback.module_label(catalogs, ctx.locale, item.module),
                 summary=excerpt(item.description))


async def set_scope(ctx: Ctx, rest: str) -> Reply:
    """`/feedback scope FB-0042 core|country|undecided` (French: cœur, pays, indécis; admins only, declared)."""
    ref, _, word = rest.strip().partition(" ")
    item_id, scope = parse_ref(ref) if ref else None, values.lookup("feedback_scope", word)
    if item_id is None or scope is None:
        return ctx.reply("feedback.scope.usage")
    item = await ctx.services.feedback.set_scope(item_id, scope)
    return ctx.reply("feedback.scope.set", ref=item.ref, scope=scope_label(ctx.services.catalogs, ctx.locale, scope))
