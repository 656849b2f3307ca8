"""Rendering for Slack: escaping, tokens, splitting within limits, buttons, modals and their values."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.core.clock import SimClock
from bot.core.model import Button, FieldKind, Reply
from bot.core.text import inert, mention, role_mention, timestamp, without_roles
from bot.platforms.slack.facts import MemberFacts
from bot.platforms.slack.listeners import user_text
from bot.platforms.slack.modals import fields_of, form_view, read_values
from bot.platforms.slack.render import decode_action, mrkdwn, render_reply, split_markup
from tests.fakes import slack_demo
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_payloads import fill


def test_user_text_cannot_make_markup_or_broadcasts() -> None:
    text = "<!channel> <!here|here> @everyone & <@U1> @Here"
    out = mrkdwn(text)
    assert "<" not in out and ">" not in out
    assert out == ("&lt;!channel&gt; &lt;!here|here&gt; @\u200beveryone &amp; &lt;@U1&gt; @\u200bHere")


def test_tokens_become_mentions_and_dates_with_fallbacks() -> None:
    text = "Hi " + mention("U42", "Ana <3") + " at " + timestamp(1796310000, "jeudi 3 décembre | 15:00")
    assert mrkdwn(text) == "Hi <@U42> at <!date^1796310000^{date_long_pretty} {time}|jeudi 3 décembre / 15:00>"
    assert mrkdwn(mention("123456789", "disco")) == "@disco"  # a Discord member, named on Slack


def test_only_the_bots_role_token_mentions_a_user_group() -> None:
    chosen = role_mention("S0PILOT", "Pilot <team>")
    typed = inert("<!subteam^S0OTHER> \ue000&:S0OTHER|x\ue001 @channel")  # what a member could write
    assert mrkdwn(chosen + "\n" + typed) == ("<!subteam^S0PILOT>\n"
                                             "&lt;!subteam^S0OTHER&gt; &amp;:S0OTHER|x @\u200bchannel")
    assert mrkdwn(role_mention("700000000000000001", "Francophones")) == "@Francophones"  # a Discord role
    assert mrkdwn(without_roles(chosen)) == "@Pilot &lt;team&gt;"  # as a DM carries it


@given(st.lists(st.sampled_from(["word", "&", "<x>", "\n", " ", "é" * 7, "TOKEN", "MENTION"]), max_size=900))
def test_split_never_exceeds_the_limit_nor_cuts_markup(parts: list[str]) -> None:
    token = timestamp(1796310000, "Thursday 3 December 2026, 15:00 (CET)")
    text = "".join({"TOKEN": token, "MENTION": mention("U1", "A")}.get(p, p) for p in parts)
    rendered = mrkdwn(text)
    chunks = split_markup(rendered, 200)
    assert all(len(c) <= 200 for c in chunks)
    for chunk in chunks:
        assert chunk.count("<") == chunk.count(">")  # every token whole
        assert all(part.split(";")[0] in ("amp", "lt", "gt") for part in chunk.split("&")[1:])


def test_reply_renders_text_fallback_sections_and_unique_action_ids() -> None:
    reply = Reply("x" * 7000, buttons=tuple(Button(f"B{i}", "vote", str(i)) for i in range(30)))
    messages = render_reply(reply)
    assert [len(m["text"]) for m in messages] == [3000, 3000, 1000]
    actions = [b for m in messages for b in m["blocks"] if b["type"] == "actions"]
    assert len(actions) == 2 and actions[0] is messages[-1]["blocks"][1]
    ids = [e["action_id"] for a in actions for e in a["elements"]]
    assert len(set(ids)) == 30 and {decode_action(i) for i in ids} == {"vote"}


def test_form_view_round_trip_types_values() -> None:
    view = form_view(slack_demo.SURVEY, channel="D1", yes_no=("Oui", "Non"), datetime_hint="AAAA", cancel="Annuler")
    assert len(view["title"]["text"]) <= 24 and view["callback_id"] == "form:demo.survey"
    answers = {"name": "Ana", "stage": "scale", "modules": ["policy"], "public": "no", "when": None}
    fields = fields_of(view)
    values, refused = read_values(fields, fill(view, answers))
    # one type per field kind, as on every door: a CHOICE is its code, a MULTI_CHOICE a list, YES_NO a bool
    assert values == {"name": "Ana", "stage": "scale", "modules": ["policy"], "public": False, "when": None}
    assert not refused
    assert fields["public"].kind is FieldKind.YES_NO and fields["stage"].kind is FieldKind.CHOICE
    state = fill(view, answers)  # a stale or tampered view: values Slack's own checks would not let through
    state["stage"]["value"]["selected_option"] = {"value": "nonsense"}
    state["public"]["value"]["selected_option"] = {"value": "maybe"}
    tampered, refused = read_values(fields, state)
    assert {name: no.reason for name, no in refused.items()} == {"stage": "invalid_choice", "public": "invalid_choice"}
    assert "stage" not in tampered and tampered["name"] == "Ana"


def test_incoming_markup_becomes_plain_text() -> None:
    assert user_text("<@UBOT> ask <@U2|bob> in <#C1|general> see <https://x.org|docs> &lt;3", "UBOT") == (
        "ask @bob in #general see docs <3")


async def test_member_facts_are_cached_until_they_expire() -> None:
    clock = SimClock()
    async with FakeSlack() as slack:
        slack.add_user("U1", "Ana", locale="fr-FR", tz="Africa/Douala", admin=True)
        from slack_sdk.web.async_client import AsyncWebClient

        facts = MemberFacts(AsyncWebClient(token="xoxb", base_url=slack.api_url), clock, timedelta(hours=1))
        actor = await facts.actor("U1")
        assert (actor.platform_locale, actor.timezone, actor.platform_admin) == ("fr-FR", "Africa/Douala", True)
        await facts.actor("U1")
        assert len(slack.calls_to("users.info")) == 1
        assert slack.calls_to("users.info")[0].args["include_locale"] in ("1", "true", True)
        clock.advance(timedelta(hours=1, seconds=1))
        await facts.actor("U1")
        assert len(slack.calls_to("users.info")) == 2
        unknown = await facts.actor("U404", "ghost")
        assert unknown.display_name == "ghost" and not unknown.platform_admin
