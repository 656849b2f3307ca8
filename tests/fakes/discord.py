"""A fake Discord on 127.0.0.1: the REST API and the gateway websocket, enough for discord.py end to end.

REST: login (users/@me, applications/@me), command sync, interaction callbacks and followups, DM
channels and channel messages (JSON or multipart with files), threads started from a message; every call
is recorded. The gateway speaks
HELLO, heartbeat ACK, IDENTIFY -> READY + GUILD_CREATE, RESUME -> RESUMED, and the test pushes
INTERACTION_CREATE, GUILD_MEMBER_ADD and MESSAGE_CREATE. Faults: `fail()` answers the next matching
requests with 429 (retry_after) or 5xx; `reconnect()` asks the client to reconnect (op 7); privileged
intents the application lacks make IDENTIFY fail with close code 4014. With `chaos` (tests.fakes.limits.Chaos)
the REST API applies one global rate limit (Discord's 50 requests per second per bot) with 429 + retry_after,
and answers a share of requests with 500 before doing anything. A message sent with a `nonce` and
`enforce_nonce: true` that repeats a nonce seen within `nonce_window` seconds returns the first message and
creates nothing (as Discord documents).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes import discord_payloads as p
from tests.fakes.discord_commands import autocomplete_problem, command_problem
from tests.fakes.limits import Chaos

WAIT = 10.0  # seconds before a wait for something that never comes fails the test


@dataclass
class Call:
    method: str
    path: str
    body: Any = None
    files: dict[str, bytes] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    method: str
    pattern: str
    status: int
    body: dict[str, Any]
    times: int


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with the exact content type Discord sends (discord.py compares it literally)."""
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json", **(headers or {})})


def message_problem(body: dict[str, Any]) -> tuple[int, str] | None:
    """Message checks Discord makes: content length, duplicate custom ids, at most 5 rows of 5 buttons."""
    if len(body.get("content") or "") > 2000:
        return 50035, "Invalid Form Body (content: must be 2000 or fewer in length)"
    rows = body.get("components") or []
    ids = [c.get("custom_id") for row in rows for c in row.get("components", [])]
    if len(rows) > 5 or any(len(row.get("components", [])) > 5 for row in rows):
        return 50035, "Invalid Form Body (components: too many)"
    if len(ids) != len(set(ids)) or any(len(i or "") > 100 for i in ids):
        return 50035, "Invalid Form Body (components: custom_id duplicated or too long)"
    return None


MENTIONS = re.compile(r"<@(!?|&)(\d+)>")
BROADCASTS = re.compile(r"@(everyone|here)\b")


def pinged(body: dict[str, Any]) -> dict[str, Any]:
    """Who a created message notifies, as Discord decides from its content and `allowed_mentions` (absent: the
    defaults of a bot's message, every mention in the content): `mention_everyone`, `mentions` (user objects)
    and `mention_roles` (role ids)."""
    content = str(body.get("content") or "")
    allowed = body.get("allowed_mentions")
    parse = {"everyone", "users", "roles"} if allowed is None else set(allowed.get("parse") or ())
    listed = {} if allowed is None else {kind: set(map(str, allowed.get(kind) or ())) for kind in ("users", "roles")}
    found: dict[str, list[str]] = {"users": [], "roles": []}
    for sigil, snowflake in MENTIONS.findall(content):
        kind = "roles" if sigil == "&" else "users"
        if (kind in parse or snowflake in listed.get(kind, set())) and snowflake not in found[kind]:
            found[kind].append(snowflake)
    everyone = "everyone" in parse and bool(BROADCASTS.search(content))
    return {"mention_everyone": everyone, "mentions": [p.user(u, "member") for u in found["users"]],
            "mention_roles": found["roles"]}


def event_problem(body: dict[str, Any]) -> str | None:
    """What Discord refuses in an external scheduled event."""
    if not 1 <= len(str(body.get("name") or "")) <= 100 or len(str(body.get("description") or "")) > 1000:
        return "Invalid Form Body (name or description length)"
    if body.get("entity_type") != 3 or not (body.get("entity_metadata") or {}).get("location"):
        return "Invalid Form Body (an external event needs entity_type 3 and a location)"
    if not body.get("scheduled_start_time") or not body.get("scheduled_end_time") or body.get("privacy_level") != 2:
        return "Invalid Form Body (start, end and privacy_level 2 are required)"
    rule = body.get("recurrence_rule")
    if rule and (rule.get("frequency") not in (0, 1, 2, 3) or (rule.get("frequency") == 2
                                                               and rule.get("interval") not in (1, 2))):
        return "Invalid Form Body (recurrence_rule)"
    return None


