"""/webinar (/webinaire): create, list, show, edit, cancel, reminders, recording; and the RSVP buttons.

Inline syntax for the console (and power users), keys in English or French:
`/webinar create title="Implementers call" start="next tuesday 14:00" tz=Europe/Paris duration=60
lang=fr link=https://meet.example.org/abc repeat=weekly desc="..." role=lang:fr`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core import values
from bot.core.commands import on_text
from bot.core.context import UserError
from bot.core.i18n import fmt_datetime
from bot.core.ids import parse_id
from bot.core.model import Button, ButtonPressed, CommandInvoked, Form, Option, Reply
from bot.core.routes import Command, Handler, Kind, Opt, Routes, Sub
from bot.services.container import Ctx
from bot.services.webinars import (
    calendar_feeds,
    last_started,
    next_start,
    notify,
    parse_inline,
    parse_link,
    parse_offsets,
)
from bot.services.webinars import mention as webinar_mention
from bot.services.webinars.service import Upcoming
from handlers import webinar_forms as forms
from handlers import webinar_sessions as sessions


async def webinar_command(ctx: Ctx, event: CommandInvoked) -> Reply:
    """`/webinar` without a known subcommand (those are declared below): what it can do."""
    return ctx.reply("webinars.help_admin" if ctx.is_admin else "webinars.help")


async def create(ctx: Ctx, rest: str) -> Reply | Form:
    """/webinar create: the form, or a webinar from `key=value` details."""
    if not rest:
        return forms.main_form(ctx, "webinar.create")
    positional, raw = parse_inline(rest)
    if positional:
        raise UserError("webinars.error_positional", text=positional[0][:40])
    if raw.values.keys() == {"mention"}:  # only the role: the form, the role checked first and kept with it
        role = webinar_mention.parse(raw.get("mention") or "", webinar_mention.choices(ctx.services.settings),
                                     ctx.locale)
        return forms.main_form(ctx, "webinar.create", role or "")
    return await forms.make_draft(ctx, raw, None, None)


async def edit(ctx: Ctx, rest: str) -> Reply | Form:
    """/webinar edit ID: the form, or the changes given as `key=value`."""
    positional, raw = parse_inline(rest)
    if len(positional) != 1:
        raise UserError("webinars.usage_edit")
    webinar = await forms.editable(ctx, positional[0])
    if not raw.values:
        return forms.main_form(ctx, "webinar.edit", str(webinar.id), webinar.spec)
    return await forms.make_draft(ctx, raw, webinar.spec, webinar.id)


async def cancel(ctx: Ctx, rest: str) -> Reply:
    """Ask first: cancelling tells every Going/Maybe member and the channel, and cannot be taken back.
    With a date after the id, only that session of a series is cancelled (handlers/webinar_sessions.py)."""
    ident, _, session = rest.strip().partition(" ")
    webinar = await forms.editable(ctx, ident)
    if session.strip():
        return await sessions.ask(ctx, webinar, sessions.session_text(session))
    told = await ctx.services.webinars.attendee_count(webinar.id)
    buttons = (Button(ctx.t("webinars.button_cancel_confirm"), "webinar.cancel", str(webinar.id), "danger"),
               Button(ctx.t("webinars.button_cancel_keep"), "webinar.keep", str(webinar.id)))
    return ctx.reply("webinars.cancel_ask", id=webinar.id, title=webinar.spec.title, count=told,
                     channel=ctx.services.settings.webinar_channel, buttons=buttons)


async def keep_pressed(ctx: Ctx, event: ButtonPressed) -> Reply:
    """The organiser kept the webinar."""
    return ctx.reply("webinars.cancel_kept", id=event.value[:12])


async def cancel_pressed(ctx: Ctx, event: ButtonPressed) -> Reply:
    """Cancel a webinar (the whole series); Going/Maybe members and the channel hear it once."""
    webinar = await forms.editable(ctx, event.value)
    count = await ctx.services.webinars.cancel(webinar.id, ctx.now)
    return ctx.reply("webinars.cancel_done", id=webinar.id, count=count)


async def list_upcoming(ctx: Ctx, rest: str) -> Reply:
    """Upcoming webinars, soonest first, with this member's answer."""
    upcoming = await ctx.services.webinars.upcoming(ctx.member.id, ctx.now)
    if not upcoming:
        return ctx.reply("webinars.list_empty")
    lines = [ctx.t("webinars.list_title")]
    lines += [list_item(ctx, item) for item in upcoming]
    lines.append(ctx.t("webinars.list_footer"))
    return Reply("\n".join(lines), ephemeral=True)


