"""Member roles kept in step with the profile (issue 19 #5): one outbox "roles" row -> a few REST calls.

The member's roles are read first (GET guild member), then only what differs is changed: PUT for a wanted
role they lack, DELETE for a managed role they should no longer have. Both calls are idempotent, so a retry
after a 5xx or a 429 (raised to the outbox, which owns the retries) does no harm. A role Discord refuses
(unknown, or above the bot's own role: 403 Missing Permissions) does not stop the others; the row then
fails for good with a reason naming it (logged, and kept in the outbox row's last_error).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.model import Reply
from bot.services.outbox import DeliveryError
from bot.services.roles import Change

if TYPE_CHECKING:
    from bot.platforms.discord.messenger import DiscordMessenger


async def sync(messenger: DiscordMessenger, user_id: str, reply: Reply) -> str | None:
    """Give the member the wanted roles and take the other managed ones away."""
    if not messenger.guild_id:
        raise DeliveryError("no Discord server known yet (the door sets it once connected)")
    change = Change.from_reply(reply)
    member_path = f"/guilds/{messenger.guild_id}/members/{user_id}"
    member = await messenger.request("GET", member_path)
    has = {str(role) for role in (member.get("roles") or [])} if isinstance(member, dict) else set()
    refused: list[str] = []
    for method, roles in (("PUT", change.wanted - has), ("DELETE", (change.managed - change.wanted) & has)):
        for role in sorted(roles):
            try:
                await messenger.request(method, f"{member_path}/roles/{role}")
            except DeliveryError as exc:
                if not exc.permanent:
                    raise
                refused.append(f"{method} {role}: {exc.reason}")
    if refused:
        raise DeliveryError("roles refused: " + "; ".join(refused), permanent=True, code="roles_refused")
    return None
