"""The admin dashboard over HTTP (issue 21 #2): one-time links, signed session cookies, 401 without a session,
CSRF on forms, expiry, sign-out, and a status change told to the author and voters like the buttons do."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta

import aiohttp

from bot.app import App, lifespan
from bot.core.clock import SimClock
from bot.core.model import Actor
from bot.dashboard.auth import COOKIE, Auth
from bot.settings import Settings
from bot.store import members as member_sql
from tests.conftest import ConsoleFactory
from tests.fakes.desk_seed import seed

PAGES = ("/dashboard/", "/dashboard/feedback", "/dashboard/webinars", "/dashboard/faq", "/dashboard/peers",
         "/dashboard/charts/members.png")


@asynccontextmanager
async def served(settings: Settings, clock: SimClock) -> AsyncIterator[App]:
    settings = replace(settings, dashboard_secret="test-secret-" + "x" * 20, http_port=0)
    async with lifespan(settings=settings, clock=clock) as app:
        await app.web.listen("127.0.0.1", 0)
        yield app


async def admin_link(app: App, name: str = "Ana", locale: str | None = None) -> str:
    async with app.services.store.transaction() as db:
        member = await member_sql.upsert(db, Actor("slack", f"U-{name}", name), app.services.clock.now())
        await member_sql.set_admin(db, member.id, True)
        await member_sql.set_locale(db, member.id, locale)
    return await Auth(app.services).new_link(member.id)


async def sign_in(app: App, http: aiohttp.ClientSession, token: str) -> aiohttp.ClientResponse:
    async with http.get(app.web.url(f"/dashboard/login?token={token}")) as page:
        assert page.status == 200 and 'name="token"' in await page.text()
    return await http.post(app.web.url("/dashboard/login"), data={"token": token}, allow_redirects=False)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)  # type: ignore[union-attr]


async def test_every_page_needs_a_session_and_a_link_works_once(settings: Settings, clock: SimClock) -> None:
    async with served(settings, clock) as app:
        await seed(app.services.store, clock.now(), members=30, items=12)
        token = await admin_link(app)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            for path in PAGES:
                async with http.get(app.web.url(path)) as response:
                    assert response.status == 401, path
            response = await sign_in(app, http, token)
            assert response.status == 303
            cookie = response.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/dashboard" in cookie
            assert token not in cookie
            for path in PAGES:
                async with http.get(app.web.url(path)) as page:
                    assert page.status == 200, path
                    assert page.headers["Cache-Control"] == "no-store"
                    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
            again = await http.post(app.web.url("/dashboard/login"), data={"token": token}, allow_redirects=False)
            assert again.status == 401  # used once
        async with aiohttp.ClientSession() as stranger:
            forged = {COOKIE: cookie.split(";")[0].split("=", 1)[1].split(".")[0] + ".0000"}
            async with stranger.get(app.web.url("/dashboard/"), cookies=forged) as response:
                assert response.status == 401
        [[links]] = await app.services.store.fetch_all("SELECT COUNT(*) FROM dashboard_links")
        [[stored]] = await app.services.store.fetch_all("SELECT session_hash FROM dashboard_sessions")
    assert links == 0 and len(stored) == 64 and stored not in cookie  # only a hash is kept


async def test_links_and_sessions_expire_and_sign_out_ends_a_session(settings: Settings, clock: SimClock) -> None:
    async with served(settings, clock) as app:
        late = await admin_link(app)
        clock.set(clock.now() + timedelta(minutes=10, seconds=1))
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            assert (await sign_in(app, http, late)).status == 401
            assert (await sign_in(app, http, await admin_link(app))).status == 303
            clock.set(clock.now() + timedelta(hours=8, seconds=1))
            async with http.get(app.web.url("/dashboard/feedback")) as response:
                assert response.status == 401
            assert (await sign_in(app, http, await admin_link(app))).status == 303
            async with http.get(app.web.url("/dashboard/webinars")) as page:
                token = csrf_of(await page.text())
            async with http.post(app.web.url("/dashboard/logout"), data={"csrf": "0" * 64}) as refused:
                assert refused.status == 403
            async with http.post(app.web.url("/dashboard/logout"), data={"csrf": token}) as bye:
                assert bye.status == 200
            async with http.get(app.web.url("/dashboard/webinars")) as response:
                assert response.status == 401


async def test_a_status_change_tells_the_author_and_voters_and_needs_csrf(settings: Settings,
                                                                          clock: SimClock) -> None:
    async with served(settings, clock) as app:
        seeded = await seed(app.services.store, clock.now(), members=30, items=12)
        store = app.services.store
        [[item_id, author]] = await store.fetch_all(
            "SELECT i.id, i.member_id FROM feedback_items i WHERE i.status = 'new' AND i.anonymous = 0"
            " AND EXISTS (SELECT 1 FROM feedback_votes v WHERE v.item_id = i.id) ORDER BY i.id LIMIT 1")
        voters = {int(r[0]) for r in await store.fetch_all(
            "SELECT member_id FROM feedback_votes WHERE item_id = ? AND member_id != ?", (item_id, author))}
        assert seeded.items == 12 and voters
        ref = f"FB-{item_id:04d}"
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            await sign_in(app, http, await admin_link(app, "Chloé", "fr"))
            async with http.get(app.web.url("/dashboard/feedback?status=new&votes=1")) as page:
                html = await page.text()
            assert ref in html and "Tableau des retours" in html
            form = {"status": "planned", "note": "", "duplicate_of": "", "back": "status=new&votes=1"}
            async with http.post(app.web.url(f"/dashboard/feedback/{ref}/status"), data=form) as refused:
                assert refused.status == 403
            [[status]] = await store.fetch_all("SELECT status FROM feedback_items WHERE id = ?", (item_id,))
            assert status == "new"  # nothing changed without the token
            form["csrf"] = csrf_of(html)
            async with http.post(app.web.url(f"/dashboard/feedback/{ref}/status"), data=form,
                                 allow_redirects=False) as done:
                assert done.status == 303
                assert done.headers["Location"] == f"/dashboard/feedback?status=new&votes=1&changed={ref}"
            async with http.get(app.web.url(f"/dashboard/feedback?status=planned&changed={ref}")) as page:
                assert f"{ref}\u00a0: statut modifié" in await page.text()
            form["status"] = "no-such-status"
            async with http.post(app.web.url(f"/dashboard/feedback/{ref}/status"), data=form) as bad:
                assert bad.status == 400 and 'id="error"' in await bad.text()
        [[status]] = await store.fetch_all("SELECT status FROM feedback_items WHERE id = ?", (item_id,))
        keys = [str(r[0]) for r in await store.fetch_all(
            "SELECT idempotency_key FROM outbox WHERE idempotency_key LIKE ?", (f"feedback:{item_id}:change:%",))]
    assert status == "planned"
    told = {int(k.rsplit(":", 1)[1]) for k in keys if ":voter:" in k}
    assert told == voters and any(k.endswith(":dm") for k in keys)


async def test_dashboard_command_dms_a_private_link(console: ConsoleFactory, settings: Settings) -> None:
    configured = replace(settings, dashboard_secret="s" * 32, public_url="https://desk.example.org")
    async with console(user="ana", app_settings=configured) as session:
        refused = await session.send("/dashboard")
    assert "desk.example.org" not in refused
    async with console(user="admin", lang="fr", app_settings=configured) as session:
        out = await session.send("/tableau-de-bord")
        rows = await session.app.services.store.fetch_all(
            "SELECT payload FROM outbox WHERE idempotency_key LIKE 'dashboard:link:%'")
    assert "Je vous ai envoyé un lien de connexion" in out
    assert "https://desk.example.org/dashboard/login?token=" in out  # the DM, delivered at once in the console
    assert rows == []  # a private outbox row: deleted once delivered, the token kept nowhere
    async with console(user="admin", app_settings=settings) as session:  # no secret: not served
        assert "BOT_DASHBOARD_SECRET" in await session.send("/dashboard")
