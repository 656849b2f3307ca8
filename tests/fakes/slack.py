"""A fake Slack on 127.0.0.1: Web API, response_url, file upload URLs and a Socket Mode websocket.

slack_sdk and slack-bolt talk to it for real (AsyncWebClient(base_url=fake.api_url)). It records every
call, and tests can inject 429 with Retry-After, 5xx, Slack errors and dropped connections. With `chaos`
(tests.fakes.limits.Chaos) it rate-limits each Web API method separately (as Slack's tiers do) and answers a
share of requests with 500 before doing anything. Messages posted are kept per channel, with their metadata,
for conversations.history.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

from tests.fakes.limits import Chaos, whole_seconds

BOT_USER = "UBOT"
RESPONSE_URL_USES = 5
UNLIMITED = frozenset({"auth.test", "apps.connections.open"})  # start-up calls are never refused here


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str = ""


@dataclass
class Fault:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    disconnect: bool = False
    after: bool = False  # the call takes effect (a message is posted), then the answer is this failure


@dataclass
class Envelope:
    envelope_id: str
    ack: asyncio.Future[dict[str, Any]] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class FakeSlack:
    """Start with `async with FakeSlack() as slack:`; `slack.api_url` is the Web API base."""

    def __init__(self, chaos: Chaos | None = None, *, record: bool = True) -> None:
        self.chaos = chaos
        self.record = record  # False: keep messages but not every call (long benchmarks)
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, bytes] = {}
        self.post_delay = 0.0  # seconds between keeping a posted message and answering (a crash lands there)
        self.counts: Counter[str] = Counter()  # calls per method, also when not recording them
        self.history: dict[str, list[dict[str, Any]]] = {}  # channel -> messages posted, newest first
        self.homes: dict[str, dict[str, Any]] = {}  # user -> the App Home view last published
        self.usergroups: dict[str, list[str]] = {}  # user group id -> its members (add_usergroup)
        self.faults: dict[str, list[Fault]] = {}
        self.sockets: list[web.WebSocketResponse] = []
        self.connections = 0
        self.envelopes: dict[str, Envelope] = {}
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.base = ""

    # ---- lifetime ------------------------------------------------------------------------------

    async def __aenter__(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{id}", self._response_url)
        app.router.add_post("/upload/{id}", self._upload)
        app.router.add_get("/link", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        for ws in list(self.sockets):
            await ws.close()
        assert self._runner is not None
        await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return self.base + "/api/"

    def response_url(self) -> str:
        return f"{self.base}/response/{next(self._ids)}"

    # ---- directory and faults -------------------------------------------------------------------

    def add_user(self, user_id: str, name: str, *, locale: str = "en-US", tz: str = "Europe/Paris",
                 admin: bool = False, bot: bool = False) -> dict[str, Any]:
        user = {"id": user_id, "name": name.lower(), "real_name": name, "tz": tz, "locale": locale,
                "is_admin": admin, "is_owner": False, "is_bot": bot, "profile": {"display_name": name}}
        self.users[user_id] = user
        return user

    def add_usergroup(self, group_id: str, *users: str) -> None:
        """A user group (Slack keeps at least one member in each)."""
        self.usergroups[group_id] = list(users)

    def fail(self, method: str, *, status: int = 200, error: str | None = None, retry_after: int | None = None,
             disconnect: bool = False, times: int = 1, after: bool = False) -> None:
        """The next `times` calls to `method` fail this way (`after`: once the call has taken effect)."""
        self.faults.setdefault(method, []).extend(Fault(status, error, retry_after, disconnect, after)
                                                  for _ in range(times))

    # ---- inspection -----------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, predicate: Callable[[FakeSlack], Any]) -> Any:
        """Wait until `predicate(self)` is truthy; returns its value (bound it with asyncio.timeout)."""
        async with self._changed:
            await self._changed.wait_for(lambda: predicate(self))
        return predicate(self)

    async def wait_call(self, method: str, count: int = 1) -> Call:
        """Wait until `method` was called `count` times; the last of those calls."""
        calls: list[Call] = await self.wait_for(lambda s: len(s.calls_to(method)) >= count and s.calls_to(method))
        return calls[count - 1]

    async def _record(self, call: Call) -> None:
        self.counts[call.method] += 1
        if not self.record:
            return
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    # ---- Web API ----------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        args = await _read_args(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip() or str(args.get("token", ""))
        faults = self.faults.get(method)
        fault = faults.pop(0) if faults else None
        if fault is not None and fault.after:
            self._answer(method, args, token)  # done, but the client hears of a failure
        if fault is not None and fault.disconnect:
            await self._record(Call(method + "!disconnect", args, token))
            assert request.transport is not None
            request.transport.close()
            raise ConnectionResetError("fake Slack dropped the connection")
        if fault is not None:
            await self._record(Call(method + "!fault", args, token))
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            if fault.status >= 500:
                return web.Response(status=fault.status, text="upstream trouble", headers=headers)
            return web.json_response({"ok": False, "error": fault.error or "ratelimited"}, status=fault.status,
                                     headers=headers)
        if self.chaos is not None and method not in UNLIMITED:
            refused = self._chaos(method, args, token)
            if refused is not None:
                return refused
        await self._record(Call(method, args, token))
        answer = self._answer(method, args, token)
        if method == "chat.postMessage" and self.post_delay:
            await asyncio.sleep(self.post_delay)
        return web.json_response(answer)

    def _chaos(self, method: str, args: dict[str, Any], token: str) -> web.Response | None:
        assert self.chaos is not None
        wait = self.chaos.wait(method)
        if wait is not None:
            self._note(Call(method + "!ratelimited", args, token))
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(whole_seconds(wait))})
        if self.chaos.server_error():
            self._note(Call(method + "!500", args, token))
            return web.Response(status=500, text="injected server error")
        return None

    def _note(self, call: Call) -> None:
        if self.record:
            self.calls.append(call)

    def posted(self, channel: str) -> list[dict[str, Any]]:
        """Messages chat.postMessage created in `channel`, oldest first."""
        return list(reversed(self.history.get(channel, [])))

    def _post(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = f"1700000000.{next(self._ids):06d}"
        channel = str(args.get("channel"))
        message = {"type": "message", "user": BOT_USER, "ts": ts, "text": args.get("text", ""),
                   "metadata": _as_dict(args.get("metadata")) or None}
        self.history.setdefault(channel, []).insert(0, message)
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _update(self, args: dict[str, Any]) -> dict[str, Any]:
        """chat.update: the bot's own message in that channel gets the new text (and blocks)."""
        channel, ts = str(args.get("channel")), str(args.get("ts"))
        for message in self.history.get(channel, []):
            if message["ts"] == ts:
                message.update(text=args.get("text", ""), blocks=_as_list(args.get("blocks")), edited=True)
                return {"ok": True, "channel": channel, "ts": ts, "text": message["text"]}
        return {"ok": False, "error": "message_not_found"}

    def _publish(self, args: dict[str, Any]) -> dict[str, Any]:
        """views.publish of a Home tab: refused like Slack does when it is not a valid home view."""
        view, user = _as_dict(args.get("view")), str(args.get("user_id", ""))
        blocks = view.get("blocks") or []
        if user not in self.users or view.get("type") != "home":
            return {"ok": False, "error": "invalid_arguments"}
        too_long = any(len((b.get("text") or {}).get("text", "")) > 3000 for b in blocks)
        if len(blocks) > 100 or too_long:
            return {"ok": False, "error": "invalid_blocks"}
        self.homes[user] = view
        return {"ok": True, "view": {"id": f"V{next(self._ids)}", **view}}

    def add_message(self, channel: str, user: str, text: str, thread_ts: str | None = None) -> dict[str, Any]:
        """A member's message in a channel (e.g. a reply in a thread), as Slack would store it."""
        ts = f"1700000000.{next(self._ids):06d}"
        message = {"type": "message", "user": user, "ts": ts, "text": text}
        if thread_ts:
            message["thread_ts"] = thread_ts
        self.history.setdefault(channel, []).insert(0, message)
        return message

    def _replies(self, args: dict[str, Any]) -> dict[str, Any]:
        """conversations.replies: the thread's first message, then its replies (oldest first)."""
        root = str(args.get("ts"))
        found = [m for m in reversed(self.history.get(str(args.get("channel")), []))
                 if m["ts"] == root or m.get("thread_ts") == root]
        if not found:
            return {"ok": False, "error": "thread_not_found"}
        if "thread_ts" not in found[0]:
            found[0] = {**found[0], "thread_ts": root}
        return {"ok": True, "messages": found[: int(args.get("limit") or 1000)], "has_more": False}

    def _usergroup(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """A group's members, or all of them replaced; an unknown group or an empty list refused as Slack does."""
        group = str(args.get("usergroup", ""))
        if group not in self.usergroups:
            return {"ok": False, "error": "no_such_subteam"}
        if method == "usergroups.users.list":
            return {"ok": True, "users": list(self.usergroups[group])}
        raw = args.get("users")
        users = [u for u in (raw.split(",") if isinstance(raw, str) else raw or []) if u]
        if not users:
            return {"ok": False, "error": "invalid_users"}
        if any(u not in self.users for u in users):
            return {"ok": False, "error": "invalid_users"}
        self.usergroups[group] = users
        return {"ok": True, "usergroup": {"id": group, "users": users, "user_count": len(users)}}

    def _history(self, args: dict[str, Any]) -> dict[str, Any]:
        """Newest first; metadata only with include_all_metadata (as Slack does)."""
        with_meta = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        limit = int(args.get("limit") or 100)
        found = self.history.get(str(args.get("channel")), [])[:limit]
        return {"ok": True, "messages": [m if with_meta else {k: v for k, v in m.items() if k != "metadata"}
                                         for m in found], "has_more": False}

    def _answer(self, method: str, args: dict[str, Any], token: str) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": "BBOT", "team_id": "T1", "user": "community-bot",
                    "team": "openIMIS", "url": "https://openimis.slack.com/"}
        if method == "apps.connections.open":
            if not token.startswith("xapp-"):
                return {"ok": False, "error": "not_allowed_token_type"}
            return {"ok": True, "url": self.base.replace("http://", "ws://") + "/link"}
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "conversations.open":
            users = [u for u in str(args.get("users", "")).split(",") if u]
            channel = "D" + users[0] if len(users) == 1 else "G" + "".join(sorted(users))
            return {"ok": True, "channel": {"id": channel}}
        if method == "chat.postMessage":
            return self._post(args)
        if method == "chat.update":
            return self._update(args)
        if method == "conversations.history":
            return self._history(args)
        if method == "conversations.replies":
            return self._replies(args)
        if method == "chat.postEphemeral":
            ts = f"1700000000.{next(self._ids):06d}"
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message_ts": ts}
        if method == "views.publish":
            return self._publish(args)
        if method in ("usergroups.users.list", "usergroups.users.update"):
            return self._usergroup(method, args)
        if method == "views.open":
            return {"ok": True, "view": {"id": f"V{next(self._ids)}", **_as_dict(args.get("view"))}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ids)}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.base}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = _as_list(args.get("files"))
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        return {"ok": False, "error": "unknown_method"}

    async def _response_url(self, request: web.Request) -> web.Response:
        """Like Slack: each response_url takes at most RESPONSE_URL_USES answers."""
        url_id = request.match_info["id"]
        used = sum(1 for c in self.calls if c.method == "response_url" and c.token == url_id)
        if used >= RESPONSE_URL_USES:
            return web.Response(status=404, text="used_url")
        await self._record(Call("response_url", await request.json(), url_id))
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["id"]] = await request.read()
        await self._record(Call("upload", {"file_id": request.match_info["id"]}))
        return web.Response(text="OK - ok")

    # ---- Socket Mode ------------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.sockets.append(ws)
        self.connections += 1
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}})
        await self._record(Call("socket.connected", {"n": self.connections}))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._acked(json.loads(message.data))
        finally:
            self.sockets.remove(ws)
        return ws

    def _acked(self, data: dict[str, Any]) -> None:
        envelope = self.envelopes.get(str(data.get("envelope_id")))
        if envelope is not None and not envelope.ack.done():
            envelope.ack.set_result(data.get("payload") or {})

    async def send_envelope(self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0,
                            envelope_id: str | None = None) -> Envelope:
        """Push a Socket Mode envelope (events_api, slash_commands, interactive) to the connected app."""
        envelope = Envelope(envelope_id or f"env-{next(self._ids)}")
        self.envelopes[envelope.envelope_id] = envelope
        message = {"envelope_id": envelope.envelope_id, "type": kind, "payload": payload,
                   "accepts_response_payload": kind != "events_api"}
        if kind == "events_api":
            message.update(retry_attempt=retry_attempt, retry_reason="timeout" if retry_attempt else "")
        await self.sockets[-1].send_json(message)
        return envelope

    async def request(self, kind: str, payload: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Send an envelope and wait for the app's ack; returns the ack payload."""
        envelope = await self.send_envelope(kind, payload, **kwargs)
        ack = await envelope.ack
        if kind == "slash_commands":
            await self.answered_in_ack(ack)
        return ack

    async def answered_in_ack(self, ack: dict[str, Any]) -> None:
        """A slash command's acknowledgement that carries a message: Slack shows it as it shows a message sent to
        the command's response_url, so it is recorded as one (token "ack" tells them apart)."""
        if ack.get("text") or ack.get("blocks"):
            await self._record(Call("response_url", ack, "ack"))

    async def drop_socket(self) -> None:
        """Close the current websocket, as Slack does on a refresh or a network failure."""
        await self.sockets[-1].close()


async def _read_args(request: web.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query)
    if request.method == "POST":
        body = await request.text()
        if request.content_type == "application/json" and body:
            args.update(json.loads(body))
        elif body:
            args.update(dict(parse_qsl(body, keep_blank_values=True)))
    return args


def _as_dict(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def _as_list(value: Any) -> list[dict[str, Any]]:
    return json.loads(value) if isinstance(value, str) else list(value or [])
