"""The issue's console journey: a French member files feedback and hears, in French, what became of it."""

from __future__ import annotations

from tests.conftest import ConsoleFactory

FORM_ANSWERS = ("1", "3", "Le formulaire de saisie des prestations perd mes données", "Prestations > Nouvelle", "non")


async def test_french_member_files_feedback_and_gets_each_update_once_in_french(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await session.send(":join amina fr", ":as amina")
        picker = await session.send("/feedback")
        assert "Sur quel module ou domaine d'openIMIS" in picker
        assert "[4] Prestations" in picker
        form = await session.send(":click 4")
        assert "== Retour : Prestations ==" in form
        filed = await session.send(*FORM_ANSWERS)
        assert "[DM amina] Merci ! Votre retour est enregistré sous la référence FB-0001." in filed
        assert "[#product] New feedback FB-0001: Usability · Claims · impact 3/5 · from amina (console)" in filed
        assert "[1] Triaged  [2] Planned  [3] Done  [4] Declined  [5] Duplicate / note…" in filed

        await session.send(":as admin")
        planned = await session.send(":click 2")
        assert "[DM admin] FB-0001 is now Planned." in planned
        assert "[DM amina] Des nouvelles de votre retour FB-0001" in planned
        assert "son statut est maintenant Planifié." in planned
        done = await session.send(":click 3")
        assert "son statut est maintenant Réalisé." in done
        again = await session.send(":click 3")  # the same button pressed twice changes nothing
        assert "already Done: nothing changed" in again
        await session.send(":advance 1d")

        transcript = session.buffer.getvalue()
        assert transcript.count("[DM amina] Des nouvelles de votre retour FB-0001") == 2
        assert transcript.count("Planifié.") == 1 and transcript.count("Réalisé.") == 1
        rows = await session.app.services.store.fetch_all(
            "SELECT idempotency_key, status FROM outbox WHERE kind = 'dm' AND idempotency_key LIKE 'feedback:%'")
        assert [(r[0], r[1]) for r in rows] == [("feedback:1:change:1:dm", "sent"), ("feedback:1:change:2:dm", "sent")]
        assert "You have no feedback filed under your name" in await session.send("/feedback mine")
        await session.send(":as amina")
        mine = await session.send("/feedback mine")
        assert "FB-0001 · Réalisé · Facilité d'utilisation · Prestations · impact 3/5" in mine
        assert "FB-0001 : Réalisé (Facilité d'utilisation · Prestations" in await session.send("/feedback statut FB-1")


async def test_quick_feedback_duplicate_with_note_and_help(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await session.send(":join bob en", ":as bob")
        first = await session.send("/feedback the insuree search is slow")
        assert "filed as FB-0001" in first
        assert "filed as FB-0002" in await session.send("/feedback quick insuree search takes 30 seconds")
        assert "/feedback list" not in await session.send("/feedback help")
        await session.send(":as admin")
        assert "/feedback list" in await session.send("/feedback help")
        answer = await session.send("/feedback set FB-0002 duplicate FB-0001 same as the first one")
        assert "FB-0002 is now Duplicate" in answer
        assert "[DM bob] News about your feedback FB-0002" in answer
        assert "It duplicates FB-0001: follow that one with /feedback status FB-0001" in answer
        assert "Note from the product team: same as the first one" in answer
        listing = await session.send("/feedback list duplicate")
        assert "FB-0002 · Duplicate" in listing and "FB-0001" not in listing.replace("FB-0002", "")
        stats = await session.send("/feedback stats")
        assert "Feedback in total: 2" in stats
        assert "By status: Duplicate 1, New 1" in stats
        assert "By category: Usability 2" in stats
        assert "no item rated yet" in stats
        assert "30 Nov: 2" in stats  # 1 December 2026 is in the week starting Monday 30 November


async def test_change_form_from_the_duplicate_button(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await session.send(":join chen en", ":as chen", "/feedback reports export is missing columns",
                           "/feedback reports cannot be exported to excel", ":as admin")
        form = await session.send(":click 5")  # "Duplicate / note…" under FB-0002's post
        assert "== Set the status of FB-0002 ==" in form
        errors = await session.send("5", "", "")  # duplicate, but no target
        assert "Say which item it duplicates" in errors
        result = await session.send("FB-0001")
        assert "FB-0002 is now Duplicate" in result
        assert "[DM chen] News about your feedback FB-0002" in result


async def test_stats_typed_in_full_in_french_is_the_subcommand_not_feedback(console: ConsoleFactory) -> None:
    """« /avis statistiques » used to be filed as a feedback item whose text was "statistiques"."""
    async with console(user="admin") as session:
        await session.send(":join amina fr", ":as amina")
        assert "FB-0001" in await session.send("/avis rapide la recherche des assurés est lente")
        await session.send(":as admin")
        stats = await session.send("/avis statistiques")
        assert "Feedback in total: 1" in stats and "FB-0002" not in stats
        rows = await session.app.services.store.fetch_all("SELECT count(*) FROM feedback_items")
        assert rows[0][0] == 1  # nothing filed
