"""The outbox Messenger for Slack: DMs, group DMs and channel posts, with Slack errors mapped for retries."""

from __future__ import annotations

import re
from collections.abc import Mapping

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.core.model import Destination, Reply
from bot.platforms.slack.send import Sender
from bot.services.outbox import DeliveryError, current_key

PLATFORM = "slack"
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
METADATA_TYPE = "community_bot_outbox"
HISTORY_LOOKBACK = 50
GROUP_DM_LIMIT = 8
TEMPORARY_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable",
                              "request_timeout", "team_added_to_org"})


def delivery_error(exc: SlackApiError) -> DeliveryError:
    """429 and 5xx (and Slack's transient error codes) are retried; any other error is permanent."""
    response = exc.response
    status = int(getattr(response, "status_code", 0) or 0)
    code = str(response.get("error") or "") if isinstance(response.data, dict) else ""
    if status == 429:
        retry_after = _retry_after(response.headers)
        return DeliveryError(f"rate limited (retry after {retry_after}s)", retry_after=retry_after,
                             code=code or "ratelimited")
    if status >= 500 or code in TEMPORARY_ERRORS:
        return DeliveryError(f"slack {status} {code}".strip(), code=code or f"http_{status}")
    return DeliveryError(f"slack error {code or status}", permanent=True, code=code or f"http_{status}")


def _retry_after(headers: Mapping[str, object]) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) and value else value
            try:
                return max(float(str(raw)), 0.0)
            except ValueError:
                break
    return 30.0


class SlackMessenger:
    """Delivers outbox rows; logical channel names map to ids through settings.slack_channels."""

    platform = PLATFORM

    def __init__(self, sender: Sender, channels: Mapping[str, str]) -> None:
        self.sender = sender
        self.channels = dict(channels)

    def channel_id(self, target: str) -> str:
        name = target.lstrip("#")
        if name in self.channels:
            return self.channels[name]
        if CHANNEL_ID.match(name):
            return name
        raise DeliveryError(f"no Slack channel configured for {name!r} (SLACK_CHANNELS)", permanent=True,
                            code="channel_not_configured")

    async def send(self, dest: Destination, reply: Reply) -> str | None:
        """Send one outbox message; raise DeliveryError saying whether to retry."""
        key = current_key.get()
        metadata: dict[str, object] | None = (
            {"event_type": METADATA_TYPE, "event_payload": {"key": key}} if key else None)
        try:
            if dest.kind == "channel":
                return await self.sender.post(self.channel_id(dest.target), reply, metadata=metadata)
            if dest.kind in ("dm", "group"):
                return await self._to_people(dest.target, reply, metadata)
        except SlackApiError as exc:
            raise delivery_error(exc) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"connection to Slack failed: {type(exc).__name__}", code="connection") from exc
        raise DeliveryError(f"unknown destination kind {dest.kind!r}", permanent=True, code="bad_destination")

    async def _to_people(self, target: str, reply: Reply, metadata: dict[str, object] | None) -> str | None:
        """One DM, a group DM (up to 8 people, Slack's limit), or one DM each for a larger group."""
        users = [u.strip() for u in target.split(",") if u.strip()]
        if len(users) <= GROUP_DM_LIMIT:
            return await self.sender.dm(",".join(users), reply, metadata=metadata)
        refs = [await self.sender.dm(user, reply, metadata=metadata) for user in users]
        return refs[0]

    async def already_sent(self, dest: Destination, key: str) -> str | None:
        """After a crash mid-send: the ts of a DM carrying this outbox key in its metadata, if Slack has it.

        Only DMs are checked (reading them needs im:history, which the app has for message.im); channel
        posts and group DMs would need channels/groups/mpim:history, so they may be sent twice after a crash.
        """
        if dest.kind != "dm":
            return None
        try:
            channel = await self.sender.open_dm(dest.target)
            history = await self.sender.client.conversations_history(channel=channel, limit=HISTORY_LOOKBACK,
                                                                     include_all_metadata=True)
        except (SlackApiError, aiohttp.ClientError, TimeoutError):
            return None
        for message in history.get("messages") or []:
            meta = message.get("metadata") or {}
            if meta.get("event_type") == METADATA_TYPE and (meta.get("event_payload") or {}).get("key") == key:
                return str(message.get("ts") or "") or None
        return None
