"""Issue 21: members vote for feedback, triage sets a scope, duplicates keep their votes, voters are told."""

from __future__ import annotations

from bot.services.feedback import parse_ref
from tests.conftest import ConsoleFactory


async def _set_country(session: object, user: str, country: str) -> None:
    store = session.app.services.store  # type: ignore[attr-defined]
    async with store.transaction() as db:
        await db.execute(
            """INSERT INTO profiles (member_id, country, updated_at)
               SELECT id, ?, '2026-12-01T00:00:00+00:00' FROM members WHERE user_id = ?
               ON CONFLICT (member_id) DO UPDATE SET country = excluded.country""", (country, user))


async def test_votes_once_top_with_countries_and_voters_told_in_their_language(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await session.send(":join amina fr", ":join bob en", ":join chen en")
        for user, country in (("amina", "CM"), ("bob", "TZ"), ("chen", "TZ")):
            await _set_country(session, user, country)
        await session.send(":as bob")
        posted = await session.send("/feedback the insuree search is slow")
        assert "[6] Me too" in posted
        ref = posted.split("filed as ")[1].split(".")[0].strip()
        assert parse_ref(ref) is not None
        assert "your vote for" not in await session.send(f"/feedback vote {ref}")  # one's own item
        await session.send(":as amina")
        added = await session.send(f"/avis vote {ref}")
        assert f"votre vote pour {ref} est compté (1 au total)" in added
        again = await session.send(f"/avis vote {ref}")
        assert "Vous avez déjà voté" in again
        await session.send(":as chen")
        assert "(2 in all)" in await session.send(":click 6")  # "Me too" under the product-channel post
        top = await session.send("/feedback top")
        assert f"{ref} · 2 votes · 2 countries asking · New · Scope undecided" in top

        await session.send(":as admin")
        assert "Core product" in await session.send(f"/feedback scope {ref} core")
        planned = await session.send(f"/feedback set {ref} planned")
        assert "[DM amina] Des nouvelles du retour" in planned and "Planifié" in planned
        assert "[DM chen] News about feedback" in planned
        assert "[DM bob] News about your feedback" in planned
        await session.send(":advance 1d")
        keys = [r[0] for r in await session.app.services.store.fetch_all(
            "SELECT idempotency_key FROM outbox WHERE kind = 'dm' AND idempotency_key LIKE 'feedback:%'")]
        assert len(keys) == len(set(keys)) == 3
        assert session.buffer.getvalue().count("[DM amina] Des nouvelles du retour") == 1
        top_fr = await session.send(":as amina", "/avis top")
        assert "Produit de base" in top_fr and "Planifié" in top_fr


async def test_duplicate_carries_votes_and_its_author_hears_of_the_target(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await session.send(":join bob en", ":join dia fr", ":join eve en", ":as bob")
        first = (await session.send("/feedback reports export is missing columns")).split("filed as ")[1][:7]
        await session.send(":as dia")
        second_reply = await session.send("/avis l'export des rapports ne marche pas")
        second = second_reply.split("sous la référence ")[1].split(".")[0].strip()
        await session.send(":as eve", f"/feedback vote {second}", ":as admin")
        await session.send(f"/feedback set {second} duplicate {first}")
        top = await session.send("/feedback top")
        assert f"{first} · 2 votes" in top and second not in top  # eve's vote and dia, the duplicate's author
        await session.send(":as eve")
        assert "You already voted" in await session.send(f"/feedback vote {second}")  # counts for the target
        await session.send(":as admin")
        done = await session.send(f"/feedback set {first} done")
        assert "[DM dia] Des nouvelles du retour" in done and "Réalisé" in done
        assert "[DM eve] News about feedback" in done
        assert "closed" in await session.send(f"/feedback vote {first}")


async def test_anonymous_item_is_votable_and_bad_input_is_explained(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await session.send(":join bob en", ":join eve en", ":as bob")
        anon = await session.send("/feedback anonymous the claim form loses data")
        await session.send(":as eve")
        ref = anon.split("FB-")[1][:4]
        voted = await session.send(f"/feedback vote FB-{ref}")
        assert "(1 in all)" in voted and "bob" not in voted
        assert "not a feedback reference" in await session.send("/feedback vote banana")
        assert "not a feedback reference" in await session.send("/feedback vote")
        assert "Use /feedback scope" in await session.send(":as admin", f"/feedback scope FB-{ref} maybe")
        rows = await session.app.services.store.fetch_all("SELECT COUNT(*) FROM feedback_votes")
        assert rows[0][0] == 1
