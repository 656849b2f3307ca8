"""FAQ content: the required topics exist in both languages, and malformed files are rejected clearly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.services.faq import ContentError, FaqService, load_dir, load_file
from bot.services.faq.content import DEFAULT_DIR

REQUIRED_TEXT = """what-is-openimis licence-cost countries social-protection governance-funding core-mis
implementation-funding getting-started implementation-stages peer-matching demo install-docker database-choice
offline-mobile benefit-package claims-process interoperability translation legacy-migration group-insurance
claim-ai architecture customise-module contribute-code releases report-bug ask-question francophone-community
documentation training-events become-partner data-hosting bot-language give-feedback"""
REQUIRED = REQUIRED_TEXT.split()

GOOD = '''id = "{id}"

[en]
questions = ["How do I plant a tree?", "Where do trees grow?"]
answer = "Dig a hole."
tags = ["tree"]
links = ["https://example.org"]

[fr]
questions = ["Comment planter un arbre ?", "Où poussent les arbres ?"]
answer = "Creusez un trou."
tags = ["arbre"]
links = []
'''


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_content_has_exactly_the_required_topics_in_both_languages():
    entries, errors = load_dir(DEFAULT_DIR)
    assert errors == []
    assert sorted(e.id for e in entries) == sorted(REQUIRED)
    for entry in entries:
        for lang in ("en", "fr"):
            version = entry.versions[lang]
            assert len(version.questions) >= 3, (entry.id, lang)
            assert version.tags and version.answer


def test_french_answers_avoid_the_known_mistranslation_of_claims():
    entries, _ = load_dir(DEFAULT_DIR)
    for entry in entries:
        text = entry.versions["fr"].answer.lower()
        assert "réclamation" not in text.replace("pas de « réclamations »", "").replace("pas « réclamations »", "")


def test_a_valid_file_loads(tmp_path):
    entry = load_file(write(tmp_path, "trees", GOOD.format(id="trees")))
    assert entry.id == "trees" and entry.versions["fr"].questions[0] == "Comment planter un arbre ?"


def test_a_topic_in_one_language_loads_and_is_flagged(tmp_path):
    entry = load_file(write(tmp_path, "trees", GOOD.format(id="trees").split("[fr]")[0]))
    assert entry.missing == ("fr",) and not entry.has("fr")
    assert entry.version("fr").answer == "Dig a hole."  # served in the language it has
    french = load_file(write(tmp_path, "arbres", 'id = "arbres"\n\n[fr]' + GOOD.split("[fr]")[1]))
    assert french.missing == ("en",) and french.version("en").answer == "Creusez un trou."


@pytest.mark.parametrize(("text", "line", "words"), [
    (GOOD.format(id="trees").replace('answer = "Dig a hole."', 'answer = "Dig a hole'), 5, "not valid TOML"),
    (GOOD.format(id="other"), 1, "id must be 'trees'"),
    ('id = "trees"\nverify = "x"\n', 1, "missing table [en] or [fr]"),
    (GOOD.format(id="trees").split("[fr]")[0].replace('"trees"', '"trees"\nfr = 3'), 2, "[fr] must be a table"),
    (GOOD.format(id="trees").replace('links = []', 'links = ["www.example.org"]'), 13, "must start with"),
    (GOOD.format(id="trees").replace('questions = ["Comment planter un arbre ?", "Où poussent les arbres ?"]',
                                     'questions = ["Comment planter un arbre ?"]'), 10, "at least 2"),
    (GOOD.format(id="trees").replace('tags = ["arbre"]', 'tags = ["arbre"]\ntitle = "x"'), 13, "unknown key"),
    (GOOD.format(id="trees").replace('answer = "Dig a hole."', 'answer = ""'), 5, "answer must be non-empty"),
])
def test_a_malformed_file_is_rejected_with_file_and_line(tmp_path, text, line, words):
    with pytest.raises(ContentError) as caught:
        load_file(write(tmp_path, "trees", text))
    assert caught.value.file == "trees.toml"
    assert caught.value.line == line
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"trees.toml:{line}: ")


def test_reload_with_a_broken_file_keeps_the_previous_content(tmp_path):
    folder = tmp_path / "faq"
    shutil.copytree(DEFAULT_DIR, folder)
    service = FaqService(folder)
    assert service.ask("how do I install openIMIS with docker").answer_id == "install-docker"
    (folder / "install-docker.toml").write_text('id = "install-docker"\n[en\n', encoding="utf-8")
    result = service.reload()
    assert not result.ok and result.topics == len(REQUIRED)
    assert "install-docker.toml:2:" in str(result.errors[0])
    assert service.ask("how do I install openIMIS with docker").answer_id == "install-docker"
    write(folder, "trees", GOOD.format(id="trees"))
    shutil.copy(DEFAULT_DIR / "install-docker.toml", folder / "install-docker.toml")
    result = service.reload()
    assert result.ok and result.topics == len(REQUIRED) + 1
    assert service.ask("how do I plant a tree").answer_id == "trees"


def test_at_start_a_broken_file_is_skipped_and_reported(tmp_path):
    write(tmp_path, "trees", GOOD.format(id="trees"))
    write(tmp_path, "broken", 'id = "broken"\n')
    service = FaqService(tmp_path)
    assert list(service.load().entries) == ["trees"]
    assert [e.file for e in service.load().errors] == ["broken.toml"]


def test_commands_named_in_answers_exist():
    """An answer that tells members to type /something must name a real command (or alias)."""
    import re

    from handlers import all_routes

    routes = all_routes()
    entries, _ = load_dir(DEFAULT_DIR)
    command = re.compile(r"(?<![\w./:])/([a-z][a-z-]+)")
    named = {m for e in entries for v in e.versions.values() for m in command.findall(v.answer)}
    assert named
    assert {n for n in named if routes.command(n) is None} == set()
