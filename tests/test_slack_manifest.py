"""slack-manifest.yml lists exactly what the code uses: every route command (and alias), the events the
listeners handle, and the scopes of the Web API methods the door calls."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.i18n import Catalogs
from bot.core.routes import merge
from bot.platforms.slack.listeners import BOT_EVENTS, EXTRA_ALIASES
from bot.platforms.slack.manifest import EVENT_SCOPES, EXTRA_SCOPES, METHOD_SCOPES, bot_scopes, manifest
from bot.settings import Settings
from handlers import all_routes, core
from tests.fakes import slack_demo
from tests.fakes import slack_payloads as p
from tests.fakes.slack_harness import slack_rig

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "slack-manifest.yml"


def section(text: str, key: str) -> list[str]:
    """The `- item` lines of a YAML list under `key:` (the manifest is flat enough for this)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == key + ":")
    indent = len(lines[start]) - len(lines[start].lstrip())
    items = []
    for line in lines[start + 1 :]:
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        match = re.match(r"\s*- (?:command: )?(\S+)$", line)
        if match:
            items.append(match.group(1))
    return items


def test_manifest_file_is_what_the_code_generates() -> None:
    expected = manifest(all_routes(), Catalogs())
    assert MANIFEST.read_text(encoding="utf-8") == expected, (
        "slack-manifest.yml is out of date: run `community-bot slack --manifest > slack-manifest.yml`")


def test_http_mode_manifest_sends_everything_to_the_url() -> None:
    url = "https://bot.example.org/slack/events"
    text = manifest(all_routes(), Catalogs(), url=url)
    assert text.count(f"url: {url}") == len(section(text, "slash_commands")) + 2
    assert "socket_mode_enabled: false" in text and "url:" not in MANIFEST.read_text(encoding="utf-8")


def test_manifest_commands_are_every_route_name_and_alias() -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    routes = all_routes()
    names = {"/" + n for c in routes.commands for n in (*c.all_names(), *EXTRA_ALIASES.get(c.name, ()))}
    assert set(section(text, "slash_commands")) == names
    assert len(names) <= 50  # Slack's limit of slash commands per app


def test_manifest_events_and_scopes() -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    assert section(text, "bot_events") == sorted(BOT_EVENTS) == sorted(EVENT_SCOPES)
    assert section(text, "bot") == bot_scopes()
    used = {s for s in METHOD_SCOPES.values() if s} | set(EXTRA_SCOPES) | {s for s in EVENT_SCOPES.values() if s}
    assert set(bot_scopes()) == used


def test_listeners_handle_exactly_the_manifest_events() -> None:
    from bot.platforms.slack import listeners

    source = Path(listeners.__file__).read_text(encoding="utf-8")
    registered = set(re.findall(r'bolt\.event\("([a-z_]+)"\)', source))
    # "message" is subscribed as message.im (DMs only): the listener ignores every other channel type
    assert {("message.im" if e == "message" else e) for e in registered} == set(BOT_EVENTS)


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_every_web_api_method_called_in_a_journey_is_in_the_scope_map(settings: Settings, clock, mode) -> None:
    routes = merge(core.ROUTES, slack_demo.ROUTES)
    async with slack_rig(settings, clock, mode, routes=routes, slack_channels={"announcements": "C1"}) as rig:
        await rig.side.command(p.command(rig.slack, "survey"))
        view = (await rig.slack.wait_call("views.open")).args["view"]
        await rig.side.interactive(p.view_submission(view, {"name": "Ana"}))
        await rig.side.event(p.event_callback({"type": "app_mention", "user": "U1", "text": "<@UBOT> hi",
                                               "channel": "C1", "ts": "1.1"}))
        await rig.settled("done", 3)
        await rig.slack.wait_call("files.completeUploadExternal")
    called = {c.method for c in rig.slack.calls if "." in c.method and not c.method.startswith("socket")}
    assert called <= set(METHOD_SCOPES), called - set(METHOD_SCOPES)
