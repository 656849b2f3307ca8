"""Channel posts in the channel's language (issue 13 #4): BOT_DEFAULT_LOCALE decides the language of what the
bot posts in a channel (welcome greeting, webinar announcements, product-channel feedback posts, help-channel
questions, the digest); `bilingual` / `bilingue` post both languages in one message, the community's first.
Direct messages keep each member's own language."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.app import lifespan
from bot.core.clock import SimClock
from bot.services.channel_posts import SEPARATOR, channel_label, channel_locales, channel_text
from bot.services.digest.job import DigestJob
from bot.settings import Settings, SettingsError, parse_default_locale
from tests.conftest import ConsoleFactory
from tests.fakes.desk_seed import seed

LINK = "https://meet.example.org/dev"
FORM_ANSWERS = ("1", "3", "Le formulaire de saisie des prestations perd mes données", "Prestations > Nouvelle", "non")
DIGEST_NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # a Thursday
MODES = {"en": ("en", False), "fr": ("fr", False), "bilingual": ("en", True), "bilingue": ("fr", True)}


@pytest.mark.parametrize(("value", "expected"), [
    ("", ("en", False)), ("en", ("en", False)), (" FR ", ("fr", False)), ("bilingual", ("en", True)),
    ("bilingue", ("fr", True)), ("en+fr", ("en", True)), ("fr+en", ("fr", True)),
])
def test_bot_default_locale_values(value: str, expected: tuple[str, bool]) -> None:
    assert parse_default_locale(value) == expected
    settings = Settings.from_env({"BOT_DEFAULT_LOCALE": value}, env_file=None)
    assert (settings.default_locale, settings.bilingual_channels) == expected


def test_an_unknown_bot_default_locale_is_refused_with_the_choices() -> None:
    with pytest.raises(SettingsError, match="bilingual, en\\+fr, bilingue"):
        Settings.from_env({"BOT_DEFAULT_LOCALE": "es"}, env_file=None)


def test_the_posts_languages_the_subjects_first() -> None:
    english, french, both, tous = (Settings(default_locale=lc, bilingual_channels=b) for lc, b in MODES.values())
    assert channel_locales(english) == ("en",) and channel_locales(french) == ("fr",)
    assert channel_locales(both) == ("en", "fr") and channel_locales(tous) == ("fr", "en")
    assert channel_locales(english, first="fr") == ("fr", "en")  # a post addressed to a French member
    assert channel_locales(tous, first="en") == ("en", "fr")
    assert channel_locales(french, also=("en",)) == ("fr", "en")  # an English session in a French community
    assert channel_locales(both, also=("fr", "en")) == ("en", "fr")
    assert channel_locales(french, first="de") == ("fr",)
    assert channel_text(("fr", "en"), {"fr": "Bonjour", "en": "Hello"}.__getitem__) == f"Bonjour{SEPARATOR}Hello"
    assert channel_text(("fr", "en"), lambda lc: "#42") == "#42"  # the same text is not repeated


def test_button_labels_carry_each_language_once() -> None:
    from bot.core.i18n import Catalogs

    catalogs = Catalogs()
    assert channel_label(catalogs, ("en", "fr"), "webinars.answer_going") == "Going / J'y serai"
    assert channel_label(catalogs, ("fr",), "webinars.answer_going") == "J'y serai"


def _settings(settings: Settings, mode: str) -> Settings:
    locale, bilingual = MODES[mode]
    return replace(settings, default_locale=locale, bilingual_channels=bilingual, welcome_public_greeting=True)


EXPECTED = {  # (English text, French text) of each channel post, in the order a mode posts them
    "feedback": ("New feedback FB-0001: Usability", "Nouveau retour FB-0001\u00a0: Facilité d'utilisation"),
    "greeting": ("Please welcome @zoe to the openIMIS community!", "Souhaitons la bienvenue à @zoe, qui rejoint"),
    "webinar": ("New webinar #1", "Nouveau webinaire n°1"),
}


@pytest.mark.parametrize("mode", list(MODES))
async def test_channel_posts_follow_bot_default_locale_and_dms_the_member(console: ConsoleFactory,
                                                                        settings: Settings, mode: str) -> None:
    locale, bilingual = MODES[mode]
    wanted = [locale, *(["fr" if locale == "en" else "en"] if bilingual else [])]
    async with console(user="admin", app_settings=_settings(settings, mode)) as session:
        joined = await session.send(":join zoe en")
        await session.send(":join amina fr", ":as amina", "/feedback", ":click 4")
        filed = await session.send(*FORM_ANSWERS)
        assert "[DM amina] Merci\u00a0! Votre retour est enregistré" in filed  # a DM: the member's language
        await session.send(":as admin", "/language en")
        created = await session.send(f'/webinar create title="Developers call" start="next tuesday 14:00" '
                                     f"tz=Europe/Paris language=en link={LINK}", ":click 1")
        session = [*wanted, *([] if "en" in wanted else ["en"])]  # an English session: English added after
        for name, out, languages in (("feedback", filed, wanted), ("greeting", joined, wanted),
                                     ("webinar", created, session)):
            texts = dict(zip(("en", "fr"), EXPECTED[name], strict=True))
            for lc in ("en", "fr"):
                assert (texts[lc] in out) == (lc in languages), (name, lc, out)
            if len(languages) == 2:
                first, second = (out.index(texts[lc]) for lc in languages)
                assert first < second and SEPARATOR.strip() in out[first:second], (name, out)
        assert "[DM zoe] " in joined and "Welcome" in joined  # zoe's welcome DM is English whatever the channel


@pytest.mark.parametrize("mode", list(MODES))
async def test_the_weekly_digest_is_posted_in_the_channels_languages(settings: Settings, mode: str) -> None:
    locale, bilingual = MODES[mode]
    settings = replace(_settings(settings, mode), slack_bot_token="xoxb-test",
                       slack_channels={"coordination": "C0DESK"}, community_timezone="Europe/Paris")
    clock = SimClock(DIGEST_NOW)
    async with lifespan(settings=settings, clock=clock) as app:
        await seed(app.services.store, DIGEST_NOW, members=20, items=10)
        job = DigestJob()
        await job.run(app.services, clock.now())  # the first start only notes the week in progress
        clock.set(datetime(2026, 12, 7, 7, 1, tzinfo=UTC))  # Monday 08:01 in Paris: the slot is due
        await job.run(app.services, clock.now())
        rows = await app.services.store.fetch_all(
            "SELECT payload FROM outbox WHERE idempotency_key LIKE 'digest:%' ORDER BY idempotency_key")
    summary, members_chart = (json.loads(str(row[0]))["text"] for row in rows[:2])
    titles = {"en": "Community digest, Monday 30 November 2026",
              "fr": "Synthèse de la communauté, du lundi 30 novembre"}
    captions = {"en": "New members", "fr": "Nouveaux membres"}
    wanted = [locale, *(["fr" if locale == "en" else "en"] if bilingual else [])]
    for lc in ("en", "fr"):
        assert (titles[lc] in summary) == (lc in wanted), summary
        assert (captions[lc] in members_chart) == (lc in wanted), members_chart
    if bilingual:
        assert summary.index(titles[wanted[0]]) < summary.index(SEPARATOR.strip()) < summary.index(titles[wanted[1]])
        assert members_chart == f"{captions[wanted[0]]}{SEPARATOR}{captions[wanted[1]]}"


async def test_a_question_reposted_to_the_help_channel_is_in_its_language_then_the_channels(
        console: ConsoleFactory, settings: Settings) -> None:
    async with console(user="admin", app_settings=_settings(settings, "bilingual")) as session:
        await session.send(":join bio fr", ":as bio", "/faq comment faire du pain au levain ?", ":click 1")
        said = await session.send(":click 1")
    french = "Question Q-"
    assert "[DM bio] Publiée dans #ask-openimis" in said  # the asker's reply: their language only
    post = said.split("[#ask-openimis] ", 1)[1]
    assert post.startswith(french) and "de @bio, à laquelle la FAQ n'a pas su répondre" in post
    # Who asks in each language, the question once (in its asker's quotes), then the request in each language.
    order = ["de @bio, à laquelle", "from @bio, which", "«\u00a0comment faire du pain au levain ?\u00a0»",
             "Merci de répondre", "Please answer in this thread"]
    assert [post.index(part) for part in order] == sorted(post.index(part) for part in order), post
    assert post.count("pain au levain") == 1 and SEPARATOR.strip() not in post
