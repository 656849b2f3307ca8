"""The dashboard's routes on the shared HTTP server: sign-in, pages, charts, the feedback status form.

Every page but the sign-in one needs a session (else 401); every form carries the session's CSRF token
(else 403); answers are never cached and never framed. A status change goes through the feedback service,
as the product-channel buttons do: the author and the voters are told through the outbox.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from aiohttp import web

from bot.core.context import UserError
from bot.core.i18n import locale_of
from bot.dashboard import pages
from bot.dashboard.auth import COOKIE, SESSION_TTL, Auth, Session
from bot.platforms.http.server import WebServer
from bot.services.feedback import parse_ref
from bot.store.feedback import format_ref

if TYPE_CHECKING:
    import jinja2

    from bot.services.container import Services

log = logging.getLogger(__name__)
PREFIX = "/dashboard"
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # the sign-in page's address holds the token
    "X-Content-Type-Options": "nosniff",
}
Page = Callable[[web.Request, Session], Awaitable[web.StreamResponse]]
@functools.cache
def templates() -> jinja2.Environment:
    """The pages' templates, loaded on the first page served (jinja2 costs 2 MB a bot without a dashboard keeps)."""
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined)


class Dashboard:
    """The admin dashboard's pages, served under /dashboard."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.auth = Auth(services)
        self.digests = pages.DigestCache(services)
        self.peer_stats = pages.PeersCache(services)

    def register(self, server: WebServer) -> None:
        """Add the dashboard's pages to `server`."""
        server.add("GET", f"{PREFIX}/login", self.login_page)
        server.add("POST", f"{PREFIX}/login", self.login)
        server.add("POST", f"{PREFIX}/logout", self.signed_in(self.logout, form=True))
        server.add("GET", PREFIX, self.signed_in(self.overview))
        server.add("GET", f"{PREFIX}/", self.signed_in(self.overview))
        server.add("GET", f"{PREFIX}/charts/{{name}}", self.signed_in(self.chart))
        server.add("GET", f"{PREFIX}/feedback", self.signed_in(self.feedback))
        server.add("POST", f"{PREFIX}/feedback/{{ref}}/status", self.signed_in(self.change_status, form=True))
        server.add("GET", f"{PREFIX}/webinars", self.signed_in(self.webinars))
        server.add("GET", f"{PREFIX}/faq", self.signed_in(self.faq))
        server.add("GET", f"{PREFIX}/peers", self.signed_in(self.peers))

    # ---- plumbing ----------------------------------------------------------------------------------

    def signed_in(self, page: Page, form: bool = False) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """Run `page` for a signed-in admin (401 otherwise); a form must carry the session's CSRF token."""
        async def guarded(request: web.Request) -> web.StreamResponse:
            session = await self.auth.session(request.cookies.get(COOKIE))
            if session is None:
                return self.html("message.html", None, status=401, key="dashboard.signed_out")
            if form:
                data = await request.post()
                if not self.auth.csrf_ok(session, str(data.get("csrf", ""))):
                    log.warning("dashboard: a form without a valid CSRF token was refused")
                    return self.html("message.html", session, status=403, key="dashboard.csrf")
            return await page(request, session)
        return guarded

    def locale(self, session: Session | None) -> str:
        """The signed-in member's language, else the community's."""
        default = self.services.settings.default_locale
        return locale_of(session.member, default) if session is not None else default

    def html(self, template: str, session: Session | None, status: int = 200, **context: Any) -> web.Response:
        """Render `template` in the reader's language with the security headers."""
        locale = self.locale(session)
        catalogs = self.services.catalogs
        text = templates().get_template(template).render(
            t=lambda key, **kw: catalogs.t(locale, key, **kw), lang=locale, session=session,
            csrf=self.auth.csrf(session) if session else "", prefix=PREFIX, **{"page": "", **context})
        return web.Response(text=text, status=status, content_type="text/html", headers=HEADERS)

    # ---- sign-in -----------------------------------------------------------------------------------

    async def login_page(self, request: web.Request) -> web.StreamResponse:
        """The link's page: a button that signs in (a POST, so link previews never use the token up)."""
        return self.html("login.html", None, token=request.query.get("token", "")[:100])

    async def login(self, request: web.Request) -> web.StreamResponse:
        """Exchange a one-time link's token for a session cookie."""
        data = await request.post()
        cookie = await self.auth.sign_in(str(data.get("token", ""))[:100])
        if cookie is None:
            return self.html("message.html", None, status=401, key="dashboard.link_invalid")
        response = web.HTTPSeeOther(f"{PREFIX}/", headers=HEADERS)
        secure = self.services.settings.public_url.startswith("https://")
        response.set_cookie(COOKIE, cookie, max_age=int(SESSION_TTL.total_seconds()), path=PREFIX, httponly=True,
                            samesite="Strict", secure=secure)
        return response

    async def logout(self, request: web.Request, session: Session) -> web.StreamResponse:
        """End the session and clear its cookie."""
        await self.auth.sign_out(session)
        response = self.html("message.html", None, key="dashboard.bye")
        response.del_cookie(COOKIE, path=PREFIX)
        return response

    # ---- pages -------------------------------------------------------------------------------------

    async def overview(self, request: web.Request, session: Session) -> web.StreamResponse:
        """The weekly digest with its charts."""
        rendered = await self.digests.get(self.locale(session))
        return self.html("overview.html", session, page="overview", title=rendered.writer.title(),
                         lines=rendered.writer.lines(), charts=list(rendered.charts.values()))

    async def chart(self, request: web.Request, session: Session) -> web.StreamResponse:
        """One digest chart as PNG."""
        rendered = await self.digests.get(self.locale(session))
        chart = rendered.charts.get(request.match_info["name"])
        if chart is None:
            return web.Response(status=404, text="not found", headers=HEADERS)
        return web.Response(body=chart.png, content_type="image/png", headers=HEADERS)

    async def feedback(self, request: web.Request, session: Session, error: str = "",
                       status: int = 200) -> web.StreamResponse:
        """The feedback board, filtered by the query string."""
        locale = self.locale(session)
        choices = pages.options(self.services.catalogs, locale, self.services)
        filters = pages.board_filters(dict(request.query), choices)
        changed = parse_ref(request.query.get("changed", "")) if request.query.get("changed") else None
        items = await pages.board(self.services, locale, filters)
        return self.html("feedback.html", session, status=status, page="feedback", items=items, choices=choices,
                         filters=filters, query=urlencode({k: v for k, v in filters.items() if v}), error=error,
                         changed=next((i["ref"] for i in items if i["id"] == changed), ""))

    async def change_status(self, request: web.Request, session: Session) -> web.StreamResponse:
        """Change an item's status from the board."""
        data = await request.post()
        item_id = parse_ref(request.match_info["ref"])
        target = str(data.get("duplicate_of", "")).strip()
        duplicate_of = parse_ref(target) if target else None
        note = str(data.get("note", "")).strip() or None
        locale = self.locale(session)
        try:
            if item_id is None or (target and duplicate_of is None):
                raise UserError("feedback.errors.bad_ref", text=(target or request.match_info["ref"])[:30])
            await self.services.feedback.change_status(session.member, item_id,
                                                       str(data.get("status", "")), note, duplicate_of)
        except UserError as exc:
            return await self.feedback(request, session, self.services.catalogs.t(locale, exc.key, **exc.values),
                                       status=400)
        self.digests.drop()
        back = str(data.get("back", ""))
        query = back if all(c.isalnum() or c in "=&_-" for c in back) else ""
        raise web.HTTPSeeOther(f"{PREFIX}/feedback?{query}{'&' if query else ''}changed={format_ref(item_id)}",
                               headers=HEADERS)

    async def webinars(self, request: web.Request, session: Session) -> web.StreamResponse:
        """The webinars page."""
        return self.html("webinars.html", session, page="webinars", webinars=await pages.webinars(self.services))

    async def faq(self, request: web.Request, session: Session) -> web.StreamResponse:
        """The FAQ page: unanswered questions and drafts."""
        return self.html("faq.html", session, page="faq", **await pages.faq(self.services, self.locale(session)))

    async def peers(self, request: web.Request, session: Session) -> web.StreamResponse:
        """The peer-matching page."""
        figures = await pages.peers(self.peer_stats, self.locale(session))
        return self.html("peers.html", session, page="peers", **figures)


def register(server: WebServer, services: Services) -> Dashboard | None:
    """Serve the dashboard when BOT_DASHBOARD_SECRET is set (None otherwise)."""
    if not services.settings.dashboard_secret:
        return None
    dashboard = Dashboard(services)
    dashboard.register(server)
    return dashboard
