"""Helpers of the profile handlers: each onboarding step's question and buttons, reading typed answers,
saving one field, and the profile as text. Everything is in the member's language."""

from __future__ import annotations

from collections.abc import Callable

from bot.core import values
from bot.core.context import UserError
from bot.core.model import Button, Reply
from bot.services.container import Ctx
from bot.services.welcome import onboarding as ob

QUESTIONS = {
    "role": "profile.ask.role", "country": "profile.ask.country", "organisation": "profile.ask.organisation",
    "stage": "profile.ask.stage", "languages": "profile.ask.languages", "interests": "profile.ask.interests",
    "timezone": "profile.ask.timezone", "consent": "profile.ask.consent",
}
INTERESTS = {code: f"profile.interest.{code}" for code in ob.INTERESTS}
TEXT_STEPS = {"role": "role", "stage": "stage", "consent": "yes_no"}  # step -> kind of value


def resolve(ctx: Ctx, step: str, text: str, country: str | None = None) -> object:
    """The stored value for a typed or pressed answer; UserError (listing the choices) when it is not valid.
    A timezone typed as an offset ("UTC+1") becomes a zone of `country` with that offset, if it has one."""
    text = text.strip()[: ob.MAX_INPUT]
    if step in TEXT_STEPS:
        code = values.parse(TEXT_STEPS[step], text, ctx.locale)
        return code == "yes" if step == "consent" else code
    if step == "country":
        return values.parse("country", text, ctx.locale)
    if step == "organisation":
        return None if text == "-" else ob.clean_text(text, ob.MAX_ORGANISATION) or None
    if step == "languages":
        return values.parse_list("language", text, ctx.locale, ob.MAX_LANGUAGES)
    if step == "interests":
        return values.parse_list("interest", text, ctx.locale, len(ob.INTERESTS))
    if step == "timezone":
        return values.parse_zone(text, ctx.locale, ctx.now, country).zone
    raise UserError("profile.stale")


def zone_note(ctx: Ctx, text: str, country: str | None) -> str:
    """"UTC+01:00, for example Africa/Lagos" and a new line when an offset was typed, else ""."""
    try:
        stated = values.zone_stated(values.parse_zone(text, ctx.locale, ctx.now, country), ctx.locale, ctx.now)
    except values.BadValue:
        return ""
    return ctx.t("profile.zone_read", stated=stated) + "\n" if stated else ""


async def save_field(ctx: Ctx, step: str, value: object) -> None:
    """Store one answer (the timezone lives on the member, the rest in the profile)."""
    await ctx.services.profile.save_field(ctx.member.id, step, value, ctx.now)


async def show_profile(ctx: Ctx) -> str:
    """The member's profile as text, in their language."""
    profile, timezone = await ctx.services.profile.with_timezone(ctx.member.id)
    none = ctx.t("profile.none")
    return ctx.t(
        "profile.view",
        role=values.label("role", profile.role, ctx.locale) if profile.role else none,
        country=values.label("country", profile.country, ctx.locale) if profile.country else none,
        organisation=profile.organisation or none,
        stage=values.label("stage", profile.stage, ctx.locale) if profile.stage else none,
        languages=", ".join(values.label("language", c, ctx.locale) for c in profile.languages) or none,
        interests=", ".join(values.label("interest", i, ctx.locale) for i in profile.interests if i in INTERESTS)
        or none,
        timezone=values.zone_label(timezone, ctx.now) or none,
        consent=values.label("yes_no", profile.peer_consent, ctx.locale),
    )


def step_reply(ctx: Ctx, step: str, profile: ob.Profile) -> Reply:
    """One onboarding question with its buttons and a Skip (or Done) button."""
    number = ob.STEPS.index(step) + 1
    text = ctx.t("profile.step", number=number, total=len(ob.STEPS)) + " " + ctx.t(QUESTIONS[step])
    multi = step in ("languages", "interests")
    closing = Button(ctx.t("profile.button.done" if multi else "profile.button.skip"), "onb.next", step)
    return Reply(text, buttons=(*_step_buttons(ctx, step, profile), closing), ephemeral=True)


def _step_buttons(ctx: Ctx, step: str, profile: ob.Profile) -> list[Button]:
    typed = Button(ctx.t("profile.button.type"), "onb.type", step)
    if step == "role":
        return [Button(o.label, "onb.set", f"role:{o.value}") for o in values.choices("role", ctx.locale)]
    if step == "stage":
        return [Button(o.label, "onb.set", f"stage:{o.value}") for o in values.choices("stage", ctx.locale)]
    if step == "country":
        return [*(Button(o.label, "onb.set", f"country:{o.value}") for o in values.choices("country", ctx.locale)),
                typed]
    if step == "organisation":
        return [typed]
    if step == "languages":
        codes = list(dict.fromkeys((*ob.SPOKEN, *profile.languages)))
        return [*_toggles(step, codes, profile.languages, lambda c: values.label("language", c, ctx.locale)), typed]
    if step == "interests":
        return _toggles(step, list(ob.INTERESTS), profile.interests, lambda c: values.label("interest", c, ctx.locale))
    if step == "timezone":
        return [*_zone_buttons(ctx, profile), typed]
    return [Button(ctx.t("profile.button.consent_yes"), "onb.set", "consent:yes", style="primary"),
            Button(ctx.t("profile.button.consent_no"), "onb.set", "consent:no")]


def _toggles(step: str, codes: list[str], chosen: tuple[str, ...], label: Callable[[str], str]) -> list[Button]:
    return [Button(f"✓ {label(c)}", "onb.del", f"{step}:{c}") if c in chosen
            else Button(label(c), "onb.add", f"{step}:{c}") for c in codes]


def _zone_buttons(ctx: Ctx, profile: ob.Profile) -> list[Button]:
    guess = ob.guess_timezone(ctx.member.timezone, profile.country, ctx.services.settings.community_timezone)
    zones = list(dict.fromkeys((guess, *ob.country_zones(profile.country))))[:4]
    return [Button(ctx.t("profile.button.keep_zone", zone=zones[0]), "onb.set", f"timezone:{zones[0]}",
                   style="primary"),
            *(Button(z, "onb.set", f"timezone:{z}") for z in zones[1:])]


def _is_off(answer: str, locale: str) -> bool:
    try:
        return values.parse("switch", answer, locale) == "off"
    except values.BadValue:
        return False


async def stop_tips(ctx: Ctx, answer: str) -> Reply:
    """/profile tips off: stop the welcome follow-up messages."""
    if values.fold(answer) not in {"stop", "arret"} and not _is_off(answer, ctx.locale):
        return ctx.reply("profile.tips_usage")
    stopped = await ctx.services.welcome.stop_tips(ctx.member.id, ctx.now)
    return ctx.reply("welcome.tips_stopped" if stopped else "welcome.tips_not_running")
