"""The onboarding profile: step-by-step buttons, a form, and /profile to show and edit it.

Buttons are stateless: the action says what to do and the value carries the field and the choice
(`onb.set` "role:developer", `onb.add`/`onb.del` "interests:claims", `onb.next` "stage"), so a button
still works after a restart, and pressing an old one again sets the same value again. The question last
shown is remembered, so a member who types the answer in a DM (« développeuse ») is understood too.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from bot.core import values
from bot.core.context import UserError
from bot.core.model import (
    Button,
    ButtonPressed,
    CommandInvoked,
    Field,
    FieldKind,
    Form,
    FormErrors,
    FormSubmitted,
    MessageReceived,
    Reply,
)
from bot.core.routes import Command, Kind, Opt, Routes, Sub
from bot.core.values.vocab import VOCABULARIES
from bot.services.container import Ctx
from bot.services.welcome import onboarding as ob
from handlers import peers_join
from handlers.onboarding_steps import (
    resolve,
    save_field,
    show_profile,
    step_reply,
    stop_tips,
    zone_note,
)

MULTI = ("languages", "interests")
PRESSED = ("role", "country", "stage", "timezone", "consent")  # the steps answered by one onb.set button
TYPED = ("country", "organisation", "languages", "timezone")
# the steps a DM can answer in words: a closed list or a value that must parse (free text would take anything)
IN_WORDS = ("role", "country", "stage", "languages", "interests", "timezone", "consent")


async def _profile(ctx: Ctx) -> ob.Profile:
    return await ctx.services.profile.get(ctx.member.id)


async def ask_step(ctx: Ctx, step: str | None) -> Reply:
    """The question for `step`, or the end of onboarding when there is none."""
    if step is None:
        await ctx.services.profile.finish_onboarding(ctx.member.id, ctx.now)
        return Reply(ctx.t("profile.done") + "\n\n" + await show_profile(ctx), ephemeral=True)
    await ctx.services.profile.ask(ctx.member.id, step, ctx.now)
    return step_reply(ctx, step, await _profile(ctx))


async def start(ctx: Ctx, event: ButtonPressed) -> Reply:
    """"Edit step by step": the first question."""
    return await ask_step(ctx, ob.STEPS[0])


async def set_value(ctx: Ctx, event: ButtonPressed) -> Reply | list[Reply]:
    """A choice button: store it and ask the next question."""
    step, _, raw = event.value.partition(":")
    if step not in PRESSED:
        return ctx.reply("profile.stale")
    try:
        value = resolve(ctx, step, raw)
    except UserError:
        return ctx.reply("profile.stale")
    return await answered(ctx, step, value, raw)


async def answered(ctx: Ctx, step: str, value: object, text: str) -> Reply | list[Reply]:
    """Save a step's answer (pressed, typed in the form or in a DM) and go on: a typed list adds to the
    items already chosen and shows the step again; consent ends the onboarding; else the next question."""
    if step in MULTI:
        assert isinstance(value, tuple)
        chosen = getattr(await _profile(ctx), step)
        limit = ob.MAX_LANGUAGES if step == "languages" else len(ob.INTERESTS)
        await save_field(ctx, step, tuple(dict.fromkeys((*chosen, *value)))[:limit])
        return step_reply(ctx, step, await _profile(ctx))
    await save_field(ctx, step, value)
    if step == "consent":
        done = await ask_step(ctx, None)
        return [done, await enrol_in_matching(ctx)] if value is True else done
    following = await ask_step(ctx, ob.next_step(step))
    note = zone_note(ctx, text, (await _profile(ctx)).country) if step == "timezone" else ""
    return replace(following, text=note + following.text)


async def answer_in_words(ctx: Ctx, event: MessageReceived) -> Reply | list[Reply] | None:
    """A DM typed while an onboarding question waits (e.g. « développeuse » after « Quel est votre rôle ? »):
    the answer when it reads as one; anything else (a question, other words) is left to the FAQ."""
    text = event.text.strip()
    if not event.is_dm or "?" in text or len(text) > 80:
        return None
    step = await ctx.services.profile.pending_question(ctx.member.id, ctx.now)
    if step not in IN_WORDS:
        return None
    try:
        value = resolve(ctx, step, text, (await _profile(ctx)).country)
    except UserError:
        return None
    return await answered(ctx, step, value, text)


async def enrol_in_matching(ctx: Ctx) -> Reply:
    """Consent given: take part in peer matching (handlers/peers_join) when the profile has what matching
    needs and the member never joined before (someone who left with /peers stays out until /peers join)."""
    enrolment = await ctx.services.profile.enrolment(ctx.member.id)
    if enrolment.known:
        return ctx.reply("profile.peers_known")
    if peers_join.missing(enrolment.profile):
        return ctx.reply("profile.peers_missing")
    result = await peers_join.join(ctx, "")
    return result if isinstance(result, Reply) else ctx.reply("profile.peers_missing")


async def toggle(ctx: Ctx, event: ButtonPressed) -> Reply:
    """Add or remove one item of a multi-choice step (idempotent), then show the step again."""
    step, _, code = event.value.partition(":")
    if not _valid_item(step, code):
        return ctx.reply("profile.stale")
    current = list(getattr(await _profile(ctx), step))
    limit = ob.MAX_LANGUAGES if step == "languages" else len(ob.INTERESTS)
    if event.action == "onb.add" and code not in current and len(current) < limit:
        current.append(code)
    if event.action == "onb.del" and code in current:
        current.remove(code)
    await save_field(ctx, step, tuple(current))
    return step_reply(ctx, step, await _profile(ctx))


def _valid_item(step: str, code: str) -> bool:
    if step == "interests":
        return code in ob.INTERESTS
    return step == "languages" and re.fullmatch(r"[a-z]{2,3}", code) is not None


async def skip(ctx: Ctx, event: ButtonPressed) -> Reply:
    """Skip (or Done): the next question, leaving this answer as it is."""
    if event.value not in ob.STEPS:
        return ctx.reply("profile.stale")
    return await ask_step(ctx, ob.next_step(event.value))


async def type_in(ctx: Ctx, event: ButtonPressed) -> Form | Reply:
    """A one-field form for the steps answered with text (country, organisation, languages, timezone)."""
    if event.value not in TYPED:
        return ctx.reply("profile.stale")
    label = {"country": ctx.t("profile.label.country"), "organisation": ctx.t("profile.label.organisation"),
             "languages": ctx.t("profile.label.languages"), "timezone": ctx.t("profile.label.timezone")}
    field = Field(event.value, FieldKind.SHORT_TEXT, label[event.value], required=True,
                  max_length=ob.MAX_ORGANISATION if event.value == "organisation" else 80,
                  check=event.value if event.value in ("country", "timezone") else "")
    return Form("profile.text", ctx.t("profile.form_title"), (field,), ctx.t("profile.form_submit"),
                state=event.value)


async def typed(ctx: Ctx, event: FormSubmitted) -> Reply | FormErrors:
    """The one-field form of a typed step; a bad answer comes back with a suggestion."""
    step = event.state
    text = event.values.get(step)
    if step not in TYPED or not isinstance(text, str):
        return ctx.reply("profile.stale")
    try:
        value = resolve(ctx, step, text, (await _profile(ctx)).country)
    except UserError as exc:
        return FormErrors({step: ctx.t(exc.key, **exc.values)})
    result = await answered(ctx, step, value, text)
    assert isinstance(result, Reply)  # consent is not a typed step
    return result


def profile_form(ctx: Ctx, profile: ob.Profile) -> Form:
    """Five fields (a Discord modal's limit); languages, interests and consent have their own steps."""
    roles = values.choices("role", ctx.locale)
    stages = values.choices("stage", ctx.locale)
    fields = (  # free-text fields start empty: a door may keep the form (Discord does), and /forget-me
        # cannot find personal values there; an empty answer keeps the stored value
        Field("role", FieldKind.CHOICE, ctx.t("profile.label.role"), options=roles, initial=profile.role),
        Field("country", FieldKind.SHORT_TEXT, ctx.t("profile.label.country"), max_length=80, check="country"),
        Field("organisation", FieldKind.SHORT_TEXT, ctx.t("profile.label.organisation"),
              max_length=ob.MAX_ORGANISATION),
        Field("stage", FieldKind.CHOICE, ctx.t("profile.label.stage"), options=stages, initial=profile.stage),
        Field("timezone", FieldKind.SHORT_TEXT, ctx.t("profile.label.timezone"), max_length=80, check="timezone"),
    )
    return Form("profile.main", ctx.t("profile.form_title"), fields, ctx.t("profile.form_submit"))


async def open_form(ctx: Ctx, event: ButtonPressed) -> Form:
    """"Edit in a form" under /profile."""
    return profile_form(ctx, await _profile(ctx))


async def submit_form(ctx: Ctx, event: FormSubmitted) -> Reply | FormErrors:
    """Validate every answered field first; save only when all are valid. Skipped fields are kept."""
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    country = (await _profile(ctx)).country
    for step in ("role", "country", "organisation", "stage", "timezone"):
        text = event.values.get(step)
        if not isinstance(text, str) or not text.strip():
            continue
        try:
            values[step] = resolve(ctx, step, text, str(values.get("country") or country or "") or None)
        except UserError as exc:
            errors[step] = ctx.t(exc.key, **exc.values)
    if errors:
        return FormErrors(errors)
    for step, value in values.items():
        await save_field(ctx, step, value)
    return Reply(ctx.t("profile.saved") + "\n\n" + await show_profile(ctx), ephemeral=True)


async def profile_command(ctx: Ctx, event: CommandInvoked) -> Reply:
    """`/profile` alone shows the profile with its edit buttons; a word that names no field says which exist."""
    word = event.args.split()[0] if event.args.split() else ""
    if word:
        return ctx.reply("profile.usage_hint", field=word[:30])
    buttons = (Button(ctx.t("profile.button.steps"), "onb.start", "role"),
               Button(ctx.t("profile.button.form"), "profile.form", "main"))
    return Reply(await show_profile(ctx), buttons=buttons, ephemeral=True)


async def edit_command(ctx: Ctx, event: CommandInvoked) -> Form:
    """/profile edit: the profile form."""
    return profile_form(ctx, await _profile(ctx))


def field_command(field: str) -> Callable[[Ctx, CommandInvoked], Awaitable[Reply]]:
    """`/profile <field> [value]`: without a value the field's question and buttons, else save it."""
    async def run(ctx: Ctx, event: CommandInvoked) -> Reply:
        rest = event.args.strip()
        if field == "tips":
            return await stop_tips(ctx, rest)
        if not rest:
            return step_reply(ctx, field, await _profile(ctx))
        country = (await _profile(ctx)).country
        await save_field(ctx, field, resolve(ctx, field, rest, country))
        note = zone_note(ctx, rest, country) if field == "timezone" else ""
        return Reply(note + ctx.t("profile.saved") + "\n\n" + await show_profile(ctx), ephemeral=True)

    run.__name__ = run.__qualname__ = f"profile_{field}"
    return run


def _value(kind: Kind = Kind.TEXT, **more: Any) -> tuple[Opt, ...]:
    return (Opt("value", "profile.option.value", kind, names={"fr": "valeur"}, **more),)


def _closed(vocabulary: str) -> tuple[Opt, ...]:
    """A value from a short vocabulary: Discord's choices, labelled in the reader's language."""
    return _value(Kind.CHOICE, vocabulary=vocabulary, choices=VOCABULARIES[vocabulary].codes)


def _field(name: str, fr: str, aliases: tuple[str, ...], options: tuple[Opt, ...]) -> Sub:
    return Sub(name, f"profile.sub.{name}", field_command(name), options, names={"fr": fr}, aliases=aliases)


# Each field takes the value its step takes (checked by resolve() in handlers/onboarding_steps.py): a choice
# from a vocabulary is read here already, in English or French; lists and zones are read by resolve().
SUBCOMMANDS = (
    Sub("edit", "profile.sub.edit", edit_command, names={"fr": "modifier"}),
    _field("role", "rôle", (), _closed("role")),
    _field("country", "pays", (), _value(Kind.CHOICE, vocabulary="country", autocomplete="countries")),
    _field("organisation", "organisation", ("organization", "org"), _value()),
    _field("stage", "étape", (), _closed("stage")),
    _field("languages", "langues", (), _value(vocabulary="language", autocomplete="languages")),
    _field("interests", "intérêts", ("modules",), _value(vocabulary="interest", autocomplete="interests")),
    _field("timezone", "fuseau", ("tz",), _value(autocomplete="timezones")),
    _field("consent", "consentement", ("matching",), _closed("yes_no")),
    _field("tips", "conseils", ("astuces",), _value(Kind.CHOICE, vocabulary="switch", choices=("off",),
                                                    invalid="profile.tips_usage")),
)

ROUTES = Routes(
    commands=(Command("profile", profile_command, "profile.summary", "profile.usage", names={"fr": "profil"},
                      subs=SUBCOMMANDS, default=Sub("show", "profile.sub.show", profile_command,
                                                    names={"fr": "voir"})),),
    buttons={"onb.start": start, "onb.set": set_value, "onb.add": toggle, "onb.del": toggle, "onb.next": skip,
             "onb.type": type_in, "profile.form": open_form},
    forms={"profile.text": typed, "profile.main": submit_form},
    messages=(answer_in_words,),
)
