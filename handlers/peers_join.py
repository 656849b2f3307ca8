"""`/peers join`: ask for what matching needs and is missing (stage, languages, country, interests, consent).

Console and chat alike: `/peers join [mentor] [stage=pilot] [languages=en,fr] [country=CM]
[interests=claims,enrolment] [consent=yes]`; anything still missing comes as a form (five fields at most).
"""

from __future__ import annotations

from babel import Locale

from bot.core.context import Ctx
from bot.core.model import Field, FieldKind, Form, FormErrors, FormSubmitted, FormValue, Option, Reply
from bot.core.taxonomy import STAGES, stage_key
from bot.services.peers import next_scheduled
from bot.services.peers_text import INTERESTS
from bot.store import peers as sql
from bot.store import profiles as profile_sql
from bot.store.profiles import Profile

FORM_ID = "peers.join"
SPOKEN = {"en": "English", "fr": "Français", "pt": "Português", "es": "Español", "sw": "Kiswahili",
          "ar": "العربية", "ne": "नेपाली", "bn": "বাংলা", "de": "Deutsch"}
YES = {"yes", "y", "oui", "o", "true", "1"}
FIELDS = ("stage", "languages", "country", "interests", "consent")


def missing(profile: Profile) -> list[str]:
    """Profile fields matching needs that are still empty, in form order."""
    gaps = {"stage": profile.stage not in STAGES, "languages": not profile.languages,
            "country": not profile.country, "interests": not profile.interests,
            "consent": not profile.peer_consent}
    return [name for name in FIELDS if gaps[name]]


def _codes(value: FormValue) -> list[str]:
    if isinstance(value, list):
        items = value
    elif isinstance(value, str):
        items = value.replace(";", ",").split(",")
    else:
        items = []
    return [item.strip().lower() for item in items if item.strip()]


def _stage(value: FormValue) -> str | None:
    stage = (_codes(value) or [""])[0]
    return stage if stage in STAGES else None


def _languages(value: FormValue) -> tuple[str, ...] | None:
    langs = _codes(value)
    ok = bool(langs) and all(len(code) in (2, 3) and code.isalpha() for code in langs)
    return tuple(dict.fromkeys(langs)) if ok else None


def _country(value: FormValue) -> str | None:
    country = str(value).strip().upper()
    ok = len(country) == 2 and country.isalpha() and country in Locale.parse("en").territories
    return country if ok else None


def _consent(value: FormValue) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in YES)


# field -> (profile attribute, parser returning None when the value is unusable, error message id)
PARSERS = {
    "stage": ("stage", _stage, "peers.join.bad_stage"),
    "languages": ("languages", _languages, "peers.join.bad_languages"),
    "country": ("country", _country, "peers.join.bad_country"),
    "interests": ("interests", lambda v: tuple(dict.fromkeys(_codes(v)))[:8], ""),
    "consent": ("peer_consent", _consent, ""),
}


def apply(profile: Profile, values: dict[str, FormValue]) -> tuple[Profile, dict[str, str]]:
    """Validated changes; errors are message ids per field."""
    changes: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name, (attribute, parse, error) in PARSERS.items():
        if values.get(name) is None:
            continue
        parsed = parse(values[name])
        if parsed is None:
            errors[name] = error
        else:
            changes[attribute] = parsed
    if errors:
        return profile, errors
    return profile.with_changes(**changes), {}


def form(ctx: Ctx, gaps: list[str], mentor: bool) -> Form:
    """A form with only the missing fields."""
    stages = tuple(Option(s, ctx.t(stage_key(s))) for s in STAGES)
    langs = tuple(Option(code, name) for code, name in SPOKEN.items())
    interests = tuple(Option(code, ctx.t(key)) for code, key in INTERESTS.items())
    specs = {
        "stage": Field("stage", FieldKind.CHOICE, ctx.t("peers.join.field_stage"), True, stages),
        "languages": Field("languages", FieldKind.MULTI_CHOICE, ctx.t("peers.join.field_languages"), True, langs),
        "country": Field("country", FieldKind.SHORT_TEXT, ctx.t("peers.join.field_country"), True,
                         max_length=2, placeholder="CM"),
        "interests": Field("interests", FieldKind.MULTI_CHOICE, ctx.t("peers.join.field_interests"), True,
                           interests),
        "consent": Field("consent", FieldKind.YES_NO, ctx.t("peers.join.field_consent"), True),
    }
    return Form(FORM_ID, ctx.t("peers.join.title"), tuple(specs[name] for name in gaps),
                ctx.t("peers.join.submit"), state="mentor" if mentor else "")


def parse_inline(rest: str) -> tuple[bool, dict[str, FormValue]]:
    """'mentor stage=pilot languages=en,fr' -> (True, {...})."""
    mentor = False
    values: dict[str, FormValue] = {}
    for token in rest.split():
        key, sep, value = token.partition("=")
        if not sep and key.lower() in ("mentor", "mentorat"):
            mentor = True
        elif sep and key.lower() in FIELDS:
            values[key.lower()] = value
    return mentor, values


async def join(ctx: Ctx, rest: str) -> Reply | Form | FormErrors:
    """Join now if the profile has all matching needs; otherwise save what was given and ask the rest."""
    mentor, values = parse_inline(rest)
    return await _join_with(ctx, values, mentor)


async def join_form(ctx: Ctx, event: FormSubmitted) -> Reply | Form | FormErrors:
    values = {name: event.values.get(name) for name in FIELDS}
    result = await _join_with(ctx, values, event.state == "mentor")
    if isinstance(result, FormErrors | Reply):
        return result
    return ctx.reply("peers.join.still_missing")


async def _join_with(ctx: Ctx, values: dict[str, FormValue], mentor: bool) -> Reply | Form | FormErrors:
    async with ctx.services.store.transaction() as db:
        profile = await profile_sql.get(db, ctx.member.id)
    profile, errors = apply(profile, values)
    if errors:
        if isinstance(ctx.event, FormSubmitted):
            return FormErrors({name: ctx.t(key) for name, key in errors.items()})
        return ctx.reply(next(iter(errors.values())))
    refused = values.get("consent") is not None and not profile.peer_consent
    gaps = missing(profile)
    async with ctx.services.store.transaction() as db:
        await profile_sql.save(db, profile, ctx.now)  # what was given is kept, even without consent
        if refused:
            return ctx.reply("peers.join.no_consent")
        if not gaps:
            await sql.join(db, ctx.member.id, mentor, ctx.now)
        due = await next_scheduled(db, ctx.services.settings)
    if gaps:
        return form(ctx, gaps, mentor)
    when = ctx.when(due) if due else ctx.t("peers.status.no_round")
    return ctx.reply("peers.join.mentor_done" if mentor else "peers.join.done", when=when)
