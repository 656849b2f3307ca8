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
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.app import App
from bot.platforms.slack import shape
from bot.platforms.slack.facts import MemberFacts
from bot.platforms.slack.home import HomeTab
from bot.platforms.slack.journal import Journal
from bot.platforms.slack.listeners import Listeners
from bot.platforms.slack.messenger import SlackMessenger
from bot.platforms.slack.replay import ReplayGuard
from bot.platforms.slack.send import Sender
from bot.services.outbox.pacing import replica_share
from bot.settings import Settings, SettingsError, StartupError

log = logging.getLogger(__name__)
BOLT_LOGGER = "bot.platforms.slack.bolt"
# At DEBUG, slack_sdk and Bolt log every request and response: users.info with the member's name and
# profile, message texts next to their author. Kept at INFO whatever BOT_LOG_LEVEL says (issue 15 #3).
for _name in ("slack_sdk", "slack_bolt", BOLT_LOGGER):
    logging.getLogger(_name).setLevel(logging.INFO)
NETWORK_ERRORS = (aiohttp.ClientError, OSError, asyncio.TimeoutError)
EVENTS_PATH = "/slack/events"
DEFAULT_API_URL = "https://slack.com/api/"


def api_url(settings: Settings) -> str:
    """The Web API base URL (the real Slack's, or a fake's), ending in a slash."""
    url = settings.slack_api_url or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"


class OurClientOnPurpose(logging.Filter):
    """Bolt warns that SLACK_BOT_TOKEN (read from the environment) goes unused when given a client: we give
    our own client (its base URL, shared session) on purpose, so that line only alarms whoever reads the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Drop bolt's warning that the token is unused in HTTP mode (expected there)."""
        return "`token` will be unused" not in record.getMessage()


logging.getLogger(BOLT_LOGGER).addFilter(OurClientOnPurpose())


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
                             # HTTP mode: the door checks every signature (and replays) before bolt sees the request
                             request_verification_enabled=False, process_before_response=False,
                             logger=logging.getLogger(BOLT_LOGGER))
        self.sender = Sender(self.client)
        self.journal = Journal()
        self.replays = None if self.socket_mode else ReplayGuard(settings.slack_signing_secret,
                                                                 app.dispatcher.members.first_request)
        self.facts = MemberFacts(self.client, app.services.clock,
                                 timedelta(seconds=settings.slack_member_cache_seconds))
        self.listeners = Listeners(app, self.sender, self.facts, self.journal)
        self.home = self.listeners.home = HomeTab(app.dispatcher, self.client, self.facts, self.journal)
        self.listeners.register(self.bolt)
        # The outbox's own client does not retry by itself: slack_sdk would resend a chat.postMessage whose
        # connection dropped, maybe after Slack posted it; the outbox checks (already_sent) before resending.
        self.outbox_client = AsyncWebClient(token=settings.slack_bot_token, base_url=api_url(settings),
                                            retry_handlers=[])
        rate, burst = replica_share(settings.slack_api_rate, settings.slack_api_burst, settings.replicas)
        self.messenger = SlackMessenger(Sender(self.outbox_client), settings.slack_channels, rate=rate, burst=burst)
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

    async def _identify(self) -> AsyncSlackResponse:
        """auth.test: a refused token or an unreachable Slack stops the start with one line saying which."""
        try:
            return await self.client.auth_test()
        except SlackApiError as exc:
            raise SettingsError(f"Slack refused SLACK_BOT_TOKEN ({exc.response.get('error')}); copy the Bot User "
                                "OAuth Token (xoxb-…) again from your app's OAuth & Permissions page") from None
        except NETWORK_ERRORS as exc:
            raise StartupError(f"cannot reach Slack at {self.client.base_url} ({type(exc).__name__}: {exc}); "
                               "check the network or proxy, or SLACK_API_URL") from None

    async def _run(self, ready: asyncio.Event | None) -> None:
        identity = await self._identify()
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
            await self.app.services.outbox.unregister(self.messenger)

    async def _serve_socket_mode(self, ready: asyncio.Event | None) -> None:
        app_token = self.app.services.settings.slack_app_token
        url = await self._socket_mode_url(app_token)
        handler = AsyncSocketModeHandler(self.bolt, app_token, web_client=self.client,
                                         ping_interval=self.ping_interval)
        handler.client.wss_uri = url  # connect uses the URL just issued instead of asking for another
        await handler.connect_async()
        log.info("Slack: Socket Mode connected")
        try:
            if ready is not None:
                ready.set()
            await asyncio.Event().wait()
        finally:
            await handler.close_async()

    async def _socket_mode_url(self, app_token: str) -> str:
        """The first Socket Mode URL, asked here: slack_sdk's own connect retries a refused token forever."""
        try:
            response = await self.client.apps_connections_open(app_token=app_token)
            return str(response["url"])
        except SlackApiError as exc:
            raise SettingsError(f"Slack refused SLACK_APP_TOKEN ({exc.response.get('error')}); create an app-level "
                                "token (xapp-…) with connections:write under Basic Information") from None
        except NETWORK_ERRORS as exc:
            raise StartupError(f"cannot reach Slack at {self.client.base_url} ({type(exc).__name__}: {exc}); "
                               "check the network or proxy, or SLACK_API_URL") from None

    async def _serve_http(self, ready: asyncio.Event | None) -> None:
        """Slack's events on the process's HTTP server (started on the Slack port unless already listening)."""
        web_server = self.app.web
        web_server.add("POST", EVENTS_PATH, self._http_request)
        try:
            try:
                self.port = await web_server.listen(self.host, self.port)
            except OSError as exc:
                raise StartupError(f"cannot listen on {self.host}:{self.port} ({exc.strerror or exc}); choose "
                                   "another port with SLACK_PORT or --port") from None
            log.info("Slack: HTTP mode listening on http://%s:%d%s", web_server.host, self.port, EVENTS_PATH)
            if ready is not None:
                ready.set()
            await asyncio.Event().wait()
        finally:
            web_server.remove(EVENTS_PATH)

    async def _http_request(self, request: web.Request) -> web.Response:
        body = await request.text()
        if self.replays is not None and not self.replays.signed(body, request.headers):
            return web.Response(status=401, text="invalid signature")  # before Bolt, which reads the body first
        if self.replays is not None and await self.replays.seen_before(request.headers):
            log.warning("Slack: refused a replayed request (a signature already used)")
            self.journal.record("replayed", request.headers.get("X-Slack-Request-Timestamp", ""))
            return web.Response(status=401, text="replayed request")
        wrong = shape.problem(body, request.content_type) if self.replays is not None else None
        if wrong:
            log.warning("Slack: refused a signed request of the wrong shape: %s", wrong)
            self.journal.record("malformed", wrong)
            return web.Response(status=400, text="malformed request")
        response = await self.bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)


async def run_door(app: App, *, port: int | None = None, ready: asyncio.Event | None = None) -> None:
    """Run the Slack door until cancelled (registers its outbox messenger; sets `ready` when serving)."""
    await SlackDoor(app, port=port).run(ready)
