"""The dashboard in headless Chromium (Debian's `chromium`, driven by Playwright; no browser is downloaded):
sign in with a one-time link, see a chart, change a status, sign out; each page's screenshot is not blank."""

from __future__ import annotations

import io
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from matplotlib import image as mpimg

from bot.app import lifespan
from bot.core.clock import SimClock
from bot.settings import Settings
from tests.fakes.desk_seed import seed
from tests.test_dashboard import admin_link

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed "
                                "(.ci/run installs it)")


def not_blank(png: bytes) -> bool:
    """A rendered page: many pixels, and more than a few distinct colours (text, tables, charts)."""
    pixels = mpimg.imread(io.BytesIO(png), format="png")
    height, width = pixels.shape[:2]
    colours = {tuple(p) for p in (pixels[::7, ::7, :3] * 255).astype(int).reshape(-1, 3).tolist()}
    return width >= 800 and height >= 300 and len(colours) > 10


async def test_sign_in_see_a_chart_change_a_status_and_sign_out(settings: Settings, clock: SimClock,
                                                                 tmp_path: Path) -> None:
    from playwright.async_api import async_playwright

    settings = replace(settings, dashboard_secret="browser-secret-" + "y" * 20)
    async with lifespan(settings=settings, clock=clock) as app:
        await seed(app.services.store, clock.now(), members=80, items=40)
        [[item_id]] = await app.services.store.fetch_all(
            "SELECT id FROM feedback_items WHERE status = 'new' ORDER BY id LIMIT 1")
        ref = f"FB-{item_id:04d}"
        await app.web.listen("127.0.0.1", 0)
        link = app.web.url(f"/dashboard/login?token={await admin_link(app, 'Chloé', 'fr')}")
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch_persistent_context(
                str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=FLAGS,
                viewport={"width": 1200, "height": 900})
            try:
                page = browser.pages[0] if browser.pages else await browser.new_page()
                await page.goto(link)
                await page.click("#sign-in")
                await page.wait_for_url("**/dashboard/")
                assert "Synthèse de la communauté" in await page.inner_text("h1")
                chart = page.locator('img[src$="/charts/members.png"]')
                assert await chart.evaluate("img => img.complete && img.naturalWidth") > 300
                shots = {"overview": await page.screenshot(full_page=True)}
                for name in ("webinars", "faq", "peers", "feedback"):
                    await page.click(f'nav a[href="/dashboard/{name}"]')
                    await page.wait_for_url(f"**/dashboard/{name}")
                    shots[name] = await page.screenshot(full_page=True)
                row = page.locator(f'tr[id="{ref}"]')
                await row.locator('select[name="status"]').select_option("planned")
                await row.locator('button[type="submit"]').click()
                await page.wait_for_selector("#changed")
                assert ref in await page.inner_text("#changed")
                await page.click("#sign-out")
                await page.wait_for_selector("#message")
                response = await page.goto(app.web.url("/dashboard/"))
                assert response is not None and response.status == 401
            finally:
                await browser.close()
        [[status]] = await app.services.store.fetch_all("SELECT status FROM feedback_items WHERE id = ?",
                                                        (item_id,))
    assert status == "planned"
    for name, png in shots.items():
        (tmp_path / f"{name}.png").write_bytes(png)
        assert not_blank(png), f"the {name} page rendered blank"