def list_item(ctx: Ctx, item: Upcoming) -> str:
    """A webinar's next session with the member's answer, one line of /webinar list and the Home tab."""
    return ctx.t("webinars.list_item", id=item.webinar.id, title=item.webinar.spec.title, when=ctx.when(item.start),
                 answer=ctx.t(notify.ANSWER_KEYS[item.answer] if item.answer else "webinars.answer_none"))


async def show(ctx: Ctx, rest: str) -> Reply:
    """One webinar in the member's zone and language, with RSVP buttons and its .ics file."""
    webinar = await forms.find(ctx, rest)
    answer, counts = await ctx.services.webinars.answers(webinar.id, ctx.member.id)
    start = next_start(webinar.spec, ctx.now) or webinar.spec.start
    tz = ctx.member.timezone or ctx.services.settings.community_timezone
    text = ctx.t("webinars.show", id=webinar.id, details=notify.details(ctx.services, webinar, ctx.locale, tz, start),
                 going=counts.get("going", 0), maybe=counts.get("maybe", 0),
                 answer=ctx.t(notify.ANSWER_KEYS[answer] if answer else "webinars.answer_none"))
    if webinar.status == "cancelled":
        text += "\n" + ctx.t("webinars.is_cancelled")
    open_ = webinar.status == "scheduled" and next_start(webinar.spec, ctx.now) is not None
    buttons = notify.rsvp_buttons(ctx.services, webinar.id, [ctx.locale]) if open_ else ()
    return Reply(text, buttons=buttons, ephemeral=True, file=notify.ics_file(ctx.services, webinar, ctx.now))


async def reminders(ctx: Ctx, rest: str) -> Reply:
    """Show or change this member's reminder offsets: `24h 1h`, `off` (`désactivé`), `default` (`par défaut`)."""
    choice = rest.strip()
    switch = values.lookup("switch", choice) if choice else None
    offsets: list[int] | None = [] if switch == "off" else None
    if choice and switch is None:
        offsets = parse_offsets(choice)  # a UserError before anything is written
    # None: back to the default
    chosen = await ctx.services.webinars.reminder_offsets(ctx.member.id, offsets, bool(choice), ctx.now)
    return reminders_status(ctx, chosen, changed=bool(choice))


def reminders_status(ctx: Ctx, chosen: list[int] | None, changed: bool = False) -> Reply:
    """The member's reminder delays (or that reminders are off)."""
    prefix = ctx.t("webinars.reminders_saved") + " " if changed else ""
    if chosen == []:
        return Reply(prefix + ctx.t("webinars.reminders_off"), ephemeral=True)
    offsets = chosen if chosen is not None else list(ctx.services.settings.webinar_reminders)
    return Reply(prefix + ctx.t("webinars.reminders_on", offsets=notify.fmt_offsets(offsets, ctx.locale)),
                 ephemeral=True)


async def recording(ctx: Ctx, rest: str) -> Reply:
    """Set the recording link of the latest session; RSVPed members get it by DM once it has ended."""
    ident, _, url = rest.partition(" ")
    webinar = await forms.editable(ctx, ident)
    link = parse_link(url)
    occurrence = last_started(webinar.spec, ctx.now) or next_start(webinar.spec, ctx.now)
    if occurrence is None:
        raise UserError("webinars.not_found", id=webinar.id)
    count = await ctx.services.webinars.set_recording(webinar, occurrence, link, ctx.now)
    if count is not None:
        return ctx.reply("webinars.recording_sent", count=count, when=ctx.when(occurrence))
    return ctx.reply("webinars.recording_later", when=ctx.when(occurrence))


async def rsvp_pressed(ctx: Ctx, event: ButtonPressed) -> Reply:
    """Going / Maybe / Not going; pressing again just records the same answer."""
    ident, _, answer = event.value.partition(":")
    webinar_id = parse_id(ident)
    if webinar_id is None or answer not in notify.ANSWERS:
        return ctx.reply("errors.stale_button")
    saved = await ctx.services.webinars.rsvp(webinar_id, ctx.member.id, answer, ctx.now)
    if saved is None:
        return ctx.reply("webinars.rsvp_closed")
    text = ctx.t("webinars.rsvp_saved", answer=ctx.t(notify.ANSWER_KEYS[answer]), title=saved.webinar.spec.title,
                 when=ctx.when(saved.start))
    if answer == "no":
        return Reply(text, ephemeral=True)
    return Reply(text + "\n" + reminders_status(ctx, saved.offsets).text, ephemeral=True)


async def calendar(ctx: Ctx, rest: str) -> Reply:
    """The member's private calendar feed link (made once), and the community's."""
    url = await calendar_feeds.member_link(ctx.services, ctx.member)
    if url is None:
        return ctx.reply("webinars.calendar_unpublished")
    community = calendar_feeds.public_url(ctx.services, "/webinars.ics")
    return Reply(ctx.t("webinars.calendar_link", url=url, community_url=community), ephemeral=True)


