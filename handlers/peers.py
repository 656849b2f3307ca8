"""`/peers` (`/pairs`): peer matching. join | leave | snooze until DATE | status | suggest | exclude @member
| stats (admin) | round now (admin) | round preview (admin); check-in and come-back buttons."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from babel.lists import format_list

from bot.core import values
from bot.core.commands import on_text
from bot.core.i18n import zone
from bot.core.ids import parse_id
from bot.core.model import ButtonPressed, CommandInvoked, Member, Reply
from bot.core.routes import Command, Kind, Opt, Routes, Sub
from bot.core.taxonomy import stage_key
from bot.core.text import Safe, mention
from bot.core.values import dates
from bot.services.container import Ctx
from bot.services.peers import text
from bot.services.peers.job import PeersJob
from bot.services.peers.service import ANSWERS
from handlers import peers_join, peers_round

STATUS_KEYS = {"active": "peers.status.active", "paused": "peers.status.paused", "left": "peers.status.left"}


async def peers_command(ctx: Ctx, event: CommandInvoked) -> Reply:
    """`/peers` alone shows the status; a word that names no subcommand (declared below) says how to use it."""
    verb = event.args.split()[0] if event.args.split() else ""
    return await status(ctx, "") if not verb else ctx.reply("peers.usage_hint", verb=verb[:30])


async def round_now(ctx: Ctx, event: CommandInvoked) -> Reply:
    """/peers round now: ask before starting a round."""
    return await peers_round.round_now(ctx)


async def round_preview(ctx: Ctx, event: CommandInvoked) -> Reply:
    """/peers round preview: the groups a round would make now."""
    return await peers_round.round_preview(ctx)


async def leave(ctx: Ctx, rest: str) -> Reply:
    """/peers leave: stop being matched (/peers join comes back)."""
    changed = await ctx.services.peers.leave(ctx.member.id, ctx.now)
    return ctx.reply("peers.left" if changed else "peers.not_joined")


def parse_day(raw: str, now: datetime, tz: str, locale: str = "en") -> datetime | None:
    """'until 2026-12-20', 'jusqu'au 1er mai', '20/12' (day first in French) -> that day's start in the
    member's zone, as UTC; None when it is not a date."""
    words = raw.split()
    if words and values.fold(words[0]) in ("until", "jusqu au", "jusqua", "au", "jusqu"):
        words = words[1:]
    cleaned = " ".join(words)
    local_now = now.astimezone(zone(tz)).replace(tzinfo=None)
    try:
        reading = dates.read(cleaned, locale, local_now)
    except ValueError:
        return None
    if reading is not None:
        day = reading.day
    else:
        parsed = dates.lenient(cleaned, locale, local_now)
        if parsed is None:
            return None
        day = parsed.date()
    return datetime.combine(day, time(0, 0), tzinfo=zone(tz)).astimezone(now.tzinfo)


def example_day(day: date, locale: str) -> str:
    """A date as the reader types it: day first in French (31/12/2026), ISO in English."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if locale == "fr" else day.isoformat()


async def snooze(ctx: Ctx, rest: str) -> Reply:
    """/peers snooze DATE: pause until that day (off or « fin » resumes)."""
    tz = ctx.member.timezone or ctx.services.settings.community_timezone
    clear = values.lookup("switch", rest) == "off" or values.fold(rest) == "fin"
    until = None if clear else parse_day(rest, ctx.now, tz, ctx.locale)
    if not clear and (until is None or until <= ctx.now or until > ctx.now + timedelta(days=366)):
        example = example_day((ctx.now + timedelta(days=30)).date(), ctx.locale)
        return ctx.reply("peers.snooze.bad_date", example=example)
    changed = await ctx.services.peers.snooze(ctx.member.id, until, ctx.now)
    if not changed:
        return ctx.reply("peers.not_joined")
    return ctx.reply("peers.snooze.cleared") if until is None else ctx.reply("peers.snooze.set", when=ctx.when(until))


async def status(ctx: Ctx, rest: str) -> Reply:
    """Whether the member takes part, their latest group and when the next round is."""
    found = await ctx.services.peers.status(ctx.member.id, ctx.now)
    me, due = found.me, found.next_round
    if me is None:
        return ctx.reply("peers.status.none")
    lines = [ctx.t(STATUS_KEYS.get(me.status, "peers.status.active"))]
    if me.wants_mentor:
        lines.append(ctx.t("peers.status.mentor"))
    if me.snoozed_until and me.snoozed_until > ctx.now:
        lines.append(ctx.t("peers.status.snoozed", when=ctx.when(me.snoozed_until)))
    others = [mention(other.user_id, other.display_name) for other in found.group]
    if others:
        lines.append(ctx.t("peers.status.group", names=Safe(", ".join(others))))
    if due is not None and me.status == "active":
        lines.append(ctx.t("peers.status.next", when=ctx.when(due)))
    return Reply("\n".join(lines), ephemeral=True)


async def suggest(ctx: Ctx, rest: str) -> Reply:
    """Up to three members who take part and whom this member could contact now, with why."""
    best = await ctx.services.peers.suggest(ctx.member, ctx.now)
    if best is None:
        return ctx.reply("peers.suggest.need_profile")
    if not best:
        return ctx.reply("peers.suggest.none")
    lines = [ctx.t("peers.suggest.title")]
    for found in best:
        reasons = text.why_lines(ctx.services.catalogs, ctx.locale, found.why, found.stages, None)
        lines.append(ctx.t("peers.suggest.line", name=Safe(mention(found.member.user_id, found.member.display_name)),
                           reasons=Safe(format_list(reasons, locale=ctx.locale))))
    return Reply("\n".join(lines), ephemeral=True)


async def find_member(ctx: Ctx, raw: str) -> Member | None:
    """A member on the actor's platform by user id (doors pass ids) or by display name (the console)."""
    name = raw.strip().strip("<>").lstrip("@!").split("|")[0].strip()  # "@ana", "<@U123>", "<@!123>"
    if not name:
        return None
    return await ctx.services.peers.find_member(ctx.member.platform, name)


