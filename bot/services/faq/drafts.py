"""The FAQ learning loop: drafts become topics (validated like content files), stored in content/faq when
the folder is writable, else in the database, and served at once (unanswered questions: faq_gaps.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import tomli_w

from bot.core.model import Member
from bot.services.faq.content import ID_RE as ID_RE  # re-exported for the handlers
from bot.services.faq.content import MAX_ANSWER as MAX_ANSWER
from bot.services.faq.content import ContentError, Entry, parse_text
from bot.services.faq.engine import DATABASE, FaqService
from bot.services.faq.text import LANGS, content_words, detect_language, fold, words
from bot.store import faq_drafts as sql
from bot.store.backends import AnyStore
from bot.store.db import Connection
from bot.store.faq_drafts import Content, Draft

log = logging.getLogger(__name__)
SLUG_WORDS = 6
LINK_RE = re.compile(r"^(https?://\S+|mailto:\S+@\S+)$")


@dataclass(frozen=True)
class Problem:
    """Why a draft cannot be published yet: a message id and its values (translated by the caller)."""

    key: str
    values: dict[str, Any]


def empty_version() -> dict[str, Any]:
    """A draft's empty version in one language."""
    return {"questions": [], "answer": "", "tags": [], "links": []}


def languages(content: Content) -> list[str]:
    """The languages a draft has something in."""
    return [lang for lang in LANGS if any(content.get(lang, {}).get(k) for k in ("questions", "answer"))]


def missing(content: Content) -> list[str]:
    """The languages the draft has no version in yet."""
    return [lang for lang in LANGS if lang not in languages(content)]


def guess_lang(text: str, fallback: str) -> str:
    """The language `text` is written in, else `fallback`, among the FAQ's languages."""
    found = detect_language(text)
    return found if found in LANGS else (fallback if fallback in LANGS else LANGS[0])


def slug(text: str) -> str:
    """A topic id from a question: its first content words, folded, joined by '-'."""
    tokens = content_words(words(text)) or words(text)
    return "-".join(fold(t) for t in tokens[:SLUG_WORDS]) or "topic"


