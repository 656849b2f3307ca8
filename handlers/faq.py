"""FAQ: /faq <question>, /faq reload and /faq gaps (admin), answers to DMs and mentions, and the buttons.
The drafts' subcommands come from handlers/faq_drafts.py."""

from __future__ import annotations

import logging
import re

from bot.core.ids import parse_id
from bot.core.model import Button, ButtonPressed, CommandInvoked, MessageReceived, Option, Reply, Result
from bot.core.routes import Command, Opt, Routes, Sub
from bot.services.container import Ctx
from bot.services.faq.engine import Decision
from bot.services.faq.privacy import FaqPrivacyPart
from bot.services.faq.render import answer_text, decision_text, short_label, small_talk_text, topic_title
from bot.services.faq.smalltalk import SmallTalk, recognise
from bot.services.faq.text import content_words, words
from handlers import faq_drafts, faq_help

log = logging.getLogger(__name__)
MENTION = re.compile(r"<@[!&]?[A-Za-z0-9]+>")
MAX_ERRORS_SHOWN = 5
VOTE, PICK = "faq.vote", "faq.pick"
QUESTION_LIMIT = 100  # a Discord choice's value


async def faq_command(ctx: Ctx, event: CommandInvoked) -> Result:
    """/faq <question> (the admins' subcommands are declared below)."""
    question = event.args.strip()
    if not question:
        return ctx.reply("faq.usage_hint")
    return await answer_question(ctx, question, ephemeral=True)


async def on_message(ctx: Ctx, event: MessageReceived) -> Reply | None:
    """Answer direct messages and messages that mention the bot; leave channel chatter alone."""
    if not (event.is_dm or event.mentions_bot):
        return None
    text = MENTION.sub(" ", event.text).strip()
    chat = recognise(text)
    if chat is not None:
        return small_talk_reply(ctx, chat, ephemeral=not event.mentions_bot)
    if not content_words(words(text)):
        return None  # an empty mention or bare punctuation: nothing to look up; the fallback answers
    return await answer_question(ctx, text, ephemeral=not event.mentions_bot)


def small_talk_reply(ctx: Ctx, chat: SmallTalk, ephemeral: bool) -> Reply:
    """Greetings, thanks, "who are you", "help": what the bot can do, in the message's language (else the
    member's). Not recorded as an FAQ question."""
    settings = ctx.services.settings
    text = small_talk_text(ctx.services.catalogs, chat.kind, chat.lang or ctx.locale, settings.community_name,
                           settings.help_channel)
    return Reply(text, ephemeral=ephemeral)


async def answer_question(ctx: Ctx, question: str, ephemeral: bool) -> Reply:
    """Decide, record the question (gaps come from here), and reply in the question's language."""
    chat = recognise(question)
    if chat is not None:
        return small_talk_reply(ctx, chat, ephemeral)
    if not content_words(words(question)):
        return ctx.reply("faq.usage_hint")
    decision, ask_id = await ctx.services.faq_desk.ask(ctx.member.id, question, ctx.locale, ctx.now)
    log.info("faq ask %d: %s %s (%.2f)", ask_id, decision.decision, decision.answer_id, decision.confidence)
    settings = ctx.services.settings
    text = decision_text(ctx.services.catalogs, ctx.services.faq, decision, settings.help_channel,
                         settings.community_name)
    return Reply(text, buttons=_buttons(ctx, decision, ask_id), ephemeral=ephemeral)


def _buttons(ctx: Ctx, decision: Decision, ask_id: int) -> tuple[Button, ...]:
    if decision.decision == "answer" and decision.answer_id:
        return vote_buttons(ctx, ask_id, decision.answer_id, decision.lang)
    if decision.decision == "suggest":
        faq = ctx.services.faq
        return tuple(Button(short_label(topic_title(faq, topic, decision.lang)), PICK, f"{ask_id}:{topic}")
                     for topic in decision.suggestions)
    return (faq_help.offer_button(ctx, ask_id, decision.lang),)


def vote_buttons(ctx: Ctx, ask_id: int, topic: str, lang: str) -> tuple[Button, ...]:
    """Yes / No, with everything the vote needs in the value (works after a restart)."""
    t = ctx.services.catalogs.t
    return (Button(t(lang, "faq.yes"), VOTE, f"{ask_id}:{topic}:y", "primary"),
            Button(t(lang, "faq.no"), VOTE, f"{ask_id}:{topic}:n"))


