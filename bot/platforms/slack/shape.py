"""The shape a signed Slack request must have before Bolt sees it (HTTP mode).

A request with a valid signature but an unreadable body, or without the fields the door reads (who acted,
which action, which view), is answered 400 and changes nothing, instead of failing inside Bolt (500) or
being acknowledged and then dropped (404).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

NEEDS_USER = frozenset({"block_actions", "view_submission", "view_closed", "shortcut", "message_action"})


def problem(body: str, content_type: str) -> str | None:
    """Why this request cannot be handled (None when its shape is right)."""
    try:
        data = _parse(body, content_type)
    except ValueError as exc:
        return f"unreadable body ({exc})"
    if not isinstance(data, dict):
        return "the body is not an object"
    if "ssl_check" in data:  # Slack checking the certificate of a slash command URL
        return None
    if "command" in data:
        return None if _text(data.get("user_id")) else "a slash command without user_id"
    kind = data.get("type")
    if not _text(kind):
        return "no type"
    if kind == "event_callback":
        event = data.get("event")
        return _event_problem(event) if isinstance(event, dict) else "an event_callback without event"
    if kind in NEEDS_USER and not (isinstance(data.get("user"), dict) and _text(data["user"].get("id"))):
        return f"a {kind} payload without user.id"
    return _kind_problem(str(kind), data)


def _event_problem(event: dict[str, Any]) -> str | None:
    kind = event.get("type")
    if not _text(kind):
        return "an event without type"
    user = event.get("user")
    if kind == "team_join" and not (isinstance(user, dict) and _text(user.get("id"))):
        return "a team_join event without user.id"
    who_and_where = kind in ("app_mention", "member_joined_channel") or (kind == "message" and user is not None)
    if who_and_where and not (_text(user) and _text(event.get("channel"))):
        return f"a {kind} event without user or channel"
    return None


def _kind_problem(kind: str, data: dict[str, Any]) -> str | None:
    if kind == "block_actions":
        actions = data.get("actions")
        if not isinstance(actions, list) or not all(isinstance(a, dict) and _text(a.get("action_id"))
                                                    for a in actions):
            return "block_actions without a list of actions with action_id"
    view = data.get("view")
    if kind in ("view_submission", "view_closed") and not (isinstance(view, dict) and _text(view.get("callback_id"))):
        return f"a {kind} payload without view.callback_id"
    return None


def _parse(body: str, content_type: str) -> Any:
    if "json" in content_type:
        return json.loads(body)
    form = {key: values[0] for key, values in parse_qs(body, keep_blank_values=True).items()}
    return json.loads(form["payload"]) if "payload" in form else form


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value)
