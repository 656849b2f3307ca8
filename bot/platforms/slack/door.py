"""The Slack door: bolt in Socket Mode (SLACK_APP_TOKEN set) or HTTP mode on /slack/events."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import App
from bot.platforms.slack.facts import MemberFacts
from bot.platforms.slack.home import HomeTab
from bot.platforms.slack.journal import Journal
from bot.platforms.slack.listeners import Listeners
from bot.platforms.slack.messenger import PLATFORM, SlackMessenger
from bot.platforms.slack.replay import ReplayGuard
from bot.platforms.slack.send import Sender
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)
BOLT_LOGGER = "bot.platforms.slack.bolt"
# At DEBUG, slack_sdk and Bolt log every request and response: users.info with the member's name and
# profile, message texts next to their author. Kept at INFO whatever BOT_LOG_LEVEL says (issue 15 #3).
for _name in ("slack_sdk", "slack_bolt", BOLT_LOGGER):
    logging.getLogger(_name).setLevel(logging.INFO)
EVENTS_PATH = "/slack/events"
DEFAULT_API_URL = "https://slack.com/api/"


def api_url(settings: Settings) -> str:
    url = settings.slack_api_url or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"


def check_settings(settings: Settings) -> None:
    """Raise SettingsError naming the variable when the Slack door cannot start."""
    if not settings.slack_bot_token:
        raise SettingsError("SLACK_BOT_TOKEN is required for the Slack door")
    if not settings.slack_app_token and not settings.slack_signing_secret:
        raise SettingsError("SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)")


class SlackDoor:
    """Owns the bolt app, the Web API client and the server (HTTP) or websocket (Socket Mode)."""

    def __init__(self, app: App, *, port: int | None = None, host: str | None = None,
                 ping_interval: float = 10.0) -> None:
        settings = app.services.settings
        check_settings(settings)
        self.app = app
        self.socket_mode = bool(settings.slack_app_token)
        self.host = host or settings.slack_host
        self.port = settings.slack_port if port is None else port
        self.ping_interval = ping_interval
        self.client = AsyncWebClient(token=settings.slack_bot_token, base_url=api_url(settings))
        self.bolt = AsyncApp(client=self.client, signing_secret=settings.slack_signing_secret,
                             request_verification_enabled=not self.socket_mode, process_before_response=False,
                             logger=logging.getLogger(BOLT_LOGGER))
        self.sender = Sender(self.client)
        self.journal = Journal()
        self.replays = None if self.socket_mode else ReplayGuard(settings.slack_signing_secret)
        self.facts = MemberFacts(self.client, app.services.clock,
                                 timedelta(seconds=settings.slack_member_cache_seconds))
        self.listeners = Listeners(app, self.sender, self.facts, self.journal)
        self.home = self.listeners.home = HomeTab(app.dispatcher, self.client, self.facts, self.journal)
        self.listeners.register(self.bolt)
        # The outbox's own client does not retry by itself: slack_sdk would resend a chat.postMessage whose
        # connection dropped, maybe after Slack posted it; the outbox checks (already_sent) before resending.
        self.outbox_client = AsyncWebClient(token=settings.slack_bot_token, base_url=api_url(settings),
                                            retry_handlers=[])
        self.messenger = SlackMessenger(Sender(self.outbox_client), settings.slack_channels,
                                        rate=settings.slack_api_rate,
                                        burst=settings.slack_api_burst)
        self.messenger.also_forget += [self.facts.forget, self.home.forget]
        self.messenger.delivered_to.append(self.refresh_home_later)
        self.refreshing: set[asyncio.Task[None]] = set()

    def refresh_home_later(self, user_id: str) -> None:
        """A DM reached a member: re-publish their home in the background (the outbox does not wait)."""
        if user_id in self.home.opened:
            task = asyncio.create_task(self.home.refresh(user_id))
            self.refreshing.add(task)
            task.add_done_callback(self.refreshing.discard)

    async def run(self, ready: asyncio.Event | None = None) -> None:
        """Serve until cancelled; `ready` is set once Slack can reach us."""
        session = aiohttp.ClientSession()  # one pool of connections for the Web API and response_urls
        self.client.session = self.outbox_client.session = self.sender.session = session
        try:
            await self._run(ready)
        finally:
            self.client.session = self.outbox_client.session = self.sender.session = None
            await session.close()

    async def _run(self, ready: asyncio.Event | None) -> None:
        identity = await self.client.auth_test()
        log.info("Slack: connected as %s in team %s", identity.get("user"), identity.get("team"))
        self.listeners.bot_user = str(identity.get("user_id") or "")
        self.app.services.outbox.register(self.messenger)
        try:
            if self.socket_mode:
                await self._serve_socket_mode(ready)
            else:
                await self._serve_http(ready)
        finally:
            await self.listeners.drain()
            if self.app.services.outbox.messengers.get(PLATFORM) is self.messenger:
                del self.app.services.outbox.messengers[PLATFORM]

    async def _serve_socket_mode(self, ready: asyncio.Event | None) -> None:
        handler = AsyncSocketModeHandler(self.bolt, self.app.services.settings.slack_app_token,
                                         web_client=self.client, ping_interval=self.ping_interval)
        await handler.connect_async()
        log.info("Slack: Socket Mode connected")
        try:
            if ready is not None:
                ready.set()
            await asyncio.Event().wait()
        finally:
            await handler.close_async()

    async def _serve_http(self, ready: asyncio.Event | None) -> None:
        """Slack's events on the process's HTTP server (started on the Slack port unless already listening)."""
        web_server = self.app.web
        web_server.add("POST", EVENTS_PATH, self._http_request)
        try:
            self.port = await web_server.listen(self.host, self.port)
            log.info("Slack: HTTP mode listening on http://%s:%d%s", web_server.host, self.port, EVENTS_PATH)
            if ready is not None:
                ready.set()
            await asyncio.Event().wait()
        finally:
            web_server.remove(EVENTS_PATH)

    async def _http_request(self, request: web.Request) -> web.Response:
        if self.replays is not None and self.replays.replayed(await request.text(), request.headers):
            log.warning("Slack: refused a replayed request (a signature already used)")
            self.journal.record("replayed", request.headers.get("X-Slack-Request-Timestamp", ""))
            return web.Response(status=401, text="replayed request")
        response = await self.bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)


async def run_door(app: App, *, port: int | None = None, ready: asyncio.Event | None = None) -> None:
    """Run the Slack door until cancelled (registers its outbox messenger; sets `ready` when serving)."""
    await SlackDoor(app, port=port).run(ready)
