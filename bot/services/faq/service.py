"""The FAQ feature's service (/faq, the answers' buttons, the help channel, the drafts, "Save as FAQ draft"):
what is recorded about the questions members ask and the drafts admins publish; each public method one
transaction. The engine that ranks topics and decides (bot/services/faq/engine.py) is one of its parts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.i18n import resolve_locale
from bot.core.model import Destination, Member, Reply
from bot.services.faq import drafts as loop
from bot.services.faq.content import Entry
from bot.services.faq.engine import Decision, FaqService
from bot.services.faq.gaps import draft_gaps
from bot.services.faq.render import answer_text
from bot.services.faq.text import words
from bot.services.shared import Feature
from bot.store import faq as faq_sql
from bot.store import faq_drafts as sql
from bot.store import members as member_sql
from bot.store.db import Connection
from bot.store.faq import Ask as Ask
from bot.store.faq import Gap as Gap
from bot.store.faq_drafts import OPEN as OPEN
from bot.store.faq_drafts import Content as Content
from bot.store.faq_drafts import Draft as Draft
from bot.store.faq_drafts import HelpPost as HelpPost
from bot.store.faq_drafts import format_ref as format_ref
from bot.store.faq_drafts import person as person

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Voted:
    """A vote recorded on an answer."""

    ask: Ask
    previous: bool | None  # the member's earlier vote on this answer (None: none)


@dataclass(frozen=True)
class FaqDesk(Feature):
    """The FAQ feature: questions, votes, gaps, drafts and their publication."""

    engine: FaqService = field(default_factory=FaqService)

    # ---- questions --------------------------------------------------------------------------

    async def ask(self, member_id: int, question: str, fallback: str, now: datetime) -> tuple[Decision, int]:
        """Decide (answer, suggest or none) and record the question (gaps come from here)."""
        decision = await self.engine.ask_async(question, "auto", fallback=fallback)
        async with self.store.transaction() as db:
            ask_id = await faq_sql.record_ask(
                db, member_id=member_id, question=question, norm=" ".join(words(question)), lang=decision.lang,
                decision=decision.decision, answer_id=decision.answer_id, suggestions=decision.suggestions,
                confidence=decision.confidence, now=now)
        return decision, ask_id

    def _allowed(self, ask: Ask | None, member_id: int, topic: str, *, vote: bool) -> bool:
        """A button acts only on the presser's own question and only with a topic the bot offered for it,
        whatever a crafted button value says."""
        if ask is None or ask.member_id != member_id or self.engine.entry(topic) is None:
            return False
        return topic in ask.suggestions or (vote and topic == ask.answer_id)

    async def vote(self, member_id: int, ask_id: int, topic: str, helpful: bool, now: datetime) -> Voted | None:
        """Record a helpful / unhelpful vote on an answer (None: not this member's answer to vote on)."""
        async with self.store.transaction() as db:
            ask = await faq_sql.get_ask(db, ask_id)
            if ask is None or not self._allowed(ask, member_id, topic, vote=True):
                return None
            return Voted(ask, await faq_sql.vote(db, ask.id, member_id, topic, helpful, now))

    async def pick(self, member_id: int, ask_id: int, topic: str) -> Ask | None:
        """A "did you mean" suggestion chosen (None: not one offered to this member)."""
        async with self.store.transaction() as db:
            ask = await faq_sql.get_ask(db, ask_id)
            if ask is None or not self._allowed(ask, member_id, topic, vote=False):
                return None
            await faq_sql.record_pick(db, ask.id, topic)
        return ask

    async def gaps(self, limit: int) -> list[Gap]:
        """The questions most often left unanswered."""
        async with self.store.transaction() as db:
            return await faq_sql.gaps(db, limit=limit)

    async def unanswered(self, member_id: int, ask_id: int) -> Ask | None:
        """The member's own question the FAQ could not answer (None for anyone else's, or an answered one)."""
        async with self.store.transaction() as db:
            ask = await faq_sql.get_ask(db, ask_id)
        return ask if ask is not None and ask.member_id == member_id and ask.decision == "none" else None

    async def post_to_help(self, member: Member, ask: Ask, named: bool, now: datetime,
                           text: Callable[[str], str]) -> tuple[HelpPost, bool]:
        """Post the question in the help channel once (`text` makes the post from its code); returns the
        post and whether it is new."""
        async with self.store.transaction() as db:
            existing = await sql.help_post_for_ask(db, ask.id)
            if existing is not None:
                return existing, False
            post = await sql.add_help_post(db, member_id=member.id, ask_id=ask.id, question=ask.question,
                                           lang=ask.lang, mention=named, now=now)
            dest = Destination.channel(member.platform, self.settings.help_channel)
            thread = f"{post.code} · {ask.question}"  # on Discord the answers gather in a thread of this name
            await self.outbox.enqueue(db, f"faq.help:{post.id}", dest, Reply(text(post.code), thread=thread),
                                      private=not named)
        log.info("faq ask %d posted to the help channel (%s)", ask.id, "named" if named else "anonymous")
        return post, True

    # ---- drafts -----------------------------------------------------------------------------

    async def open_drafts(self, limit: int, now: datetime | None = None) -> list[Draft]:
        """The open drafts; with `now`, questions asked 3+ times without an answer become drafts first."""
        async with self.store.transaction() as db:
            added = await draft_gaps(db, now) if now is not None else 0
            drafts = await sql.open_drafts(db, limit)
        if added:
            log.info("faq drafts: %d made from unanswered questions", added)
        return drafts

    async def draft(self, draft_id: int) -> Draft | None:
        """Draft `draft_id`, or None."""
        async with self.store.transaction() as db:
            return await sql.get(db, draft_id)

    async def save_version(self, draft_id: int, lang: str, version: dict[str, Any], topic: str, member_id: int,
                           now: datetime) -> Draft | None:
        """Save one language of a draft (a new draft when `draft_id` is 0); None when it is no longer open."""
        async with self.store.transaction() as db:
            if draft_id == 0:
                draft_id = await sql.create(db, origin="admin", content={lang: version}, now=now, topic_id=topic,
                                            created_by=member_id)
            else:
                draft = await sql.get(db, draft_id)
                if draft is None or draft.status != OPEN:
                    return None
                await sql.save_content(db, draft_id, {**draft.content, lang: version}, topic, now)
            return await sql.get(db, draft_id)

    async def draft_from_message(self, content: Content, asker: str | None, asker_lang: str,
                                 people: tuple[str, ...], member_id: int, now: datetime) -> Draft:
        """A new draft from a message (and its thread), with who asked and who took part."""
        async with self.store.transaction() as db:
            draft_id = await sql.create(db, origin="message", content=content, now=now, asker=asker,
                                        asker_lang=asker_lang, people=people, created_by=member_id)
            draft = await sql.get(db, draft_id)
        assert draft is not None
        return draft

    async def asker_of_post(self, code: str) -> tuple[str, str, str] | None:
        """(person, language, question) of the member behind a help-channel post."""
        async with self.store.transaction() as db:
            post = await sql.help_post(db, code)
            member = await member_sql.by_id(db, post.member_id) if post else None
        if post is None or member is None:
            return None
        return person(member.platform, member.user_id), post.lang, post.question

    async def publish(self, draft: Draft, topic_id: str, entry: Entry, now: datetime) -> tuple[str, bool]:
        """Store the checked topic (a content file, else the database), serve it, and tell the member who
        first asked; returns where it is stored and whether the asker is told."""
        stored, toml = loop.store_topic(self.engine, topic_id, loop.to_toml(topic_id, draft.content), entry)
        async with self.store.transaction() as db:
            await sql.mark_published(db, draft.id, topic_id, stored, toml, now)
            loop.serve(self.engine, loop.Published(topic_id, stored, entry), await loop.database_topics(db))
            told = await self._tell_asker(db, draft, topic_id)
        log.info("faq draft %s published as %s (%s)", draft.ref, topic_id, stored)
        return stored, told

    async def _tell_asker(self, db: Connection, draft: Draft, topic_id: str) -> bool:
        """A DM through the outbox to the member who first asked, in their language."""
        if not draft.asker or ":" not in draft.asker:
            return False
        platform, user_id = draft.asker.split(":", 1)
        member = await member_sql.by_platform_id(db, platform, user_id)
        default = draft.asker_lang or self.settings.default_locale
        lang = resolve_locale(member.locale, member.platform_locale, default) if member else default
        question = next((q for v in draft.content.values() for q in v.get("questions", [])), "")
        text = "\n".join((self.catalogs.t(lang, "faq_drafts.dm_answered", question=question[:300]),
                          answer_text(self.catalogs, self.engine, topic_id, lang)))
        await self.outbox.enqueue(db, f"faq.draft.published:{draft.id}", Destination(platform, "dm", user_id),
                                  Reply(text))
        return True

    async def drop(self, draft_id: int, now: datetime) -> None:
        """Drop an open draft."""
        async with self.store.transaction() as db:
            await sql.drop(db, draft_id, now)
