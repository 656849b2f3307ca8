"""Helpers of the profile handlers: each onboarding step's question and buttons, reading typed answers,
saving one field, and the profile as text. Everything is in the member's language."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.context import Ctx, UserError
from bot.core.model import Button, Reply
from bot.core.taxonomy import NOT_IMPLEMENTING, ROLES, STAGES, role_key, stage_key
from bot.services import onboarding as ob
from bot.store import members as member_sql
from bot.store import profiles as profile_sql
from bot.store import welcome as welcome_sql

FIELD_ALIASES = {
    "role": "role", "rôle": "role", "country": "country", "pays": "country", "organisation": "organisation",
    "organization": "organisation", "org": "organisation", "stage": "stage", "etape": "stage", "languages": "languages",
    "langues": "languages", "interests": "interests", "interets": "interests", "modules": "interests",
    "timezone": "timezone", "tz": "timezone", "fuseau": "timezone", "consent": "consent", "consentement": "consent",
    "matching": "consent", "tips": "tips", "astuces": "tips",
}
QUESTIONS = {
    "role": "profile.ask.role", "country": "profile.ask.country", "organisation": "profile.ask.organisation",
    "stage": "profile.ask.stage", "languages": "profile.ask.languages", "interests": "profile.ask.interests",
    "timezone": "profile.ask.timezone", "consent": "profile.ask.consent",
}
INTERESTS = {
    "enrolment": "profile.interest.enrolment", "claims": "profile.interest.claims",
    "contributions": "profile.interest.contributions", "products": "profile.interest.products",
    "social-protection": "profile.interest.social-protection",
    "interoperability": "profile.interest.interoperability", "mobile": "profile.interest.mobile",
    "reporting": "profile.interest.reporting", "deployment": "profile.interest.deployment",
    "development": "profile.interest.development",
}
YES = {"yes", "y", "oui", "o", "true", "1", "on"}
NO = {"no", "n", "non", "false", "0", "off"}


def _labels(ctx: Ctx, key: str) -> list[str]:
    return [ctx.services.catalogs.t(lang, key) for lang in ("en", "fr")]


def _choice(ctx: Ctx, text: str, keys: dict[str, str]) -> str:
    code = ob.pick(text, {c: _labels(ctx, k) for c, k in keys.items()})
    if code is None:
        raise UserError("profile.choice_unknown", value=text[:40], options=", ".join(keys))
    return code


def resolve(ctx: Ctx, step: str, text: str) -> object:
    """The stored value for a typed or pressed answer; UserError (with suggestions) when it is not valid."""
    text = text.strip()[: ob.MAX_INPUT]
    if step == "role":
        return _choice(ctx, text, {r: role_key(r) for r in ROLES})
    if step == "stage":
        return _choice(ctx, text, {s: stage_key(s) for s in (*STAGES, NOT_IMPLEMENTING)})
    if step == "country":
        return ob.country_code(text, ctx.locale)
    if step == "organisation":
        return None if text == "-" else ob.clean_text(text, ob.MAX_ORGANISATION) or None
    if step == "languages":
        return ob.language_codes(text, ctx.locale)
    if step == "interests":
        return tuple(dict.fromkeys(_choice(ctx, p, INTERESTS) for p in text.split(",") if p.strip()))
    if step == "timezone":
        return ob.timezone_name(text)
    if step == "consent" and ob.fold(text) in YES | NO:
        return ob.fold(text) in YES
    raise UserError("profile.consent_unknown", value=text[:40])


async def save_field(ctx: Ctx, step: str, value: object) -> None:
    """Store one answer (the timezone lives on the member, the rest in the profile)."""
    async with ctx.services.store.transaction() as db:
        if step == "timezone":
            await member_sql.set_timezone(db, ctx.member.id, str(value) if value else None)
            return
        profile = await profile_sql.get(db, ctx.member.id)
        name = "peer_consent" if step == "consent" else step
        await profile_sql.save(db, profile.with_changes(**{name: value}), ctx.now)


def _yes_no(ctx: Ctx, value: bool) -> str:
    return ctx.t("profile.yes") if value else ctx.t("profile.no")


async def show_profile(ctx: Ctx) -> str:
    """The member's profile as text, in their language."""
    async with ctx.services.store.transaction() as db:
        profile = await profile_sql.get(db, ctx.member.id)
        member = await member_sql.by_id(db, ctx.member.id)
    none = ctx.t("profile.none")
    return ctx.t(
        "profile.view",
        role=ctx.t(role_key(profile.role)) if profile.role else none,
        country=ob.country_name(profile.country, ctx.locale) if profile.country else none,
        organisation=profile.organisation or none,
        stage=ctx.t(stage_key(profile.stage)) if profile.stage else none,
        languages=", ".join(ob.language_name(c, ctx.locale) for c in profile.languages) or none,
        interests=", ".join(ctx.t(INTERESTS[i]) for i in profile.interests if i in INTERESTS) or none,
        timezone=(member.timezone if member else None) or none,
        consent=_yes_no(ctx, profile.peer_consent),
    )


