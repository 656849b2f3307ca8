"""Evaluate the FAQ engine on a file of questions with their expected topic (or none)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.services.faq.engine import Decision, FaqService

NONE = "none"


@dataclass(frozen=True)
class Case:
    """One question of an evaluation file and the topic expected."""

    expected: str  # a topic id, or "none" for an out-of-scope question
    lang: str
    question: str
    line: int


@dataclass
class LangStats:
    """Evaluation counts for one language."""

    total: int = 0
    answered_right: int = 0
    suggested_right: int = 0
    answered_wrong: int = 0

    @property
    def accuracy(self) -> float:
        """Share of in-scope questions answered directly with the right topic."""
        return self.answered_right / self.total if self.total else 0.0

    @property
    def useful(self) -> float:
        """Share where the right topic was given, directly or among the suggestions."""
        return (self.answered_right + self.suggested_right) / self.total if self.total else 0.0

    @property
    def wrong_rate(self) -> float:
        """The share of questions answered with the wrong topic."""
        return self.answered_wrong / self.total if self.total else 0.0


@dataclass
class Report:
    """An evaluation's results."""

    by_lang: dict[str, LangStats] = field(default_factory=dict)
    out_of_scope: int = 0
    abstained: int = 0  # out-of-scope questions not answered with a topic
    said_none: int = 0  # out-of-scope questions with decision "none"
    misses: list[tuple[Case, Decision]] = field(default_factory=list)

    @property
    def abstention(self) -> float:
        """The share of out-of-scope questions left unanswered (1.0 when there were none)."""
        return self.abstained / self.out_of_scope if self.out_of_scope else 1.0

    def as_dict(self) -> dict[str, object]:
        """The report's figures as JSON data."""
        langs = {lang: {"questions": s.total, "accuracy": round(s.accuracy, 4), "useful": round(s.useful, 4),
                        "wrong_answers": s.answered_wrong} for lang, s in sorted(self.by_lang.items())}
        return {"languages": langs, "out_of_scope": self.out_of_scope, "abstention": round(self.abstention, 4),
                "said_none": self.said_none, "misses": len(self.misses)}


class EvalFileError(ValueError):
    """A line of the evaluation file cannot be read."""


def read_cases(path: Path) -> list[Case]:
    """Lines `expected<TAB>lang<TAB>question`; blank lines and lines starting with # are skipped."""
    cases = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        parts = raw.split("\t")
        if len(parts) != 3 or not all(p.strip() for p in parts):
            raise EvalFileError(f"{path.name}:{number}: expected 'topic<TAB>lang<TAB>question'")
        cases.append(Case(parts[0].strip(), parts[1].strip(), parts[2].strip(), number))
    return cases


def evaluate(service: FaqService, cases: Iterable[Case]) -> Report:
    """Ask every question (language detected, as in chat) and score the decisions."""
    report = Report()
    for case in cases:
        decision = service.ask(case.question, "auto", fallback=case.lang)
        if case.expected == NONE:
            _score_out_of_scope(report, case, decision)
        else:
            _score_in_scope(report, case, decision)
    return report


def _score_out_of_scope(report: Report, case: Case, decision: Decision) -> None:
    report.out_of_scope += 1
    report.said_none += decision.decision == "none"
    if decision.decision == "answer":
        report.misses.append((case, decision))
    else:
        report.abstained += 1


def _score_in_scope(report: Report, case: Case, decision: Decision) -> None:
    stats = report.by_lang.setdefault(case.lang, LangStats())
    stats.total += 1
    if decision.decision == "answer" and decision.answer_id == case.expected:
        stats.answered_right += 1
        return
    if decision.decision == "suggest" and case.expected in decision.suggestions:
        stats.suggested_right += 1
    elif decision.decision == "answer":
        stats.answered_wrong += 1
    report.misses.append((case, decision))


def format_report(report: Report) -> list[str]:
    """A plain-text summary followed by every miss."""
    lines = ["language  questions  answered-right  right-in-top-3  wrong-answers"]
    for lang, s in sorted(report.by_lang.items()):
        lines.append(f"{lang:<9} {s.total:>9}  {s.accuracy:>13.1%}  {s.useful:>14.1%}  {s.answered_wrong:>13}")
    lines.append(f"out-of-scope: {report.out_of_scope} questions, abstained on {report.abstention:.1%} "
                 f"({report.said_none} said none)")
    lines.append(f"misses ({len(report.misses)}):")
    for case, d in report.misses:
        got = d.answer_id if d.decision == "answer" else ",".join(d.suggestions) or "-"
        lines.append(f"  line {case.line} [{case.lang}] expected {case.expected}, got {d.decision} {got} "
                     f"({d.confidence:.2f}): {case.question}")
    return lines
