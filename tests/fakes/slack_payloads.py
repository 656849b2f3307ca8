"""Slack payloads as Slack sends them (slash commands, block actions, view submissions, events), and the
two ways they reach the app: signed HTTP requests (HTTP mode) or Socket Mode envelopes."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any, Protocol
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from tests.fakes.slack import FakeSlack

SECRET = "test-signing-secret"
_ids = itertools.count(1)


def command(slack: FakeSlack, name: str, text: str = "", *, user: str = "U1", channel: str = "D1") -> dict[str, str]:
    return {"token": "legacy", "team_id": "T1", "team_domain": "openimis", "channel_id": channel,
            "channel_name": "directmessage" if channel.startswith("D") else "general", "user_id": user,
            "user_name": slack.users.get(user, {}).get("name", user.lower()), "command": "/" + name,
            "text": text, "api_app_id": "A1", "response_url": slack.response_url(),
            "trigger_id": f"trigger-{next(_ids)}"}


def block_action(slack: FakeSlack, action_id: str, value: str | None, *, user: str = "U1",
                 channel: str = "D1") -> dict[str, Any]:
    action: dict[str, Any] = {"action_id": action_id, "block_id": "b1", "type": "button", "action_ts": "1.2"}
    if value is not None:
        action["value"] = value
    return {"type": "block_actions", "team": {"id": "T1", "domain": "openimis"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T1"},
            "api_app_id": "A1", "token": "legacy", "trigger_id": f"trigger-{next(_ids)}",
            "container": {"type": "message", "channel_id": channel, "message_ts": "1.1"},
            "channel": {"id": channel, "name": "directmessage"}, "response_url": slack.response_url(),
            "actions": [action]}


def message_action(slack: FakeSlack, callback_id: str, message: dict[str, Any], *, user: str = "U1",
                   channel: str = "C0HELP") -> dict[str, Any]:
    """A message shortcut on `message` (a dict as Slack stores it: user, text, ts, thread_ts)."""
    return {"type": "message_action", "callback_id": callback_id, "trigger_id": f"trigger-{next(_ids)}",
            "team": {"id": "T1", "domain": "openimis"}, "token": "legacy", "action_ts": "1.3",
            "message_ts": message["ts"], "user": {"id": user, "username": user.lower(), "name": user.lower(),
                                                  "team_id": "T1"},
            "channel": {"id": channel, "name": "ask-openimis"}, "message": message,
            "response_url": slack.response_url()}


def fill(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """view.state.values for a modal as if the member typed/picked `answers` (field name -> value)."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        element = block["element"]
        answer = answers.get(block["block_id"])
        state: dict[str, Any] = {"type": element["type"]}
        if element["type"] == "plain_text_input":
            state["value"] = answer
        elif element["type"] in ("static_select", "radio_buttons"):
            picked = [o for o in element["options"] if o["value"] == answer]
            state["selected_option"] = picked[0] if picked else None
        else:
            state["selected_options"] = [o for o in element["options"] if o["value"] in (answer or [])]
        values[block["block_id"]] = {element["action_id"]: state}
    return values


def view_submission(view: dict[str, Any], answers: dict[str, Any], *, user: str = "U1") -> dict[str, Any]:
    submitted = {**view, "id": view.get("id", "V1"), "state": {"values": fill(view, answers)}}
    return {"type": "view_submission", "team": {"id": "T1", "domain": "openimis"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T1"},
            "api_app_id": "A1", "token": "legacy", "trigger_id": f"trigger-{next(_ids)}", "view": submitted}


def event_callback(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {"token": "legacy", "team_id": "T1", "api_app_id": "A1", "event": event, "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids):06d}", "event_time": 1700000000,
            "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}]}


def dm_event(text: str, *, user: str = "U1", channel: str = "D1") -> dict[str, Any]:
    return {"type": "message", "channel_type": "im", "user": user, "text": text, "channel": channel,
            "ts": f"1700000001.{next(_ids):06d}", "event_ts": "1"}


class Side(Protocol):
    """How a payload reaches the app; returns the acknowledgement body (a dict, possibly empty)."""

    async def command(self, payload: dict[str, str]) -> dict[str, Any]: ...
    async def interactive(self, payload: dict[str, Any]) -> dict[str, Any]: ...
    async def event(self, payload: dict[str, Any], retry: int = 0) -> dict[str, Any]: ...


def signed_headers(body: str, content_type: str, *, secret: str = SECRET, timestamp: int | None = None
                   ) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature, "Content-Type": content_type}


class HttpSide:
    """Signed requests to the door's /slack/events, as Slack's servers send them."""

    def __init__(self, session: aiohttp.ClientSession, url: str, slack: FakeSlack | None = None) -> None:
        self.session = session
        self.url = url
        self.slack = slack  # told of acknowledgements that carry an answer (a slash command's quick reply)

    async def post(self, body: str, content_type: str, extra: dict[str, str] | None = None,
                   **sign: Any) -> tuple[int, str]:
        headers = {**signed_headers(body, content_type, **sign), **(extra or {})}
        async with self.session.post(self.url, data=body.encode(), headers=headers) as response:
            status, text = response.status, await response.text()
        if self.slack is not None and status == 200 and text.startswith("{"):
            await self.slack.answered_in_ack(json.loads(text))
        return status, text

    async def _ok(self, body: str, content_type: str, extra: dict[str, str] | None = None) -> dict[str, Any]:
        status, text = await self.post(body, content_type, extra)
        assert status == 200, (status, text)
        return json.loads(text) if text.startswith("{") else {}

    async def command(self, payload: dict[str, str]) -> dict[str, Any]:
        return await self._ok(urlencode(payload), "application/x-www-form-urlencoded")

    async def interactive(self, payload: dict[str, Any]) -> dict[str, Any]:
        return await self._ok(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    async def event(self, payload: dict[str, Any], retry: int = 0) -> dict[str, Any]:
        extra = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return await self._ok(json.dumps(payload), "application/json", extra)


class SocketSide:
    """Socket Mode envelopes through the fake's websocket; waits for the app's ack."""

    def __init__(self, slack: FakeSlack) -> None:
        self.slack = slack

    async def command(self, payload: dict[str, str]) -> dict[str, Any]:
        return await self.slack.request("slash_commands", dict(payload))

    async def interactive(self, payload: dict[str, Any]) -> dict[str, Any]:
        return await self.slack.request("interactive", payload)

    async def event(self, payload: dict[str, Any], retry: int = 0) -> dict[str, Any]:
        return await self.slack.request("events_api", payload, retry_attempt=retry)


def home_action(action_id: str, value: str | None, *, user: str = "U1") -> dict[str, Any]:
    """A button pressed on the App Home tab: a view container, no channel and no response_url."""
    action: dict[str, Any] = {"action_id": action_id, "block_id": "h1", "type": "button", "action_ts": "1.2"}
    if value is not None:
        action["value"] = value
    view = {"id": "VHOME", "type": "home", "blocks": [], "private_metadata": "", "callback_id": ""}
    return {"type": "block_actions", "team": {"id": "T1", "domain": "openimis"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T1"},
            "api_app_id": "A1", "token": "legacy", "trigger_id": f"trigger-{next(_ids)}",
            "container": {"type": "view", "view_id": "VHOME"}, "view": view, "actions": [action]}


def home_opened(user: str = "U1") -> dict[str, Any]:
    return event_callback({"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home",
                           "event_ts": "1700000000.000100"})
