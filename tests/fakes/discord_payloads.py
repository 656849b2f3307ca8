"""Discord API payloads (users, guilds, interactions, messages) for the fake Discord."""

from __future__ import annotations

import itertools
from typing import Any

APP_ID = "900000000000000001"
BOT_ID = "900000000000000002"
GUILD_ID = "900000000000000100"
CHANNEL_ID = "900000000000000200"
OWNER_ID = "900000000000000003"
MANAGE_GUILD = 1 << 5
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 31)  # view channel, send messages, use application commands
_ids = itertools.count(910000000000000000)

GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
MESSAGE_CONTENT = 1 << 15
PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT


def snowflake() -> str:
    return str(next(_ids))


def user(user_id: str, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": user_id, "username": name.lower(), "global_name": name, "discriminator": "0", "avatar": None,
            "bot": bot, "public_flags": 0}


BOT_USER = user(BOT_ID, "CommunityBot", bot=True)


def application() -> dict[str, Any]:
    return {"id": APP_ID, "name": "community-bot", "icon": None, "description": "", "bot_public": True,
            "bot_require_code_grant": False, "owner": user(OWNER_ID, "Owner"), "verify_key": "0" * 64,
            "flags": 0, "team": None, "summary": "", "rpc_origins": []}


def member(user_data: dict[str, Any], joined_at: str = "2026-11-25T10:00:00+00:00",
           permissions: int | None = None) -> dict[str, Any]:
    data = {"user": user_data, "roles": [], "joined_at": joined_at, "deaf": False, "mute": False, "flags": 0,
            "nick": None, "avatar": None, "pending": False}
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def guild(preferred_locale: str = "en-US") -> dict[str, Any]:
    everyone = {"id": GUILD_ID, "name": "@everyone", "permissions": str(MEMBER_PERMISSIONS), "position": 0,
                "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
    channel = {"id": CHANNEL_ID, "type": 0, "name": "general", "position": 0, "permission_overwrites": [],
               "guild_id": GUILD_ID, "nsfw": False, "parent_id": None, "topic": None}
    return {"id": GUILD_ID, "name": "openIMIS", "icon": None, "owner_id": OWNER_ID,
            "preferred_locale": preferred_locale,
            "members": [member(BOT_USER)], "channels": [channel], "roles": [everyone], "emojis": [], "stickers": [],
            "features": [], "member_count": 2, "large": False, "unavailable": False, "voice_states": [],
            "presences": [], "threads": [], "stage_instances": [], "guild_scheduled_events": [],
            "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
            "mfa_level": 0, "premium_tier": 0, "system_channel_flags": 0, "nsfw_level": 0, "afk_timeout": 300,
            "joined_at": "2026-01-01T00:00:00+00:00", "application_id": None, "afk_channel_id": None,
            "system_channel_id": None, "rules_channel_id": None, "public_updates_channel_id": None}


def interaction(kind: int, who: dict[str, Any], data: dict[str, Any], *, locale: str = "en-US",
                in_guild: bool = True, admin: bool = False, guild_locale: str = "en-US") -> dict[str, Any]:
    """An INTERACTION_CREATE payload from member `who` (a user object), in the guild channel or in a DM."""
    payload: dict[str, Any] = {
        "id": snowflake(), "application_id": APP_ID, "type": kind, "token": "tok-" + snowflake(), "version": 1,
        "data": data, "locale": locale, "app_permissions": str(MEMBER_PERMISSIONS), "entitlements": [],
        "authorizing_integration_owners": {}, "attachment_size_limit": 10 * 1024 * 1024,
    }
    if in_guild:
        permissions = MEMBER_PERMISSIONS | (MANAGE_GUILD if admin else 0)
        payload.update(guild_id=GUILD_ID, guild_locale=guild_locale, context=0, channel_id=CHANNEL_ID,
                       channel={"id": CHANNEL_ID, "type": 0, "guild_id": GUILD_ID, "name": "general"},
                       member=member(who, permissions=permissions))
    else:
        dm = dm_channel_id(who["id"])
        payload.update(context=1, channel_id=dm, channel={"id": dm, "type": 1, "recipients": [who]}, user=who)
    return payload


def slash(who: dict[str, Any], name: str, args: str | None = None, **kwargs: Any) -> dict[str, Any]:
    options = [{"name": "args", "type": 3, "value": args}] if args is not None else []
    data = {"id": snowflake(), "name": name, "type": 1, "options": options}
    return interaction(2, who, data, **kwargs)


def command(who: dict[str, Any], name: str, *path: str, options: dict[str, Any] | None = None,
            focused: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """A native slash command (or, with `focused`, the autocomplete request while that option is typed):
    `path` is the subcommand (group, subcommand); option types follow the Python values."""
    def option(key: str, value: Any) -> dict[str, Any]:
        kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
        return {"name": key, "type": kind, "value": value, **({"focused": True} if key == focused else {})}

    leaf: list[dict[str, Any]] = [option(k, v) for k, v in (options or {}).items()]
    for depth, sub in reversed(list(enumerate(path))):
        kind = 2 if depth < len(path) - 1 else 1
        leaf = [{"name": sub, "type": kind, "options": leaf}]
    data = {"id": snowflake(), "name": name, "type": 1, "options": leaf}
    return interaction(4 if focused else 2, who, data, **kwargs)


def press(who: dict[str, Any], custom_id: str, **kwargs: Any) -> dict[str, Any]:
    return interaction(3, who, {"custom_id": custom_id, "component_type": 2}, **kwargs)


def submit(who: dict[str, Any], custom_id: str, values: dict[str, str | list[str]], **kwargs: Any) -> dict[str, Any]:
    """A MODAL_SUBMIT with labelled components: text inputs (str) and selects (list)."""
    components = []
    for index, (field, value) in enumerate(values.items(), 1):
        inner: dict[str, Any] = {"type": 3, "id": index * 2, "custom_id": field, "values": value} \
            if isinstance(value, list) else {"type": 4, "id": index * 2, "custom_id": field, "value": value}
        components.append({"type": 18, "id": index * 2 - 1, "component": inner})
    return interaction(5, who, {"custom_id": custom_id, "components": components}, **kwargs)


def dm_channel_id(user_id: str) -> str:
    return "8" + user_id[1:]


def message(channel_id: str, author: dict[str, Any], content: str, *, guild: bool = False,
            mentions: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": snowflake(), "channel_id": channel_id, "author": author, "content": content,
        "timestamp": "2026-11-25T10:00:00+00:00", "edited_timestamp": None, "tts": False,
        "mention_everyone": False, "mentions": list(mentions), "mention_roles": [], "attachments": [],
        "embeds": [], "pinned": False, "type": 0, "flags": 0, "components": [],
    }
    if guild:
        data.update(guild_id=GUILD_ID, member=member(author))
    return data


def thread(thread_id: str, parent_id: str) -> dict[str, Any]:
    """A public thread started from message `thread_id` of channel `parent_id`."""
    return {"id": thread_id, "type": 11, "guild_id": GUILD_ID, "parent_id": parent_id, "name": "question",
            "owner_id": OWNER_ID, "message_count": 1, "member_count": 1, "rate_limit_per_user": 0,
            "thread_metadata": {"archived": False, "auto_archive_duration": 1440, "locked": False,
                                "archive_timestamp": "2026-11-25T10:00:00+00:00"}}


def message_command(who: dict[str, Any], name: str, target: dict[str, Any], *, channel: dict[str, Any] | None = None,
                    **kwargs: Any) -> dict[str, Any]:
    """A message context command (type 3) on `target`, in the guild channel or in `channel` (e.g. a thread)."""
    data = {"id": snowflake(), "name": name, "type": 3, "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}}}
    payload = interaction(2, who, data, **kwargs)
    if channel is not None:
        payload.update(channel_id=channel["id"], channel=channel)
    return payload
