"""FAQ end to end through the console door and the dispatcher: answers, buttons, gaps, reload."""

from __future__ import annotations

import io
import shutil
from datetime import UTC, datetime
from pathlib import Path

from bot.app import lifespan
from bot.core.clock import SimClock
from bot.core.model import Actor, ButtonPressed, MessageReceived, Reply
from bot.platforms.console.door import ConsoleDoor
from bot.services.faq import Thresholds
from bot.services.faq.content import DEFAULT_DIR
from bot.settings import Settings
from bot.store import faq as faq_sql

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def settings_for(tmp_path: Path, **extra: object) -> Settings:
    return Settings(db_path=str(tmp_path / "bot.db"), help_channel="ask-openimis",
                    console_files=str(tmp_path / "console-files"), **extra)  # type: ignore[arg-type]


class Session:
    """A console door writing to a buffer; `said()` returns what was printed since the last call."""

    def __init__(self, door: ConsoleDoor, out: io.StringIO) -> None:
        self.door, self.out, self.pos = door, out, 0

    async def line(self, text: str) -> str:
        await self.door.handle_line(text)
        return self.said()

    def said(self) -> str:
        value = self.out.getvalue()[self.pos :]
        self.pos = len(self.out.getvalue())
        return value


def open_session(app, clock, user="ana", lang="en") -> Session:
    out = io.StringIO()
    return Session(ConsoleDoor(app, clock, out, user, lang), out)


async def test_journey_ask_vote_twice_change_vote_and_see_gaps(tmp_path):
    clock = SimClock(START)
    async with lifespan(settings=settings_for(tmp_path, admins=frozenset({"console:ana"})), clock=clock) as app:
        s = open_session(app, clock)
        said = await s.line("/faq how do I install openIMIS with docker?")
        assert "openimis-dist_dkr" in said and "Was this helpful?" in said and "[1] Yes  [2] No" in said
        assert "Thank you! Glad it helped." in await s.line(":click 1")
        assert "already recorded" in await s.line(":click 1")  # pressing twice is harmless
        assert "noted it so the answer can be improved" in await s.line(":click 2")  # changing one's mind
        said = await s.line("/faq how do I bake bread")
        assert "#ask-openimis" in said and "noted your question" in said
        assert "[1] Ask the people in #ask-openimis" in said and "[2]" not in said
        said = await s.line("/faq gaps")
        assert "bake bread" in said and "how do I install openIMIS with docker?" in said
        async with app.services.store.transaction() as db:
            votes = await faq_sql.votes_for(db, 1)
        assert [helpful for _, helpful in votes] == [False]


async def test_french_question_in_a_dm_gets_a_french_answer_and_french_buttons(tmp_path):
    clock = SimClock(START)
    async with lifespan(settings=settings_for(tmp_path), clock=clock) as app:
        s = open_session(app, clock, user="ibrahim", lang="en")
        said = await s.line("comment installer openimis avec docker ?")
        assert "clonez-le" in said and "Cette réponse vous a-t-elle aidé ?" in said and "[1] Oui  [2] Non" in said
        assert "Merci" in await s.line(":click 1")


async def test_unclear_language_uses_the_member_choice(tmp_path):
    clock = SimClock(START)
    async with lifespan(settings=settings_for(tmp_path), clock=clock) as app:
        s = open_session(app, clock, user="awa", lang="en")
        await s.line("/language fr")
        assert "Cette réponse vous a-t-elle aidé ?" in await s.line("/faq docker")


async def test_did_you_mean_buttons_answer_the_chosen_topic(tmp_path):
    clock = SimClock(START)
    async with lifespan(settings=settings_for(tmp_path), clock=clock) as app:
        app.services.faq.overrides = Thresholds(answer=1.01, suggest=0.0)  # never sure enough to answer
        s = open_session(app, clock, lang="fr")
        said = await s.line("/faq qui finance le projet")
        assert "Vouliez-vous dire" in said and "[1]" in said
        said = await s.line(":click 1")
        assert "Cette réponse vous a-t-elle aidé ?" in said and "[1] Oui  [2] Non" in said
        async with app.services.store.transaction() as db:
            ask = await faq_sql.get_ask(db, 1)
        assert ask is not None and ask.decision == "suggest" and ask.answer_id == ask.suggestions[0]


