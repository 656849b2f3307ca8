"""Message shortcuts through Slack payloads against the fake Slack: help-channel thread -> "Save as FAQ draft"
(admins only) -> modal -> Publish -> the asker told in French and answered; "Ask the FAQ about this" and
"Send as feedback" (modal prefilled)."""

from __future__ import annotations

import asyncio
import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.core.clock import SimClock
from bot.services.faq.content import DEFAULT_DIR
from bot.settings import Settings
from tests.fakes import slack_payloads as p
from tests.fakes.slack_harness import TIMEOUT, SlackRig, slack_rig

MODES = ("http", "socket")
USERS = (("U1", "Ana", "en-US"), ("U2", "Awa", "fr-FR"), ("U3", "Ram", "en-US"))
HELP = "C0HELP"


def loop_settings(settings: Settings, tmp_path: Path) -> Settings:
    folder = tmp_path / "faq"
    shutil.copytree(DEFAULT_DIR, folder)
    return replace(settings, admins=frozenset({"slack:U1"}), faq_dir=str(folder), help_channel="ask-openimis")


def button(message: dict, action: str, value_part: str = "") -> dict:
    elements = [e for b in message.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]
    return next(e for e in elements if e["action_id"].startswith(action + "#") and value_part in e.get("value", ""))


async def press(rig: SlackRig, message: dict, action: str, value_part: str = "", user: str = "U1") -> dict:
    """Press a button of `message`; returns the answer (the next response_url call)."""
    before = len(rig.slack.calls_to("response_url"))
    found = button(message, action, value_part)
    await rig.side.interactive(p.block_action(rig.slack, found["action_id"], found["value"], user=user))
    return (await waited(rig, "response_url", before + 1)).args


async def shortcut(rig: SlackRig, callback_id: str, message: dict, user: str) -> None:
    await rig.side.interactive(p.message_action(rig.slack, callback_id, message, user=user, channel=HELP))


async def waited(rig: SlackRig, method: str, count: int = 1) -> Any:
    async with asyncio.timeout(TIMEOUT):
        return await rig.slack.wait_call(method, count)


async def bounded(rig: SlackRig, predicate: Any) -> Any:
    async with asyncio.timeout(TIMEOUT):
        return await rig.slack.wait_for(predicate)


def plain(text: str) -> str:
    return text.replace("\xa0", " ")


