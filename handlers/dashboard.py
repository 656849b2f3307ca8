"""/dashboard (French /tableau-de-bord): a one-time sign-in link to the admin dashboard, by DM (issue 21 #2)."""

from __future__ import annotations

from bot.core.model import CommandInvoked, Reply
from bot.core.routes import Command, Routes
from bot.dashboard.auth import Auth
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
    """/dashboard: a one-time sign-in link by DM (or why there is none)."""
    settings = ctx.services.settings
    base = base_url(settings)
    if not settings.dashboard_secret or base is None:
        return ctx.reply("dashboard.not_served")
    await Auth(ctx.services).send_link(
        ctx.member, lambda token: ctx.t("dashboard.link_dm", url=f"{base}/dashboard/login?token={token}"))
    return ctx.reply("dashboard.link_sent")


ROUTES = Routes(
    commands=(Command("dashboard", dashboard_command, "dashboard.summary", admin=True,
                      names={"fr": "tableau-de-bord"}),),
)