async def exclude(ctx: Ctx, rest: str) -> Reply:
    """/peers exclude MEMBER: never be matched with them."""
    if not rest.strip():
        return ctx.reply("peers.exclude.usage")
    other = await find_member(ctx, rest)
    if other is None:
        return ctx.reply("peers.exclude.unknown", name=rest[:60] or "?")
    if other.id == ctx.member.id:
        return ctx.reply("peers.exclude.self")
    await ctx.services.peers.exclude(ctx.member.id, other.id, ctx.now)
    return ctx.reply("peers.exclude.done", name=other.display_name)


async def show_stats(ctx: Ctx, rest: str) -> Reply:
    """/peers stats: participants, rounds and meetings."""
    s = await ctx.services.peers.stats()
    lines = [ctx.t("peers.stats.title"),
             ctx.t("peers.stats.participants", active=s.participants["active"], paused=s.participants["paused"],
                   left=s.participants["left"], snoozed=s.snoozed),
             ctx.t("peers.stats.rounds", rounds=s.rounds, groups=s.groups.total),
             ctx.t("peers.stats.meetings", met=s.groups.met, answered=s.groups.answered, percent=s.groups.percent),
             ctx.t("peers.stats.answers", yes=s.answers["yes"], not_yet=s.answers["not_yet"], no=s.answers["no"],
                   none=s.answers["none"])]
    lines.append(ctx.t("peers.stats.by_stage"))
    for stage, rate in sorted(s.by_stage.items()):
        label = ctx.t(stage_key(stage)) if stage != "?" else "?"
        lines.append(ctx.t("peers.stats.row", label=label, total=rate.total, answered=rate.answered, met=rate.met,
                               percent=rate.percent))
    lines.append(ctx.t("peers.stats.by_language"))
    for language, rate in sorted(s.by_language.items()):
        lines.append(ctx.t("peers.stats.row", label=language, total=rate.total, answered=rate.answered, met=rate.met,
                               percent=rate.percent))
    return Reply("\n".join(lines), ephemeral=True)


async def checkin_button(ctx: Ctx, event: ButtonPressed) -> Reply:
    """'Did you meet?' answered: value is 'GROUP:ANSWER'; pressing again only repeats the answer."""
    group_text, _, answer = event.value.partition(":")
    group_id = parse_id(group_text)
    if group_id is None or answer not in ANSWERS:
        return ctx.reply("errors.stale_button")
    recorded = await ctx.services.peers.answer(group_id, ctx.member.id, answer, ctx.now)
    if not recorded:
        return ctx.reply("errors.stale_button")
    return ctx.reply({"yes": "peers.checkin.thanks_yes", "not_yet": "peers.checkin.thanks_not_yet",
                      "no": "peers.checkin.thanks_no"}[answer])


async def resume_button(ctx: Ctx, event: ButtonPressed) -> Reply:
    """The resume button under a pause note."""
    resumed = await ctx.services.peers.resume(ctx.member.id, ctx.now)
    return ctx.reply("peers.resumed" if resumed else "peers.not_joined")


ROUTES = Routes(
    commands=(Command("peers", peers_command, "peers.summary", "peers.usage", names={"fr": "pairs"}, subs=(
        Sub("status", "peers.sub.status", on_text(status), names={"fr": "statut"}),
        Sub("join", "peers.sub.join", on_text(peers_join.join),
            (Opt("details", "peers.option.details", names={"fr": "détails"}),), names={"fr": "rejoindre"}),
        Sub("leave", "peers.sub.leave", on_text(leave), names={"fr": "quitter"}),
        Sub("snooze", "peers.sub.snooze", on_text(snooze),
            (Opt("until", "peers.option.until", names={"fr": "date"}),), names={"fr": "pause"}),
        Sub("suggest", "peers.sub.suggest", on_text(suggest), names={"fr": "suggérer"}, aliases=("suggestion",)),
        Sub("exclude", "peers.sub.exclude", on_text(exclude),
            (Opt("member", "peers.option.member", Kind.MEMBER, names={"fr": "membre"}),), names={"fr": "exclure"}),
        Sub("stats", "peers.sub.stats", on_text(show_stats), admin=True),
        Sub("round", "peers.sub.round", names={"fr": "tour"}, admin=True, subs=(
            Sub("now", "peers.sub.round_now", round_now, names={"fr": "maintenant"}),
            Sub("preview", "peers.sub.round_preview", round_preview, names={"fr": "aperçu"}))),
    )),),
    buttons={"peers.checkin": checkin_button, "peers.resume": resume_button,
             peers_round.START: peers_round.start_pressed, peers_round.NOT_NOW: peers_round.not_now_pressed},
    admin_buttons=frozenset({peers_round.START}),
    forms={peers_join.FORM_ID: peers_join.join_form},
    jobs=(PeersJob(),),
)
