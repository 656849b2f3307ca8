"""Timezones as people type them (issue 13 #3): cities, countries, offsets, abbreviations; never an Etc/ zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import values
from bot.core.values import BadValue, zones
from tests.conftest import ConsoleFactory

WINTER = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
SUMMER = datetime(2027, 7, 3, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("typed", "zone"), [
    ("Yaoundé", "Africa/Douala"), ("yaounde", "Africa/Douala"), ("N'Djaména", "Africa/Ndjamena"),
    ("N’Djamena", "Africa/Ndjamena"), ("Ndjamena", "Africa/Ndjamena"), ("Katmandou", "Asia/Kathmandu"),
    ("Kathmandu", "Asia/Kathmandu"), ("Dar es Salam", "Africa/Dar_es_Salaam"),
    ("dar-es-salaam", "Africa/Dar_es_Salaam"),
    ("Niamey", "Africa/Niamey"), ("Bujumbura", "Africa/Bujumbura"), ("Dhaka", "Asia/Dhaka"),
    ("africa/douala", "Africa/Douala"), ("heure de Paris", "Europe/Paris"), ("Paris time", "Europe/Paris"),
    ("heure du Cameroun", "Africa/Douala"), ("Cameroun", "Africa/Douala"), ("Tchad", "Africa/Ndjamena"),
    ("Niger", "Africa/Niamey"), ("Népal", "Asia/Kathmandu"), ("UTC", "UTC"),
])
def test_cities_countries_and_names_give_their_zone(typed: str, zone: str) -> None:
    reading = values.parse_zone(typed, "fr", WINTER)
    assert reading == zones.Reading(zone, by_offset=False)
    assert values.zone_stated(reading, "fr", WINTER) is None


@pytest.mark.parametrize(("typed", "country", "zone", "stated"), [
    ("UTC+1", None, "Africa/Lagos", "UTC+01:00, par exemple Africa/Lagos"),
    ("GMT+1", None, "Africa/Lagos", "UTC+01:00, par exemple Africa/Lagos"),
    ("+01:00", None, "Africa/Lagos", "UTC+01:00, par exemple Africa/Lagos"),
    ("WAT", None, "Africa/Lagos", "UTC+01:00, par exemple Africa/Lagos"),
    ("heure d'Afrique de l'Ouest", None, "Africa/Lagos", "UTC+01:00, par exemple Africa/Lagos"),
    ("UTC+1", "CM", "Africa/Douala", "UTC+01:00, par exemple Africa/Douala"),
    ("WAT", "TD", "Africa/Ndjamena", "UTC+01:00, par exemple Africa/Ndjamena"),
    ("UTC+5:45", None, "Asia/Kathmandu", "UTC+05:45, par exemple Asia/Kathmandu"),
    ("+0545", "NP", "Asia/Kathmandu", "UTC+05:45, par exemple Asia/Kathmandu"),
    ("UTC-1", None, "Atlantic/Cape_Verde", "UTC−01:00, par exemple Atlantic/Cape_Verde"),
    ("UTC+2", "CD", "Africa/Lubumbashi", "UTC+02:00, par exemple Africa/Lubumbashi"),
    ("CET", None, "Europe/Paris", "UTC+01:00, par exemple Europe/Paris"),
])
def test_offsets_become_a_real_zone_with_that_offset_stated_back(typed: str, country: str | None, zone: str,
                                                                  stated: str) -> None:
    reading = values.parse_zone(typed, "fr", WINTER, country)
    assert reading == zones.Reading(zone, by_offset=True)
    assert values.zone_stated(reading, "fr", WINTER) == stated
    english = values.zone_stated(reading, "en", WINTER)
    assert english == stated.replace("par exemple", "for example")


def test_an_offset_in_summer_is_a_zone_at_that_offset_in_summer() -> None:
    assert values.parse_zone("UTC+2", "fr", SUMMER, "FR").zone == "Europe/Paris"  # CEST
    assert values.parse_zone("UTC+1", "fr", SUMMER, "FR").zone == "Africa/Lagos"  # Paris is +2 in July
    assert values.parse_zone("CET", "en", SUMMER).zone == "Europe/Paris"


def test_a_country_with_several_zones_is_asked_back() -> None:
    with pytest.raises(BadValue) as caught:
        values.parse_zone("RDC", "fr", WINTER)
    text = caught.value.text
    assert caught.value.key == "values.zone.several"
    assert "Africa/Kinshasa (UTC+01:00) · Africa/Lubumbashi (UTC+02:00)" in text
    assert "plusieurs fuseaux horaires\u00a0:" in text
    assert values.parse_zone("Africa/Lubumbashi", "fr", WINTER).zone == "Africa/Lubumbashi"  # each shown is accepted


@pytest.mark.parametrize(("typed", "key"), [
    ("Yaunde", "values.zone.suggest"), ("Europe/Pari", "values.zone.suggest"), ("zzzz", "values.zone.unknown"),
    ("Etc/GMT+1", "values.zone.unknown"), ("UTC+13:30", "values.zone.no_offset"), ("", "values.zone.unknown"),
])
def test_what_names_no_zone_is_refused_in_the_readers_language(typed: str, key: str) -> None:
    with pytest.raises(BadValue) as french:
        values.parse_zone(typed, "fr", WINTER)
    with pytest.raises(BadValue) as english:
        values.parse_zone(typed, "en", WINTER)
    assert french.value.key == english.value.key == key
    shown = (french.value.text + english.value.text).replace(typed, "")  # what was typed is quoted back
    assert "Etc/" not in shown
    assert french.value.text != english.value.text


@settings(deadline=None)
@given(st.sampled_from(["UTC", "GMT", "utc", "gmt ", ""]), st.sampled_from(["+", "-", "−"]),
       st.integers(0, 14), st.sampled_from(["", ":00", ":30", ":45", "h", "00"]),
       st.sampled_from([None, "CM", "NP", "CD", "FR", "US"]), st.sampled_from([WINTER, SUMMER]))
def test_an_offset_never_gives_an_etc_zone_and_has_that_offset(prefix: str, sign: str, hours: int, tail: str,
                                                                 country: str | None, now: datetime) -> None:
    typed = f"{prefix}{sign}{hours}{tail}"
    try:
        reading = values.parse_zone(typed, "en", now, country)
    except BadValue as refused:
        assert refused.key == "values.zone.no_offset"
        return
    minutes = hours * 60 + (int(tail.strip(":h") or 0) if tail != "h" else 0)
    assert not reading.zone.startswith("Etc/")
    assert zones.offset_minutes(reading.zone, now) == (minutes if sign == "+" else -minutes)


@settings(deadline=None)
@given(st.text(max_size=30))
def test_whatever_is_typed_no_etc_zone_is_given_or_suggested(typed: str) -> None:
    try:
        reading = values.parse_zone(typed, "fr", WINTER)
    except BadValue as refused:
        assert "Etc/" not in refused.text.replace(typed.strip()[:40], "")
        return
    assert not reading.zone.startswith("Etc/")


async def test_french_member_types_timezones_on_the_console(console: ConsoleFactory) -> None:
    async with console(user="zoe", lang="fr") as session:
        await session.send("/profil pays Cameroun")
        assert "Fuseau horaire : Africa/Douala (UTC+01:00)" in await session.send("/profil fuseau Yaoundé")
        stated = await session.send("/profil fuseau UTC+1")
        assert "J’ai compris\u00a0: UTC+01:00, par exemple Africa/Douala." in stated
        assert "Fuseau horaire : Katmandou" not in await session.send("/profil fuseau Katmandou")
        several = await session.send("/profil fuseau RDC")
        assert "Africa/Kinshasa (UTC+01:00)" in several
        assert "Asia/Kathmandu" in await session.send("/profil")  # the refusal changed nothing
        await session.send(":as admin")
        created = await session.send('/webinaire creer titre="Appel" debut="10/12/2027 14h" fuseau="heure de Paris" '
                                     'lien=https://x.org/a')
        assert "Europe/Paris" in created, created
