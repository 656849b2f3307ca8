"""The Discord door: a discord.py client wired to the dispatcher, and `run_door` which keeps it running.

Application commands come from the routes; button presses and modal submissions arrive through
`on_interaction` with their meaning in the custom_id, so they work after a restart. Members joining
(members intent) and DMs or mentions of the bot (message content intent) become neutral events. When
Discord refuses a privileged intent (gateway close 4014) the door says so in the log and reconnects
without it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any

import aiohttp
import discord

from bot.app import App
from bot.core.model import Actor, ButtonPressed, Form, MemberJoined, MessageReceived, Reply, Result
from bot.core.text import inert
from bot.platforms.discord.commands import command_payloads
from bot.platforms.discord.context_menus import MessageActions, is_message_menu, menu_payloads
from bot.platforms.discord.endpoints import DEFAULT_API, use_endpoints
from bot.platforms.discord.events import webinar_of
from bot.platforms.discord.interactions import Interactions
from bot.platforms.discord.messenger import DiscordMessenger
from bot.platforms.discord.render import NO_MENTIONS, PLATFORM, to_messages
from bot.services.outbox import DeliveryError
from bot.services.outbox.pacing import replica_share
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)
# At DEBUG, discord.py logs every gateway event and HTTP request in full (members' names, ids, message and
# form texts): kept at INFO whatever BOT_LOG_LEVEL says (issue 15 #3).
logging.getLogger("discord").setLevel(logging.INFO)
INTEREST_EVENTS = ("GUILD_SCHEDULED_EVENT_USER_ADD", "GUILD_SCHEDULED_EVENT_USER_REMOVE")
RETRY_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)  # seconds between attempts to reach Discord at start
MEMBERS_MISSING = (
    "Discord refused the gateway connection (close code 4014, disallowed intents): the SERVER MEMBERS "
    "intent is not enabled for this application. Continuing WITHOUT it: new members will NOT be welcomed. "
    "Enable 'Server Members Intent' on the Bot page of the Discord Developer Portal and restart.")
CONTENT_MISSING = (
    "Discord refused the gateway connection again (4014): the MESSAGE CONTENT intent is not enabled either. "
    "Continuing WITHOUT it: DMs and messages that mention the bot are still answered, other messages are not "
    "read. Enable 'Message Content Intent' on the Bot page of the Discord Developer Portal to restore it.")


def endpoints(settings: Settings) -> tuple[str, str]:
    """The REST base and the gateway of DISCORD_API_URL / DISCORD_GATEWAY_URL ("" keeps Discord's)."""
    return settings.discord_api_url.rstrip("/"), settings.discord_gateway_url


def not_about_voice(record: logging.LogRecord) -> bool:
    """The bot uses no voice: discord.py's warnings about missing voice libraries would only confuse."""
    return "voice will NOT" not in record.getMessage()


def quiet_voice_warnings() -> None:
    """Drop discord.py's warning that voice support is not installed."""
    logging.getLogger("discord.client").addFilter(not_about_voice)  # added once: filters are kept unique


def wanted_intents() -> discord.Intents:
    """The gateway intents the door needs: members and message content."""
    intents = discord.Intents.default()
    intents.members = True
    intents.message_content = True
    return intents


class DoorClient(discord.Client):
    """discord.py client that hands every event to the door."""

    def __init__(self, door: DiscordDoor, intents: discord.Intents, guild_ready_timeout: float) -> None:
        super().__init__(intents=intents, allowed_mentions=NO_MENTIONS, chunk_guilds_at_startup=False,
                         guild_ready_timeout=guild_ready_timeout, enable_debug_events=True)
        self.door = door

    async def setup_hook(self) -> None:
        """Sync the application commands; on failure the previous ones stay."""
        try:
            count = await self.sync_commands()
            log.info("discord: %d application command(s) synced", count)
        except (discord.HTTPException, ValueError):
            log.exception("discord: could not sync application commands; the previous ones stay in place")

    async def sync_commands(self) -> int:
        """Register the declared commands: per guild (instant) when guild ids are given, else globally."""
        app = self.door.app
        payload = command_payloads(app.routes.commands, app.services.catalogs)
        payload += menu_payloads(app.routes.actions, app.services.catalogs)
        if self.application_id is None:
            raise ValueError("no application id after login")
        for guild_id in app.services.settings.discord_guild_ids:
            await self.http.bulk_upsert_guild_commands(self.application_id, guild_id, payload)
        if not app.services.settings.discord_guild_ids:
            await self.http.bulk_upsert_global_commands(self.application_id, payload)
        return len(payload)

    async def on_ready(self) -> None:
        """Note the server scheduled events go to, and say the door is ready."""
        log.info("discord: connected as %s (%d server(s))", self.user, len(self.guilds))
        if self.door.messenger is not None and self.door.messenger.guild_id is None and self.guilds:
            self.door.messenger.guild_id = str(self.guilds[0].id)  # where webinars become scheduled events
        if self.door.ready is not None:
            self.door.ready.set()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Route an interaction: message menu, slash command or autocomplete."""
        if interaction.type is discord.InteractionType.application_command and is_message_menu(interaction):
            await self.door.message_actions.on_action(interaction)
        elif interaction.type is discord.InteractionType.application_command:
            await self.door.interactions.on_command(interaction)
        elif interaction.type is discord.InteractionType.autocomplete:
            await self.door.interactions.on_autocomplete(interaction)
        elif interaction.type is discord.InteractionType.component:
            await self.door.interactions.on_component(interaction)
        elif interaction.type is discord.InteractionType.modal_submit:
            await self.door.interactions.on_modal(interaction)

    async def on_socket_raw_receive(self, raw: str) -> None:
        """"Interested" on a scheduled event: read from the raw gateway event (discord.py drops it unless the
        event and the member are in its cache)."""
        if INTEREST_EVENTS[0][:-4] not in raw:
            return
        data = json.loads(raw)
        if data.get("t") in INTEREST_EVENTS:
            await self.door.interest(data["d"], data["t"] == INTEREST_EVENTS[0], data.get("s"), self)

    async def on_member_join(self, member: discord.Member) -> None:
        """Greet a member who joined the server."""
        await self.door.member_joined(member)

    async def on_message(self, message: discord.Message) -> None:
        """Hand a message to the door (the bot's own user known)."""
        if self.user is not None:
            await self.door.message(message, self.user)


class DiscordDoor:
    """The bot on Discord: gateway events and interactions in, the outbox's messages out."""

    def __init__(self, app: App, ready: asyncio.Event | None, answer_within: float) -> None:
        self.app = app
        self.ready = ready
        self.interactions = Interactions(app, answer_within)
        self.message_actions = MessageActions(app, self.interactions)
        self.messenger: DiscordMessenger | None = None

    async def interest(self, data: dict[str, Any], added: bool, seq: object, client: discord.Client) -> None:
        """A member pressed or un-pressed "Interested" on a webinar's event: Maybe, or that Maybe removed."""
        if self.messenger is None:
            return
        user_id, event_id = str(data.get("user_id")), str(data.get("guild_scheduled_event_id"))
        try:
            event = await self.messenger.request("GET", f"/guilds/{data.get('guild_id')}/scheduled-events/{event_id}")
            user = client.get_user(int(user_id)) or await client.fetch_user(int(user_id))
        except (DeliveryError, discord.HTTPException, ValueError) as exc:
            log.warning("discord: an Interested press could not be read: %s", exc)
            return
        webinar = webinar_of(event) if isinstance(event, dict) else None
        if webinar is None or user.bot:
            return
        change = "add" if added else "remove"
        actor = Actor(PLATFORM, user_id, user.display_name)
        await self.app.dispatcher.dispatch(ButtonPressed(actor, "webinar.interested", f"{webinar}:{change}",
                                                         event_id=f"interest:{event_id}:{user_id}:{change}:{seq}"))

    async def member_joined(self, member: discord.Member) -> None:
        """A new member (members intent): welcome them once, even if Discord repeats the event."""
        if member.bot:
            return
        joined = member.joined_at.isoformat() if member.joined_at else ""
        event_id = f"join:{member.guild.id}:{member.id}:{joined}"
        actor = Actor(PLATFORM, str(member.id), member.display_name,
                      platform_locale=member.guild.preferred_locale.value)
        outcome = await self.app.dispatcher.dispatch(MemberJoined(actor, event_id=event_id))
        if not outcome.duplicate:
            await self.deliver(member, outcome.result, outcome.locale, actor.user_id)

    async def message(self, message: discord.Message, me: discord.ClientUser) -> None:
        """DMs to the bot and messages that mention it."""
        if message.author.bot or message.author.id == me.id:
            return
        is_dm = message.guild is None
        mentioned = any(user.id == me.id for user in message.mentions)
        if not is_dm and not mentioned:
            return
        text = inert(re.sub(rf"<@!?{me.id}>", "", message.content)).strip()  # the sanitiser Slack's text goes through
        locale = message.guild.preferred_locale.value if message.guild else None
        actor = Actor(PLATFORM, str(message.author.id), message.author.display_name, platform_locale=locale)
        event = MessageReceived(actor, text, channel=str(message.channel.id), is_dm=is_dm, mentions_bot=mentioned,
                                event_id=f"message:{message.id}")  # Discord may replay one around a resume
        outcome = await self.app.dispatcher.dispatch(event)
        if not outcome.duplicate:
            await self.deliver(message.channel, outcome.result, outcome.locale, actor.user_id,
                               reference=None if is_dm else message, private=None if is_dm else message.author)

    async def deliver(self, where: discord.abc.Messageable, result: Result, locale: str, user_id: str,
                      reference: discord.Message | None = None,
                      private: discord.abc.Messageable | None = None) -> None:
        """Send a handler's answer outside an interaction: ephemeral replies to `private` (the member's DMs)
        when given; a form becomes a message with a button that opens it, for `user_id` only."""
        if isinstance(result, Form):
            form_hash = await self.interactions.store_form(result, user_id)
            result = self.interactions.form_button_reply(locale, "discord.form_prompt", "discord.form_open",
                                                         form_hash, 0, title=result.title)
        replies = [result] if isinstance(result, Reply) else result if isinstance(result, list) else []
        try:
            for reply in replies:
                target = private if reply.ephemeral and private is not None else where
                for outgoing in to_messages(reply):
                    await outgoing.send_to(target, reference if target is where else None)
        except discord.Forbidden as exc:
            log.warning("discord: could not answer %s (%s)", getattr(where, "id", where), exc.text)


async def run_door(app: App, *, ready: asyncio.Event | None = None, guild_ready_timeout: float = 2.0,
                   answer_within: float = 2.0) -> None:
    """Run the Discord door until cancelled; registers its messenger on the outbox and sets `ready` when connected."""
    settings = app.services.settings
    if not settings.discord_token:
        raise SettingsError("DISCORD_TOKEN is required for the Discord door")
    api, gateway = endpoints(settings)
    quiet_voice_warnings()
    rate, burst = replica_share(settings.discord_api_rate, settings.discord_api_burst, settings.replicas)
    messenger = DiscordMessenger(settings.discord_token, api or DEFAULT_API, settings.discord_channels, rate=rate,
                                 burst=burst)
    await messenger.start()
    app.services.outbox.register(messenger)
    door = DiscordDoor(app, ready, answer_within)
    door.messenger = messenger
    messenger.guild_id = str(settings.discord_guild_ids[0]) if settings.discord_guild_ids else None
    intents = wanted_intents()
    failures = 0
    try:
        while True:
            client = DoorClient(door, intents, guild_ready_timeout)
            use_endpoints(client, api, gateway)
            try:
                await client.start(settings.discord_token)
                return
            except discord.PrivilegedIntentsRequired:
                intents = without_refused_intent(intents)
            except discord.LoginFailure as exc:
                raise SettingsError(f"Discord refused DISCORD_TOKEN ({exc}); copy the bot token again from "
                                    "the Developer Portal (Bot page)") from None
            except (OSError, aiohttp.ClientError, discord.HTTPException, discord.GatewayNotFound) as exc:
                delay = RETRY_DELAYS[min(failures, len(RETRY_DELAYS) - 1)]
                failures += 1
                log.warning("discord: cannot reach Discord (%s: %s); trying again in %ss", type(exc).__name__,
                            exc, delay)
                await asyncio.sleep(delay)
            finally:
                await client.close()
    finally:
        await app.services.outbox.unregister(messenger)
        await messenger.close()


def without_refused_intent(intents: discord.Intents) -> discord.Intents:
    """After a 4014 close: drop the members intent first, then message content; give up if neither is left."""
    if intents.members:
        log.error(MEMBERS_MISSING)
        intents.members = False
    elif intents.message_content:
        log.error(CONTENT_MISSING)
        intents.message_content = False
    else:
        raise RuntimeError("Discord refused the gateway connection with 4014 although no privileged intent is asked")
    return intents
