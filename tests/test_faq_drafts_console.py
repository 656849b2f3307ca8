"""The FAQ learning loop on the console: no answer -> help channel thread -> "Save as FAQ draft" on a reply
-> edit -> Publish -> served at once, and the member who asked is told in their language."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from bot.app import lifespan
from bot.core.clock import SimClock
from bot.platforms.console.door import ConsoleDoor
from bot.services.faq.content import DEFAULT_DIR, load_file
from bot.settings import Settings
from bot.store import faq_drafts as sql
from tests.conftest import ConsoleSession


class Session(ConsoleSession):
    """French typography's non-breaking spaces read as plain spaces, to keep the assertions legible."""

    async def send(self, *lines: str) -> str:
        return (await super().send(*lines)).replace("\xa0", " ")


@pytest.fixture
def faq_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "faq"
    shutil.copytree(DEFAULT_DIR, folder)
    return folder


@asynccontextmanager
async def bot(settings: Settings, clock: SimClock, faq_dir: Path) -> AsyncIterator[Session]:
    settings = replace(settings, faq_dir=str(faq_dir), admins=frozenset({"console:ana"}), help_channel="ask-openimis")
    async with lifespan(settings=settings, clock=clock) as app:
        buffer = io.StringIO()
        door = ConsoleDoor(app, clock, buffer, "bio", "fr")
        yield Session(door, buffer)


def number_of(listing: str, text: str) -> str:
    """The number of the message containing `text` in a :messages listing."""
    found = re.search(rf"(\d+)\. [^\n]*{re.escape(text)}", listing)
    assert found, listing
    return found.group(1)


async def test_unanswered_question_goes_to_the_help_channel_then_becomes_a_published_answer(settings, clock, faq_dir):
    async with bot(settings, clock, faq_dir) as s:
        said = await s.send("/faq comment faire du pain au levain ?")
        assert "[1] Demander aux membres dans #ask-openimis" in said
        said = await s.send(":click 1")
        assert "Dois-je vous mentionner" in said and "[1] Me mentionner  [2] Anonymement" in said
        said = await s.send(":click 1")
        code = re.search(r"Q-[2-9A-Z]{5}", said).group(0)  # type: ignore[union-attr]
        assert f"Publiée dans #ask-openimis ({code}), en vous mentionnant" in said
        # the outbox posted it in the help channel, in the question's language, with the mention
        assert f"[#ask-openimis] Question {code} de @bio, à laquelle la FAQ n'a pas su répondre" in said
        assert "« comment faire du pain au levain ? »" in said
        assert "déjà publiée" in await s.send(":click 1")  # pressing again posts nothing more

        await s.send(":as ana")
        post = number_of(await s.send(":messages"), f"Question {code}")
        reply = await s.send(f":reply {post} Mix flour, water, salt and a sourdough starter; bake at 230 °C.")
        answer = number_of(reply, "Mix flour")
        assert f"(thread {post})" in reply
        said = await s.send(f":action {answer} faq-draft")
        assert "Saved: FAQ draft D-1" in said and "[1] Edit EN  [2] Edit FR  [3] Publish  [4] Delete" in said
        assert "FR: questions: comment faire du pain au levain ?" in said  # the question's language
        assert "EN: questions" in said and "answer: Mix flour" in said

        said = await s.send(":click 3")  # publish too early: what is missing, in the admin's language
        assert "D-1 cannot be published yet" in said and "FR: give at least 2 phrasings" in said
        assert "FR: the answer is empty" in said and "EN: give at least 2 phrasings" in said

        said = await s.send(":click 2")  # Edit FR: the form shows what the draft has
        assert "Brouillon" not in said and "FAQ draft D-1 (FR)" in said and "= comment faire du pain" in said
        said = await s.send("comment faire du pain au levain ? | recette du pain au levain",
                            "Mélangez farine, eau, sel et levain ; cuisez à 230 °C.", "pain, levain, recette", "",
                            "sourdough-bread")
        assert "Saved: FAQ draft D-1 (topic id: sourdough-bread)" in said
        await s.send(":click 1")  # Edit EN: Enter keeps the answer shown
        assert "= Mix flour, water, salt" in await s.send("how do I bake sourdough bread? | sourdough bread recipe")
        assert "answer: Mix flour" in await s.send("", "bread, sourdough", "", "")
        said = await s.send(":click 3")
        assert "Published: D-1 is now FAQ topic sourdough-bread (content/faq/sourdough-bread.toml)" in said
        assert "The member who first asked gets a message" in said
        assert "[DM bio] Bonne nouvelle : votre question « comment faire du pain au levain ? »" in said
        assert "Mélangez farine" in said  # the answer in the asker's language

        entry = load_file(faq_dir / "sourdough-bread.toml")  # the content loader takes the file as it is
        assert entry.versions["fr"].questions[1] == "recette du pain au levain"

        await s.send(":as bio")
        said = await s.send("/faq recette du pain au levain")
        assert "Mélangez farine, eau, sel et levain" in said and "Cette réponse vous a-t-elle aidé" in said