def _parse(value: str, parts: int) -> list[str] | None:
    fields = value.split(":")
    return fields if len(fields) == parts and parse_id(fields[0]) is not None and all(fields) else None


async def on_vote(ctx: Ctx, event: ButtonPressed) -> Reply:
    """Record a helpful / unhelpful vote; pressing again changes nothing, or changes the vote."""
    fields = _parse(event.value, 3)
    if fields is None or fields[2] not in ("y", "n"):
        return ctx.reply("errors.stale_button")
    helpful = fields[2] == "y"
    voted = await ctx.services.faq_desk.vote(ctx.member.id, int(fields[0]), fields[1], helpful, ctx.now)
    if voted is None:  # a crafted or stale value: not this member's answer
        return ctx.reply("errors.stale_button")
    lang = voted.ask.lang
    t = ctx.services.catalogs.t
    if voted.previous is helpful:
        return Reply(t(lang, "faq.vote_again"), ephemeral=True)
    key = "faq.vote_thanks" if helpful else "faq.vote_sorry"
    return Reply(t(lang, key, channel=ctx.services.settings.help_channel), ephemeral=True)


async def on_pick(ctx: Ctx, event: ButtonPressed) -> Reply:
    """A "did you mean" suggestion was chosen: answer it, with vote buttons."""
    fields = _parse(event.value, 2)
    if fields is None:
        return ctx.reply("errors.stale_button")
    ask = await ctx.services.faq_desk.pick(ctx.member.id, int(fields[0]), fields[1])
    if ask is None:  # a crafted or stale value: not a topic offered to this member
        return ctx.reply("errors.stale_button")
    lang = ask.lang
    text = answer_text(ctx.services.catalogs, ctx.services.faq, fields[1], lang)
    return Reply(text, buttons=vote_buttons(ctx, ask.id, fields[1], lang), ephemeral=True)


async def reload_command(ctx: Ctx, event: CommandInvoked) -> Reply:
    """/faq reload: read the FAQ content again."""
    return reload_content(ctx)


async def gaps_command(ctx: Ctx, event: CommandInvoked) -> Reply:
    """/faq gaps: the questions most often left unanswered."""
    return await show_gaps(ctx)


async def suggest_topics(ctx: Ctx, typed: str) -> list[Option]:
    """Autocomplete of the question: the topics, each by its first phrasing in the reader's language (picked,
    that phrasing is the question asked)."""
    faq = ctx.services.faq
    titles = (topic_title(faq, topic, ctx.locale) for topic in faq.kb.entries)
    return [Option(title[:QUESTION_LIMIT], title) for title in titles]


def reload_content(ctx: Ctx) -> Reply:
    """Re-read content/faq; a malformed file is named with its line and the old content stays."""
    result = ctx.services.faq.reload()
    if result.ok:
        return ctx.reply("faq.reload_ok", count=result.topics)
    shown = "\n".join(str(e) for e in result.errors[:MAX_ERRORS_SHOWN])
    return ctx.reply("faq.reload_failed", errors=shown, count=len(result.errors), topics=result.topics)


async def show_gaps(ctx: Ctx) -> Reply:
    """The most frequent unanswered or unhelpful questions."""
    gaps = await ctx.services.faq_desk.gaps(10)
    if not gaps:
        return ctx.reply("faq.gaps_empty")
    lines = [ctx.t("faq.gaps_title", count=len(gaps))]
    lines += [ctx.t("faq.gaps_line", times=g.times, question=g.example, langs=g.langs,
                    unanswered=g.unanswered, unhelpful=g.unhelpful) for g in gaps]
    return Reply("\n".join(lines), ephemeral=True)


SUBCOMMANDS = (
    Sub("reload", "faq.sub.reload", reload_command, admin=True, names={"fr": "recharger"}),
    Sub("gaps", "faq.sub.gaps", gaps_command, admin=True, names={"fr": "lacunes"}),
    *faq_drafts.SUBCOMMANDS,
)
ASK = Sub("ask", "faq.sub.ask", faq_command, (Opt("question", "faq.option.question", autocomplete="faq_topics"),),
          names={"fr": "demander"})

ROUTES = Routes(
    commands=(Command("faq", faq_command, "faq.summary", "faq.usage", subs=SUBCOMMANDS, default=ASK),),
    suggestions={"faq_topics": suggest_topics, **faq_drafts.SUGGESTIONS},
    buttons={VOTE: on_vote, PICK: on_pick},
    messages=(on_message,),
    privacy=(FaqPrivacyPart(),),
)
