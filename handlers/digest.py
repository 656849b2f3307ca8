"""/digest (French /synthese): the weekly digest, now, for admins (issue 21 #1); the weekly post's due job."""

from __future__ import annotations

import asyncio

from bot.core.model import CommandInvoked, Reply
from bot.core.routes import Command, Routes
from bot.services.container import Ctx
from bot.services.digest import collect
from bot.services.digest.job import DigestJob, render, replies

MAX_DAYS = 366


async def digest_command(ctx: Ctx, event: CommandInvoked) -> list[Reply] | Reply:
    """`/digest [days]`: the summary (with the stalled newcomers' names) and the charts, to the admin only."""
    words = event.args.split()
    days = 7
    if words:
        if len(words) > 1 or not words[0].isdigit() or not 1 <= int(words[0]) <= MAX_DAYS:
            return ctx.reply("digest.bad_days")
        days = int(words[0])
    digest = await collect(ctx.services, ctx.now, days)
    writer, charts = await asyncio.to_thread(render, ctx.services, digest, ctx.locale, True)
    return replies(writer, charts, ephemeral=True)


ROUTES = Routes(
    commands=(Command("digest", digest_command, "digest.summary", "digest.usage", admin=True,
                      names={"fr": "synthese"}),),
    jobs=(DigestJob(),),
)
