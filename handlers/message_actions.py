"""Actions on a chosen message: "Ask the FAQ about this", "Send as feedback", and for admins
"Save as FAQ draft" (a Slack message shortcut, a Discord message context command, `:action` in the console).
"""

from __future__ import annotations

import dataclasses
import re

from bot.core.model import MessageActionInvoked, QuotedMessage, Reply, Result
from bot.core.routes import MessageAction, Routes
from bot.services.container import Ctx
from bot.services.faq import drafts as loop
from bot.services.faq.service import Content, person
from bot.services.feedback import MAX_DESCRIPTION, OTHER
from handlers import faq_drafts
from handlers.faq import MENTION, answer_question
from handlers.feedback import feedback_form

ASK_FAQ, FEEDBACK, SAVE_DRAFT = "ask-faq", "send-feedback", "faq-draft"
HELP_CODE = re.compile(r"\bQ-[2-9A-HJ-NP-Z]{5}\b")


def quoted_text(message: QuotedMessage) -> str:
    """A quoted message's text without mentions."""
    return MENTION.sub(" ", message.text).strip()


async def ask_faq(ctx: Ctx, event: MessageActionInvoked) -> Reply:
    """The chosen message as a question to the FAQ; answered privately to the member who asked."""
    text = quoted_text(event.message)
    if not text:
        return ctx.reply("message_actions.no_text")
    return await answer_question(ctx, text[:1000], ephemeral=True)


async def send_feedback(ctx: Ctx, event: MessageActionInvoked) -> Result:
    """The feedback form, its description prefilled with the message (the member edits it before sending)."""
    text = quoted_text(event.message)
    if not text:
        return ctx.reply("message_actions.no_text")
    form = feedback_form(ctx, OTHER)
    fields = tuple(dataclasses.replace(f, initial=text[:MAX_DESCRIPTION]) if f.name == "description" else f
                   for f in form.fields)
    return dataclasses.replace(form, fields=fields)


async def save_draft(ctx: Ctx, event: MessageActionInvoked) -> Reply:
    """A draft: the question from the thread's first message, the answer from the chosen one."""
    answer = quoted_text(event.message)
    root = event.thread_root
    if not answer:
        return ctx.reply("message_actions.no_text")
    if root is None or root == event.message:
        return ctx.reply("message_actions.not_in_thread")
    asker, asker_lang, question = await asker_of(ctx, root)
    lang = loop.guess_lang(question, ctx.locale)
    answer_lang = loop.guess_lang(answer, lang)
    content: Content = {lang: {**loop.empty_version(), "questions": [question]}}
    content.setdefault(answer_lang, loop.empty_version())["answer"] = answer[:loop.MAX_ANSWER]
    people = tuple(p for p in (asker, author(ctx, event.message)) if p)
    draft = await ctx.services.faq_desk.draft_from_message(content, asker, asker_lang or lang, people, ctx.member.id,
                                                          ctx.now)
    return faq_drafts.view(ctx, draft, "faq_drafts.saved")


def author(ctx: Ctx, message: QuotedMessage) -> str | None:
    """The quoted message's author as drafts name people (None for the bot's)."""
    return person(ctx.member.platform, message.author_id) if message.author_id and not message.by_bot else None


async def asker_of(ctx: Ctx, root: QuotedMessage) -> tuple[str | None, str | None, str]:
    """Who asked, in which language, and the question: the member behind a help-channel post of the bot
    (found by its code), else the root message's author."""
    code = HELP_CODE.search(root.text) if root.by_bot else None
    found = await ctx.services.faq_desk.asker_of_post(code.group(0)) if code else None
    if found is not None:
        return found
    return author(ctx, root), None, quoted_text(root)[:1000]


ROUTES = Routes(actions=(
    MessageAction(ASK_FAQ, ask_faq, "message_actions.ask_faq", "message_actions.ask_faq_about"),
    MessageAction(FEEDBACK, send_feedback, "message_actions.feedback", "message_actions.feedback_about"),
    MessageAction(SAVE_DRAFT, save_draft, "message_actions.save_draft", "message_actions.save_draft_about",
                  admin=True),
))
