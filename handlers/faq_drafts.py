"""FAQ drafts (admins): `/faq drafts`, `/faq draft new`, `/faq draft D-3`; a form per language; Publish.

A draft comes from an admin (`/faq draft new`), from a chosen message ("Save as FAQ draft", see
handlers/message_actions.py), or from a question asked 3+ times without an answer (gathered when the
drafts are listed). Publishing validates it like a content file, stores and serves it, and tells the
member who first asked, by DM in their language.
"""

from __future__ import annotations

import logging
import re

from bot.core.ids import parse_id
from bot.core.model import (
    Button,
    ButtonPressed,
    CommandInvoked,
    Field,
    FieldKind,
    Form,
    FormErrors,
    FormSubmitted,
    FormValue,
    Option,
    Reply,
    Result,
)
from bot.core.routes import Opt, Routes, Sub
from bot.core.values import fold
from bot.services.container import Ctx
from bot.services.faq import drafts as loop
from bot.services.faq.content import MAX_ANSWER, ContentError
from bot.services.faq.service import OPEN, Draft, format_ref
from bot.services.faq.text import LANGS
from handlers import faq_help

log = logging.getLogger(__name__)
FORM_ID = "faq.draft"
SHOW, EDIT, PUBLISH, DROP = "faq.draft.show", "faq.draft.edit", "faq.draft.publish", "faq.draft.drop"
REF = re.compile(r"^\s*(?:[dD]-?)?(\d{1,18})\s*$")
LIST_LIMIT = 20
NEW_WORDS = ("new", "nouveau")
MAX_QUESTIONS_TEXT, MAX_TAGS_TEXT, MAX_LINKS_TEXT = 2000, 300, 600


async def drafts_command(ctx: Ctx, event: CommandInvoked) -> Reply:
    """`/faq drafts`."""
    return await list_drafts(ctx)


async def draft_command(ctx: Ctx, event: CommandInvoked) -> Result:
    """`/faq draft new` (a form), `/faq draft D-3` (show it)."""
    ref = event.args.strip()
    if fold(ref) in NEW_WORDS:
        return draft_form(ctx, None, ctx.locale if ctx.locale in LANGS else LANGS[0])
    found = REF.match(ref)
    if not found:
        return ctx.reply("faq_drafts.usage")
    return await show(ctx, int(found.group(1)))


async def suggest_drafts(ctx: Ctx, typed: str) -> list[Option]:
    """Autocomplete of `/faq draft`: a new one, then the open drafts with their first question."""
    drafts = await ctx.services.faq_desk.open_drafts(LIST_LIMIT)
    return [Option("new", ctx.t("faq_drafts.new")), *(Option(d.ref, summary_line(ctx, d)[:100]) for d in drafts)]


async def list_drafts(ctx: Ctx) -> Reply:
    """Open drafts (after gathering questions asked 3+ times without an answer), missing languages flagged."""
    drafts = await ctx.services.faq_desk.open_drafts(LIST_LIMIT, ctx.now)
    if not drafts:
        return ctx.reply("faq_drafts.list_empty")
    lines = [ctx.t("faq_drafts.list_title", count=len(drafts))] + [summary_line(ctx, d) for d in drafts]
    buttons = tuple(Button(d.ref, SHOW, str(d.id)) for d in drafts[:5])
    return Reply("\n".join(lines), buttons=buttons, ephemeral=True)


def summary_line(ctx: Ctx, draft: Draft) -> str:
    """One line of the drafts list: reference, first question, origin, missing languages."""
    first = next((draft.content[lang]["questions"][0] for lang in loop.languages(draft.content)
                  if draft.content[lang].get("questions")), "…")
    flags = " ".join(ctx.t("faq_drafts.missing", lang=lang.upper()) for lang in loop.missing(draft.content))
    origin = ctx.t(f"faq_drafts.origin.{draft.origin}")
    return ctx.t("faq_drafts.list_line", ref=draft.ref, question=first[:120], origin=origin, flags=flags).rstrip()


async def load(ctx: Ctx, raw: str) -> Draft | None:
    """The draft a button's value names, or None."""
    draft_id = parse_id(raw)
    if draft_id is None:
        return None
    return await ctx.services.faq_desk.draft(draft_id)


