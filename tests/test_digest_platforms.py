"""The weekly digest on Slack and Discord (issue 21 #1): the summary posted to the coordination channel, then each chart
uploaded (Slack) or attached (Discord) there as a PNG file, through the outbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.clock import SimClock
from bot.services.digest.job import DigestJob
from bot.settings import Settings
from tests.fakes.desk_seed import seed
from tests.fakes.slack_harness import slack_rig

PNG = b"\x89PNG\r\n\x1a\n"


async def test_the_digest_is_posted_with_its_charts_as_uploads(settings: Settings, clock: SimClock) -> None:
    settings = replace(settings, slack_channels={"coordination": "C0DESK"}, digest_weekday=clock.now().weekday(),
                       digest_time="23:59")
    async with slack_rig(settings, clock) as rig:
        await seed(rig.app.services.store, clock.now(), members=40, items=20)
        job = DigestJob()
        due = await job.next_due(rig.app.services, clock.now())
        assert due is not None
        clock.set(due + timedelta(seconds=1))
        await rig.app.heartbeat.tick()
        # (the seeded peer round's check-ins go out to members' DMs at the same beat)
        posts = await rig.slack.wait_for(lambda s: [c for c in s.calls_to("chat.postMessage")
                                                    if c.args["channel"] == "C0DESK"])
        await rig.slack.wait_call("files.completeUploadExternal", 6)
        posts = [c for c in rig.slack.calls_to("chat.postMessage") if c.args["channel"] == "C0DESK"]
        assert "Community digest" in posts[0].args["text"]  # then each chart's caption, with its file
        assert [p.args["text"] for p in posts[1:]][:2] == ["New members", "Onboarding of the new members"]
        completed = rig.slack.calls_to("files.completeUploadExternal")
        assert {c.args["channel_id"] for c in completed} == {"C0DESK"}
        uploads = list(rig.slack.uploads.values())
        assert len(uploads) == 6 and all(body.startswith(PNG) for body in uploads)
        await rig.app.heartbeat.tick()  # the next beat sends nothing more
        assert len(rig.slack.calls_to("files.completeUploadExternal")) == 6


async def test_the_digest_reaches_discord_as_attachments(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.fakes.discord import FakeDiscord
    from tests.fakes.discord_harness import app_for, door, door_settings

    fake = await FakeDiscord().start()
    try:
        desk = "900000000000009900"
        settings = door_settings(fake, tmp_path / "bot.db", discord_channels={"coordination": desk},
                                 digest_time="23:59")
        async with app_for(settings) as (app, clock), door(app, clock):
            await seed(app.services.store, clock.now(), members=40, items=20)
            due = await DigestJob().next_due(app.services, clock.now())
            assert due is not None
            clock.set(due + timedelta(seconds=1))
            await app.heartbeat.tick()
            rows = await app.services.store.fetch_all(
                "SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'digest:%'")
            posts = await fake.messages_to(desk, int(rows[0][0]))
    finally:
        await fake.close()
    assert "Community digest" in posts[0].body["content"] and not posts[0].files
    files = [name for post in posts[1:] for name in post.files]
    charts = ["members.png", "onboarding.png", "faq.png", "webinars.png", "peers.png", "feedback.png"]
    assert len(files) == len(posts) - 1 >= 3 and files == [c for c in charts if c in files]  # one each, in order
    assert all(data.startswith(PNG) for post in posts[1:] for data in post.files.values())
