"""Peer matching through the console door: the issue's "Done when" journey (four members join -> :advance to
the round -> intros in the right language -> check-in -> answers in stats), pauses after ignored check-ins,
the unmatched notice, exclusions by name, snooze, leave, admin commands and idempotent replays."""

from __future__ import annotations

from datetime import timedelta

from bot.services.peers import run_round
from bot.store import members
from bot.store import peers as sql
from tests.conftest import ConsoleFactory, ConsoleSession

PEOPLE = [
    ("ana", "en", "stage=exploration languages=en country=TZ interests=claims consent=yes"),
    ("bea", "fr", "stage=pilot languages=fr,en country=CM interests=enrolment consent=oui"),
    ("cai", "en", "stage=adaptation languages=en country=NP interests=claims,payments consent=yes"),
    ("dan", "fr", "stage=pilot languages=fr country=NE interests=enrolment consent=yes"),
]


async def join_all(session: ConsoleSession, people: list[tuple[str, str, str]]) -> str:
    out = ""
    for name, lang, args in people:
        out += await session.send(f":join {name} {lang}", f":as {name}", f"/peers join {args}")
    return out + await session.send(":as admin")


def lines_to(out: str, where: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(f"[{where}]")]


async def test_done_when_journey(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        joined = await join_all(session, PEOPLE)
        assert "You are in! At the next round (Monday 7 December 2026, 09:00 (UTC))" in joined
        assert "C'est fait ! Au prochain tour (lundi 7 décembre 2026, 09:00 (UTC))" in joined

        out = await session.send(":advance 7d")  # Tuesday 1 December -> the round on Monday 7 December
        english = "\n".join(out.split("[group ana, cai]")[1:])
        assert "Hello @ana, @cai! You are peers for this round" in out
        assert "you share an interest in claims" in english and "you all speak English" in english
        assert "Bonjour @bea, @dan ! Vous êtes pairs pour ce tour" in out
        assert "vous êtes à la même étape : Phase pilote" in out and "vous parlez tous français" in out
        assert out.count("1. ") >= 2 and out.count("2. ") >= 2  # two conversation starters each

        out = await session.send(":advance 11d")  # check-in three days before the end (18 December)
        assert "[DM dan] Le tour touche à sa fin. Avez-vous rencontré @bea ?" in out
        assert "[DM ana] The peer round is nearly over. Did you meet @cai?" in out
        assert "[1] Oui  [2] Pas encore  [3] Non" in out

        assert "Formidable" in await session.send(":as dan", ":click 1")
        assert "Formidable" in await session.send(":click 1")  # pressed twice: still one answer
        assert "There is still time" in await session.send(":as cai", ":click 2")
        stats = await session.send(":as admin", "/peers stats")
        assert "Participants: 4 active (0 snoozed), 0 paused, 0 left" in stats
        assert "Rounds: 1, groups: 2" in stats
        assert "Meeting rate: 50% (met: 1, groups that answered: 2)" in stats
        assert "Check-in answers: 1 yes, 1 not yet, 0 no, 2 no answer" in stats
        assert "• Pilot: 2, 1 answered, 1 met (100% of answers)" in stats
        assert "• Adaptation (configuration, customisation, integration): 1, 1 answered, 0 met (0%" in stats
        assert "• fr: 1, 1 answered, 1 met (100% of answers)" in stats


async def test_three_ignored_check_ins_pause_with_a_button_to_come_back(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await join_all(session, PEOPLE[1:3])
        out = await session.send(":advance 48d")  # rounds 7 Dec, 21 Dec, 4 Jan; the third closes 18 Jan
        assert out.count("Le tour touche à sa fin") == 3
        assert not lines_to(out, "DM bea") or "mis en pause" not in out
        out = await session.send(":advance 1d")
        assert "[DM bea] Je n'ai pas eu de nouvelles de vous depuis 3 tours" in out
        assert "[DM cai] I have not heard back from you for 3 rounds" in out
        assert "[group" not in out  # paused members are not in the round of 18 January
        assert "Welcome back!" in await session.send(":as cai", ":click 1")
        assert "You take part in peer matching." in await session.send("/peers status")
        assert "Welcome back!" in await session.send(":click 1")  # an old button again: harmless
        async with session.app.services.store.transaction() as db:
            bea = await members.by_name(db, "console", "bea")  # ids have gaps on PostgreSQL (upserts use them)
            assert bea is not None and (await sql.participant(db, bea.id)) is not None
            statuses = {p.status for p in await sql.all_participants(db)}
        assert statuses == {"active", "paused"}


async def test_unmatched_members_are_told_why(console: ConsoleFactory) -> None:
    nepali = ("ram", "en", "stage=pilot languages=ne country=NP interests=claims consent=yes")
    async with console(user="admin") as session:
        await join_all(session, [*PEOPLE[:2], nepali])
        preview = await session.send("/peers round preview")
        assert "• not matched: ram (nobody else available speaks one of their languages)" in preview
        assert "[group" not in preview  # a preview sends nothing
        asked = await session.send("/peers round now")
        assert "3 participants will hear from me: 1 group introduced, 1 member told why" in asked
        out = await session.send(":click 1")
        assert "Round 1 planned: 1 group, 1 member not matched." in out
        assert "[DM ram] I could not match you in this round: nobody else in this round speaks" in out
        assert "[group ana, bea] Hello @ana, @bea!" in out  # both speak English; ana's language first
        again = await session.send("/peers round now")  # ana and bea are in round 1; ram alone: no group
        assert "No round started: 1 participant available, not enough for a group (2 others" in again


async def test_exclude_by_name_snooze_and_leave(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await join_all(session, PEOPLE)
        out = await session.send(":as bea", "/peers exclude @dan")
        assert "je ne vous mettrai jamais en relation avec dan" in out
        assert "Je ne connais pas de membre nommé nobody" in await session.send("/peers exclude nobody")
        assert "Vous ne pouvez pas vous exclure" in await session.send("/peers exclude bea")
        out = await session.send(":as cai", "/peers snooze until 2026-12-20")
        assert "Snoozed: no introductions for you until Sunday 20 December 2026" in out
        assert "Please give a future date" in await session.send("/peers snooze until yesterday-ish")
        out = await session.send(":as admin", "/peers round preview")
        assert "cai" not in out.split("\n", 1)[1]
        assert "bea, dan" not in out
        out = await session.send(":as ana", "/peers leave", "/peers status")
        assert "You left peer matching" in out
        assert "ana" not in (await session.send(":as admin", "/peers round preview")).split("\n", 1)[1]


async def test_join_asks_for_what_is_missing_and_respects_consent(console: ConsoleFactory) -> None:
    async with console(user="eve") as session:
        out = await session.send("/peers join mentor country=XX")
        assert "two-letter code" in out
        out = await session.send("/peers join mentor country=cm")
        assert "== Join peer matching ==" in out and "Where is your openIMIS implementation now?" in out
        assert "Your country" not in out  # already given inline
        out = await session.send("4", "1,2", "2", "no")
        assert "I will not introduce you to anyone" in out
        out = await session.send("/peers join mentor consent=yes")
        assert "You are in, as someone looking for a mentor!" in out
        assert "You asked for a mentor" in await session.send("/peers status")


async def test_admin_subcommands_are_refused_to_members(console: ConsoleFactory) -> None:
    async with console(user="zoe") as session:
        for line in ("/peers stats", "/peers round now", "/peers round preview"):
            assert "only community admins" in await session.send(line)
        assert "I do not know \"/peers dance\"" in await session.send("/peers dance")


async def test_replayed_round_queues_nothing_new(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await join_all(session, PEOPLE)
        services = session.app.services
        slot = services.clock.now() + timedelta(hours=1)
        first = await run_round(services, "scheduled", slot)
        assert first is not None and first.groups == 2
        count = await services.store.fetch_one("SELECT COUNT(*) FROM outbox")
        assert await run_round(services, "scheduled", slot) is None
        assert await services.store.fetch_one("SELECT COUNT(*) FROM outbox") == count


async def test_a_member_asking_for_a_mentor_is_introduced_to_someone_further_along(console: ConsoleFactory) -> None:
    people = [("eve", "en", "mentor stage=pilot languages=en country=TZ interests=claims consent=yes"),
              ("fay", "en", "stage=scale-up languages=en country=CM interests=mobile consent=yes"),
              ("gus", "en", "stage=pilot languages=en country=NP interests=claims consent=yes"),
              ("hal", "en", "stage=scale-up languages=en country=NP interests=mobile consent=yes")]
    async with console(user="admin") as session:
        await join_all(session, people)
        out = await session.send("/peers round now", ":click 1")
        intro = next(part for part in out.split("[group ")[1:] if "eve" in part.split("]")[0])
        assert "a mentor was asked for, one step further along: Pilot and Scale-up" in intro
        assert intro.split("]")[0] in ("eve, fay", "eve, hal")


async def test_yes_to_peer_introductions_in_onboarding_is_enough_to_take_part(console: ConsoleFactory) -> None:
    from bot.store import members as member_sql
    from bot.store import profiles as profile_sql
    from bot.store.profiles import Profile

    async with console(user="admin") as session:
        await join_all(session, PEOPLE[1:2])  # bea joins with /peers join
        services = session.app.services
        async with services.store.transaction() as db:  # what onboarding's "Yes, introduce me to a peer" saves
            for name in ("kim", "lou"):
                member = await member_sql.upsert(db, session.door.actor(name), services.clock.now())
                await profile_sql.save(db, Profile(member.id, stage="pilot", languages=("fr",), country="TD",
                                                   interests=("claims",), peer_consent=True), services.clock.now())
            mia = await member_sql.upsert(db, session.door.actor("mia"), services.clock.now())
            await profile_sql.save(db, Profile(mia.id, stage="pilot", languages=("fr",), peer_consent=True),
                                   services.clock.now())  # no country nor interests: /peers join asks them
        out = await session.send(":as lou", "/peers status")
        assert "You take part in peer matching." in out
        assert "You left peer matching" in await session.send("/peers leave")
        out = await session.send(":as admin", "/peers round now", ":click 1")
        assert "[group bea, kim]" in out and "lou" not in out and "mia" not in out