async def show(ctx: Ctx, draft_id: int) -> Reply:
    """/faq draft ID: the draft with its buttons."""
    draft = await ctx.services.faq_desk.draft(draft_id)
    if draft is None or draft.status != OPEN:
        return ctx.reply("faq_drafts.unknown", ref=format_ref(draft_id))
    return view(ctx, draft)


def view(ctx: Ctx, draft: Draft, key: str = "faq_drafts.view_title") -> Reply:
    """The draft in both languages, with Edit EN / Edit FR / Publish / Delete."""
    lines = [ctx.t(key, ref=draft.ref, topic=draft.topic_id or "—")]
    for lang in LANGS:
        version = draft.content.get(lang) or loop.empty_version()
        if lang not in loop.languages(draft.content):
            lines.append(ctx.t("faq_drafts.view_missing", lang=lang.upper()))
            continue
        lines.append(ctx.t("faq_drafts.view_lang", lang=lang.upper(), questions=" | ".join(version["questions"]),
                           answer=version["answer"] or "—", tags=", ".join(version["tags"]) or "—"))
    buttons = tuple(Button(ctx.t("faq_drafts.edit", lang=lang.upper()), EDIT, f"{draft.id}:{lang}") for lang in LANGS)
    buttons += (Button(ctx.t("faq_drafts.publish"), PUBLISH, str(draft.id), "primary"),
                Button(ctx.t("faq_drafts.drop"), DROP, str(draft.id), "danger"))
    return Reply("\n".join(lines), buttons=buttons, ephemeral=True)


# ---- the form ---------------------------------------------------------------------------------


def draft_form(ctx: Ctx, draft: Draft | None, lang: str) -> Form:
    """One language of a draft: phrasings (one per line), answer, tags, links, and the topic id."""
    version = (draft.content.get(lang) if draft else None) or loop.empty_version()
    fields = (
        Field("questions", FieldKind.LONG_TEXT, ctx.t("faq_drafts.form.questions"), required=True,
              initial="\n".join(version["questions"]) or None, max_length=MAX_QUESTIONS_TEXT),
        Field("answer", FieldKind.LONG_TEXT, ctx.t("faq_drafts.form.answer"),
              initial=version["answer"] or None, max_length=MAX_ANSWER),
        Field("tags", FieldKind.SHORT_TEXT, ctx.t("faq_drafts.form.tags"), initial=", ".join(version["tags"]) or None,
              max_length=MAX_TAGS_TEXT),
        Field("links", FieldKind.SHORT_TEXT, ctx.t("faq_drafts.form.links"),
              initial=" ".join(version["links"]) or None, max_length=MAX_LINKS_TEXT),
        Field("topic", FieldKind.SHORT_TEXT, ctx.t("faq_drafts.form.topic"),
              initial=(draft.topic_id if draft else "") or None, max_length=60),
    )
    title = ctx.t("faq_drafts.form.title", lang=lang.upper(), ref=draft.ref if draft else ctx.t("faq_drafts.new"))
    return Form(FORM_ID, title[:45], fields, ctx.t("faq_drafts.form.save"), state=f"{draft.id if draft else 0}:{lang}")


def _text(value: FormValue) -> str:
    return value.strip() if isinstance(value, str) else ""


def read_version(values: dict[str, FormValue]) -> dict[str, list[str] | str]:
    """A draft version from the form: questions, answer, tags, links."""
    questions = re.split(r"\n| \| ", _text(values.get("questions")))  # " | " for one-line forms (the console)
    return {"questions": [q.strip() for q in questions if q.strip()],
            "answer": _text(values.get("answer")),
            "tags": [t.strip() for t in re.split(r"[,;\n]", _text(values.get("tags"))) if t.strip()],
            "links": _text(values.get("links")).split()}


async def on_edit(ctx: Ctx, event: ButtonPressed) -> Result:
    """Open the form editing one language of a draft."""
    raw, _, lang = event.value.partition(":")
    draft = await load(ctx, raw)
    if draft is None or draft.status != OPEN or lang not in LANGS:
        return ctx.reply("errors.stale_button")
    return draft_form(ctx, draft, lang)


