"""Questions asked 3 or more times without an answer become FAQ drafts, once per group.

Questions are grouped by meaning when the FAQ engine's embedder is there (`bot.services.faq.semantic`:
two questions are the same when their cosine reaches its SAME_QUESTION), else by a key: the question's
stemmed content words, sorted (so "install docker how" and "How do I install Docker?" meet). A group is
named by the key of its oldest question, so it is drafted once however it grows.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.services.faq.drafts import empty_version, guess_lang
from bot.services.faq.text import content_words, stem, words
from bot.store import faq_drafts as sql
from bot.store.db import Connection
from bot.store.faq_drafts import Content

log = logging.getLogger(__name__)
GAP_THRESHOLD = 3  # questions asked this many times without an answer become a draft
MAX_GROUP_QUESTIONS = 6
MAX_ASKS = 500  # the latest unanswered questions considered (embedding each costs milliseconds)
Embed = Callable[[Sequence[str]], Any]  # texts -> unit-length rows (numpy), or None without a model


def group_key(question: str) -> str:
    """Questions with the same key are the same question (stemmed content words, sorted)."""
    tokens = content_words(words(question))
    lang = guess_lang(question, "en")
    return " ".join(sorted({stem(t, lang) for t in tokens}))


@dataclass(frozen=True)
class Gap:
    """Unanswered questions grouped as one: what was asked, by whom, how often."""

    key: str
    questions: tuple[tuple[str, str], ...]  # (language, question), oldest first
    people: tuple[str, ...]  # askers, first asker first
    times: int


def semantic() -> tuple[Embed, float] | None:
    """The FAQ engine's embedder and its "same question" threshold, when that module and its model are there."""
    try:
        module = importlib.import_module("bot.services.faq.semantic")
    except ImportError:
        return None
    embed, same = getattr(module, "embed", None), getattr(module, "SAME_QUESTION", None)
    return (embed, float(same)) if callable(embed) and same is not None else None


def clusters(questions: list[str], meaning: tuple[Embed, float] | None) -> list[list[int]]:
    """Indexes of `questions` grouped: by meaning (each joins the first group whose oldest question is
    close enough), else by key. Oldest first within and across groups."""
    vectors = meaning[0](questions) if meaning and questions else None
    groups: list[list[int]] = []
    if vectors is not None:
        assert meaning is not None
        for index in range(len(questions)):
            home = next((g for g in groups if float(vectors[g[0]] @ vectors[index]) >= meaning[1]), None)
            home.append(index) if home is not None else groups.append([index])
        return groups
    by_key: dict[str, list[int]] = {}
    for index, question in enumerate(questions):
        key = group_key(question)
        if key:
            by_key.setdefault(key, []).append(index)
    return list(by_key.values())


def gap_groups(rows: list[Any], known: set[str], meaning: tuple[Embed, float] | None = None) -> list[Gap]:
    """Groups of unanswered questions asked GAP_THRESHOLD times or more and not yet drafted."""
    found = []
    for group in clusters([str(r["question"]) for r in rows], meaning):
        members = [rows[i] for i in group]
        key = group_key(str(members[0]["question"])) or str(members[0]["question"]).strip().lower()
        if len(members) < GAP_THRESHOLD or key in known:
            continue
        people = tuple(dict.fromkeys(sql.person(r["platform"], r["user_id"]) for r in members if r["platform"]))
        questions = tuple(dict.fromkeys((str(r["lang"]), str(r["question"])) for r in members))
        found.append(Gap(key, questions[:MAX_GROUP_QUESTIONS], people, len(members)))
    return found


def gap_content(gap: Gap) -> Content:
    """A draft's content made from an unanswered question, one version per language asked in."""
    content: Content = {}
    for lang, question in gap.questions:
        content.setdefault(lang, empty_version())["questions"].append(question)
    return content


async def draft_gaps(db: Connection, now: datetime) -> int:
    """Turn every group of questions asked 3+ times without an answer into a draft (once per group)."""
    rows = (await sql.unanswered_asks(db))[-MAX_ASKS:]
    gaps = gap_groups(rows, await sql.group_keys(db), semantic())
    for gap in gaps:
        await sql.create(db, origin="gaps", content=gap_content(gap), now=now, group_key=gap.key,
                         asker=gap.people[0] if gap.people else None, asker_lang=gap.questions[0][0],
                         people=gap.people)
    return len(gaps)
