"""Calendar feeds and health on the process's HTTP server: GET /webinars.ics, /webinars/<id>.ics,
/calendar/<token>.ics (a member's own feed) and /healthz."""

from __future__ import annotations

import logging
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING

from aiohttp import web

from bot.core.ids import parse_id
from bot.platforms.http.server import WebServer
from bot.services.webinars import calendar_feeds as feeds

if TYPE_CHECKING:
    from bot.services.shared import Shared

log = logging.getLogger(__name__)
CALENDAR = "text/calendar; charset=utf-8"


def register(web_server: WebServer, services: Shared) -> None:
    """Add the feed and health routes (they answer whenever the server listens)."""

    async def community(request: web.Request) -> web.StreamResponse:
        return answer(request, await feeds.community_feed(services, services.clock.now()), "webinars.ics")

    async def one(request: web.Request) -> web.StreamResponse:
        name = request.match_info["file"]
        webinar_id = parse_id(name.removesuffix(".ics")) if name.endswith(".ics") else None
        feed = await feeds.webinar_feed(services, webinar_id) if webinar_id is not None else None
        return answer(request, feed, name)

    async def personal(request: web.Request) -> web.StreamResponse:
        name = request.match_info["file"]
        token = name.removesuffix(".ics")
        feed = await feeds.member_feed(services, token, services.clock.now()) if name.endswith(".ics") else None
        return answer(request, feed, "my-webinars.ics")

    async def health(request: web.Request) -> web.StreamResponse:
        try:
            await services.store.fetch_all("SELECT 1")
        except Exception:  # any storage failure means "not healthy"; the cause goes to the log
            log.exception("healthz: the database does not answer")
            return web.json_response({"status": "unavailable"}, status=503)
        return web.json_response({"status": "ok"})

    web_server.add("GET", "/webinars.ics", community)
    web_server.add("GET", "/webinars/{file}", one)
    web_server.add("GET", "/calendar/{file}", personal)
    web_server.add("GET", "/healthz", health)


def answer(request: web.Request, feed: feeds.Feed | None, filename: str) -> web.StreamResponse:
    """The feed with ETag and Last-Modified, 304 when the caller's copy is current, 404 when there is none."""
    if feed is None:
        return web.Response(status=404, text="not found")
    headers = {"ETag": feed.etag, "Last-Modified": format_datetime(feed.last_modified, usegmt=True),
               "Cache-Control": "private, max-age=300",
               "Content-Disposition": f'inline; filename="{filename}"'}
    if not_modified(request, feed):
        return web.Response(status=304, headers=headers)
    return web.Response(body=feed.body, headers={**headers, "Content-Type": CALENDAR})


def not_modified(request: web.Request, feed: feeds.Feed) -> bool:
    """Whether the client's copy of the feed is current (If-None-Match, If-Modified-Since)."""
    tags = request.headers.get("If-None-Match")
    if tags is not None:
        return feed.etag in {t.strip() for t in tags.split(",")} or tags.strip() == "*"
    since = request.headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        return feed.last_modified <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
