"""Bolt listeners, built from the routes: every command, one action listener, one form listener, events.

Nothing here knows a feature. Slash commands come from `routes.commands` (names and aliases), buttons
carry their route action in the action_id, and modals carry their form id in private_metadata.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.app import App
from bot.core.dispatcher import Outcome
from bot.core.model import (
    Actor,
    ButtonPressed,
    CommandInvoked,
    Destination,
    Form,
    FormErrors,
    FormSubmitted,
    MemberJoined,
    MessageReceived,
    Reply,
    Result,
    as_replies,
)
from bot.core.routes import Routes
from bot.core.text import inert, plain
from bot.platforms.slack.facts import MemberFacts, actor_from_user
from bot.platforms.slack.home import HomeTab, acting_user
from bot.platforms.slack.journal import Journal
from bot.platforms.slack.messenger import PLATFORM, delivery_error
from bot.platforms.slack.modals import CALLBACK_PREFIX, fields_of, form_view, read_values
from bot.platforms.slack.render import decode_action, read_metadata, render_reply
from bot.platforms.slack.send import Sender
from bot.platforms.slack.shortcuts import register_shortcuts

log = logging.getLogger(__name__)
ACK_BUDGET_SECONDS = 1.0  # Slack wants the ack within 3 s; what is not done in 1 s is answered after it


def in_ack(result: Any) -> dict[str, Any] | None:
    """The acknowledgement body carrying a quick answer: one message without a file (else None)."""
    replies = as_replies(result) if not isinstance(result, Form | FormErrors) else []
    if len(replies) != 1 or replies[0].file is not None:
        return None
    payloads = render_reply(replies[0])
    if len(payloads) != 1:
        return None
    return {"response_type": "ephemeral" if replies[0].ephemeral else "in_channel", **payloads[0]}


# Slack-only aliases (Slack reserves some names, and the issue asks for /community as help).
EXTRA_ALIASES = {"help": ("community",)}
# The Events API subscriptions the listeners below handle (manifest names).
BOT_EVENTS = ("app_home_opened", "app_mention", "member_joined_channel", "message.im", "team_join")
MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
INTRODUCTIONS = "introductions"


def slash_commands(routes: Routes) -> dict[str, str]:
    """'/name' -> route command name, for every command, alias and Slack-only alias."""
    names: dict[str, str] = {}
    for command in routes.commands:
        for name in (*command.all_names(), *EXTRA_ALIASES.get(command.name, ())):
            names["/" + name.lower()] = command.name
    return names


def user_text(text: str, bot_user: str = "") -> str:
    """What the member typed, as plain text: bot mention removed, other markup as its label, escapes undone."""

    def plain_markup(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target == "@" + bot_user:
            return ""
        if target[:1] in "@#!":
            return target[0].replace("!", "@") + (label or target[1:])
        return label or target

    text = MARKUP.sub(plain_markup, text)
    return inert(text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")).strip()


class Listeners:
    """Bolt's listeners: Slack payloads turned into core events, outcomes rendered back."""
    def __init__(self, app: App, sender: Sender, facts: MemberFacts, journal: Journal) -> None:
        self.app = app
        self.services = app.services
        self.sender = sender
        self.facts = facts
        self.journal = journal
        self.commands = slash_commands(app.routes)
        self.inflight: set[asyncio.Task[Any]] = set()
        self.bot_user = ""  # set by the door from auth.test
        self.home: HomeTab | None = None  # the App Home tab, set by the door before `register`
        self.ack_budget = ACK_BUDGET_SECONDS

    async def drain(self, grace: float = 10.0) -> None:
        """Let listeners that already acknowledged their request finish (at shutdown)."""
        current = asyncio.current_task()
        pending = [t for t in self.inflight if t is not current and not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=grace)

    def register(self, bolt: AsyncApp) -> None:
        """Attach every listener to a bolt app."""
        for slash in self.commands:
            bolt.command(slash)(self._tracked(self.on_command))
        bolt.action(re.compile(".+"))(self._tracked(self.on_action))
        bolt.view_submission(re.compile("^" + re.escape(CALLBACK_PREFIX)))(self._tracked(self.on_submission))
        bolt.event("app_mention")(self._tracked(self.on_mention))
        bolt.event("message")(self._tracked(self.on_message))
        bolt.event("team_join")(self._tracked(self.on_team_join))
        bolt.event("member_joined_channel")(self._tracked(self.on_channel_join))
        if self.home is not None:
            bolt.event("app_home_opened")(self._tracked(self.home.on_opened))
        register_shortcuts(bolt, self, self.app.routes)

    def _tracked(self, listener: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        """Log failures (the member already got the ack) and deliver the outbox after each event."""

        @functools.wraps(listener)
        async def run(**kwargs: Any) -> None:
            task = asyncio.current_task()
            if task is not None:
                self.inflight.add(task)
                task.add_done_callback(self.inflight.discard)
            try:
                await listener(**kwargs)
            except Exception:
                log.exception("slack listener %s failed", listener.__name__)
                self.journal.record("failed", listener.__name__)
            await self.refresh_home(listener, kwargs.get("body") or {})
            self.journal.record("done", listener.__name__)

        return run

    async def refresh_home(self, listener: Callable[..., Awaitable[None]], body: dict[str, Any]) -> None:
        """What the member just did may change their home: re-publish it (the home's own listeners publish)."""
        from_home = (body.get("view") or {}).get("type") == "home"
        if self.home is not None and not from_home and listener != self.home.on_opened:
            await self.home.refresh(acting_user(body))

    def repeated(self, outcome: Outcome, body: dict[str, Any]) -> bool:
        """True for an event the dispatcher saw before (Slack's retry, or the same event twice)."""
        if outcome.duplicate:
            self.journal.record("duplicate", str(body.get("event_id")))
        return outcome.duplicate

    # ---- interactive: slash commands and buttons -----------------------------------------------

    async def on_command(self, ack: Any, body: dict[str, Any], respond: Any) -> None:
        """Answer in the acknowledgement when the work is done within the budget (one message, and Slack makes no
        second request); else acknowledge first and answer through the response_url."""
        work = asyncio.ensure_future(self.run_command(body))
        done, _ = await asyncio.wait({work}, timeout=self.ack_budget)
        quick = in_ack(work.result()[1].result) if done and work.exception() is None else None
        await (ack(**quick) if quick is not None else ack())
        actor, outcome, name = await work  # a failure is logged by _tracked: the member has the ack
        if quick is None:
            await self.answer(outcome, actor, body, respond, body.get("channel_id"))
        self.journal.record("command", name)

    async def run_command(self, body: dict[str, Any]) -> tuple[Actor, Outcome, str]:
        """Dispatch a slash command; returns who sent it, the outcome and the command's route name."""
        actor = await self.facts.actor(body["user_id"], body.get("user_name", ""))
        channel = body.get("channel_id")
        is_dm = body.get("channel_name") == "directmessage" or str(channel or "").startswith("D")
        name = self.commands.get(str(body.get("command", "")).lower(), str(body.get("command", "")))
        event = CommandInvoked(actor, name, user_text(str(body.get("text") or "")), channel, is_dm)
        return actor, await self.app.dispatcher.dispatch(event), name

    async def on_action(self, ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any) -> None:
        """A button or menu: ack at once, dispatch, answer on the App Home or through the response_url."""
        await ack()
        user = body.get("user") or {}
        actor = await self.facts.actor(user["id"], user.get("name") or user.get("username") or "")
        channel = (body.get("channel") or {}).get("id")
        route = decode_action(str(action.get("action_id", "")))
        value = str(action.get("value") or (action.get("selected_option") or {}).get("value") or "")
        event = ButtonPressed(actor, route, value, channel, str(channel or "").startswith("D"))
        outcome = await self.app.dispatcher.dispatch(event)
        if self.home is not None and (body.get("view") or {}).get("type") == "home" \
                and not isinstance(outcome.result, Form | FormErrors):
            await self.home.publish(actor, as_replies(outcome.result))  # answered on the home itself
        else:
            await self.answer(outcome, actor, body, respond, channel)
        self.journal.record("action", route)

    async def answer(self, outcome: Outcome, actor: Actor, body: dict[str, Any], respond: Any,
                     channel: str | None) -> None:
        """Open a modal for a Form; otherwise answer through the response_url (or a DM)."""
        result = outcome.result
        if isinstance(result, Form):
            await self.open_form(result, outcome.locale, actor, body.get("trigger_id"), channel)
            return
        if isinstance(result, FormErrors):
            log.warning("a form handler's errors reached a command or button; ignored")
            return
        for index, reply in enumerate(as_replies(result)):
            send = (self.sender.respond(respond, actor.user_id, reply) if body.get("response_url")
                    else self.sender.dm(actor.user_id, reply))
            await self.safely(f"{body.get('trigger_id')}:{index}", reply, self.dm_to(actor), send)

    @staticmethod
    def dm_to(actor: Actor) -> Destination:
        """The member's DM, where an answer goes when the response_url cannot take it."""
        return Destination(PLATFORM, "dm", actor.user_id)

    async def safely(self, key: str, reply: Reply, fallback: Destination, send: Awaitable[object]) -> None:
        """Send a direct answer; if Slack is rate limiting or down, the outbox delivers it later instead."""
        try:
            await send
        except SlackApiError as exc:
            error = delivery_error(exc)
            if error.permanent:
                log.warning("slack refused an answer (%s); not retried", error.code)
                return
            await self.to_outbox(key, reply, fallback, error.reason, error.retry_after or 0.0)
        except (aiohttp.ClientError, TimeoutError) as exc:
            await self.to_outbox(key, reply, fallback, type(exc).__name__, 0.0)

    async def to_outbox(self, key: str, reply: Reply, dest: Destination, reason: str, wait: float) -> None:
        """Queue an undelivered answer for the outbox, not before Slack's Retry-After."""
        not_before = self.services.clock.now() + timedelta(seconds=wait)
        queued = await self.services.outbox.send(f"slack:answer:{key}", dest, reply, not_before=not_before,
                                                 private=True)  # e.g. "filed anonymously as …": gone once sent
        log.warning("slack answer not delivered (%s); %s", reason, "queued" if queued else "already queued")
        self.journal.record("queued", key)

    async def open_form(self, form: Form, locale: str, actor: Actor, trigger_id: str | None,
                        channel: str | None) -> None:
        """A modal; if Slack refuses (expired trigger...), tell the member to try again in a DM."""
        try:
            if not trigger_id:
                raise ValueError("no trigger_id")
            await self.sender.client.views_open(trigger_id=trigger_id, view=self.view(form, locale, channel))
        except (SlackApiError, ValueError) as exc:
            log.warning("could not open the modal for form %s: %s", form.id, exc)
            await self.sender.dm(actor.user_id, Reply(self.services.catalogs.t(locale, "slack.modal_failed")))

    def view(self, form: Form, locale: str, channel: str | None) -> dict[str, Any]:
        """The modal view of a form, its buttons and hints in the member's language."""
        t = functools.partial(self.services.catalogs.t, locale)
        return form_view(form, channel=channel, yes_no=(t("slack.yes"), t("slack.no")),
                         datetime_hint=t("slack.datetime_hint"), cancel=t("slack.cancel"))

    # ---- modals -------------------------------------------------------------------------------

    async def on_submission(self, ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        """A modal submitted: inline errors or the next form in the ack, else close it and answer in a DM."""
        user = body.get("user") or {}
        actor = await self.facts.actor(user["id"], user.get("name") or user.get("username") or "")
        form_id, state, channel = read_metadata(view.get("private_metadata", ""))
        values, refused = read_values(fields_of(view), (view.get("state") or {}).get("values") or {})
        if refused:
            t = functools.partial(self.services.catalogs.t, await self.app.dispatcher.locale_for(actor))
            errors = FormErrors({name: t(f"forms.{no.reason}", **no.values) for name, no in refused.items()})
            await ack(response_action="errors", errors=self.inline_errors(view, errors))
            return
        outcome = await self.app.dispatcher.dispatch(FormSubmitted(actor, form_id, values, state, channel))
        result = outcome.result
        if isinstance(result, FormErrors):
            await ack(response_action="errors", errors=self.inline_errors(view, result))
        elif isinstance(result, Form):
            await ack(response_action="update", view=self.view(result, outcome.locale, channel))
        else:
            await ack()
            for index, reply in enumerate(as_replies(result)):
                key = f"{body.get('trigger_id')}:{index}"
                await self.safely(key, reply, self.dm_to(actor), self.sender.dm(actor.user_id, reply))
        self.journal.record("submission", form_id)

    @staticmethod
    def inline_errors(view: dict[str, Any], result: FormErrors) -> dict[str, str]:
        """Errors keyed by block id; a message for an unknown field goes on the first field."""
        blocks = [b.get("block_id") for b in view.get("blocks", []) if b.get("type") == "input"]
        errors: dict[str, str] = {}
        for name, message in result.errors.items():
            block = name if name in blocks else (blocks[0] if blocks else name)
            errors[block] = (errors.get(block, "") + " " + plain(message)).strip()[:2000]
        return errors

    # ---- events ---------------------------------------------------------------------------------

    @staticmethod
    def messages(result: Result) -> list[Reply]:
        """Replies to an event; a Form cannot open without a trigger (only commands and buttons have one)."""
        if isinstance(result, Form | FormErrors):
            log.warning("a %s answered an event that cannot open a modal; dropped", type(result).__name__)
            return []
        return as_replies(result)

    async def on_mention(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """An @mention of the bot in a channel: answered in its thread (only to the member when private)."""
        if event.get("bot_id"):
            return
        actor = await self.facts.actor(event["user"])
        channel = event["channel"]
        text = user_text(event.get("text", ""), self.bot_user)
        message = MessageReceived(actor, text, channel, is_dm=False, mentions_bot=True, event_id=event_id(body))
        outcome = await self.app.dispatcher.dispatch(message)
        if self.repeated(outcome, body):
            return
        result = outcome.result
        thread = event.get("thread_ts") or event.get("ts")
        for index, reply in enumerate(self.messages(result)):
            key = f"{body.get('event_id')}:{index}"
            if reply.ephemeral:
                await self.safely(key, reply, self.dm_to(actor),
                                  self.sender.ephemeral(channel, actor.user_id, reply, thread))
            else:
                await self.safely(key, reply, Destination(PLATFORM, "channel", channel),
                                  self.sender.post(channel, reply, thread))
        self.journal.record("mention", str(body.get("event_id")))

    async def on_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """A member's DM to the bot (not edits, not bots): dispatched as a message."""
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        if not event.get("user"):
            return
        actor = await self.facts.actor(event["user"])
        message = MessageReceived(actor, user_text(event.get("text", ""), self.bot_user), event["channel"], is_dm=True,
                                  event_id=event_id(body))
        outcome = await self.app.dispatcher.dispatch(message)
        if self.repeated(outcome, body):
            return
        result = outcome.result
        for index, reply in enumerate(self.messages(result)):
            send = self.sender.post(event["channel"], reply)
            await self.safely(f"{body.get('event_id')}:{index}", reply, self.dm_to(actor), send)
        self.journal.record("message", str(body.get("event_id")))

    async def on_team_join(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """A new person in the workspace (not a bot): welcomed."""
        user = event.get("user") or {}
        if not isinstance(user, dict) or actor_from_user(user).is_bot:
            return
        if await self.app.dispatcher.seen(PLATFORM, event_id(body)):  # before forgetting what users.info said
            self.journal.record("duplicate", str(body.get("event_id")))
            return
        self.facts.forget(user["id"])
        await self.welcome(await self.facts.actor(user["id"]), None, body)

    async def on_channel_join(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """Someone joined the introductions channel: welcomed there."""
        introductions = self.services.settings.slack_channels.get(INTRODUCTIONS)
        if not introductions or event.get("channel") != introductions:
            return
        actor = await self.facts.actor(event["user"])
        if not actor.is_bot:
            await self.welcome(actor, event["channel"], body)

    async def welcome(self, actor: Actor, channel: str | None, body: dict[str, Any]) -> None:
        """Dispatch a join (once per event id) and send the welcome it produced."""
        outcome = await self.app.dispatcher.dispatch(MemberJoined(actor, channel, event_id(body)))
        if self.repeated(outcome, body):
            return
        result = outcome.result
        for index, reply in enumerate(self.messages(result)):
            send = self.sender.dm(actor.user_id, reply)
            await self.safely(f"{body.get('event_id')}:{index}", reply, self.dm_to(actor), send)
        self.journal.record("join", actor.user_id)


def event_id(body: dict[str, Any]) -> str | None:
    """Slack's id of an Events API delivery (the same on its retries)."""
    return str(body.get("event_id") or "") or None