async def interested(ctx: Ctx, event: ButtonPressed) -> Reply | None:
    """"Interested" pressed (value "<id>:add") or un-pressed ("<id>:remove") on the webinar's Discord event:
    recorded as Maybe, never lowering a Going; un-pressing removes a Maybe (and nothing else)."""
    ident, _, change = event.value.partition(":")
    webinar_id = parse_id(ident)
    if webinar_id is None or change not in ("add", "remove"):
        return None
    await ctx.services.webinars.interested(webinar_id, ctx.member.id, change == "add", ctx.now)
    return None


def with_role(handler: Callable[[Ctx, str], Awaitable[Reply | Form]]) -> Handler:
    """A create/edit handler reading inline text, Discord's `role` option included (webinar_mention)."""
    async def run(ctx: Ctx, event: CommandInvoked) -> Reply | Form:
        return await handler(ctx, webinar_mention.inline_text(event))

    run.__name__ = run.__qualname__ = handler.__name__
    return run


WEBINAR_ID = Opt("id", "webinars.option.id", Kind.INTEGER, required=True, autocomplete="webinars",
                 invalid="webinars.error_id", names={"fr": "numéro"})
DETAILS = Opt("details", "webinars.option.details", names={"fr": "détails"})
ROLE = Opt("role", "webinar_mention.option", autocomplete="webinar_roles", names={"fr": "rôle"}, keyed=True)
SESSION = Opt("date", "webinars.option.session", names={"fr": "date"})
SUBCOMMANDS = (
    Sub("list", "webinars.sub.list", on_text(list_upcoming), names={"fr": "liste"}),
    Sub("show", "webinars.sub.show", on_text(show), (WEBINAR_ID,), names={"fr": "voir"}, aliases=("info",)),
    Sub("reminders", "webinars.sub.reminders", on_text(reminders),
        (Opt("offsets", "webinars.option.offsets", names={"fr": "délais"}),), names={"fr": "rappels"}),
    Sub("calendar", "webinars.sub.calendar", on_text(calendar), names={"fr": "calendrier"}, aliases=("agenda",)),
    Sub("create", "webinars.sub.create", with_role(create), (DETAILS, ROLE), admin=True, names={"fr": "créer"},
        aliases=("new",)),
    Sub("edit", "webinars.sub.edit", with_role(edit), (WEBINAR_ID, DETAILS, ROLE), admin=True,
        names={"fr": "modifier"}),
    Sub("cancel", "webinars.sub.cancel", on_text(cancel), (WEBINAR_ID, SESSION), admin=True,
        names={"fr": "annuler"}),
    Sub("recording", "webinars.sub.recording", on_text(recording),
        (WEBINAR_ID, Opt("link", "webinars.option.link", required=True, names={"fr": "lien"})), admin=True,
        names={"fr": "enregistrement"}),
)


async def upcoming_ids(ctx: Ctx, typed: str) -> list[Option]:
    """Autocomplete: the scheduled webinars, "#12 Title — date" in the reader's zone and language."""
    found = await ctx.services.webinars.scheduled(ctx.now)
    tz = ctx.member.timezone or ctx.services.settings.community_timezone
    return [Option(str(w.id), f"#{w.id} {w.spec.title} — {fmt_datetime(start, ctx.locale, tz)}")
            for start, w in found]


async def role_choices(ctx: Ctx, typed: str) -> list[Option]:
    """Autocomplete of the `role` option: the configured roles and user groups, in the reader's language."""
    return list(webinar_mention.options(ctx.services.settings, ctx.locale, with_none=True))


ROUTES = Routes(
    commands=(Command("webinar", webinar_command, "webinars.summary", "webinars.usage", names={"fr": "webinaire"},
                      aliases=("webinars",), subs=SUBCOMMANDS),),
    suggestions={"webinars": upcoming_ids, "webinar_roles": role_choices},
    buttons={
        "webinar.rsvp": rsvp_pressed,
        "webinar.confirm": forms.confirm_pressed,
        "webinar.more": forms.more_pressed,
        "webinar.discard": forms.discard_pressed,
        "webinar.cancel": cancel_pressed,
        "webinar.keep": keep_pressed,
        "webinar.interested": interested,
        "webinar.cancel_one": sessions.cancel_one_pressed,
    },
    admin_buttons=frozenset({"webinar.cancel", "webinar.cancel_one"}),
    forms={"webinar.create": forms.create_submitted, "webinar.edit": forms.edit_submitted,
           "webinar.more": forms.more_submitted},
    admin_forms=frozenset({"webinar.create", "webinar.edit"}),
    jobs=(notify.WebinarJob(),),
)
