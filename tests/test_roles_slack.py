"""User groups kept in step with the profile on Slack (issue 19 #5), through the fake Slack Web API."""

from __future__ import annotations

from bot.core.clock import SimClock
from bot.settings import Settings
from tests.fakes import slack_payloads as sp
from tests.fakes.slack_harness import slack_rig

GROUPS = {"lang:fr": "S0FR", "lang:en": "S0EN", "country:TD": "S0TD", "country:NE": "S0NE", "stage:pilot": "S0PILOT"}
USERS = (("U1", "Ana", "en-US"), ("U2", "Awa", "fr-FR"), ("U9", "Zoé", "fr-FR"))


def members(rig, group: str) -> list[str]:
    return rig.slack.usergroups[group]


async def test_french_member_joins_groups_from_the_profile_and_leaves_them_on_forget_me(
        settings: Settings, clock: SimClock) -> None:
    async with slack_rig(settings, clock, users=USERS, slack_usergroups=GROUPS) as rig:
        for group in GROUPS.values():
            rig.slack.add_usergroup(group, "U9")  # Slack keeps at least one member in a group
        outbox = rig.app.services.outbox
        await rig.side.command(sp.command(rig.slack, "profil", "pays Tchad", user="U2", channel="DU2"))
        await rig.settled("done", 1)
        await outbox.deliver_due()
        assert members(rig, "S0FR") == ["U9", "U2"] and members(rig, "S0TD") == ["U9", "U2"]
        assert "U2" not in members(rig, "S0EN") + members(rig, "S0NE")

        await rig.side.command(sp.command(rig.slack, "profil", "pays Niger", user="U2", channel="DU2"))
        await rig.side.command(sp.command(rig.slack, "profil", "étape pilote", user="U2", channel="DU2"))
        await rig.settled("done", 3)
        await outbox.deliver_due()  # one update (the latest) reaches Slack
        assert members(rig, "S0TD") == ["U9"] and members(rig, "S0NE") == ["U9", "U2"]
        assert members(rig, "S0PILOT") == ["U9", "U2"]
        assert len(rig.slack.calls_to("usergroups.users.update")) == 5  # fr, TD, then TD, NE, pilot

        await rig.side.command(sp.command(rig.slack, "oubliez-moi", user="U2", channel="DU2"))
        await rig.settled("done", 4)
        confirm = next(e for c in rig.slack.calls if c.method == "response_url" for b in c.args.get("blocks", [])
                       if b["type"] == "actions" for e in b["elements"] if e["action_id"].startswith("privacy.forget"))
        await rig.side.interactive(sp.block_action(rig.slack, confirm["action_id"], confirm["value"], user="U2"))
        await rig.settled("done", 5)
        await outbox.deliver_due()
        assert all(members(rig, group) == ["U9"] for group in GROUPS.values())
        async with rig.app.services.store.transaction() as db:
            rows = await db.execute_fetchall("SELECT target, payload FROM outbox")
        assert not [r for r in rows if "U2" in str(r[0])]


async def test_an_unknown_group_is_reported_and_the_others_still_change(settings: Settings, clock: SimClock) -> None:
    async with slack_rig(settings, clock, users=USERS, slack_usergroups=GROUPS) as rig:
        rig.slack.add_usergroup("S0EN", "U9")  # the others were deleted on Slack
        await rig.side.command(sp.command(rig.slack, "profile", "country Chad", user="U1", channel="DU1"))
        await rig.settled("done", 1)
        await rig.app.services.outbox.deliver_due()
        assert members(rig, "S0EN") == ["U9", "U1"]
        async with rig.app.services.store.transaction() as db:
            failed = [r[0] for r in await db.execute_fetchall("SELECT last_error FROM outbox WHERE status = 'failed'")]
        assert len(failed) == 1 and "S0TD: no_such_subteam" in failed[0] and "U1" not in failed[0]
