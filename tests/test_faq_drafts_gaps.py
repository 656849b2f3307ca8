"""Questions asked 3+ times without an answer: grouped by stemmed words without a model, by meaning with one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bot.services.faq.gaps import GAP_THRESHOLD, gap_content, gap_groups, group_key


def row(question: str, lang: str = "en", user: str = "u1") -> dict[str, Any]:
    return {"question": question, "lang": lang, "platform": "console", "user_id": user}


def test_without_a_model_the_same_words_in_any_order_and_case_are_one_question() -> None:
    assert group_key("How do I install Docker?") == group_key("install docker how") != ""
    rows = [row("How do I knit a scarf?", user="a"), row("how do i knit a scarf", user="b"),
            row("knit scarf how", user="a"), row("How do I plant tomatoes?", user="c")]
    [gap] = gap_groups(rows, known=set())
    assert gap.times == GAP_THRESHOLD and gap.people == ("console:a", "console:b")
    assert gap_content(gap)["en"]["questions"][0] == "How do I knit a scarf?"
    assert gap_groups(rows, known={gap.key}) == []  # drafted once
    assert gap_groups(rows[:2], known=set()) == []  # asked twice: not yet


def fake_embed(meanings: dict[str, Sequence[float]]) -> Any:
    def embed(texts: Sequence[str]) -> np.ndarray:
        vectors = np.array([meanings[t] for t in texts], dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    return embed


def test_with_a_model_paraphrases_in_other_words_and_languages_meet() -> None:
    questions = {"How do I knit a scarf?": (1.0, 0.05, 0.0), "scarf knitting instructions": (0.98, 0.1, 0.0),
                 "comment tricoter une écharpe ?": (0.97, 0.0, 0.1), "How do I plant tomatoes?": (0.0, 1.0, 0.0)}
    rows = [row(q, "fr" if "écharpe" in q else "en", user=str(i)) for i, q in enumerate(questions)]
    assert gap_groups(rows, known=set()) == []  # by words: three different questions
    [gap] = gap_groups(rows, known=set(), meaning=(fake_embed(questions), 0.92))
    assert gap.times == 3 and set(gap_content(gap)) == {"en", "fr"}
    assert gap.key == group_key("How do I knit a scarf?")  # named by its oldest question