def topic_id_for(draft: Draft, taken: Callable[[str], bool]) -> str:
    """The admin's id, else one made from the first question (made unique with -2, -3...)."""
    if draft.topic_id:
        return draft.topic_id
    first = next((draft.content[lang]["questions"][0] for lang in languages(draft.content)
                  if draft.content[lang].get("questions")), f"topic {draft.id}")
    base, n = slug(first), 1
    candidate = base
    while taken(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def problems(content: Content, topic_id: str, faq: FaqService, draft_topic: str = "") -> list[Problem]:
    """The content loader's rules, said in the admin's language (the loader itself is the last check)."""
    found: list[Problem] = []
    if not ID_RE.match(topic_id):
        found.append(Problem("faq_drafts.errors.bad_id", {"id": topic_id}))
    elif faq.entry(topic_id) is not None and topic_id != draft_topic:
        found.append(Problem("faq_drafts.errors.id_taken", {"id": topic_id}))
    present = languages(content)
    if not present:
        found.append(Problem("faq_drafts.errors.empty", {}))
    for lang in present:
        version = content[lang]
        if len(version.get("questions", [])) < 2:
            found.append(Problem("faq_drafts.errors.questions", {"lang": lang.upper()}))
        answer = str(version.get("answer", "")).strip()
        if not answer:
            found.append(Problem("faq_drafts.errors.answer", {"lang": lang.upper()}))
        elif len(answer) > MAX_ANSWER:
            found.append(Problem("faq_drafts.errors.answer_long", {"lang": lang.upper(), "length": len(answer),
                                                                  "limit": MAX_ANSWER}))
        if not version.get("tags"):
            found.append(Problem("faq_drafts.errors.tags", {"lang": lang.upper()}))
        bad = [link for link in version.get("links", []) if not LINK_RE.match(link)]
        if bad:
            found.append(Problem("faq_drafts.errors.link", {"lang": lang.upper(), "link": bad[0]}))
    return found


def to_toml(topic_id: str, content: Content) -> str:
    """The topic as a content file (only the languages it has)."""
    data: dict[str, Any] = {"id": topic_id}
    for lang in languages(content):
        version = content[lang]
        data[lang] = {"questions": list(version.get("questions", [])), "answer": str(version.get("answer", "")),
                      "tags": list(version.get("tags", [])), "links": list(version.get("links", []))}
    return tomli_w.dumps(data, multiline_strings=True)


def validate(topic_id: str, content: Content) -> Entry:
    """The content loader's own validation of the TOML the draft becomes; raises ContentError."""
    return parse_text(f"{topic_id}.toml", topic_id, to_toml(topic_id, content))


def write_topic_file(directory: Path, topic_id: str, text: str) -> Path:
    """Write content/faq/<id>.toml without ever replacing a file (raises OSError if the folder is read-only)."""
    path = directory / f"{topic_id}.toml"
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return path


@dataclass(frozen=True)
class Published:
    """A draft published: its topic, where it went and the entry made."""

    topic_id: str
    stored: str  # "file" | "database"
    entry: Entry


def store_topic(faq: FaqService, topic_id: str, text: str, entry: Entry) -> tuple[str, str | None]:
    """Write the file when the folder takes it; else the database keeps the TOML. Returns (stored, toml)."""
    try:
        write_topic_file(faq.directory, topic_id, text)
    except OSError as exc:
        log.warning("FAQ folder %s not writable (%s): topic %s kept in the database", faq.directory, exc, topic_id)
        return DATABASE, text
    return "file", None


def serve(faq: FaqService, published: Published, in_database: list[Entry]) -> None:
    """Serve the new topic at once: reload the folder (a file), or serve the database's topics beside it."""
    if published.stored == DATABASE:
        faq.set_extra(in_database)
        return
    result = faq.reload()
    if not result.ok:  # another file is malformed: the folder is not reloaded, the new topic is served anyway
        log.warning("FAQ reload refused after publishing %s; serving it beside the content in service",
                    published.topic_id)
        faq.set_extra([*in_database, published.entry])


async def database_topics(db: Connection) -> list[Entry]:
    """Topics published into the database, validated again (one that no longer loads is logged and skipped)."""
    entries = []
    for topic_id, text in await sql.published_in_database(db):
        try:
            entry = parse_text(f"{topic_id}.toml", topic_id, text)
        except ContentError as exc:
            log.error("FAQ topic %s in the database does not load: %s", topic_id, exc)
            continue
        entries.append(Entry(entry.id, entry.versions, entry.verify, DATABASE))
    return entries


class DraftsPrivacyPart:
    """/mydata: the member's help-channel questions and the drafts holding their words; /forget-me deletes
    those questions and open drafts, and unlinks them from published topics (community content by then)."""

    name: str = "faq_drafts"
    tables: tuple[str, ...] = ("faq_drafts", "faq_help_posts")

    async def export(self, db: Connection, member: Member) -> Any:
        """The member's help-channel questions and the drafts that hold their words or name them."""
        return await sql.member_data(db, member.id, sql.person(member.platform, member.user_id))

    async def erase(self, db: Connection, member: Member, now: datetime) -> list[tuple[str, int]]:
        """Unlink the member from drafts (the content stays); what was done, for /forget-me."""
        unlinked = await sql.erase_member(db, member.id, sql.person(member.platform, member.user_id))
        return [("faq_drafts.privacy_unlinked", unlinked)] if unlinked else []


async def serve_database_topics(store: AnyStore, faq: FaqService) -> int:
    """At start: serve the topics published into the database (the content folder was read-only)."""
    async with store.transaction() as db:
        entries = await database_topics(db)
    if entries:
        faq.set_extra(entries)
        log.info("FAQ: %d topic(s) published in the database served", len(entries))
    return len(entries)
