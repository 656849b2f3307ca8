"""Bad input gets a clear translated answer, and nothing a member submitted is lost."""

from __future__ import annotations

from bot.core.i18n import Catalogs
from bot.core.model import Actor, ButtonPressed, FormErrors, FormSubmitted, FormValue, Reply
from bot.services.feedback import CATEGORIES, STATUSES, parse_ref
from bot.store import feedback as feedback_sql
from tests.conftest import ConsoleFactory

AMINA = Actor("console", "amina", "amina", platform_locale="fr")


def form(values: dict[str, FormValue], state: str = "claim") -> FormSubmitted:
    return FormSubmitted(AMINA, "feedback.item", values, state)


async def test_form_errors_are_translated_per_field(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        handle = session.app.dispatcher.handle
        result = await handle(form({"category": "wishes", "rating": "9", "description": "   ",
                                    "steps": "x" * 501}))
        assert isinstance(result, FormErrors)
        assert result.errors == {
            "category": "Je ne connais pas la catégorie « wishes ». Choisissez parmi : "
                        "Facilité d'utilisation, Bogue, Demande de fonctionnalité, Documentation, Traduction, Autre.",
            "rating": "L'impact est un nombre de 1 à 5.",
            "description": "Décrivez le problème : ce champ ne peut pas être vide.",
            "steps": "Ce texte fait 501 caractères ; la limite est de 500. Raccourcissez-le.",
        }
        too_long = await handle(form({"category": "bug", "description": "y" * 2001}))
        assert isinstance(too_long, FormErrors) and "2001" in too_long.errors["description"]
        assert await session.app.services.store.fetch_all("SELECT id FROM feedback_items") == []


async def test_console_form_keeps_answers_and_asks_again_only_what_was_wrong(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await session.send(":join amina fr", ":as amina", "/feedback", ":click 14")
        asked = await session.send("1", "", "", "", "")  # description left empty: the console asks again
        assert "(obligatoire)" in asked
        done = await session.send("Le menu est confus", "", "non")
        assert "FB-0001" in done
        row = await session.app.services.store.fetch_one("SELECT module, description FROM feedback_items")
        assert row is not None and tuple(row) == ("other", "Le menu est confus")


async def test_overlong_quick_feedback_is_given_back_whole(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        text = "Le tableau de bord " + "très " * 500 + "lent, FIN"
        answer = await session.send(":join amina fr", ":as amina", f"/feedback {text}")
        assert f"votre texte fait {len(text)} caractères et la limite est de 2000" in answer
        assert text in answer  # given back to shorten and send again
        assert "Écrivez votre retour après la commande" in await session.send("/feedback quick")


async def test_refs_statuses_and_admin_rights(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await session.send(":join amina fr", ":as amina", "/feedback la recherche est lente")
        assert "Je ne connais aucun retour FB-0042" in await session.send("/feedback statut FB-0042")
        assert "« FB-x » n'est pas une référence" in await session.send("/feedback statut FB-x")
        refused = "seuls les administrateurs"
        assert refused in await session.send("/feedback set FB-0001 done")
        assert refused in await session.send("/feedback list")
        assert refused in await session.send("/feedback stats")
        assert refused in await session.send(":click 3")  # a status button under the product post
        press = await session.app.dispatcher.handle(ButtonPressed(AMINA, "feedback.change", "1"))
        assert isinstance(press, Reply) and refused in press.text
        item = await session.app.services.store.fetch_one("SELECT status FROM feedback_items")
        assert item is not None and item[0] == "new"

        await session.send(":as admin")
        assert "I do not know the status “shipped”" in await session.send("/feedback set FB-0001 shipped")
        assert "I know no feedback FB-0099" in await session.send("/feedback set FB-0001 duplicate FB-0099")
        assert "Say which item it duplicates" in await session.send("/feedback set FB-0001 duplicate")
        assert "Usage: /feedback set" in await session.send("/feedback set FB-0001")
        assert "The note is 501 characters" in await session.send("/feedback set FB-0001 done " + "n" * 501)
        assert "“soon” is neither a status" in await session.send("/feedback list soon")
        stale = await session.app.dispatcher.handle(ButtonPressed(Actor("console", "admin", "admin"),
                                                                  "feedback.status", "x:done"))
        assert isinstance(stale, Reply) and "no longer active" in stale.text
        async with session.app.services.store.transaction() as db:
            assert await feedback_sql.changes(db, 1) == []


def test_references_and_catalog_keys_built_at_run_time() -> None:
    assert [parse_ref(t) for t in ("FB-0042", "fb42", "42", "FB-0", "FB-x", "")] == [42, 42, 42, None, None, None]
    catalogs = Catalogs()
    for lang in ("en", "fr"):
        keys = [f"feedback.category.{c}" for c in CATEGORIES] + [f"feedback.status.{s}" for s in STATUSES]
        keys += [f"feedback.form.rating_{n}" for n in range(1, 6)]
        assert all(k in catalogs.messages[lang] for k in keys), lang