def step_reply(ctx: Ctx, step: str, profile: profile_sql.Profile) -> Reply:
    """One onboarding question with its buttons and a Skip (or Done) button."""
    number = ob.STEPS.index(step) + 1
    text = ctx.t("profile.step", number=number, total=len(ob.STEPS)) + " " + ctx.t(QUESTIONS[step])
    multi = step in ("languages", "interests")
    closing = Button(ctx.t("profile.button.done" if multi else "profile.button.skip"), "onb.next", step)
    return Reply(text, buttons=(*_step_buttons(ctx, step, profile), closing), ephemeral=True)


def _step_buttons(ctx: Ctx, step: str, profile: profile_sql.Profile) -> list[Button]:
    typed = Button(ctx.t("profile.button.type"), "onb.type", step)
    if step == "role":
        return [Button(ctx.t(role_key(r)), "onb.set", f"role:{r}") for r in ROLES]
    if step == "stage":
        return [Button(ctx.t(stage_key(s)), "onb.set", f"stage:{s}") for s in (*STAGES, NOT_IMPLEMENTING)]
    if step == "country":
        return [*(Button(ob.country_name(c, ctx.locale), "onb.set", f"country:{c}")
                  for c in ob.COMMUNITY_COUNTRIES), typed]
    if step == "organisation":
        return [typed]
    if step == "languages":
        codes = list(dict.fromkeys((*ob.SPOKEN, *profile.languages)))
        return [*_toggles(step, codes, profile.languages, lambda c: ob.language_name(c, ctx.locale)), typed]
    if step == "interests":
        return _toggles(step, list(INTERESTS), profile.interests, lambda c: ctx.t(INTERESTS[c]))
    if step == "timezone":
        return [*_zone_buttons(ctx, profile), typed]
    return [Button(ctx.t("profile.button.consent_yes"), "onb.set", "consent:yes", style="primary"),
            Button(ctx.t("profile.button.consent_no"), "onb.set", "consent:no")]


def _toggles(step: str, codes: list[str], chosen: tuple[str, ...], label: Callable[[str], str]) -> list[Button]:
    return [Button(f"✓ {label(c)}", "onb.del", f"{step}:{c}") if c in chosen
            else Button(label(c), "onb.add", f"{step}:{c}") for c in codes]


def _zone_buttons(ctx: Ctx, profile: profile_sql.Profile) -> list[Button]:
    guess = ob.guess_timezone(ctx.member.timezone, profile.country, ctx.services.settings.community_timezone)
    zones = list(dict.fromkeys((guess, *ob.country_zones(profile.country))))[:4]
    return [Button(ctx.t("profile.button.keep_zone", zone=zones[0]), "onb.set", f"timezone:{zones[0]}",
                   style="primary"),
            *(Button(z, "onb.set", f"timezone:{z}") for z in zones[1:])]


async def stop_tips(ctx: Ctx, answer: str) -> Reply:
    """/profile tips off: stop the welcome follow-up messages."""
    if ob.fold(answer) not in NO | {"stop", "arret"}:
        return ctx.reply("profile.tips_usage")
    async with ctx.services.store.transaction() as db:
        stopped = await welcome_sql.stop(db, ctx.member.id, "opted-out", ctx.now)
    return ctx.reply("welcome.tips_stopped" if stopped else "welcome.tips_not_running")
