"""Webinars as Discord guild scheduled events: the messenger's side (bot/services/webinars/events.py queues
them) and reading an "Interested" press back into the webinar it belongs to."""

from __future__ import annotations

import json
import re
from typing import Any, Protocol

from bot.core.model import Reply
from bot.services.outbox import DeliveryError

SCHEDULED = 1  # Discord's status of an event that has not started
CANCELLED = 4
MARKER = re.compile(r"(?:^|\n)#(\d+)\Z")  # the last line of the description names the webinar


class Rest(Protocol):
    """What scheduled events need of the messenger: REST calls and the server id."""

    guild_id: str | None

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """One Discord REST call; the decoded JSON answer."""


def webinar_of(event: dict[str, Any]) -> int | None:
    """The webinar a scheduled event mirrors, from its description's last line."""
    match = MARKER.search(str(event.get("description") or ""))
    return int(match.group(1)) if match else None


def body_of(event: dict[str, Any]) -> dict[str, Any]:
    """The REST body of an external event from the queued description."""
    return {"name": event["name"], "description": event["description"], "privacy_level": 2, "entity_type": 3,
            "entity_metadata": {"location": event["location"]}, "scheduled_start_time": event["start"],
            "scheduled_end_time": event["end"], "recurrence_rule": event["recurrence"]}


async def sync(rest: Rest, reply: Reply) -> str | None:
    """Create, edit or cancel the webinar's event so it matches the queued description; returns its id."""
    if rest.guild_id is None:
        raise DeliveryError("no Discord server known yet for scheduled events (DISCORD_GUILD_IDS)")
    wanted = json.loads(reply.text)
    path = f"/guilds/{rest.guild_id}/scheduled-events"
    current = [e for e in await rest.request("GET", path) if webinar_of(e) == wanted["webinar"]
               and e.get("status") == SCHEDULED]
    if wanted["status"] == "cancelled":
        for event in current:
            await rest.request("PATCH", f"{path}/{event['id']}", json={"status": CANCELLED})
        return str(current[0]["id"]) if current else None
    if current:
        await rest.request("PATCH", f"{path}/{current[0]['id']}", json=body_of(wanted))
        return str(current[0]["id"])
    created = await rest.request("POST", path, json=body_of(wanted))
    return str(created["id"])