async def test_channel_chatter_is_left_alone_and_mentions_are_answered(tmp_path):
    clock = SimClock(START)
    async with lifespan(settings=settings_for(tmp_path), clock=clock) as app:
        actor = Actor("slack", "U1", "ana")
        chatter = MessageReceived(actor, "how do I install openIMIS?", channel="C1", is_dm=False)
        assert await app.dispatcher.handle(chatter) is None
        mention = MessageReceived(actor, "<@UBOT> how do I install openIMIS?", channel="C1", is_dm=False,
                                  mentions_bot=True)
        reply = await app.dispatcher.handle(mention)
        assert isinstance(reply, Reply) and not reply.ephemeral and "openimis-dist_dkr" in reply.text
        empty = MessageReceived(actor, "?!", is_dm=True)
        fallback = await app.dispatcher.handle(empty)  # nothing to look up: the core fallback answers
        assert isinstance(fallback, Reply) and "Was this helpful?" not in fallback.text


async def test_vote_buttons_still_work_after_a_restart_and_stale_values_are_refused(tmp_path):
    clock = SimClock(START)
    settings = settings_for(tmp_path)
    async with lifespan(settings=settings, clock=clock) as app:
        reply = await app.dispatcher.handle(MessageReceived(Actor("console", "ana", "ana"), "is there a demo?"))
        assert isinstance(reply, Reply)
        yes = reply.buttons[0]
        assert len(yes.action) + len(yes.value) < 90
    async with lifespan(settings=settings, clock=clock) as app:
        actor = Actor("console", "ana", "ana")
        thanks = await app.dispatcher.handle(ButtonPressed(actor, yes.action, yes.value))
        assert isinstance(thanks, Reply) and "Glad it helped" in thanks.text
        for value in ("999:demo:y", "garbage", "1:demo:maybe"):
            stale = await app.dispatcher.handle(ButtonPressed(actor, "faq.vote", value))
            assert isinstance(stale, Reply) and "no longer active" in stale.text


async def test_reload_and_gaps_are_for_admins_and_a_broken_file_keeps_the_content(tmp_path):
    folder = tmp_path / "faq"
    shutil.copytree(DEFAULT_DIR, folder)
    clock = SimClock(START)
    settings = settings_for(tmp_path, faq_dir=str(folder), admins=frozenset({"console:ana"}))
    async with lifespan(settings=settings, clock=clock) as app:
        bob = open_session(app, clock, user="bob")
        assert "only community admins" in await bob.line("/faq reload")
        assert "only community admins" in await bob.line("/faq gaps")
        ana = open_session(app, clock, user="ana")
        (folder / "demo.toml").write_text('id = "demo"\n\n[en]\nquestions = ["a", \n', encoding="utf-8")
        said = await ana.line("/faq reload")
        assert "FAQ not reloaded" in said and "demo.toml:4:" in said and "topics already in service (34)" in said
        assert "demo.openimis.org" in await ana.line("/faq is there a demo?")
        shutil.copy(DEFAULT_DIR / "demo.toml", folder / "demo.toml")
        assert "FAQ reloaded: 34 topics in service" in await ana.line("/faq reload")
        assert "No gaps so far" in await ana.line("/faq gaps")


async def test_mydata_exports_and_forget_me_erases_faq_questions_and_votes(tmp_path):
    from bot.services import privacy
    from bot.store import members as member_sql

    clock = SimClock(START)
    async with lifespan(settings=settings_for(tmp_path), clock=clock) as app:
        s = open_session(app, clock, user="amina")
        await s.line("/faq my name is Amina from Chad, is there a demo?")
        assert "Glad it helped" in await s.line("/faq is there a demo?") + await s.line(":click 1")
        async with app.services.store.transaction() as db:
            amina = await member_sql.by_platform_id(db, "console", "amina")
            assert amina is not None
            data = await privacy.export(db, amina, app.routes.privacy, clock.now())
            assert data["faq"]["questions"][0]["question"].startswith("my name is Amina")
            assert data["faq"]["votes"][0]["helpful"] == 1
            await privacy.erase(db, amina, app.routes.privacy, clock.now())
        rows = await app.services.store.fetch_all("SELECT question FROM faq_asks UNION ALL "
                                                  "SELECT topic_id FROM faq_votes")
        assert rows == []
