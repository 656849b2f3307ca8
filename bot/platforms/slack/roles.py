"""User groups kept in step with the profile (issue 19 #5): one outbox "roles" row -> Web API calls.

Slack sets a user group's members as a whole list (usergroups.users.update), so each managed group the
member should join or leave is read (usergroups.users.list), changed by that one member and written back.
The messenger runs one such read-and-write at a time, so two members' updates in this process cannot
overwrite each other. A group Slack refuses (unknown, disabled, or the bot lacks usergroups:write) does not
stop the others; the row then fails for good naming it. Slack keeps at least one member in a group: taking
the last one out is refused, and reported the same way.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from slack_sdk.errors import SlackApiError

from bot.core.model import Reply
from bot.services.outbox import DeliveryError
from bot.services.roles import Change

if TYPE_CHECKING:
    from bot.platforms.slack.messenger import SlackMessenger


async def sync(messenger: SlackMessenger, lock: asyncio.Lock, user_id: str, reply: Reply) -> None:
    """Add the member to the wanted groups and take them out of the other managed ones."""
    change = Change.from_reply(reply)
    refused: list[str] = []
    async with lock:
        for group in sorted(change.managed):
            try:
                await _one_group(messenger, group, user_id, group in change.wanted)
            except SlackApiError as exc:
                error = messenger.held(exc)
                if not error.permanent:
                    raise error from exc
                refused.append(f"{group}: {error.code}")
    if refused:
        raise DeliveryError("user groups refused: " + "; ".join(refused), permanent=True, code="roles_refused")


async def _one_group(messenger: SlackMessenger, group: str, user_id: str, wanted: bool) -> None:
    client = messenger.sender.client
    await messenger.pacer.take("usergroups.users.list")
    users = [str(u) for u in (await client.usergroups_users_list(usergroup=group)).get("users") or []]
    if (user_id in users) == wanted:
        return
    users = [*users, user_id] if wanted else [u for u in users if u != user_id]
    await messenger.pacer.take("usergroups.users.update")
    await client.usergroups_users_update(usergroup=group, users=users)