async def test_anonymous_help_post_names_nobody(settings, clock, faq_dir):
    async with bot(settings, clock, faq_dir) as s:
        await s.send("/faq best recipe for banana cake", ":click 1")
        said = await s.send(":click 2")
        assert "sans votre nom" in said  # bio reads French; the post is in the question's language
        assert re.search(r"\[#ask-openimis\] Question Q-\w{5} from a member", said)
        assert "@bio" not in said
        async with s.app.services.store.transaction() as db:
            rows = await db.execute_fetchall("SELECT id FROM outbox WHERE idempotency_key LIKE 'faq.help:%'")
        assert list(rows) == []  # a private outbox row: deleted once delivered (a named post's row stays)


async def test_save_as_draft_is_for_admins_and_needs_a_thread(settings, clock, faq_dir):
    async with bot(settings, clock, faq_dir) as s:
        await s.send("hello there, does anyone bake bread?")
        listing = await s.send(":messages")
        number = number_of(listing, "does anyone bake")
        said = await s.send(f":action {number} faq-draft")
        assert s.app.services.catalogs.t("fr", "errors.admin_only").replace("\xa0", " ") in said
        async with s.app.services.store.transaction() as db:
            assert await sql.open_drafts(db) == []
        await s.send(":as ana")
        assert "inside a thread" in await s.send(f":action {number} faq-draft")
        assert "usage: :action N NAME" in await s.send(":action 999 faq-draft")


async def test_message_actions_ask_the_faq_and_prefill_feedback(settings, clock, faq_dir):
    async with bot(settings, clock, faq_dir) as s:
        await s.send("comment installer openimis avec docker ?")
        number = number_of(await s.send(":messages"), "bio: comment installer")
        said = await s.send(f":action {number} ask-faq")
        assert "clonez-le" in said  # answered in French, privately
        assert "Retour : Autre" in await s.send(f":action {number} send-feedback")  # the feedback form
        said = await s.send("1", "")  # category, rating skipped
        assert "= comment installer openimis avec docker ?" in said  # the description is prefilled
        said = await s.send("", "", "")  # Enter keeps the text; no steps; not anonymous
        assert re.search(r"FB-\w{4}", said), said
        async with s.app.services.store.transaction() as db:
            rows = await db.execute_fetchall("SELECT description FROM feedback_items")
        assert [r[0] for r in rows] == ["comment installer openimis avec docker ?"]


async def test_questions_asked_three_times_without_answer_become_a_draft_flagged_en_missing(settings, clock, faq_dir):
    async with bot(settings, clock, faq_dir) as s:
        for question in ("comment tricoter une écharpe ?", "Comment tricoter une écharpe", "tricoter écharpe comment"):
            await s.send(f"/faq {question}")
        await s.send("/faq comment planter des tomates ?")  # asked once: no draft
        await s.send(":as ana")
        await s.send("/language fr")
        said = await s.send("/faq brouillons")
        assert "Brouillons FAQ en attente (1)" in said
        assert "« comment tricoter une écharpe ? » (demandé 3 fois ou plus sans réponse) EN manquant" in said
        assert "tomates" not in said
        assert "(1)" in await s.send("/faq drafts")  # listing again does not draft the same questions twice
        said = await s.send(":click 1")
        assert "EN : manquant" in said
        said = await s.send(":click 2", "comment tricoter une écharpe ? | tricoter une écharpe",
                            "Montez 40 mailles et tricotez au point mousse.", "tricot", "", "")
        said = await s.send(":click 3")
        assert "Publié : D-1 est désormais le sujet FAQ tricoter-echarpe" in said
        assert "EN manquant : les membres qui lisent en EN reçoivent l'autre langue avec une note." in said
        assert "[DM bio] Bonne nouvelle" in said

        await s.send(":as ram")
        said = await s.send("/faq how do I knit a scarf tricoter echarpe")
        assert "(This answer exists in French only so far.)" in said and "Montez 40 mailles" in said
