"""The process's one HTTP server: routes added before and after it listens, path segments, 404/405,
and Slack HTTP mode sharing the server that BOT_HTTP_PORT opened."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import aiohttp
import pytest
from aiohttp import web

from bot.app import lifespan
from bot.commands.run import start_http
from bot.core.clock import SimClock
from bot.platforms.http import WebServer
from bot.platforms.slack.door import EVENTS_PATH, SlackDoor
from bot.settings import Settings, SettingsError
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_payloads import SECRET

WAIT = 10


async def echo(request: web.Request) -> web.Response:
    return web.Response(text=f"{request.method} {dict(request.match_info)}")


async def test_routes_added_before_and_after_listening_are_served() -> None:
    server = WebServer()
    server.add("GET", "/first", echo)
    port = await server.listen("127.0.0.1", 0)
    try:
        server.add("POST", "/items/{ref}/status", echo)
        async with aiohttp.ClientSession() as session:
            async with session.get(server.url("/first")) as response:
                assert (response.status, await response.text()) == (200, "GET {}")
            async with session.post(f"http://127.0.0.1:{port}/items/FB-0042/status") as response:
                assert await response.text() == "POST {'ref': 'FB-0042'}"
            async with session.get(server.url("/items/FB-0042/status")) as response:
                assert (response.status, response.headers["Allow"]) == (405, "POST")
            async with session.get(server.url("/items/a/b/status")) as response:
                assert response.status == 404  # a segment never spans a slash
            server.remove("/first")
            async with session.get(server.url("/first")) as response:
                assert response.status == 404
    finally:
        await server.close()


def test_a_route_defined_twice_or_without_a_slash_is_refused() -> None:
    server = WebServer()
    server.add("GET", "/x", echo)
    with pytest.raises(ValueError, match="twice"):
        server.add("get", "/x", echo)
    with pytest.raises(ValueError, match="starts with /"):
        server.add("GET", "x", echo)


async def test_a_second_listen_keeps_the_first_socket() -> None:
    server = WebServer()
    first = await server.listen("127.0.0.1", 0)
    try:
        assert await server.listen("127.0.0.1", 0) == first
    finally:
        await server.close()


async def test_slack_http_mode_shares_the_server_bot_http_port_opened(settings: Settings, clock: SimClock) -> None:
    async with FakeSlack() as slack:
        settings = replace(settings, slack_bot_token="xoxb-test", slack_api_url=slack.api_url,
                           slack_signing_secret=SECRET, http_port=0)
        async with lifespan(settings=settings, clock=clock) as app:
            await start_http(app)
            shared = app.web.port
            app.web.add("GET", "/ping", echo)
            door = SlackDoor(app, port=0, host="127.0.0.1")
            ready = asyncio.Event()
            task = asyncio.create_task(door.run(ready))
            try:
                async with asyncio.timeout(WAIT):
                    await ready.wait()
                assert door.port == shared
                async with aiohttp.ClientSession() as session:
                    async with session.post(app.web.url(EVENTS_PATH), data="{}") as response:
                        assert response.status == 401  # bolt's own answer to an unsigned request
                    async with session.get(app.web.url("/ping")) as response:
                        assert response.status == 200
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
            assert all(r.template != EVENTS_PATH for r in app.web.routes)  # the stopped door took its route
        assert not app.web.listening


async def test_an_unusable_http_port_is_a_configuration_error(settings: Settings, clock: SimClock) -> None:
    async with lifespan(settings=replace(settings, http_port=70000), clock=clock) as app:
        with pytest.raises(SettingsError, match="BOT_HTTP_PORT"):
            await start_http(app)


def test_bot_http_port_from_the_environment() -> None:
    assert Settings.from_env({"BOT_HTTP_PORT": "8080"}, env_file=None).http_port == 8080
    assert Settings.from_env({}, env_file=None).http_port is None
    with pytest.raises(SettingsError, match="BOT_HTTP_PORT"):
        Settings.from_env({"BOT_HTTP_PORT": "eighty"}, env_file=None)
