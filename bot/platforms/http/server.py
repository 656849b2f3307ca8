"""One aiohttp server per process, with routes any part of the bot may add while it runs.

aiohttp freezes an application's router when it starts, but the Slack door, the dashboard and the
calendar feeds start at different moments (a door registers its route when it starts serving). So the
aiohttp application has a single catch-all route and this module keeps the routing table: exact paths
and `{name}` segments (one path segment each, handed over in `request.match_info`).

Who starts the server: `community-bot run` when BOT_HTTP_PORT is set, the Slack door in HTTP mode
(on its port, unless the server already listens), `community-bot dashboard`. Whoever asks first picks
the port; the others share it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SEGMENT = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


@dataclass(frozen=True)
class Route:
    """One HTTP route of the shared server."""

    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler


def compile_template(template: str) -> re.Pattern[str]:
    """"/feedback/{ref}" -> a pattern matching one path segment per `{name}`."""
    if not template.startswith("/"):
        raise ValueError(f"a route path starts with /: {template!r}")
    parts = SEGMENT.split(template)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
    return re.compile(regex + r"\Z")


class WebServer:
    """The routing table and the listening socket; `add` works before and after `listen`."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.port: int | None = None
        self.host: str | None = None
        self._runner: web.AppRunner | None = None

    def add(self, method: str, template: str, handler: Handler) -> None:
        """Serve `method template` with `handler`; the same method and path twice is a programming error."""
        method = method.upper()
        if any(r.method == method and r.template == template for r in self.routes):
            raise ValueError(f"route defined twice: {method} {template}")
        self.routes.append(Route(method, template, compile_template(template), handler))

    def remove(self, template: str) -> None:
        """Stop serving a path (every method), e.g. when the door that owns it stops."""
        self.routes = [r for r in self.routes if r.template != template]

    @property
    def listening(self) -> bool:
        """Whether the server is serving."""
        return self._runner is not None

    async def listen(self, host: str, port: int) -> int:
        """Start serving on host:port (port 0: any free port); when already serving, keep the socket."""
        if self._runner is not None:
            assert self.port is not None
            if port not in (0, self.port):
                log.warning("HTTP: already listening on port %d; port %d is not opened as well", self.port, port)
            return self.port
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner, self.host = runner, host
        self.port = int(runner.addresses[0][1])
        log.info("HTTP: server started on http://%s:%d", host, self.port)
        return self.port

    async def close(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            self.port = None

    def url(self, path: str = "/") -> str:
        """The loopback URL of `path` (for tests and printed links); the server must be listening."""
        assert self.port is not None, "the HTTP server is not listening"
        host = self.host if self.host not in (None, "0.0.0.0", "::") else "127.0.0.1"
        return f"http://{host}:{self.port}{path}"

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        allowed = []
        for route in self.routes:
            match = route.pattern.match(request.path)
            if match is None:
                continue
            if route.method in (request.method, "*") or (route.method == "GET" and request.method == "HEAD"):
                request.match_info.pop("tail", None)  # the catch-all's own segment
                request.match_info.update(match.groupdict())
                return await route.handler(request)
            allowed.append(route.method)
        if allowed:
            return web.Response(status=405, text="method not allowed", headers={"Allow": ", ".join(allowed)})
        return web.Response(status=404, text="not found")
