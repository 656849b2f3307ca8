"""Cancelling one session of a recurring webinar: `/webinar cancel ID date=2027-03-02` (French `le=`, or the
date alone after the id). Asked first; Going/Maybe members and the channel are told once; the series goes on."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core import values
from bot.core.context import UserError
from bot.core.ids import parse_id
from bot.core.model import Button, ButtonPressed, Reply
from bot.core.values import dates
from bot.services.container import Ctx
from bot.services.webinars import Webinar, occurrences
from handlers import webinar_forms as forms

DATE_KEYS = ("date=", "le=", "session=", "séance=", "seance=")


def session_text(rest: str) -> str:
    """What follows the id: the session's date, with or without its key."""
    text = rest.strip()
    for key in DATE_KEYS:
        if values.fold(text).startswith(values.fold(key)):
            return text[len(key):].strip().strip('"')
    return text


async def session_of(ctx: Ctx, webinar: Webinar, text: str) -> datetime:
    """The start of the webinar's session on the day `text` names, read in the reader's language."""
    if not webinar.spec.rrule:
        raise UserError("webinars.cancel_one_single", id=webinar.id)
    zone = ZoneInfo(webinar.spec.timezone)
    try:
        reading = dates.read(text, ctx.locale, ctx.now.astimezone(zone).replace(tzinfo=None))
    except ValueError:  # a date that does not exist (31/02)
        reading = None
    if reading is None:
        raise UserError("webinars.cancel_one_no_session", id=webinar.id, text=text[:40])
    day = reading.day
    for start in occurrences(webinar.spec, ctx.now):
        local = start.astimezone(zone)
        if local.date() == day:
            return start
        if local.date() > day:
            break
    raise UserError("webinars.cancel_one_no_session", id=webinar.id, text=text[:40])


async def ask(ctx: Ctx, webinar: Webinar, text: str) -> Reply:
    """Ask before cancelling one session, saying how many will be told."""
    start = await session_of(ctx, webinar, text)
    told = await ctx.services.webinars.attendee_count(webinar.id)
    value = f"{webinar.id}:{int(start.timestamp())}"
    buttons = (Button(ctx.t("webinars.button_cancel_one"), "webinar.cancel_one", value, "danger"),
               Button(ctx.t("webinars.button_cancel_keep"), "webinar.keep", str(webinar.id)))
    return ctx.reply("webinars.cancel_one_ask", id=webinar.id, title=webinar.spec.title,
                     when=ctx.when(start, webinar.spec.timezone), count=told,
                     channel=ctx.services.settings.webinar_channel, buttons=buttons)


async def cancel_one_pressed(ctx: Ctx, event: ButtonPressed) -> Reply:
    """The session is taken out of the series (an EXDATE), and the people who answered are told."""
    ident, _, stamp = event.value.partition(":")
    seconds = parse_id(stamp)
    webinar = await forms.editable(ctx, ident)
    if seconds is None:
        raise UserError("errors.stale_button")
    start = datetime.fromtimestamp(seconds, tz=ctx.now.tzinfo)
    if next(occurrences(webinar.spec, start - timedelta(seconds=1)), None) != start or start <= ctx.now:
        return ctx.reply("webinars.cancel_one_gone", id=webinar.id)
    count = await ctx.services.webinars.cancel_session(webinar, start, ctx.now)
    return ctx.reply("webinars.cancel_one_done", id=webinar.id, when=ctx.when(start, webinar.spec.timezone),
                     count=count)
