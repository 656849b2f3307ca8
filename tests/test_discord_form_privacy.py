"""A form corrected after errors on Discord keeps no copy of the typed answers once handed in."""

from __future__ import annotations

import sqlite3
from typing import Any

from tests.fakes import discord_payloads as p
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_harness import app_for, door, door_settings

AWA = p.user("900000000000008003", "Awa")
SECRET_TEXT = "Le bouton Enregistrer de la page des assures ne repond pas"


def buttons_of(data: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in data.get("components", []) for c in row["components"]]


async def test_anonymous_feedback_corrected_after_errors_leaves_no_typed_text_with_the_author(tmp_path):
    fake = await FakeDiscord().start()
    try:
        async with app_for(door_settings(fake, tmp_path / "bot.db")) as (app, clock), door(app, clock):
            picker = (await fake.interact(p.slash(AWA, "feedback", locale="fr")))["data"]
            module = next(b for b in buttons_of(picker) if b.startswith("feedback.new|"))
            modal = (await fake.interact(p.press(AWA, module, locale="fr")))["data"]
            category = modal["components"][0]["component"]["options"][0]["value"]
            bad = {"category": ["nope"], "rating": ["4"], "description": SECRET_TEXT, "steps": "",
                   "anonymous": ["yes"]}
            errors = (await fake.interact(p.submit(AWA, modal["custom_id"], bad, locale="fr")))["data"]
            stored = await app.services.store.fetch_all("SELECT body FROM discord_forms")
            assert any(SECRET_TEXT in row[0] for row in stored)  # kept while the member corrects it
            reopened = (await fake.interact(p.press(AWA, buttons_of(errors)[0], locale="fr")))["data"]
            good = {**bad, "category": [category]}
            filed = await fake.interact(p.submit(AWA, reopened["custom_id"], good, locale="fr"))
            assert "FB-0001" in filed["data"]["content"]
    finally:
        await fake.close()
    with sqlite3.connect(tmp_path / "bot.db") as conn:
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                text = " ".join(str(v) for v in row)
                assert not (SECRET_TEXT in text and AWA["id"] in text), f"{table} links the text to its author"
        assert conn.execute("SELECT COUNT(*) FROM feedback_items WHERE member_id IS NULL").fetchone()[0] == 1
