"""`/peers join`: ask for what matching needs and is missing (stage, languages, country, interests, consent).

Console and chat alike: `/peers join [mentor] [stage=pilot] [languages=en,fr] [country=CM]
[interests=claims,enrolment] [consent=yes]`; anything still missing comes as a form (five fields at most).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable

from bot.core import values
from bot.core.model import Field, FieldKind, Form, FormErrors, FormSubmitted, FormValue, Reply
from bot.core.taxonomy import STAGES
from bot.core.values import fold
from bot.services.container import Ctx
from bot.services.peers.service import FIELDS, Profile
from bot.services.peers.service import missing as missing  # handlers/profile.py asks it

FORM_ID = "peers.join"
SPOKEN = ("en", "fr", "pt", "es", "sw", "ar", "ne", "bn", "de")  # offered, labelled in the reader's language
INLINE_KEYS = {**{name: name for name in FIELDS}, "etape": "stage", "langues": "languages", "pays": "country",
               "interets": "interests", "modules": "interests", "consentement": "consent"}


def _text(value: FormValue) -> str:
    """A form value as text: a picked list joined with commas, a string as it is."""
    if isinstance(value, list):
        return ",".join(value)
    return value if isinstance(value, str) else ""


def _consent(value: FormValue, locale: str) -> bool:
    return value if isinstance(value, bool) else values.parse_yes_no(_text(value), locale)


# field -> (profile attribute, the conversion: form value and reader's locale -> stored value or BadValue)
PARSERS: dict[str, tuple[str, Callable[[FormValue, str], object]]] = {
    "stage": ("stage", lambda v, loc: values.parse("stage", _text(v), loc, among=STAGES)),
    "languages": ("languages", lambda v, loc: values.parse_list("language", _text(v), loc)),
    "country": ("country", lambda v, loc: values.parse("country", _text(v), loc)),
    "interests": ("interests", lambda v, loc: values.parse_list("interest", _text(v), loc)),
    "consent": ("peer_consent", _consent),
}


def apply(profile: Profile, given: dict[str, FormValue], locale: str) -> tuple[Profile, dict[str, str]]:
    """Validated changes; errors are messages per field, in `locale`."""
    changes: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name, (attribute, parse) in PARSERS.items():
        if given.get(name) is None:
            continue
        try:
            changes[attribute] = parse(given[name], locale)
        except values.BadValue as exc:
            errors[name] = exc.text
    if errors:
        return profile, errors
    return profile.with_changes(**changes), {}


def form(ctx: Ctx, gaps: list[str], mentor: bool) -> Form:
    """A form with only the missing fields."""
    stages = values.choices("stage", ctx.locale, among=STAGES)
    langs = values.choices("language", ctx.locale, among=SPOKEN)
    interests = values.choices("interest", ctx.locale)
    specs = {
        "stage": Field("stage", FieldKind.CHOICE, ctx.t("peers.join.field_stage"), True, stages),
        "languages": Field("languages", FieldKind.MULTI_CHOICE, ctx.t("peers.join.field_languages"), True, langs),
        "country": Field("country", FieldKind.SHORT_TEXT, ctx.t("peers.join.field_country"), True,
                         max_length=80, placeholder=values.label("country", "CM", ctx.locale), check="country"),
        "interests": Field("interests", FieldKind.MULTI_CHOICE, ctx.t("peers.join.field_interests"), True,
                           interests),
        "consent": Field("consent", FieldKind.YES_NO, ctx.t("peers.join.field_consent"), True),
    }
    return Form(FORM_ID, ctx.t("peers.join.title"), tuple(specs[name] for name in gaps),
                ctx.t("peers.join.submit"), state="mentor" if mentor else "")


def parse_inline(rest: str) -> tuple[bool, dict[str, FormValue]]:
    """'mentor stage=pilot languages=en,fr' -> (True, {...})."""
    mentor = False
    given: dict[str, FormValue] = {}
    for token in _tokens(rest):
        key, sep, value = token.partition("=")
        if not sep and fold(key) in ("mentor", "mentorat"):
            mentor = True
        elif sep and fold(key) in INLINE_KEYS:
            given[INLINE_KEYS[fold(key)]] = value
    return mentor, given


def _tokens(text: str) -> list[str]:
    """Words, with quoted values kept whole (`country="Côte d'Ivoire"`); unbalanced quotes split on spaces."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


async def join(ctx: Ctx, rest: str) -> Reply | Form | FormErrors:
    """Join now if the profile has all matching needs; otherwise save what was given and ask the rest."""
    mentor, given = parse_inline(rest)
    return await _join_with(ctx, given, mentor)


async def join_form(ctx: Ctx, event: FormSubmitted) -> Reply | Form | FormErrors:
    """The join form submitted: join, or say what is still missing."""
    given = {name: event.values.get(name) for name in FIELDS}
    result = await _join_with(ctx, given, event.state == "mentor")
    if isinstance(result, FormErrors | Reply):
        return result
    return ctx.reply("peers.join.still_missing")


async def _join_with(ctx: Ctx, given: dict[str, FormValue], mentor: bool) -> Reply | Form | FormErrors:
    profile, errors = apply(await ctx.services.peers.profile(ctx.member.id), given, ctx.locale)
    if errors:
        if isinstance(ctx.event, FormSubmitted):
            return FormErrors(errors)
        return Reply(next(iter(errors.values())), ephemeral=True)
    # what was given is kept, even without consent
    joined = await ctx.services.peers.join(ctx.member.id, profile, mentor, given.get("consent") is not None, ctx.now)
    if joined.refused:
        return ctx.reply("peers.join.no_consent")
    if joined.gaps:
        return form(ctx, joined.gaps, mentor)
    due = joined.next_round
    when = ctx.when(due) if due else ctx.t("peers.status.no_round")
    return ctx.reply("peers.join.mentor_done" if mentor else "peers.join.done", when=when)