async def on_submit(ctx: Ctx, event: FormSubmitted) -> Result:
    """Save one language of a draft (a new one for `/faq draft new`); nothing is checked for publishing yet."""
    raw, _, lang = event.state.partition(":")
    draft_id = parse_id(raw)
    if draft_id is None or lang not in LANGS:
        return ctx.reply("errors.stale_button")
    version = read_version(event.values)
    topic = _text(event.values.get("topic")).lower()
    errors = {}
    if not version["questions"]:
        errors["questions"] = ctx.t("faq_drafts.errors.no_question")
    if topic and not loop.ID_RE.match(topic):
        errors["topic"] = ctx.t("faq_drafts.errors.bad_id", id=topic[:60])
    if errors:
        return FormErrors(errors)
    saved = await ctx.services.faq_desk.save_version(draft_id, lang, version, topic, ctx.member.id, ctx.now)
    if saved is None:
        return ctx.reply("faq_drafts.unknown", ref=format_ref(draft_id))
    return view(ctx, saved, "faq_drafts.saved")


# ---- publish / delete -------------------------------------------------------------------------


async def on_publish(ctx: Ctx, event: ButtonPressed) -> Reply:
    """Publish a draft as a FAQ topic, or say what stops it."""
    draft = await load(ctx, event.value)
    if draft is None or draft.status != OPEN:
        return ctx.reply("errors.stale_button")
    faq = ctx.services.faq
    topic_id = loop.topic_id_for(draft, lambda candidate: faq.entry(candidate) is not None)
    found = loop.problems(draft.content, topic_id, faq)
    if found:
        lines = [ctx.t("faq_drafts.cannot_publish", ref=draft.ref)] + [f"• {ctx.t(p.key, **p.values)}" for p in found]
        return Reply("\n".join(lines), buttons=view(ctx, draft).buttons, ephemeral=True)
    try:
        entry = loop.validate(topic_id, draft.content)
    except ContentError as exc:
        return ctx.reply("faq_drafts.errors.loader", ref=draft.ref, error=exc.message)
    stored, told = await ctx.services.faq_desk.publish(draft, topic_id, entry, ctx.now)
    lines = [ctx.t("faq_drafts.published_file" if stored == "file" else "faq_drafts.published_db",
                   ref=draft.ref, topic=topic_id)]
    lines.append(ctx.t("faq_drafts.asker_told" if told else "faq_drafts.no_asker"))
    lines += [ctx.t("faq_drafts.published_missing", lang=lang.upper()) for lang in entry.missing]
    return Reply("\n".join(lines), ephemeral=True)


async def on_drop(ctx: Ctx, event: ButtonPressed) -> Reply:
    """The drop button: close the draft unpublished."""
    draft = await load(ctx, event.value)
    if draft is None or draft.status != OPEN:
        return ctx.reply("errors.stale_button")
    await ctx.services.faq_desk.drop(draft.id, ctx.now)
    return ctx.reply("faq_drafts.dropped", ref=draft.ref)


async def on_show(ctx: Ctx, event: ButtonPressed) -> Reply:
    """Show a draft from its button."""
    draft_id = parse_id(event.value)
    return await show(ctx, draft_id) if draft_id is not None else ctx.reply("errors.stale_button")


SUBCOMMANDS = (
    Sub("drafts", "faq_drafts.sub.drafts", drafts_command, admin=True, names={"fr": "brouillons"}),
    Sub("draft", "faq_drafts.sub.draft", draft_command, (
        Opt("draft", "faq_drafts.option.draft", autocomplete="faq_drafts", names={"fr": "brouillon"}),),
        admin=True, names={"fr": "brouillon"}),
)
SUGGESTIONS = {"faq_drafts": suggest_drafts}
BUTTONS = {SHOW: on_show, EDIT: on_edit, PUBLISH: on_publish, DROP: on_drop}

ROUTES = Routes(
    buttons={**BUTTONS, faq_help.OFFER: faq_help.on_offer, faq_help.POST: faq_help.on_post},
    forms={FORM_ID: on_submit},
    admin_buttons=frozenset(BUTTONS), admin_forms=frozenset({FORM_ID}),
    privacy=(loop.DraftsPrivacyPart(),),
)
