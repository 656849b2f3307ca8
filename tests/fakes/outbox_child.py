"""A process that delivers the outbox through one door's messenger until nothing is left (for kill tests).

`python -m tests.fakes.outbox_child slack|discord DB API_URL`: opens the app on DB with its delivery loop
(leases of one second, so the rows a killed process left mid-send come back, in doubt, a second after it
died), registers the door's real messenger against the fake at API_URL; prints "done" and exits when every
message is sent.
"""

from __future__ import annotations

import asyncio
import sys

from bot.app import lifespan
from bot.core.clock import RealClock
from bot.settings import Settings
from bot.store import outbox as outbox_sql


async def main(platform: str, db: str, api_url: str) -> None:
    settings = Settings(db_path=db, slack_bot_token="xoxb-test", slack_signing_secret="s", slack_api_url=api_url,
                        slack_api_rate=0, discord_token="fake-token", discord_api_url=api_url, discord_api_rate=0,
                        outbox_base_delay_seconds=1, outbox_lease_seconds=1.0, outbox_poll_seconds=0.2)
    async with lifespan(settings=settings, clock=RealClock(), deliver=True) as app:
        if platform == "slack":
            from bot.platforms.slack.door import SlackDoor

            app.services.outbox.register(SlackDoor(app).messenger)
        else:
            from bot.platforms.discord.messenger import DiscordMessenger

            messenger = DiscordMessenger("fake-token", api_url, {})
            await messenger.start()
            app.services.outbox.register(messenger)
        print("started", flush=True)
        while True:
            async with app.services.store.transaction() as conn:
                counts = await outbox_sql.counts(conn)
            if not counts.get("pending") and not counts.get("sending"):
                break
            await asyncio.sleep(0.05)
    print("done", flush=True)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
