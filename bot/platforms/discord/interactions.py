"""Answering interactions: slash commands, button presses and modal submissions.

Every interaction is answered within Discord's 3 seconds: the handler runs, and if it has not finished
after `answer_within` seconds the interaction is deferred and the answer follows up. A Form opens as a
modal when it can still be the first response, otherwise as a message with a button that opens it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable
from typing import Any

import discord
from discord import app_commands

from bot.app import App
from bot.core.i18n import normalise_locale
from bot.core.model import (
    Actor,
    Button,
    ButtonPressed,
    CommandInvoked,
    Destination,
    Form,
    FormErrors,
    FormSubmitted,
    FormValue,
    Reply,
    Result,
)
from bot.core.text import Safe, inert
from bot.core.usage import declared
from bot.platforms.discord import forms
from bot.platforms.discord.commands import ARGS, LIMIT, read_options
from bot.platforms.discord.render import INTERNAL, PLATFORM, parse_button_id, to_messages

log = logging.getLogger(__name__)


def interaction_locale(interaction: discord.Interaction) -> str | None:
    """The member's Discord language, else the server's preferred one (if the bot speaks it)."""
    own = interaction.locale.value if interaction.locale else None
    guild = interaction.guild_locale.value if interaction.guild_locale else None
    return next((loc for loc in (own, guild) if normalise_locale(loc)), own)


def interaction_actor(interaction: discord.Interaction) -> Actor:
    """Who sent the interaction (Manage Server or Administrator makes a platform admin)."""
    user = interaction.user
    perms = interaction.permissions
    admin = interaction.guild_id is not None and bool(perms.manage_guild or perms.administrator)
    return Actor(PLATFORM, str(user.id), user.display_name, platform_locale=interaction_locale(interaction),
                 platform_admin=admin, is_bot=user.bot)


def custom_id_of(interaction: discord.Interaction) -> str:
    """The custom id of a component or modal interaction."""
    data: dict[str, Any] = dict(interaction.data or {})
    return str(data.get("custom_id", ""))


class Interactions:
    """Turns interactions into neutral events and renders what the handlers answer."""

    def __init__(self, app: App, answer_within: float = 2.0) -> None:
        self.app = app
        self.answer_within = answer_within

    async def locale(self, interaction: discord.Interaction) -> str:
        """The language of the door's own words: the member's choice, else Discord's locales, else the default."""
        return await self.app.dispatcher.locale_for(interaction_actor(interaction))

    async def t(self, interaction: discord.Interaction, key: str, **values: Any) -> str:
        """Message `key` in the interacting member's language."""
        return self.app.services.catalogs.t(await self.locale(interaction), key, **values)

    # ---- entry points ------------------------------------------------------------------------

    async def fresh(self, interaction: discord.Interaction) -> bool:
        """False for an interaction already handled (the same INTERACTION_CREATE delivered twice)."""
        fresh = await self.app.dispatcher.first_time(PLATFORM, f"interaction:{interaction.id}")
        if not fresh:
            log.info("discord: interaction %s seen before; ignored", interaction.id)
        return fresh

    async def on_command(self, interaction: discord.Interaction) -> None:
        """Handle a slash command."""
        if not await self.fresh(interaction):
            return
        await self.answer(interaction, self.app.dispatcher.handle(self.command_event(interaction)))

    def command_event(self, interaction: discord.Interaction) -> CommandInvoked:
        """A slash command as the neutral event: the subcommand path and option values of a declared
        command, or the free text of one that declares nothing (its "args" option)."""
        data: dict[str, Any] = dict(interaction.data or {})
        name = str(data.get("name", ""))
        path, raw, _ = read_options(data)
        options = {key: inert(value) if isinstance(value, str) else value for key, value in raw.items()
                   if isinstance(value, str | int | float | bool)}
        command = self.app.routes.command(name)
        where: dict[str, Any] = {"channel": str(interaction.channel_id), "is_dm": interaction.guild_id is None}
        if command is None or not declared(command):
            return CommandInvoked(interaction_actor(interaction), name, str(options.get(ARGS, "")).strip(), **where)
        return CommandInvoked(interaction_actor(interaction), name, path=path, options=options, **where)

    async def on_autocomplete(self, interaction: discord.Interaction) -> None:
        """Offer what fits what the member is typing (no event id: suggestions change nothing)."""
        event = self.command_event(interaction)
        _, raw, focused = read_options(dict(interaction.data or {}))
        typed = inert(str(raw.get(focused or "", "")))
        offered = await self.app.dispatcher.suggest(event, focused or "", typed) if focused else []
        choices = [app_commands.Choice(name=o.label[:LIMIT] or o.value, value=o.value[:LIMIT]) for o in offered]
        try:
            await interaction.response.autocomplete(choices)
        except discord.HTTPException as exc:  # the member typed on: Discord dropped this request
            log.info("discord: autocomplete answer refused (%s %s)", exc.status, exc.code)

    async def on_component(self, interaction: discord.Interaction) -> None:
        """Handle a button or select: a form's own page buttons, else the route's button."""
        if not await self.fresh(interaction):
            return
        custom_id = custom_id_of(interaction)
        if custom_id.startswith(INTERNAL):
            await self.on_form_button(interaction, custom_id)
            return
        action, value = parse_button_id(custom_id)
        event = ButtonPressed(interaction_actor(interaction), action, value, channel=str(interaction.channel_id),
                              is_dm=interaction.guild_id is None)
        await self.answer(interaction, self.app.dispatcher.handle(event))

    async def on_modal(self, interaction: discord.Interaction) -> None:
        """Handle a submitted modal page: the next page, or the whole form's values."""
        if not await self.fresh(interaction):
            return
        decoded = forms.decode(custom_id_of(interaction))
        if decoded is None or decoded[0] != forms.MODAL_PREFIX:
            decoded = None
        stored = await self.load_form(decoded[1], str(interaction.user.id)) if decoded else None
        if decoded is None or stored is None:
            await self.send(interaction, Reply(await self.t(interaction, "errors.stale_button"), ephemeral=True))
            return
        await self.answer(interaction, self.submit_page(interaction, stored, decoded[1], decoded[2]))

    # ---- answering ---------------------------------------------------------------------------

    async def answer(self, interaction: discord.Interaction, work: Awaitable[Result]) -> None:
        """Run the handler; defer if it takes longer than `answer_within`; then render its result."""
        task = asyncio.ensure_future(work)
        try:
            done, _ = await asyncio.wait({task}, timeout=self.answer_within)
            if not done:
                log.info("discord: deferring interaction %s (handler still running)", interaction.id)
                await interaction.response.defer(ephemeral=True, thinking=True)
            await self.render(interaction, await task)
        except Exception:  # the handler's work goes on (it is not cancelled half-way); the member is told
            log.exception("discord: could not answer interaction %s", interaction.id)
            await self.apologise(interaction)

    async def apologise(self, interaction: discord.Interaction) -> None:
        """Tell the member something went wrong (logged when even that fails)."""
        try:
            await self.send(interaction, Reply(await self.t(interaction, "errors.internal"), ephemeral=True))
        except Exception:
            log.exception("discord: could not tell the member about the failure either")

    async def render(self, interaction: discord.Interaction, result: Result) -> None:
        """Show a handler's result: open a form, or send the replies."""
        if isinstance(result, Form):
            await self.open_form(interaction, result, 0)
        elif isinstance(result, FormErrors):
            log.warning("discord: a FormErrors answered something that is not a form submission")
        elif isinstance(result, Reply):
            await self.send(interaction, result)
        elif isinstance(result, list):
            for reply in result:
                await self.send(interaction, reply)
        elif (interaction.type is discord.InteractionType.application_command
              or interaction.response.type is discord.InteractionResponseType.deferred_channel_message):
            await self.send(interaction, Reply("✓", ephemeral=True))  # never leave "thinking…" on screen
        elif not interaction.response.is_done():
            await interaction.response.defer()  # a button or a form with nothing to say: nothing changes

    async def send(self, interaction: discord.Interaction, reply: Reply) -> None:
        """Answer the interaction; if Discord refuses (expired, 5xx after retries), the answer goes by DM
        through the outbox instead of being lost."""
        for outgoing in to_messages(reply):
            try:
                await outgoing.answer(interaction)
            except discord.HTTPException as exc:
                log.warning("discord: answer to interaction %s failed (%s %s); sending it by DM", interaction.id,
                            exc.status, exc.code)
                await self.by_dm_instead(interaction, reply)
                return

    async def by_dm_instead(self, interaction: discord.Interaction, reply: Reply) -> None:
        """Send a private reply by DM through the outbox (the interaction cannot carry it)."""
        key = f"discord:answer:{interaction.id}:{hashlib.sha256(reply.text.encode()).hexdigest()[:16]}"
        dest = Destination(PLATFORM, "dm", str(interaction.user.id))
        await self.app.services.outbox.send(key, dest, Reply(reply.text, reply.buttons, False, reply.file),
                                            private=True)  # e.g. "filed anonymously as …": gone once sent

    # ---- forms -------------------------------------------------------------------------------

    async def store_form(self, form: Form, user_id: str) -> str:
        """Keep the form shown to this member (a submission or a reopen button works after a restart)."""
        body = forms.form_to_json(form)
        form_hash = forms.digest(user_id, body)
        await self.app.door_state.keep_form(user_id, form_hash, body, self.app.services.clock.now())
        return form_hash

    async def load_form(self, form_hash: str, user_id: str) -> Form | None:
        """The form the member is filling, kept under its hash."""
        body = await self.app.door_state.form(user_id, form_hash)
        return forms.form_from_json(body) if body else None

    async def open_form(self, interaction: discord.Interaction, form: Form, page: int,
                        form_hash: str | None = None) -> None:
        """A modal if this is still the first response, else a message with a button that opens it."""
        form_hash = form_hash or await self.store_form(form, str(interaction.user.id))
        # Discord opens a modal only as the first response, and never in answer to a modal submission
        if not interaction.response.is_done() and interaction.type is not discord.InteractionType.modal_submit:
            locale, t = await self.locale(interaction), self.app.services.catalogs.t
            yes_no = (t(locale, "discord.yes"), t(locale, "discord.no"))
            await interaction.response.send_modal(forms.build_modal(form, form_hash, page, yes_no))
            return
        await self.send(interaction, self.form_button_reply(await self.locale(interaction), "discord.form_prompt",
                                                            "discord.form_open", form_hash, page, title=form.title))

    def form_button_reply(self, locale: str, text_key: str, button_key: str, form_hash: str, page: int,
                          **values: Any) -> Reply:
        """A message with a button that opens page `page` of a stored form ("~o|hash|page")."""
        catalogs = self.app.services.catalogs
        button = Button(catalogs.t(locale, button_key), forms.OPEN_PREFIX, f"{form_hash}|{page}", "primary")
        return Reply(catalogs.t(locale, text_key, **values), buttons=(button,), ephemeral=True)

    async def on_form_button(self, interaction: discord.Interaction, custom_id: str) -> None:
        """Open the page of a long form a page button names."""
        decoded = forms.decode(custom_id)
        form = await self.load_form(decoded[1], str(interaction.user.id)) if decoded else None
        if decoded is None or form is None or decoded[2] >= len(forms.pages(form)):
            await self.send(interaction, Reply(await self.t(interaction, "errors.stale_button"), ephemeral=True))
            return
        await self.open_form(interaction, form, decoded[2], decoded[1])

    async def submit_page(self, interaction: discord.Interaction, form: Form, form_hash: str, page: int) -> Result:
        """Keep this page's answers; on the last page, hand the whole form to its handler. Answers the door
        refuses (too long, not an option offered) go back through the form's error path, handed in to nobody."""
        user_id = str(interaction.user.id)
        values, problems = forms.parse_page(form, page, dict(interaction.data or {}))
        answers = await self.keep_page(user_id, form, form_hash, page, values, keep=not problems)
        if problems:
            return await self.errors_reply(interaction, form, answers, await self.refused(interaction, problems))
        if page + 1 < len(forms.pages(form)):
            return self.form_button_reply(await self.locale(interaction), "discord.form_step", "discord.form_continue",
                                          form_hash, page + 1, done=page + 1, total=len(forms.pages(form)))
        event = FormSubmitted(interaction_actor(interaction), form.id, answers, form.state,
                              channel=str(interaction.channel_id))
        result = await self.app.dispatcher.handle(event)
        if isinstance(result, FormErrors):
            return await self.errors_reply(interaction, form, answers, result)
        await self.forget_drafts(form, user_id)
        return result

    async def keep_page(self, user_id: str, form: Form, form_hash: str, page: int, values: dict[str, FormValue],
                        keep: bool) -> dict[str, FormValue]:
        """The answers so far with this page's; saved for the next page (when `keep`), cleared after the last."""
        last = page + 1 >= len(forms.pages(form))
        return await self.app.door_state.add_answers(user_id, form_hash, values, keep=not last if keep else None,
                                                     now=self.app.services.clock.now())

    async def forget_drafts(self, form: Form, user_id: str) -> None:
        """Once a form is handed in, every stored copy of it goes: the one shown first, and the ones kept to
        correct errors (with the earlier text): e.g. an anonymous item's words and their author."""
        await self.app.door_state.forget_forms(user_id, lambda body: forms.same_form(forms.form_from_json(body), form))

    async def refused(self, interaction: discord.Interaction, problems: dict[str, forms.Problem]) -> FormErrors:
        """Answers the door itself refuses (too long, not an option offered), said in the member's language."""
        locale = await self.locale(interaction)
        t = self.app.services.catalogs.t
        return FormErrors({name: t(locale, problem.key, **problem.values) for name, problem in problems.items()})

    async def errors_reply(self, interaction: discord.Interaction, form: Form, answers: dict[str, FormValue],
                           errors: FormErrors) -> Reply:
        """The errors, one per line, and a button that reopens the form with the answers given (kept, so that
        correcting one page of a long form resubmits the answers of the other pages too)."""
        labels = {f.name: f.label for f in form.fields}
        user_id = str(interaction.user.id)
        again_hash = await self.store_form(forms.with_answers(form, answers), user_id)
        await self.app.door_state.keep_answers(user_id, again_hash, answers, self.app.services.clock.now())
        first = next(iter(errors.errors), "")
        locale = await self.locale(interaction)
        reply = self.form_button_reply(locale, "discord.form_errors", "discord.form_reopen",
                                       again_hash, forms.page_of(form, first))
        t = self.app.services.catalogs.t
        lines = [reply.text] + [t(locale, "text.bullet_labelled", label=Safe(labels.get(name, name)),
                                  value=Safe(message)) for name, message in errors.errors.items()]
        return Reply("\n".join(lines), buttons=reply.buttons, ephemeral=True)