@pytest.mark.parametrize("mode", MODES)
async def test_help_thread_saved_as_draft_edited_published_and_the_asker_answered(settings: Settings, clock: SimClock,
                                                                                  tmp_path: Path, mode: str) -> None:
    async with slack_rig(loop_settings(settings, tmp_path), clock, mode, users=USERS,
                         slack_channels={"ask-openimis": HELP}) as rig:
        await rig.side.command(p.command(rig.slack, "faq", "comment faire du pain au levain ?", user="U2"))
        none = (await waited(rig, "response_url")).args
        how = await press(rig, none, "faq.help", user="U2")
        assert "Dois-je vous mentionner" in plain(how["text"])
        posted = await press(rig, how, "faq.help.post", ":m", user="U2")
        code = re.search(r"Q-\w{5}", posted["text"]).group(0)  # type: ignore[union-attr]
        await bounded(rig, lambda s: s.posted(HELP))
        [root] = rig.slack.posted(HELP)
        assert root["text"].startswith(f"Question {code} de <@U2>")

        answer = rig.slack.add_message(HELP, "U3", "Mix flour, water, salt and a sourdough starter.",
                                       thread_ts=root["ts"])
        await shortcut(rig, "faq-draft", answer, user="U3")  # Ram is no admin
        refused = (await waited(rig, "response_url", 4)).args
        assert refused["text"] == rig.app.services.catalogs.t("en", "errors.admin_only")

        await shortcut(rig, "faq-draft", answer, user="U1")
        saved = (await waited(rig, "response_url", 5)).args
        assert "Saved: FAQ draft D-1" in saved["text"] and "FR: questions: comment faire du pain" in saved["text"]
        assert rig.slack.calls_to("conversations.replies")[0].args["ts"] == root["ts"]

        edit_fr = button(saved, "faq.draft.edit", ":fr")
        await rig.side.interactive(p.block_action(rig.slack, edit_fr["action_id"], edit_fr["value"], channel=HELP))
        view = (await waited(rig, "views.open")).args["view"]
        assert [b["block_id"] for b in view["blocks"]] == ["questions", "answer", "tags", "links", "topic"]
        answers = {"questions": "comment faire du pain au levain ?\nrecette du pain au levain",
                   "answer": "Mélangez farine, eau, sel et levain.", "tags": "pain, levain", "topic": "sourdough"}
        assert await rig.side.interactive(p.view_submission(view, answers)) == {}
        edit_en = button(saved, "faq.draft.edit", ":en")
        await rig.side.interactive(p.block_action(rig.slack, edit_en["action_id"], edit_en["value"], channel=HELP))
        view = (await waited(rig, "views.open", 2)).args["view"]
        assert view["blocks"][1]["element"]["initial_value"] == "Mix flour, water, salt and a sourdough starter."
        english = {"questions": "how do I bake sourdough bread?\nsourdough bread recipe",
                   "answer": view["blocks"][1]["element"]["initial_value"], "tags": "bread", "topic": "sourdough"}
        assert await rig.side.interactive(p.view_submission(view, english)) == {}

        published = await press(rig, saved, "faq.draft.publish")
        assert "Published: D-1 is now FAQ topic sourdough" in published["text"]
        assert (tmp_path / "faq" / "sourdough.toml").is_file()
        await bounded(rig, lambda s: any("Bonne nouvelle" in m["text"] for m in s.posted("DU2")))
        told = next(m for m in rig.slack.posted("DU2") if "Bonne nouvelle" in m["text"])
        assert "Mélangez farine" in told["text"]

        await rig.side.command(p.command(rig.slack, "faq", "recette du pain au levain", user="U2"))
        served = (await waited(rig, "response_url", 7)).args
        assert "Mélangez farine" in served["text"]


async def test_ask_the_faq_about_a_message_and_send_it_as_feedback(settings: Settings, clock: SimClock,
                                                                   tmp_path: Path) -> None:
    async with slack_rig(loop_settings(settings, tmp_path), clock, "http", users=USERS,
                         slack_channels={"ask-openimis": HELP}) as rig:
        message = rig.slack.add_message(HELP, "U3", "comment installer openimis avec docker ?")
        await shortcut(rig, "ask-faq", message, user="U2")
        reply = (await waited(rig, "response_url")).args
        assert reply["response_type"] == "ephemeral" and "clonez-le" in reply["text"]

        await shortcut(rig, "send-feedback", message, user="U2")
        view = (await waited(rig, "views.open")).args["view"]
        description = next(b for b in view["blocks"] if b["block_id"] == "description")
        assert description["element"]["initial_value"] == "comment installer openimis avec docker ?"
        assert view["title"]["text"].startswith("Retour")  # in Awa's language

        await shortcut(rig, "faq-draft", message, user="U1")  # not in a thread: says how to use it
        assert "inside a thread" in (await waited(rig, "response_url", 2)).args["text"]


def test_manifest_lists_one_message_shortcut_per_route_action() -> None:
    from bot.core.i18n import Catalogs
    from bot.platforms.slack.manifest import manifest
    from handlers import all_routes

    routes = all_routes()
    text = (Path(__file__).resolve().parents[1] / "slack-manifest.yml").read_text(encoding="utf-8")
    assert text == manifest(routes, Catalogs())
    assert re.findall(r"callback_id: (\S+)", text) == [a.name for a in routes.actions] == [
        "ask-faq", "send-feedback", "faq-draft"]
    names = re.findall(r'- name: "([^"]+)"\n\s+type: message', text)
    assert names == ["Ask the FAQ about this", "Send as feedback", "Save as FAQ draft"]
    assert all(len(n) <= 24 for n in names)
