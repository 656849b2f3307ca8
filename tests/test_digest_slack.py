"""The weekly digest on Slack (issue 21 #1): the summary posted to the coordination channel, then each chart
uploaded there as a PNG file, through the outbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.clock import SimClock
from bot.services.digest_job import DigestJob
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
