"""Feature journeys through Discord payloads, for English and French members alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.core.clock import SimClock
from bot.core.model import MemberJoined
from bot.platforms.discord.render import to_markdown
from bot.services.welcome.onboarding import language_name
from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import ANNOUNCEMENTS, Handled, app_for, door, door_settings

ADMIN = p.user("900000000000005001", "Ana")
RAM = p.user("900000000000005002", "Ram")
AWA = p.user("900000000000005003", "Awa")
SATURDAY = datetime(2027, 3, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


def fields_of(modal: dict[str, Any]) -> list[str]:
    return [row["component"]["custom_id"] for row in modal["components"]]


def buttons_of(data: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in data.get("components", []) for c in row["components"]]


async def test_webinar_created_in_a_modal_announced_rsvped_and_reminded(fake, tmp_path):
    settings = door_settings(fake, tmp_path / "bot.db")
    async with app_for(settings, clock=SimClock(SATURDAY)) as (app, clock), door(app, clock):
        t = app.services.catalogs.t
        modal = (await fake.interact(p.command(ADMIN, "webinar", "create", admin=True)))["data"]
        assert fields_of(modal) == ["title", "start", "timezone", "link", "description"]
        bad = {"title": "Implementers call", "start": "someday", "timezone": "Europe/Paris",
               "link": "https://meet.example.org/imp", "description": ""}
        errors = await fake.interact(p.submit(ADMIN, modal["custom_id"], bad, admin=True))
        assert errors["data"]["content"].startswith(to_markdown(t("en", "discord.form_errors")))
        reopened = (await fake.interact(p.press(ADMIN, buttons_of(errors["data"])[0], admin=True)))["data"]
        good = {**bad, "start": "2027-03-23 14:00"}
        confirm = await fake.interact(p.submit(ADMIN, reopened["custom_id"], good, admin=True))
        assert "<t:" in confirm["data"]["content"]  # the parsed time, native on Discord
        [confirm_id] = [b for b in buttons_of(confirm["data"]) if b.startswith("webinar.confirm|")]
        await fake.interact(p.press(ADMIN, confirm_id, admin=True))

        await app.heartbeat.tick()
        [post] = await fake.messages_to(ANNOUNCEMENTS)
        assert "Implementers call" in post.body["content"] and post.files  # the .ics file
        rsvp = buttons_of(post.body)
        assert rsvp[:2] == ["webinar.rsvp|1:going", "webinar.rsvp|1:maybe"]

        english = await fake.interact(p.press(RAM, rsvp[0]))
        french = await fake.interact(p.press(AWA, rsvp[1], locale="fr"))
        assert to_markdown(t("en", "webinars.answer_going")) in english["data"]["content"]
        assert to_markdown(t("fr", "webinars.answer_maybe")) in french["data"]["content"]

        await app.heartbeat.advance_to(clock, datetime(2027, 3, 23, 13, 30, tzinfo=UTC))
        ram_dms = await fake.messages_to(p.dm_channel_id(RAM["id"]), 2)
        awa_dms = await fake.messages_to(p.dm_channel_id(AWA["id"]), 2)
        assert all("<t:" in c.body["content"] for c in ram_dms + awa_dms)
        assert "Reminder" in ram_dms[0].body["content"] and "Rappel" in awa_dms[0].body["content"]


async def test_newcomers_welcomed_by_dm_choose_french_and_fill_the_profile_modal(fake, tmp_path):
    async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
        t = app.services.catalogs.t
        handled = Handled(app)
        assert await fake.member_joins(AWA)
        assert await fake.member_joins(RAM)
        await handled.wait(MemberJoined, 2)
        await app.heartbeat.tick()
        [welcome] = await fake.messages_to(p.dm_channel_id(AWA["id"]))
        assert welcome.body["allowed_mentions"] == {"parse": []}
        assert "welcome.lang|fr" in buttons_of(welcome.body)
        [ram_welcome] = await fake.messages_to(p.dm_channel_id(RAM["id"]))
        assert ram_welcome.body["content"] == welcome.body["content"].replace("Awa", "Ram")

        payload = p.press(AWA, "welcome.lang|fr", in_guild=False, locale="fr")
        first = await fake.interact(payload)
        [step] = await fake.followups(payload)  # the first profile question follows the confirmation
        expected = t("fr", "welcome.language_set", language=language_name("fr", "fr"))
        assert first["data"]["content"] == to_markdown(expected)
        assert "onb.set|role:implementer" in buttons_of(step.body)

        modal = (await fake.interact(p.command(AWA, "profile", "edit", locale="fr", in_guild=False)))["data"]
        assert fields_of(modal) == ["role", "country", "organisation", "stage", "timezone"]
        assert modal["title"] == t("fr", "profile.form_title")
        answers = {"role": ["implementer"], "country": "Cameroun", "organisation": "Ministère de la Santé",
                   "stage": ["pilot"], "timezone": "Africa/Douala"}
        saved = await fake.interact(p.submit(AWA, modal["custom_id"], answers, locale="fr", in_guild=False))
        assert saved["data"]["content"].startswith(to_markdown(t("fr", "profile.saved")))
        assert "Cameroun" in saved["data"]["content"]

        modal = (await fake.interact(p.command(RAM, "profile", "edit")))["data"]
        wrong = await fake.interact(p.submit(RAM, modal["custom_id"], {"timezone": "Mars/Olympus"}))
        assert wrong["data"]["content"].startswith(to_markdown(t("en", "discord.form_errors")))
        assert buttons_of(wrong["data"])[0].startswith("~o|")


async def test_faq_by_slash_command_dm_and_mention_with_votes_after_a_restart(fake, tmp_path):
    settings = door_settings(fake, tmp_path / "bot.db")
    async with app_for(settings) as (app, clock), door(app, clock):
        question = {"question": "how do I install openIMIS with docker?"}
        answer = (await fake.interact(p.command(RAM, "faq", "ask", options=question)))["data"]
        assert "openimis-dist\\_dkr" in answer["content"] and answer["flags"] & 64
        vote_yes, vote_no = buttons_of(answer)
        assert vote_yes.startswith("faq.vote|") and vote_yes.endswith(":y")

        dm = p.dm_channel_id(AWA["id"])
        await fake.dispatch("MESSAGE_CREATE", p.message(dm, AWA, "comment installer openimis avec docker ?"))
        [french] = await fake.messages_to(dm)
        assert "clonez-le" in french.body["content"]
        assert [c["label"] for c in french.body["components"][0]["components"]] == ["Oui", "Non"]

        question = p.message(p.CHANNEL_ID, RAM, f"<@{p.BOT_ID}> which countries use openIMIS?", guild=True,
                             mentions=(p.BOT_USER,))
        await fake.dispatch("MESSAGE_CREATE", question)
        [public] = await fake.messages_to(p.CHANNEL_ID)
        assert str(public.body["message_reference"]["message_id"]) == question["id"]
        assert public.body["allowed_mentions"]["parse"] == []
    async with app_for(settings) as (app, clock), door(app, clock):  # restarted: the vote buttons still work
        t = app.services.catalogs.t
        thanks = await fake.interact(p.press(RAM, vote_yes))
        assert thanks["data"]["content"] == to_markdown(t("en", "faq.vote_thanks", channel="ask-openimis"))
        again = await fake.interact(p.press(RAM, vote_yes))
        assert again["data"]["content"] == to_markdown(t("en", "faq.vote_again"))


async def test_newcomer_with_closed_dms_is_greeted_in_introductions_with_a_real_mention(fake, tmp_path):
    introductions = "900000000000000400"
    settings = door_settings(fake, tmp_path / "bot.db",
                             discord_channels={"announcements": ANNOUNCEMENTS, "introductions": introductions})
    async with app_for(settings) as (app, clock), door(app, clock):
        fake.closed_dms.add(AWA["id"])
        handled = Handled(app)
        assert await fake.member_joins(AWA)
        await handled.wait(MemberJoined)
        await app.heartbeat.tick()
        [post] = await fake.messages_to(introductions)
        assert f"<@{AWA['id']}>" in post.body["content"]  # mentioned, yet allowed_mentions pings nobody
        assert post.body["allowed_mentions"] == {"parse": []}
        row = await app.services.store.fetch_one(
            "SELECT status, last_error FROM outbox WHERE idempotency_key LIKE 'welcome:%:dm'")
        assert row is not None and row["status"] == "failed" and "DMs closed" in row["last_error"]


PEERS = [  # (user, Discord locale, join form answers)
    (p.user("900000000000005101", "Ana"), "en-US", {"stage": ["exploration"], "languages": ["en"], "country": "TZ",
                                                    "interests": ["claims"], "consent": ["yes"]}),
    (p.user("900000000000005102", "Bea"), "fr", {"stage": ["pilot"], "languages": ["fr", "en"], "country": "CM",
                                                 "interests": ["enrolment"], "consent": ["yes"]}),
    (p.user("900000000000005103", "Cai"), "en-GB", {"stage": ["adaptation"], "languages": ["en"], "country": "NP",
                                                    "interests": ["claims", "reporting"], "consent": ["yes"]}),
    (p.user("900000000000005104", "Dan"), "fr", {"stage": ["pilot"], "languages": ["fr"], "country": "NE",
                                                 "interests": ["enrolment"], "consent": ["yes"]}),
]


async def test_peers_join_by_modal_then_a_round_introduces_each_group_in_its_language(fake, tmp_path):
    async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
        t = app.services.catalogs.t
        for who, locale, answers in PEERS:
            modal = (await fake.interact(p.command(who, "peers", "join", locale=locale)))["data"]
            assert fields_of(modal) == ["stage", "languages", "country", "interests", "consent"]
            joined = await fake.interact(p.submit(who, modal["custom_id"], answers, locale=locale))
            assert joined["type"] == 4
            lang = "fr" if locale == "fr" else "en"
            expected = to_markdown(t(lang, "peers.join.done", when="WHEN")).split("WHEN")[0] + "<t:"
            assert joined["data"]["content"].startswith(expected), joined["data"]["content"]

        asked = await fake.interact(p.command(ADMIN, "peers", "round", "now", admin=True))
        assert "4 participants will hear from me: 2 groups introduced" in asked["data"]["content"]
        await app.heartbeat.tick()
        assert not fake.find("POST", rf"/channels/{p.dm_channel_id(PEERS[0][0]['id'])}/messages")  # asked first
        done = await fake.interact(p.press(ADMIN, "peers.round_start|", admin=True))
        assert "Round 1 planned: 2 groups" in done["data"]["content"]
        await app.heartbeat.tick()
        ana, bea, cai, dan = (who for who, _, _ in PEERS)
        [to_ana] = await fake.messages_to(p.dm_channel_id(ana["id"]))
        [to_cai] = await fake.messages_to(p.dm_channel_id(cai["id"]))
        [to_bea] = await fake.messages_to(p.dm_channel_id(bea["id"]))
        [to_dan] = await fake.messages_to(p.dm_channel_id(dan["id"]))
        assert to_ana.body["content"] == to_cai.body["content"]  # one group message, one DM each
        assert f"<@{ana['id']}>" in to_ana.body["content"] and f"<@{cai['id']}>" in to_ana.body["content"]
        assert "You are peers" in to_ana.body["content"]
        assert "Vous êtes pairs" in to_bea.body["content"] and to_bea.body["content"] == to_dan.body["content"]
        assert all(c.body["allowed_mentions"] == {"parse": []} for c in (to_ana, to_bea, to_cai, to_dan))


async def test_feedback_by_modal_and_inline_triaged_in_the_product_channel_and_dmed_back(fake, tmp_path):
    product = "900000000000000500"
    settings = door_settings(fake, tmp_path / "bot.db", discord_channels={"product": product})
    async with app_for(settings) as (app, clock), door(app, clock):
        t = app.services.catalogs.t
        picker = (await fake.interact(p.slash(AWA, "feedback", locale="fr")))["data"]
        modules = [b for b in buttons_of(picker) if b.startswith("feedback.new|")]
        modal = (await fake.interact(p.press(AWA, modules[0], locale="fr")))["data"]
        assert fields_of(modal) == ["category", "rating", "description", "steps", "anonymous"]
        category = modal["components"][0]["component"]["options"][0]["value"]
        answers = {"category": [category], "rating": ["4"], "description": "La liste des assurés est lente",
                   "steps": "", "anonymous": ["no"]}
        filed = await fake.interact(p.submit(AWA, modal["custom_id"], answers, locale="fr"))
        assert filed["data"]["content"].startswith(to_markdown(t("fr", "feedback.filed", ref="FB-0001"))[:20])
        assert "FB-0001" in filed["data"]["content"]

        quick = await fake.interact(p.command(RAM, "feedback", "new", options={"text": "the claims page is slow"}))
        assert to_markdown(t("en", "feedback.filed", ref="FB-0002")) == quick["data"]["content"]

        await app.heartbeat.tick()
        posts = await fake.messages_to(product, 2)
        statuses = [b for b in buttons_of(posts[0].body) if b.startswith("feedback.status|1:")]
        assert statuses and all(c.body["allowed_mentions"] == {"parse": []} for c in posts)
        await fake.interact(p.press(ADMIN, statuses[0], admin=True))
        done = {"ref": "FB-0002", "status": "done", "note": "fixed in 24.10"}
        await fake.interact(p.command(ADMIN, "feedback", "set", options=done, admin=True))
        await app.heartbeat.tick()
        [to_awa] = await fake.messages_to(p.dm_channel_id(AWA["id"]))
        [to_ram] = await fake.messages_to(p.dm_channel_id(RAM["id"]))
        assert "FB-0001" in to_awa.body["content"] and "FB-0002" in to_ram.body["content"]
        assert "fixed in 24.10" in to_ram.body["content"]
        assert to_awa.body["content"].startswith("Des nouvelles de votre retour FB-0001")  # in her language
        assert to_ram.body["content"].startswith("News about your feedback FB-0002")
