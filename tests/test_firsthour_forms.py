"""Issue 20 #3, #11, #12: console forms never trap anyone, check each answer as it is typed, never cut one."""

from __future__ import annotations

from tests.conftest import ConsoleFactory, ConsoleSession


async def feedback_rows(session: ConsoleSession) -> list[tuple[object, ...]]:
    return [tuple(r) for r in await session.app.services.store.fetch_all(
        "SELECT category, description, anonymous FROM feedback_items")]


async def test_a_slash_line_sets_the_form_aside_and_resume_brings_it_back(console: ConsoleFactory) -> None:
    async with console(user="ana", lang="fr") as session:
        opened = await session.send("/profile edit")
        assert ":cancel abandonne ce formulaire" in opened  # the form says how to leave it
        aside = await session.send("1", "/aide")
        assert "Le formulaire «\u00a0Votre profil\u00a0» est mis de côté" in aside and ":resume" in aside
        assert "Voici ce que je peux faire" in aside and "Je ne connais pas le pays" not in aside
        resumed = await session.send(":resume")
        assert "Pays" in resumed and "Rôle" not in resumed  # back where it stopped, the role kept
        await session.send("Cameroun", "", "", "Africa/Douala")
        profile = await session.app.services.store.fetch_all(
            "SELECT role, country, timezone FROM profiles JOIN members ON members.id = member_id")
        assert [tuple(r) for r in profile] == [("implementer", "CM", "Africa/Douala")]


async def test_each_field_is_checked_as_it_is_typed(console: ConsoleFactory) -> None:
    async with console(user="ana") as session:
        await session.send("/profile edit", "")
        wrong = await session.send("Camerun")
        assert "Cameroon" in wrong and "Country" in wrong.splitlines()[-1]  # suggested, and asked again
        asked = await session.send("Cameroon", "", "", "Mars/Olympus")
        assert "Mars/Olympus" in asked and "Timezone" in asked.splitlines()[-1]
        assert await session.app.services.store.fetch_all("SELECT country FROM profiles") == []


async def test_cancel_and_slash_cancel_drop_the_form_and_say_so(console: ConsoleFactory) -> None:
    async with console(user="ana") as session:
        await session.send("/feedback", ":click 1", "2")
        assert "Form cancelled; nothing was sent." in await session.send(":cancel")
        assert "meta commands" not in session.buffer.getvalue()
        assert "There is no form open or set aside." in await session.send(":resume")
        await session.send("/feedback", ":click 1", "2", "/help")  # set aside, then dropped from aside
        assert "Form cancelled" in await session.send("/cancel")
        assert "There is no form open or set aside." in await session.send(":cancel")


async def test_a_click_while_a_form_is_open_keeps_the_answers(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await session.send("/webinar create")
        await session.send("Implementers call", "2026-12-10 14:00", "Europe/Paris")
        clicked = await session.send(":click 1")  # no earlier button: nothing confirmed, the form set aside
        assert "is set aside with your answers so far" in clicked
        resumed = await session.send(":resume")
        assert resumed.splitlines()[-1].strip().startswith("Join link")
        assert await session.app.services.store.fetch_all("SELECT id FROM webinars") == []


async def test_overlong_form_text_is_refused_never_cut(console: ConsoleFactory) -> None:
    description = "La liste des assurés est lente. " * 70  # 2,240 characters; the limit is 2,000
    async with console(user="ana", lang="fr") as session:
        await session.send("/feedback", ":click 1", "2", "")
        refused = await session.send(description)
        assert f"Cette réponse fait {len(description.strip())} caractères et la limite est de 2000." in refused
        await session.send(description[:1500], "", "2")
        rows = await feedback_rows(session)
        assert rows == [("bug", description[:1500].strip(), 0)]


async def test_yes_no_field_shows_the_answers_it_takes(console: ConsoleFactory) -> None:
    async with console(user="ana") as session:
        shown = await session.send("/feedback", ":click 1", "2", "", "The list is slow", "")
        assert "[1] yes  [2] no" in shown.splitlines()[-1]
        assert "Please answer yes or no." in await session.send("maybe")
        assert "filed anonymously" in await session.send("1")
    async with console(user="amina", lang="fr") as session:
        shown = await session.send("/feedback", ":click 1", "2", "", "La liste est lente", "")
        assert "[1] oui  [2] non" in shown.splitlines()[-1]


async def test_quit_ends_the_console(console: ConsoleFactory) -> None:
    async with console(user="ana") as session:
        await session.send(":quitter")
        assert session.door.quitting


async def test_webinar_start_and_duration_are_checked_as_typed(console: ConsoleFactory) -> None:
    async with console(user="admin") as session:
        await session.send("/webinar create", "Implementers call")
        unreadable = await session.send("someday soonish")
        assert "someday soonish" in unreadable and unreadable.splitlines()[-1].strip().startswith("Start")
        no_time = await session.send("2026-12-10")
        assert no_time.splitlines()[-1].strip().startswith("Start") and "[DM admin]" in no_time
        # 07:00 is past in UTC but not for an organiser far west: only the webinar's timezone decides
        ahead = await session.send("2026-12-01 07:00")
        assert "Timezone" in ahead and "in the past" not in ahead
        done = await session.send("America/Los_Angeles", "https://meet.example.org/a", "")
        assert "Please check before I save" in done
        more = await session.send(":click 2", "forever")
        assert "between 5 and 720" in more and more.splitlines()[-2].strip().startswith("Duration")
