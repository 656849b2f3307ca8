"""Where one Discord client connects: DISCORD_API_URL and DISCORD_GATEWAY_URL (the tests' loopback fake),
for this client only.

discord.py builds every URL from process-wide defaults (`Route.BASE`, `DiscordWebSocket.DEFAULT_GATEWAY`).
Rather than rewrite those for the whole process, this client's HTTP client moves a URL built on a default
onto the configured base as each request and websocket connection is made, and the interaction responses
(sent through discord.py's webhook adapter) do the same through an adapter set for the door's own task.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import discord
import yarl
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

DEFAULT_API = discord.http.Route.BASE  # as discord.py ships it (nothing here changes it)
DEFAULT_GATEWAY = str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)


def rebased(url: str, default: str, base: str) -> str:
    """`url` moved from discord.py's `default` base onto `base` (unchanged when it is not on the default)."""
    if not base or not url.startswith(default):
        return url
    if default == DEFAULT_GATEWAY:  # the gateway's query (version, encoding) goes with it
        return str(yarl.URL(base).with_query(yarl.URL(url).query))
    return base.rstrip("/") + url[len(default):]


class EndpointHTTPClient(discord.http.HTTPClient):
    """discord.py's HTTP client, with its REST calls sent to `api` and its gateway connections to `gateway`."""

    def __init__(self, *args: Any, api: str, gateway: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api = api
        self.gateway = gateway

    async def request(self, route: discord.http.Route, **kwargs: Any) -> Any:
        """Send a REST request to this door's API address."""
        route.url = rebased(route.url, DEFAULT_API, self.api)
        return await super().request(route, **kwargs)

    async def ws_connect(self, url: str, *, compress: int = 0) -> aiohttp.ClientWebSocketResponse:
        """Connect to this door's gateway address."""
        return await super().ws_connect(rebased(url, DEFAULT_GATEWAY, self.gateway), compress=compress)


class EndpointWebhookAdapter(AsyncWebhookAdapter):
    """discord.py's adapter for interaction responses and follow-ups, sending them to `api`."""

    def __init__(self, api: str) -> None:
        AsyncWebhookAdapter.__init__(self)  # named, not super(): mypy's untyped_calls_exclude covers it
        self.api = api

    async def request(self, route: discord.http.Route, session: aiohttp.ClientSession, **kwargs: Any) -> Any:
        """Send a webhook request to this door's API address."""
        route.url = rebased(route.url, DEFAULT_API, self.api)
        return await super().request(route, session, **kwargs)


def use_endpoints(client: discord.Client, api: str, gateway: str) -> None:
    """Point `client` (just built) at `api` and `gateway`; the interaction responses of the tasks started
    from the caller's task (the client's own) go to `api` too. Empty values keep Discord's."""
    if not api and not gateway:
        return
    http = EndpointHTTPClient(client.loop, api=api, gateway=gateway)
    client.http = http
    client._connection.http = http
    async_context.set(EndpointWebhookAdapter(api))
