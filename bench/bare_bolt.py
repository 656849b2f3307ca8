"""The baseline (its own process): a bare slack-bolt AsyncApp whose /help listener only acks.

Served exactly like our door's HTTP mode (aiohttp, bolt's aiohttp adapter, signature verification on),
so the ratio compares our listeners and core with bolt itself. `python -m bench.bare_bolt PORT SECRET API_URL`.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


async def serve(port: int, secret: str, api_url: str) -> None:
    bolt = AsyncApp(client=AsyncWebClient(token="xoxb-bare", base_url=api_url),
                    signing_secret=secret)  # same middleware as the door (token checked once with auth.test)

    @bolt.command("/help")
    async def only_ack(ack: Any) -> None:
        await ack()

    async def handle(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), sys.argv[2], sys.argv[3]))
