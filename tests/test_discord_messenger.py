"""The outbox's Discord messenger against the fake REST API: DMs, channels, groups, files, failures, threads."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.core.model import Attachment, Button, Destination, Reply
from bot.core.text import mention, role_mention, timestamp
from bot.platforms.discord.messenger import DiscordMessenger
from bot.platforms.discord.render import to_markdown
from bot.services.outbox import DeliveryError
from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import ANNOUNCEMENTS, app_for, door, door_settings

ANA, BEA, CHE = "900000000000004001", "900000000000004002", "900000000000004003"


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    yield server
    await server.close()


@pytest.fixture
async def messenger(fake) -> AsyncIterator[DiscordMessenger]:
    sender = DiscordMessenger("fake-token", fake.api_url, {"announcements": ANNOUNCEMENTS})
    await sender.start()
    yield sender
    await sender.close()


def test_tokens_render_as_native_mentions_and_times_and_user_text_is_inert():
    text = f"{mention('123', 'Ana')} meets {mention('U9', 'Slack Bob')} at {timestamp(1764579600, 'Mon')} *hi*"
    assert to_markdown(text) == "<@123> meets @Slack Bob at <t:1764579600:F> (<t:1764579600:R>) \\*hi\\*"


async def test_dm_creates_the_channel_once_and_sends_without_mentions(fake, messenger):
    hello = Reply("hello @everyone", buttons=(Button("Yes", "faq.vote", "1:up"),))
    ref = await messenger.send(Destination("discord", "dm", ANA), hello, "")
    await messenger.send(Destination("discord", "dm", ANA), Reply("again"), "")
    assert ref and len(fake.find("POST", "/users/@me/channels")) == 1
    first, second = await fake.messages_to(p.dm_channel_id(ANA), 2)
    assert first.body["allowed_mentions"] == {"parse": []} and first.body["content"] == "hello @everyone"
    assert first.body["components"][0]["components"][0]["custom_id"] == "faq.vote|1:up"
    assert second.body["content"] == "again"


async def test_only_a_channel_post_pings_the_role_the_bot_mentioned(fake, messenger):
    role = role_mention("700000000000000001", "Francophones")
    reply = Reply(f"{role}\nTitle @everyone <@&700000000000000002> <@{ANA}>", file=Attachment("a.ics", b"x"))
    await messenger.send(Destination("discord", "channel", "announcements"), reply, "")
    await messenger.send(Destination("discord", "dm", BEA), reply, "")
    [post] = await fake.messages_to(ANNOUNCEMENTS)
    assert post.body["allowed_mentions"] == {"parse": [], "roles": [700000000000000001]}
    [created] = fake.created[ANNOUNCEMENTS]
    assert created["mention_roles"] == ["700000000000000001"] and not created["mention_everyone"]
    assert created["mentions"] == []  # neither the member nor the other role written in the title
    [dm] = await fake.messages_to(p.dm_channel_id(BEA))
    assert dm.body["allowed_mentions"] == {"parse": []} and dm.body["content"].startswith("@Francophones\n")
    assert fake.created[p.dm_channel_id(BEA)][0]["mention_roles"] == []


async def test_channel_posts_use_logical_names_and_files(fake, messenger):
    reply = Reply("report", file=Attachment("feedback.csv", b"id,text\n1,ok\n", "text/csv"))
    await messenger.send(Destination("discord", "channel", "announcements"), reply, "")
    [post] = await fake.messages_to(ANNOUNCEMENTS)
    assert post.body["content"] == "report" and post.files == {"feedback.csv": b"id,text\n1,ok\n"}
    with pytest.raises(DeliveryError) as missing:
        await messenger.send(Destination("discord", "channel", "product"), Reply("x"), "")
    assert missing.value.permanent and missing.value.code == "no_channel"


async def test_long_text_is_split_into_messages_of_2000_characters(fake, messenger):
    await messenger.send(Destination("discord", "channel", ANNOUNCEMENTS), Reply(("word " * 900).strip()), "")
    posts = await fake.messages_to(ANNOUNCEMENTS, 3)
    assert len(posts) == 3 and all(len(c.body["content"]) <= 2000 for c in posts)


async def test_rate_limit_server_error_and_closed_dms_become_delivery_errors(fake, messenger):
    fake.fail("POST", rf"/channels/{ANNOUNCEMENTS}/messages", 429, retry_after=1.5)
    with pytest.raises(DeliveryError) as limited:
        await messenger.send(Destination("discord", "channel", "announcements"), Reply("x"), "")
    assert limited.value.retry_after == 1.5 and not limited.value.permanent
    fake.fail("POST", rf"/channels/{ANNOUNCEMENTS}/messages", 502)
    with pytest.raises(DeliveryError) as broken:
        await messenger.send(Destination("discord", "channel", "announcements"), Reply("x"), "")
    assert not broken.value.permanent and broken.value.retry_after is None
    assert len(fake.find("POST", rf"/channels/{ANNOUNCEMENTS}/messages")) == 2  # one attempt each, no hidden retry
    fake.closed_dms.add(ANA)
    with pytest.raises(DeliveryError) as closed:
        await messenger.send(Destination("discord", "dm", ANA), Reply("x"), "")
    assert closed.value.permanent and closed.value.code == "dm_closed"


async def test_group_is_one_dm_each_and_a_retry_skips_those_reached(fake, messenger):
    group = Destination("discord", "group", f"{ANA},{BEA},{CHE}")
    fake.closed_dms.add(BEA)
    fake.fail("POST", rf"/channels/{p.dm_channel_id(CHE)}/messages", 500)
    with pytest.raises(DeliveryError):
        await messenger.send(group, Reply("meet your peers"), "")
    await messenger.send(group, Reply("meet your peers"), "")
    assert len(fake.find("POST", rf"/channels/{p.dm_channel_id(ANA)}/messages")) == 1
    assert len(fake.find("POST", rf"/channels/{p.dm_channel_id(CHE)}/messages")) == 2  # failed once, then sent


async def test_outbox_honours_retry_after_and_falls_back_when_dms_are_closed(fake, tmp_path):
    # pacing off: the messenger's token bucket would also hold the 30 s Retry-After in real time
    settings = door_settings(fake, tmp_path / "bot.db", discord_api_rate=0.0)
    async with app_for(settings) as (app, clock), door(app, clock):
        outbox = app.services.outbox
        fake.fail("POST", rf"/channels/{p.dm_channel_id(ANA)}/messages", 429, retry_after=30)
        await outbox.send("t:1", Destination("discord", "dm", ANA), Reply("reminder"))
        assert await app.heartbeat.tick() == 0
        assert await outbox.next_due() == clock.now() + timedelta(seconds=30)
        clock.advance(timedelta(seconds=30))
        assert await app.heartbeat.tick() == 1

        fake.closed_dms.add(BEA)
        fallback = (Destination("discord", "channel", "announcements"), Reply("Bea, please open your DMs"))
        await outbox.send("t:2", Destination("discord", "dm", BEA), Reply("welcome"), fallback=fallback)
        await app.heartbeat.tick()
        [post] = await fake.messages_to(ANNOUNCEMENTS)
        assert post.body["content"] == "Bea, please open your DMs"
        row = await app.services.store.fetch_one("SELECT status, last_error FROM outbox WHERE idempotency_key='t:2'")
        assert row is not None and row["status"] == "failed" and "DMs closed" in row["last_error"]


async def test_buttons_keep_discord_limits(fake, messenger):
    buttons = (Button("A", "x.do", "1"), Button("A again", "x.do", "1"), Button("Long", "x.do", "v" * 120),
               *(Button(str(i), "x.n", str(i)) for i in range(30)))
    await messenger.send(Destination("discord", "channel", ANNOUNCEMENTS), Reply("many", buttons=buttons), "")
    [post] = await fake.messages_to(ANNOUNCEMENTS)
    ids = [c["custom_id"] for row in post.body["components"] for c in row["components"]]
    assert ids[:2] == ["x.do|1", "x.n|0"] and len(ids) == 25 and len(post.body["components"]) == 5


async def test_a_post_asking_for_a_thread_gets_one_once_even_when_retried(fake, messenger, caplog):
    help_post, key = Destination("discord", "channel", "announcements"), "faq.help:1"
    asked = Reply("Question Q-7K2F", thread="Q-7K2F · how do I  install\nit?")
    fake.fail("POST", rf"/channels/{ANNOUNCEMENTS}/messages/\d+/threads", 500)
    with pytest.raises(DeliveryError) as broken:  # the post is there, its thread is not: the outbox retries
        await messenger.send(help_post, asked, key)
    assert not broken.value.permanent
    first = await messenger.send(help_post, asked, key)
    again = await messenger.send(help_post, asked, key)
    assert first == again and list(fake.threads) == [first]  # the nonce returned the same message; one thread
    assert [m["id"] for m in fake.created[ANNOUNCEMENTS]] == [first]
    thread = fake.threads[first]
    assert thread["name"] == "Q-7K2F · how do I install it?" and thread["parent_id"] == ANNOUNCEMENTS
    assert thread["thread_metadata"]["auto_archive_duration"] == 10080
    assert len(fake.find("POST", rf"/channels/{ANNOUNCEMENTS}/messages/{first}/threads")) == 3  # 500, made, exists

    long_name = await messenger.send(help_post, Reply("Question Q-AAAAA", thread="Q-AAAAA · " + "why " * 60), "k2")
    assert long_name and len(fake.threads[long_name]["name"]) == 100 and fake.threads[long_name]["name"][-1] == "…"
    plain = await messenger.send(help_post, Reply("no thread asked"), "k3")
    assert plain not in fake.threads

    fake.fail("POST", rf"/channels/{ANNOUNCEMENTS}/messages/\d+/threads", 403, code=50013)  # Missing Permissions
    refused = await messenger.send(help_post, Reply("Question Q-BBBBB", thread="Q-BBBBB · x"), "k4")
    assert refused and refused not in fake.threads  # delivered all the same, and said in the log
    assert "Create Public Threads" in caplog.text
