"""/dashboard (French /tableau-de-bord): a one-time sign-in link to the admin dashboard, by DM (issue 21 #2)."""

from __future__ import annotations

from bot.core.model import CommandInvoked, Destination, Reply
from bot.core.routes import Command, Routes
from bot.dashboard.auth import Auth, hashed
from bot.services.container import Ctx
from bot.settings import Settings


def base_url(settings: Settings) -> str | None:
    """Where admins reach the HTTP server: BOT_PUBLIC_URL, else this machine's BOT_HTTP_PORT."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    if settings.http_port:
        host = settings.http_host if settings.http_host not in ("0.0.0.0", "::") else "127.0.0.1"
        return f"http://{host}:{settings.http_port}"
    return None


async def dashboard_command(ctx: Ctx, event: CommandInvoked) -> Reply:
    settings = ctx.services.settings
    base = base_url(settings)
    if not settings.dashboard_secret or base is None:
        return ctx.reply("dashboard.not_served")
    token = await Auth(ctx.services).new_link(ctx.member.id)
    text = ctx.t("dashboard.link_dm", url=f"{base}/dashboard/login?token={token}")
    async with ctx.services.store.transaction() as db:  # private: the row is deleted once delivered
        await ctx.services.outbox.enqueue(db, f"dashboard:link:{hashed(token)[:16]}", Destination.dm(ctx.member),
                                          Reply(text), private=True)
    return ctx.reply("dashboard.link_sent")


ROUTES = Routes(
    commands=(Command("dashboard", dashboard_command, "dashboard.summary", admin=True,
                      names={"fr": "tableau-de-bord"}),),
)
