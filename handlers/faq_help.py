"""When the FAQ has no answer: a button to ask the people of the help channel (BOT_HELP_CHANNEL).

The question is posted there through the outbox, in the question's language, as a message whose thread
people answer in (on Discord the bot opens that thread, named after the code and the question); the asker is
mentioned only if they chose "Mention me". The post carries a random code
(Q-7K2F) so that an admin saving an answer from that thread as an FAQ draft can tell the asker later.
"""

from __future__ import annotations

import logging

from bot.core.ids import parse_id
from bot.core.model import Button, ButtonPressed, Reply
from bot.core.text import mention
from bot.services import channel_posts
from bot.services.container import Ctx
from bot.services.faq.service import Ask

log = logging.getLogger(__name__)
OFFER, POST = "faq.help", "faq.help.post"
MENTION, ANONYMOUS = "m", "a"


def offer_button(ctx: Ctx, ask_id: int, lang: str) -> Button:
    """The button under a "no answer" reply."""
    return Button(ctx.services.catalogs.t(lang, "faq_drafts.help.offer", channel=ctx.services.settings.help_channel),
                  OFFER, str(ask_id))


async def own_unanswered_ask(ctx: Ctx, raw: str) -> Ask | None:
    """The presser's own question that the FAQ could not answer (whatever a crafted value says)."""
    ask_id = parse_id(raw)
    if ask_id is None:
        return None
    return await ctx.services.faq_desk.unanswered(ctx.member.id, ask_id)


async def on_offer(ctx: Ctx, event: ButtonPressed) -> Reply:
    """"Ask the help channel": ask whether to mention them."""
    ask = await own_unanswered_ask(ctx, event.value)
    if ask is None:
        return ctx.reply("errors.stale_button")
    channel = ctx.services.settings.help_channel
    buttons = (Button(ctx.t("faq_drafts.help.mention_me"), POST, f"{ask.id}:{MENTION}", "primary"),
               Button(ctx.t("faq_drafts.help.anonymous"), POST, f"{ask.id}:{ANONYMOUS}"))
    return ctx.reply("faq_drafts.help.how", channel=channel, question=ask.question[:300], buttons=buttons)


async def on_post(ctx: Ctx, event: ButtonPressed) -> Reply:
    """Post the question in the help channel (once per question), mentioning the asker only if they agreed."""
    raw, _, how = event.value.partition(":")
    ask = await own_unanswered_ask(ctx, raw)
    if ask is None or how not in (MENTION, ANONYMOUS):
        return ctx.reply("errors.stale_button")
    channel = ctx.services.settings.help_channel
    named = how == MENTION
    post, new = await ctx.services.faq_desk.post_to_help(
        ctx.member, ask, named, ctx.now, lambda code: channel_text(ctx, code, ask.question, ask.lang, named))
    if not new:
        return ctx.reply("faq_drafts.help.already", channel=channel, code=post.code)
    key = "faq_drafts.help.posted_named" if how == MENTION else "faq_drafts.help.posted_anonymous"
    return ctx.reply(key, channel=channel, code=post.code)


def channel_text(ctx: Ctx, code: str, question: str, lang: str, named: bool) -> str:
    """The post in the help channel's languages, the question's own first: who asks in each language, the
    question itself once (in a bilingual channel it was written twice), then the request in each language."""
    t = ctx.services.catalogs.t
    locales = channel_posts.channel_locales(ctx.services.settings, first=lang) or (lang,)
    if named:
        who = mention(ctx.member.user_id, ctx.member.display_name)
        heads = [t(locale, "faq_drafts.help.post_named", who=who, code=code) for locale in locales]
    else:
        heads = [t(locale, "faq_drafts.help.post_anonymous", code=code) for locale in locales]
    feet = [t(locale, "faq_drafts.help.post_footer") for locale in locales]
    quoted = t(locales[0], "faq_drafts.help.post_question", question=question)
    return "\n".join([*dict.fromkeys(heads), quoted, "", *dict.fromkeys(feet)])
