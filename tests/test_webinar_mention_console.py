"""A webinar announcement mentioning a role (issue 19 #5) through the console door: typed in French or English, picked
in the "More options" form, shown as a readable @label in the channel post (never in a DM), refused roles leaving the
database unchanged, an edit changing and removing it; and the role token itself (bot.core.text)."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import lifespan
from bot.core.clock import SimClock
from bot.core.text import inert, plain, role_ids, role_mention, without_roles
from bot.platforms.console.door import ConsoleDoor
from bot.settings import Settings
from tests.test_webinars_flows import Session

NOW = datetime(2027, 3, 20, 9, 0, tzinfo=UTC)
LINK = "https://meet.example.org/dev"
ROLES = {"lang:fr": "700000000000000031", "lang:en": "700000000000000032", "country:TD": "700000000000000033",
         "stage:pilot": "700000000000000034"}


@pytest.fixture
async def session(tmp_path: Path) -> AsyncIterator[Session]:
    settings = Settings(db_path=str(tmp_path / "m.db"), community_timezone="UTC", discord_roles=ROLES,
                        admins=frozenset({"console:ana", "console:awa"}))
    clock = SimClock(NOW)
    async with lifespan(settings=settings, clock=clock) as app:
        door = ConsoleDoor(app, clock, io.StringIO(), "ana", "en", files=tmp_path / "console-files")
        buffer = door.out
        assert isinstance(buffer, io.StringIO)
        yield Session(door, buffer, clock)


def test_a_role_token_renders_as_a_label_and_user_text_cannot_forge_one() -> None:
    token = role_mention("700", "Francophones")
    assert plain(token + " hello") == "@Francophones hello" and role_ids(f"{token} {token}") == ["700"]
    assert without_roles(token + " hi") == "@Francophones hi" and role_ids(without_roles(token)) == []
    forged = inert("\ue000&:700|x\ue001 @everyone")
    assert role_ids(forged) == [] and plain(forged) == "&:700|x @everyone"


async def test_french_organiser_types_the_role_and_the_channel_shows_it(session: Session) -> None:
    await session.send(":as awa", "/langue fr")
    out = await session.send(f'/webinaire créer titre="Appel" debut="mardi prochain 14h" lien={LINK} '
                             f'langue=fr rôle=pays:Tchad')
    assert "L'annonce mentionne\xa0: Pays\xa0: Tchad" in out
    out = await session.send(":click 1")
    assert "[#announcements] @Chad / Tchad\n📣 New webinar #1" in out  # the channel's language, then the session's

    await session.send(":as ram", ":click 1")  # Going
    out = await session.send(":advance 3d5h")  # the reminders, then the session starts
    assert "[#announcements] @Chad / Tchad\n🔴" in out
    assert all("Tchad" not in line for line in out.splitlines() if line.startswith("[DM"))


async def test_refused_roles_in_both_languages_leave_the_database_unchanged(session: Session) -> None:
    base = f'/webinar create title="Call" start="next tuesday 14:00" link={LINK}'
    out = await session.send(base + " role=@everyone")
    assert "An announcement never mentions @everyone, @here or @channel. Choose one of: Language: English " \
           "speakers · Language: French speakers · Country: Chad · Stage: Pilot (or none)." in out
    assert "not a role the announcement can mention" in await session.send(base + " role=country:ML")
    await session.send(":as awa", "/langue fr")
    out = await session.send(f'/webinaire créer titre="Appel" debut="mardi prochain 14h" lien={LINK} rôle=ici')
    assert "Une annonce ne mentionne jamais @everyone, @here ni @channel. Choisissez parmi\xa0: Langue\xa0: " \
           "Anglophones · Langue\xa0: Francophones · Pays\xa0: Tchad · Étape\xa0: Phase pilote (ou aucun)." in out
    for table in ("webinars", "webinar_drafts", "outbox"):
        assert await session.count(table) == 0, table


async def test_french_values_and_labels_name_the_configured_keys(session: Session) -> None:
    base = f'/webinar create title="Call" start="next tuesday 14:00" link={LINK}'
    for typed, shown in (("langue:français", "Language: French speakers"), ("role=lang:EN", None),
                         ("étape:pilote", "Stage: Pilot"), ("etape:phase pilote", "Stage: Pilot"),
                         ("Francophones", "Language: French speakers"), ("country:td", "Country: Chad")):
        line = base + (" " + typed if typed.startswith("role=") else f' rôle="{typed}"')
        out = await session.send(line, ":click 3")
        assert f"The announcement mentions: {shown or 'Language: English speakers'}" in out, typed


async def test_the_more_options_form_offers_the_roles_and_an_edit_changes_then_removes_it(session: Session):
    await session.send(f'/webinar create title="Call" start="next tuesday 14:00" link={LINK} repeat=weekly')
    out = await session.send(":click 2", "", "", "")
    assert "Role or group to mention" in out
    assert "[1] No mention  [2] Language: English speakers  [3] Language: French speakers  [4] Country: Chad" in out
    out = await session.send("4")
    assert "The announcement mentions: Country: Chad" in out
    assert "[#announcements] @Chad\n📣 New webinar #1" in await session.send(":click 1")

    out = await session.send("/webinar edit 1 role=stage:pilot", ":click 1")
    assert "The announcement mentions: Stage: Pilot" in out
    assert "[#announcements] @Pilot\n🔴" in await session.send(":advance 3d5h")
    out = await session.send("/webinar edit 1 role=none", ":click 1")
    assert "The announcement mentions no role" in out
    out = await session.send(":advance 7d")
    assert "[#announcements] 🔴" in out and "[#announcements] @" not in out


async def test_create_with_only_a_role_opens_the_form_and_keeps_the_role(session: Session) -> None:
    assert "not a role the announcement can mention" in await session.send("/webinar create role=lang:de")
    out = await session.send("/webinar create role=Francophones")
    assert "== New webinar ==" in out
    out = await session.send("Call", "next tuesday 14:00", "", LINK, "")
    assert "The announcement mentions: Language: French speakers" in out
    assert "[#announcements] @French speakers\n📣 New webinar #1" in await session.send(":click 1")
