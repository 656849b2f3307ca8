"""`community-bot faq ask|eval|export-drafts|build-model`: try the FAQ engine and measure it, without chat."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from bot.commands import faq_drafts, faq_model
from bot.core.i18n import Catalogs
from bot.services.faq import FaqService
from bot.services.faq.engine import Decision
from bot.services.faq.evaluation import EvalFileError, evaluate, format_report, read_cases
from bot.services.faq.render import decision_text
from bot.settings import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `community-bot faq ask` and `faq eval`."""
    parser = subparsers.add_parser("faq", help="ask the FAQ or evaluate it (for content maintainers)")
    actions = parser.add_subparsers(dest="action", required=True)
    ask = actions.add_parser("ask", help="answer questions (from the arguments, or one per line on stdin)")
    ask.add_argument("--lang", choices=("auto", "en", "fr"), default="auto",
                     help="language to answer in (default: the question's language)")
    ask.add_argument("--json", action="store_true", help="one JSON object per question, one per line")
    ask.add_argument("--dir", help="FAQ content folder (default: BOT_FAQ_DIR or content/faq)")
    ask.add_argument("question", nargs="*", help="the question; without it, read one question per line")
    ask.set_defaults(run=run_ask)
    ev = actions.add_parser("eval", help="accuracy per language, abstention on out-of-scope, misses")
    ev.add_argument("file", help="lines: expected topic id (or none) TAB language TAB question")
    ev.add_argument("--json", action="store_true", help="print the summary as JSON instead of text")
    ev.add_argument("--dir", help="FAQ content folder (default: BOT_FAQ_DIR or content/faq)")
    ev.set_defaults(run=run_eval)
    faq_drafts.register(actions)
    faq_model.register(actions)


def _service(args: argparse.Namespace, settings: Settings) -> FaqService | None:
    service = FaqService(args.dir or settings.faq_dir or None)
    kb = service.load()
    for error in kb.errors:
        print(f"content error: {error}", file=sys.stderr)
    if not kb.entries:
        print("no FAQ topics could be loaded", file=sys.stderr)
        return None
    return service


def _questions(args: argparse.Namespace) -> Iterator[str]:
    if args.question:
        yield " ".join(args.question)
        return
    for line in sys.stdin:
        if line.strip():
            yield line.strip()


def as_json(decision: Decision, text: str) -> dict[str, object]:
    """The fields content maintainers script against."""
    return {"question": decision.question, "lang": decision.lang, "detected": decision.detected,
            "decision": decision.decision, "answer_id": decision.answer_id,
            "suggestions": list(decision.suggestions), "confidence": decision.confidence, "text": text}


def run_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer each question given (arguments or stdin lines), as text or JSON."""
    service = _service(args, settings)
    if service is None:
        return 2
    catalogs = Catalogs()
    for question in _questions(args):
        decision = service.ask(question, args.lang, fallback=settings.default_locale)
        text = decision_text(catalogs, service, decision, settings.help_channel, settings.community_name)
        if args.json:
            print(json.dumps(as_json(decision, text), ensure_ascii=False), flush=True)
        else:
            topic = decision.answer_id or ",".join(decision.suggestions) or "-"
            print(f"[{decision.lang}] {decision.decision} {topic} ({decision.confidence:.2f})\n{text}\n", flush=True)
    return 0


def run_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Score the FAQ against a file of questions and expected topics."""
    service = _service(args, settings)
    if service is None:
        return 2
    try:
        cases = read_cases(Path(args.file))
    except (OSError, EvalFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = evaluate(service, cases)
    if args.json:
        print(json.dumps({"engine": service.mode, **report.as_dict()}, indent=2))
    else:
        print("\n".join([f"engine: {service.mode}", *format_report(report)]))
    return 0
