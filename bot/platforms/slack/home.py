"""Slack's App Home tab: `app_home_opened` -> the member's home sections (handlers/home.py) -> views.publish.

The home is published when the member opens the tab, re-published after each thing they do on Slack (a
command, a button, a form) and after each DM the bot sends them (a status change, a reminder...), for the
members who opened it since this process started. A button pressed on the home is answered on the home:
its reply shows at the top of the re-published view (a form opens as a modal, as anywhere else).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.dispatcher import Dispatcher
from bot.core.model import Actor, HomeOpened, Reply, as_replies
from bot.platforms.slack.facts import MemberFacts
from bot.platforms.slack.journal import Journal
from bot.platforms.slack.render import render_reply

log = logging.getLogger(__name__)
MAX_BLOCKS = 100  # Slack's limit for a view
DIVIDER = {"type": "divider"}


def home_view(sections: Sequence[Reply], notice: Sequence[Reply] = ()) -> dict[str, Any]:
    """A `home` view: the notice (the answer to the last button pressed here) first, then each section."""
    blocks: list[dict[str, Any]] = []
    for group in (notice, sections):
        for reply in group:
            for payload in render_reply(reply):
                blocks.extend(payload["blocks"])
            blocks.append(DIVIDER)
    if len(blocks) > MAX_BLOCKS:
        blocks = blocks[: MAX_BLOCKS - 1] + [{"type": "context", "elements": [{"type": "mrkdwn", "text": "…"}]}]
    return {"type": "home", "blocks": blocks[:-1] if blocks and blocks[-1] is DIVIDER else blocks}


def acting_user(body: dict[str, Any]) -> str | None:
    """Who caused a Slack request: a command's user_id, an interaction's user, an event's user."""
    user = body.get("user_id") or (body.get("user") or {}).get("id") or (body.get("event") or {}).get("user")
    return str(user) if isinstance(user, str) and user else None


class HomeTab:
    """The Slack App Home tab, published when opened and kept fresh."""

    def __init__(self, dispatcher: Dispatcher, client: AsyncWebClient, facts: MemberFacts, journal: Journal) -> None:
        self.dispatcher = dispatcher
        self.client = client
        self.facts = facts
        self.journal = journal
        self.opened: set[str] = set()  # members who opened the home since this process started

    async def on_opened(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """Publish the Home tab when a member opens it."""
        if event.get("tab") != "home" or not event.get("user"):
            return
        user = str(event["user"])
        self.opened.add(user)
        await self.publish(await self.facts.actor(user), event_id=str(body.get("event_id") or "") or None)

    async def publish(self, actor: Actor, notice: Sequence[Reply] = (), event_id: str | None = None) -> None:
        """Build the member's home in their language and publish it; a refusal is logged, never raised."""
        outcome = await self.dispatcher.dispatch(HomeOpened(actor, event_id=event_id))
        if outcome.duplicate:  # the same app_home_opened delivered again: the home is already there
            self.journal.record("duplicate", str(event_id))
            return
        view = home_view(as_replies(outcome.result), notice)
        try:
            await self.client.views_publish(user_id=actor.user_id, view=view)
        except SlackApiError as exc:
            data = exc.response.data
            log.warning("views.publish failed: %s", data.get("error") if isinstance(data, dict) else exc)

    async def refresh(self, user_id: str | None) -> None:
        """Re-publish the home of a member who opened it (after something they did or received)."""
        if user_id and user_id in self.opened:
            await self.publish(await self.facts.actor(user_id))

    def forget(self, user_id: str) -> None:
        """Forget that `user_id` opened the Home tab."""
        self.opened.discard(user_id)
