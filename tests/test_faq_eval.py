"""The shipped evaluation file meets the bar stated in the README, and the CLI reports it."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.services.faq import FaqService
from bot.services.faq.evaluation import evaluate, read_cases

DATA = Path(__file__).parent / "data"
EVAL, HOLDOUT, HOLDOUT2 = DATA / "faq_eval.tsv", DATA / "faq_holdout.tsv", DATA / "faq_holdout2.tsv"
EVAL2 = DATA / "faq_eval2.tsv"  # the tuning set's second part: harder questions, near-domain out-of-scope ones
MAIN = ("en", "fr")

# The bar on the tuning set (README, "FAQ"): a wrong confident answer misleads, a suggestion costs one click.
MIN_ACCURACY = 0.95  # answered directly with the right topic, per language
MIN_TOP3 = 0.95  # right topic answered or among the "did you mean" buttons, per language
MAX_WRONG = 0.02  # confident answers with the wrong topic, per language
MIN_ABSTENTION = 0.95  # out-of-scope questions not answered with a topic
MIN_OTHER = 0.60  # third languages (sw, pt, ne, es) answered right, all together
# The lexical engine alone (no model): the bar it met before issue 14.
LEXICAL_ACCURACY, LEXICAL_TOP3, LEXICAL_ABSTENTION = 0.85, 0.92, 0.90


@pytest.fixture(scope="module")
def faq() -> FaqService:
    return FaqService()


def test_eval_file_is_big_enough_and_covers_every_topic_in_both_languages(faq):
    cases = read_cases(EVAL)
    assert len(cases) >= 150
    topics = set(faq.load().entries)
    for lang in ("en", "fr"):
        assert {c.expected for c in cases if c.lang == lang} >= topics
    assert sum(c.expected == "none" for c in cases) >= 20
    assert {c.expected for c in cases} <= topics | {"none"}


def test_eval_meets_the_bar(faq):
    """On the whole tuning set, both parts together (what the calibration was fitted on)."""
    report = evaluate(faq, read_cases(EVAL) + read_cases(EVAL2))
    for lang in MAIN:
        stats = report.by_lang[lang]
        assert stats.accuracy >= MIN_ACCURACY, (lang, stats)
        assert stats.useful >= MIN_TOP3, (lang, stats)
        assert stats.wrong_rate <= MAX_WRONG, (lang, stats)
    others = [s for lang, s in report.by_lang.items() if lang not in MAIN]
    assert sum(s.answered_right for s in others) >= MIN_OTHER * sum(s.total for s in others)
    assert report.abstention >= MIN_ABSTENTION


def test_without_the_model_the_lexical_engine_still_meets_its_old_bar():
    """On the questions that bar was set on (the second part is harder: the lexical engine alone is at 84 % EN)."""
    report = evaluate(FaqService(model="none"), read_cases(EVAL))
    for lang in MAIN:
        stats = report.by_lang[lang]
        assert stats.accuracy >= LEXICAL_ACCURACY and stats.useful >= LEXICAL_TOP3, (lang, stats)
    assert report.abstention >= LEXICAL_ABSTENTION


@pytest.mark.parametrize(("path", "accuracy", "top3", "abstention"), [(HOLDOUT, 0.85, 0.90, 0.85),
                                                                      (HOLDOUT2, 0.85, 0.90, 0.90)])
def test_held_out_questions_stay_above_a_regression_floor(faq, path, accuracy, top3, abstention):
    """Never used for tuning; their figures are in the README. A floor under the measured figures, not the bar."""
    report = evaluate(faq, read_cases(path))
    for lang in MAIN:
        stats = report.by_lang[lang]
        assert stats.useful >= top3 and stats.accuracy >= accuracy, (lang, stats)
    assert report.abstention >= abstention


def test_cli_ask_json_one_object_per_question(capsys):
    assert main(["faq", "ask", "--json", "comment", "installer", "openIMIS", "?"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["question"] == "comment installer openIMIS ?"
    assert (data["lang"], data["decision"], data["answer_id"]) == ("fr", "answer", "install-docker")
    assert data["suggestions"] == [] and 0 < data["confidence"] <= 1 and "docker compose" in data["text"]


def test_cli_ask_reads_stdin_and_forces_the_language(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("how do I install openIMIS?\n\nraconte moi une blague\n"))
    assert main(["faq", "ask", "--lang", "fr", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [d["lang"] for d in lines] == ["fr", "fr"]
    assert [d["decision"] for d in lines] == ["answer", "none"]
    assert lines[1]["answer_id"] is None and "#" in lines[1]["text"]


def test_cli_eval_prints_accuracy_abstention_and_misses(capsys, tmp_path):
    sample = tmp_path / "eval.tsv"
    sample.write_text("# comment\ninstall-docker\ten\thow to install\ndemo\tfr\tc'est quoi openimis\n"
                      "none\ten\ttell me a joke\n", encoding="utf-8")
    assert main(["faq", "eval", str(sample)]) == 0
    out = capsys.readouterr().out
    assert "en                1         100.0%" in out and "abstained on 100.0%" in out
    assert "line 3 [fr] expected demo, got answer what-is-openimis" in out
    assert main(["faq", "eval", "--json", str(sample)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["languages"]["fr"]["accuracy"] == 0.0 and summary["misses"] == 1


def test_cli_eval_rejects_a_malformed_line(capsys, tmp_path):
    sample = tmp_path / "eval.tsv"
    sample.write_text("install-docker how to install\n", encoding="utf-8")
    assert main(["faq", "eval", str(sample)]) == 2
    assert "eval.tsv:1:" in capsys.readouterr().err