class FakeDiscord:
    def __init__(self, *, privileged_allowed: int = p.PRIVILEGED, guild_locale: str = "en-US",
                 token: str = "fake-token", chaos: Chaos | None = None, record: bool = True,
                 nonce_window: float = 300.0) -> None:
        self.token = token
        self.chaos = chaos
        self.record = record  # False: keep created messages but not every call (long benchmarks)
        self.nonce_window = nonce_window
        self.post_delay = 0.0  # seconds between creating a message and answering (a crash lands there)
        self.created: dict[str, list[dict[str, Any]]] = {}  # channel id -> messages, oldest first
        self.scheduled_events: dict[str, dict[str, Any]] = {}  # event id -> guild scheduled event
        self.threads: dict[str, dict[str, Any]] = {}  # thread id (= the message it was started from) -> thread
        self.known_users: dict[str, dict[str, Any]] = {}  # user id -> user object, for GET /users/<id>
        self.nonces: dict[str, tuple[float, dict[str, Any]]] = {}
        self.privileged_allowed = privileged_allowed
        self.guild_locale = guild_locale
        self.calls: list[Call] = []
        self.commands: dict[str, dict[str, Any]] = {}  # the application commands last registered, by name
        self.faults: list[Fault] = []
        self.closed_dms: set[str] = set()
        self.guild_roles: set[str] = set()  # role ids of the guild the bot may manage (add_role)
        self.member_roles: dict[str, set[str]] = {}  # user id -> role ids, for the members it knows
        self.identifies: list[int] = []  # intents of each IDENTIFY
        self.resumes = 0
        self.heartbeats = 0
        self.sockets: list[web.WebSocketResponse] = []
        self.sessions: list[int] = []  # intents of each live session, same order as sockets
        self.interaction_types: dict[str, int] = {}  # interaction id -> type, as dispatched
        self.acknowledged: set[str] = set()
        self.seq = 0
        self.changed = asyncio.Condition()
        self.runner: web.AppRunner | None = None
        self.base = ""

    # ---- lifetime ----------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("GET", "/gateway", self.gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self.rest)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}"
        return self

    @property
    def api_url(self) -> str:
        return self.base + "/api/v10"

    @property
    def gateway_url(self) -> str:
        return self.base.replace("http", "ws") + "/gateway"

    async def close(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        if self.runner is not None:
            await self.runner.cleanup()

    # ---- waiting -----------------------------------------------------------------------------

    async def _record(self, call: Call) -> None:
        if not self.record:
            return
        async with self.changed:
            self.calls.append(call)
            self.changed.notify_all()

    async def wait_for(self, predicate: Callable[[Call], bool], after: int = 0) -> Call:
        """The first recorded call from index `after` on that matches."""
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(
                lambda: any(predicate(c) for c in self.calls[after:])), WAIT)
            return next(c for c in self.calls[after:] if predicate(c))

    async def wait_until(self, condition: Callable[[], bool]) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(condition), WAIT)

    def find(self, method: str, pattern: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and re.fullmatch(pattern, c.path)]

    # ---- REST --------------------------------------------------------------------------------

    def fail(self, method: str, pattern: str, status: int, *, retry_after: float = 1.0, times: int = 1,
             code: int = 0) -> None:
        """Answer the next `times` requests matching (method, path regex) with `status`."""
        body: dict[str, Any] = {"message": "fake failure", "code": code}
        if status == 429:
            body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
        self.faults.append(Fault(method, pattern, status, body, times))

    def _fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and fault.method == method and re.fullmatch(fault.pattern, path):
                fault.times -= 1
                return fault
        return None

    async def rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        call = await self._read(request, path)
        await self._record(call)
        if request.headers.get("Authorization") != f"Bot {self.token}" and not path.startswith("/interactions/") \
                and not path.startswith("/webhooks/"):
            return json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        refused = self._chaos(path)
        if refused is not None:
            return refused
        fault = self._fault(request.method, path)
        if fault is not None:
            headers = {"Via": "1.1 google"}
            if fault.status == 429:
                headers["Retry-After"] = str(fault.body["retry_after"])
            return json_response(fault.body, status=fault.status, headers=headers)
        answer = await self._route(request.method, path, call)
        if self.post_delay and request.method == "POST" and path.endswith("/messages"):
            await asyncio.sleep(self.post_delay)
        return answer

    def _chaos(self, path: str) -> web.Response | None:
        if self.chaos is None or path in ("/users/@me", "/gateway/bot", "/oauth2/applications/@me"):
            return None
        wait = self.chaos.wait("global")
        if wait is not None:
            body = {"message": "You are being rate limited.", "retry_after": round(wait, 3), "global": True}
            return json_response(body, status=429, headers={"Retry-After": str(max(round(wait), 1)),
                                                            "X-RateLimit-Global": "true", "Via": "1.1 google"})
        if self.chaos.server_error():
            return json_response({"message": "injected server error", "code": 0}, status=500)
        return None

    async def _read(self, request: web.Request, path: str) -> Call:
        call = Call(request.method, path, query=dict(request.query))
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                data = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":  # type: ignore[union-attr]
                    call.body = json.loads(data)
                else:
                    call.files[part.filename or part.name or ""] = bytes(data)  # type: ignore[union-attr]
        elif request.can_read_body:
            call.body = await request.json()
        return call

    async def _route(self, method: str, path: str, call: Call) -> web.StreamResponse:
        routes: list[tuple[str, str, Callable[[re.Match[str], Call], Any]]] = [
            ("GET", r"/users/@me", lambda m, c: p.BOT_USER),
            ("GET", r"/oauth2/applications/@me", lambda m, c: p.application()),
            ("GET", r"/gateway/bot", lambda m, c: {"url": self.gateway_url, "shards": 1, "session_start_limit": {
                "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}}),
            ("PUT", r"/applications/\d+(/guilds/\d+)?/commands", self._commands),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._callback),
            ("POST", r"/webhooks/\d+/([^/]+)", self._followup),
            ("PATCH", r"/webhooks/\d+/([^/]+)/messages/(.+)", self._followup),
            ("POST", r"/users/@me/channels", self._dm_channel),
            ("POST", r"/channels/(\d+)/messages", self._channel_message),
            ("PATCH", r"/channels/(\d+)/messages/(\d+)", self._edit_message),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", self._start_thread),
            ("GET", r"/channels/(\d+)/messages/(\d+)", self._get_message),
            ("GET", r"/users/(\d+)", lambda m, c: self.known_users.get(m.group(1)) or p.user(m.group(1), "member")),
            ("GET", r"/guilds/(\d+)/scheduled-events", self._list_events),
            ("POST", r"/guilds/(\d+)/scheduled-events", self._create_event),
            ("GET", r"/guilds/(\d+)/scheduled-events/(\d+)", self._get_event),
            ("PATCH", r"/guilds/(\d+)/scheduled-events/(\d+)", self._edit_event),
            ("GET", r"/guilds/(\d+)/members/(\d+)", self._guild_member),
            ("PUT", r"/guilds/(\d+)/members/(\d+)/roles/(\d+)", self._member_role),
            ("DELETE", r"/guilds/(\d+)/members/(\d+)/roles/(\d+)", self._member_role),
        ]
        for verb, pattern, handler in routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                result = handler(match, call)
                if isinstance(result, web.StreamResponse):
                    return result
                return json_response(result)
        return json_response({"message": "404: Not Found", "code": 0}, status=404)

    def _commands(self, match: re.Match[str], call: Call) -> Any:
        problem = command_problem(call.body or [])
        if problem:
            return json_response({"message": f"Invalid Form Body ({problem})", "code": 50035}, status=400)
        self.commands = {c["name"]: c for c in call.body or []}
        # as Discord answers: message context commands come back with an empty description
        return [{"description": "", **c, "id": p.snowflake(), "application_id": p.APP_ID, "version": "1"}
                for c in call.body or []]

    def _callback(self, match: re.Match[str], call: Call) -> Any:
        kind = (call.body or {}).get("type", 0)
        problem = self._callback_problem(match.group(1), kind, (call.body or {}).get("data") or {})
        if problem:
            return json_response({"message": problem[1], "code": problem[0]}, status=400)
        self.acknowledged.add(match.group(1))
        return {"interaction": {"id": match.group(1), "type": 2, "response_message_loading": kind == 5},
                "resource": {"type": kind}}

    def _callback_problem(self, interaction_id: str, kind: int, data: dict[str, Any]) -> tuple[int, str] | None:
        """What real Discord refuses: a second answer, a modal in answer to a modal, bad message content."""
        if interaction_id in self.acknowledged:
            return 40060, "Interaction has already been acknowledged."
        if kind == 9 and self.interaction_types.get(interaction_id) == 5:
            return 50035, "Invalid Form Body (a modal cannot answer a modal submission)"
        autocompleting = self.interaction_types.get(interaction_id) == 4
        if autocompleting != (kind == 8):
            return 50035, "Invalid Form Body (autocomplete answers autocomplete requests only)"
        if kind == 8:
            problem = autocomplete_problem(data)
            return (50035, f"Invalid Form Body ({problem})") if problem else None
        return message_problem(data) if kind == 4 else None

    def _followup(self, match: re.Match[str], call: Call) -> Any:
        body = call.body or {}
        problem = message_problem(body)
        if problem:
            return json_response({"message": problem[1], "code": problem[0]}, status=400)
        return p.message(p.CHANNEL_ID, p.BOT_USER, body.get("content", ""))

    def _dm_channel(self, match: re.Match[str], call: Call) -> dict[str, Any]:
        recipient = str((call.body or {})["recipient_id"])
        return {"id": p.dm_channel_id(recipient), "type": 1, "recipients": [p.user(recipient, "member")]}

    def _channel_message(self, match: re.Match[str], call: Call) -> Any:
        channel = match.group(1)
        problem = message_problem(call.body or {})
        if problem:
            return json_response({"message": problem[1], "code": problem[0]}, status=400)
        if any(p.dm_channel_id(u) == channel for u in self.closed_dms):
            return json_response({"message": "Cannot send messages to this user", "code": 50007}, status=403)
        body = call.body or {}
        nonce = str(body.get("nonce") or "")
        if nonce and body.get("enforce_nonce") and nonce in self.nonces:
            seen, earlier = self.nonces[nonce]
            if time.monotonic() - seen < self.nonce_window:
                return earlier
        message = p.message(channel, p.BOT_USER, body.get("content", ""))
        message.update(pinged(body))
        if nonce:
            message["nonce"] = nonce
            self.nonces[nonce] = (time.monotonic(), message)
        self.created.setdefault(channel, []).append(message)
        return message

    def _edit_message(self, match: re.Match[str], call: Call) -> Any:
        """A message edit: only a message the bot created in that channel; the new content replaces the old."""
        channel, message_id = match.groups()
        problem = message_problem(call.body or {})
        if problem:
            return json_response({"message": problem[1], "code": problem[0]}, status=400)
        for message in self.created.get(channel, []):
            if str(message["id"]) == message_id:
                message.update(content=(call.body or {}).get("content", message["content"]),
                               components=(call.body or {}).get("components", []), edited=True)
                return message
        return json_response({"message": "Unknown Message", "code": 10008}, status=404)

    def _start_thread(self, match: re.Match[str], call: Call) -> Any:
        """A public thread started from a message: it takes the message's id; a second one is refused (160004);
        the name must be 1 to 100 characters and the archive delay one Discord offers."""
        channel, message_id = match.groups()
        body = call.body or {}
        message = next((m for m in self.created.get(channel, []) if str(m["id"]) == message_id), None)
        if message is None:
            return json_response({"message": "Unknown Message", "code": 10008}, status=404)
        name = str(body.get("name") or "")
        if not 1 <= len(name) <= 100 or body.get("auto_archive_duration", 4320) not in (60, 1440, 4320, 10080):
            return json_response({"message": "Invalid Form Body (name or auto_archive_duration)", "code": 50035},
                                 status=400)
        if message_id in self.threads:
            return json_response({"message": "A thread has already been created for this message",
                                  "code": 160004}, status=400)
        metadata = {"archived": False, "locked": False,
                    "auto_archive_duration": body.get("auto_archive_duration", 4320)}
        thread = {"id": message_id, "type": 11, "guild_id": p.GUILD_ID, "parent_id": channel, "name": name,
                  "owner_id": p.BOT_ID, "thread_metadata": metadata}
        self.threads[message_id] = thread
        message["thread"] = thread
        return thread

    def add_role(self, role_id: str, *members: str) -> None:
        """A role the bot may give (below its own), and members of the guild (with no role yet)."""
        self.guild_roles.add(role_id)
        for member in members:
            self.member_roles.setdefault(member, set())

    def _guild_member(self, match: re.Match[str], call: Call) -> Any:
        guild, user = match.groups()
        if guild != p.GUILD_ID or user not in self.member_roles:
            return json_response({"message": "Unknown Member", "code": 10007}, status=404)
        return {"user": p.user(user, "member"), "roles": sorted(self.member_roles[user]), "nick": None}

    def _member_role(self, match: re.Match[str], call: Call) -> Any:
        """Add (PUT) or remove (DELETE) a member's role: 204, or Discord's refusal of an unknown member or role."""
        guild, user, role = match.groups()
        if guild != p.GUILD_ID or user not in self.member_roles:
            return json_response({"message": "Unknown Member", "code": 10007}, status=404)
        if role not in self.guild_roles:
            return json_response({"message": "Unknown Role", "code": 10011}, status=404)
        if call.method == "PUT":
            self.member_roles[user].add(role)
        else:
            self.member_roles[user].discard(role)
        return web.Response(status=204)

    def _get_message(self, match: re.Match[str], call: Call) -> Any:
        """A message by id: one the bot created, or one a member wrote (add_message)."""
        channel, message_id = match.groups()
        for message in self.created.get(channel, []):
            if str(message["id"]) == message_id:
                return message
        return json_response({"message": "Unknown Message", "code": 10008}, status=404)

    def add_message(self, channel_id: str, author: dict[str, Any], content: str) -> dict[str, Any]:
        """A member's message (e.g. in a thread), as the channel would hold it."""
        message = p.message(channel_id, author, content, guild=True)
        self.created.setdefault(channel_id, []).append(message)
        return message
    # ---- guild scheduled events (external ones, as the bot makes them) ---------------------------

    def _list_events(self, match: re.Match[str], call: Call) -> list[dict[str, Any]]:
        return [e for e in self.scheduled_events.values() if e["guild_id"] == match.group(1)]

    def _get_event(self, match: re.Match[str], call: Call) -> Any:
        found = self.scheduled_events.get(match.group(2))
        return found or json_response({"message": "Unknown Guild Scheduled Event", "code": 10070}, status=404)

    def _create_event(self, match: re.Match[str], call: Call) -> Any:
        body = dict(call.body or {})
        problem = event_problem(body)
        if problem:
            return json_response({"message": problem, "code": 50035}, status=400)
        event = {**body, "id": p.snowflake(), "guild_id": match.group(1), "status": 1, "creator_id": p.BOT_ID,
                 "user_count": 0}
        self.scheduled_events[event["id"]] = event
        return event

    def _edit_event(self, match: re.Match[str], call: Call) -> Any:
        event = self.scheduled_events.get(match.group(2))
        if event is None:
            return json_response({"message": "Unknown Guild Scheduled Event", "code": 10070}, status=404)
        body = dict(call.body or {})
        if event["status"] != 1 and body.get("status") is not None:
            return json_response({"message": "Cannot change the status of a finished event", "code": 180000},
                                 status=400)
        problem = event_problem({**event, **body})
        if problem:
            return json_response({"message": problem, "code": 50035}, status=400)
        event.update(body)
        return event

    async def scheduled_event_user(self, event_id: str, who: dict[str, Any], added: bool) -> None:
        """A member presses (or un-presses) "Interested" on an event: the gateway event Discord sends."""
        self.known_users[who["id"]] = who
        kind = "GUILD_SCHEDULED_EVENT_USER_ADD" if added else "GUILD_SCHEDULED_EVENT_USER_REMOVE"
        await self.dispatch(kind, {"guild_scheduled_event_id": event_id, "user_id": who["id"],
                                   "guild_id": p.GUILD_ID})

    # ---- recorded answers --------------------------------------------------------------------

    def callback_for(self, payload: dict[str, Any]) -> Call | None:
        found = self.find("POST", rf"/interactions/{payload['id']}/.+/callback")
        return found[0] if found else None

    async def response(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The interaction's callback body ({"type": 4|5|9, "data": ...})."""
        prefix = f"/interactions/{payload['id']}/"
        call = await self.wait_for(lambda c: c.method == "POST" and c.path.startswith(prefix))
        return dict(call.body)

    async def followups(self, payload: dict[str, Any], count: int = 1) -> list[Call]:
        """The first `count` followup messages sent for this interaction."""
        token = payload["token"]
        await self.wait_until(lambda: len(self.find("POST", rf"/webhooks/\d+/{token}")) >= count)
        return self.find("POST", rf"/webhooks/\d+/{token}")[:count]

    async def messages_to(self, channel_id: str, count: int = 1) -> list[Call]:
        pattern = rf"/channels/{channel_id}/messages"
        await self.wait_until(lambda: len(self.find("POST", pattern)) >= count)
        return self.find("POST", pattern)

    # ---- gateway -----------------------------------------------------------------------------

    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 45000}})
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                break
            await self._gateway_op(ws, json.loads(msg.data))
        async with self.changed:
            if ws in self.sockets:
                index = self.sockets.index(ws)
                del self.sockets[index], self.sessions[index]
            self.changed.notify_all()
        return ws

    async def _gateway_op(self, ws: web.WebSocketResponse, msg: dict[str, Any]) -> None:
        op, data = msg.get("op"), msg.get("d") or {}
        if op == 1:
            self.heartbeats += 1
            await ws.send_json({"op": 11})
        elif op == 2:
            await self._identify(ws, int(data.get("intents", 0)))
        elif op == 6:
            self.resumes += 1
            await self._session(ws, self.identifies[-1] if self.identifies else 0)
            await self.dispatch_on(ws, "RESUMED", {})

    async def _identify(self, ws: web.WebSocketResponse, intents: int) -> None:
        async with self.changed:
            self.identifies.append(intents)
            self.changed.notify_all()
        if intents & p.PRIVILEGED & ~self.privileged_allowed:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        await self._session(ws, intents)
        ready = {"v": 10, "user": p.BOT_USER, "guilds": [{"id": p.GUILD_ID, "unavailable": True}],
                 "session_id": f"session-{len(self.identifies)}", "resume_gateway_url": self.gateway_url,
                 "shard": [0, 1], "application": {"id": p.APP_ID, "flags": 0}, "private_channels": [],
                 "relationships": [], "user_settings": {}}
        await self.dispatch_on(ws, "READY", ready)
        await self.dispatch_on(ws, "GUILD_CREATE", p.guild(self.guild_locale))

    async def _session(self, ws: web.WebSocketResponse, intents: int) -> None:
        async with self.changed:
            self.sockets.append(ws)
            self.sessions.append(intents)
            self.changed.notify_all()

    async def dispatch_on(self, ws: web.WebSocketResponse, event: str, data: dict[str, Any]) -> None:
        self.seq += 1
        await ws.send_json({"op": 0, "t": event, "s": self.seq, "d": data})

    async def connected(self) -> web.WebSocketResponse:
        await self.wait_until(lambda: bool(self.sockets) and not self.sockets[-1].closed)
        return self.sockets[-1]

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH event to the live client connection."""
        await self.dispatch_on(await self.connected(), event, data)

    async def broadcast(self, event: str, data: dict[str, Any], sessions: int = 2) -> None:
        """Send a DISPATCH event to every live session once `sessions` are connected (replicas sharing one
        token each receive every event, as Discord does without sharding)."""
        await self.wait_until(lambda: len([ws for ws in self.sockets if not ws.closed]) >= sessions)
        if event == "INTERACTION_CREATE":
            self.interaction_types[data["id"]] = data["type"]
        for ws in [ws for ws in self.sockets if not ws.closed]:
            await self.dispatch_on(ws, event, data)

    async def interact(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Deliver an INTERACTION_CREATE and return the callback body the bot answered with."""
        self.interaction_types[payload["id"]] = payload["type"]
        await self.dispatch("INTERACTION_CREATE", payload)
        return await self.response(payload)

    async def member_joins(self, who: dict[str, Any], joined_at: str = "2026-11-25T10:00:00+00:00") -> bool:
        """GUILD_MEMBER_ADD, sent only when the session has the members intent (as Discord does)."""
        await self.connected()
        if not self.sessions[-1] & p.GUILD_MEMBERS:
            return False
        await self.dispatch("GUILD_MEMBER_ADD", {**p.member(who, joined_at), "guild_id": p.GUILD_ID})
        return True

    async def reconnect(self) -> None:
        """Op 7: the client closes this connection and RESUMEs on a new one."""
        ws = await self.connected()
        resumes = self.resumes
        await ws.send_json({"op": 7, "d": None})
        await self.wait_until(lambda: self.resumes > resumes)
