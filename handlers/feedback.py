"""/feedback: members file usability feedback (form or one line) and follow it; admins triage it.

`/feedback` first asks for the openIMIS module or area (buttons, from content/feedback/modules.toml),
then opens a 5-field form (category, rating, description, steps or screen, anonymous): Discord modals
hold 5 fields, and a choice among ~14 areas reads better as buttons than as a 6th field.
"""

from __future__ import annotations

from bot.core.commands import on_text
from bot.core.i18n import fmt_datetime
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
from bot.core.routes import Command, Kind, Opt, Routes, Sub
from bot.services.container import Ctx
from bot.services.feedback import (
    CATEGORIES,
    MAX_DESCRIPTION,
    MAX_STEPS,
    OTHER,
    QUICK_CATEGORY,
    Item,
    NewItem,
    category_label,
    excerpt,
    format_ref,
    parse_ref,
    status_label,
)
from bot.services.feedback.report import FeedbackPrivacy
from bot.services.feedback.votes import SCOPES
from handlers import feedback_admin as admin
from handlers import feedback_guard as guard
from handlers import feedback_votes as voting

FORM_ID = "feedback.item"
TITLE_LIMIT = 45  # Discord modal titles and labels


async def feedback_command(ctx: Ctx, event: CommandInvoked) -> Result:
    """`/feedback` alone: the module picker; text that names no subcommand (declared below) is filed,
    unless it looks like a typo of a subcommand or is a word or two (handlers/feedback_guard.py)."""
    args = event.args.strip()
    if not args:
        return module_picker(ctx)
    word = args.split()[0]
    everyone = guard.words(SUBCOMMANDS, admin=False)
    language = guard.words(SUBCOMMANDS, locale=ctx.locale)
    names = guard.words(SUBCOMMANDS) if ctx.is_admin else everyone
    suggestion = guard.close_subcommand(word, names, everyone, language)
    if suggestion and (len(args.split()) < guard.MIN_WORDS or guard.REF.search(args)):
        return guard.did_you_mean(ctx, event.name, suggestion, args, anonymous=False)
    return await file_quick(ctx, args, anonymous=False)


def module_picker(ctx: Ctx) -> Reply:
    """Step 1 of the form: which module or area (each button opens the form)."""
    service = ctx.services.feedback
    buttons = tuple(Button(service.module_label(ctx.services.catalogs, ctx.locale, key), "feedback.new", key)
                    for key in service.module_keys)
    return ctx.reply("feedback.pick_module", buttons=buttons)


async def open_form(ctx: Ctx, event: ButtonPressed) -> Form:
    """Open the feedback form for the module the button names."""
    module = event.value if event.value in ctx.services.feedback.module_keys else OTHER
    return feedback_form(ctx, module)


def feedback_form(ctx: Ctx, module: str) -> Form:
    """Step 2: the form itself; the module travels in the form's state."""
    label = ctx.services.feedback.module_label(ctx.services.catalogs, ctx.locale, module)
    title = ctx.t("feedback.form.title", module=label)
    ratings = tuple(Option(str(n), ctx.t(f"feedback.form.rating_{n}")) for n in range(1, 6))
    categories = tuple(Option(c, category_label(ctx.services.catalogs, ctx.locale, c)) for c in CATEGORIES)
    fields = (
        Field("category", FieldKind.CHOICE, ctx.t("feedback.form.category"), required=True, options=categories),
        Field("rating", FieldKind.CHOICE, ctx.t("feedback.form.rating"), options=ratings),
        Field("description", FieldKind.LONG_TEXT, ctx.t("feedback.form.description"), required=True,
              max_length=MAX_DESCRIPTION),
        Field("steps", FieldKind.LONG_TEXT, ctx.t("feedback.form.steps"), max_length=MAX_STEPS),
        Field("anonymous", FieldKind.YES_NO, ctx.t("feedback.form.anonymous"), initial="no"),
    )
    short = title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "…"
    return Form(FORM_ID, short, fields, ctx.t("feedback.form.submit"), state=module)


def one(value: FormValue) -> str | None:
    """A CHOICE value: the code picked (bot/core/form_values.py), None when left empty."""
    return value.strip() or None if isinstance(value, str) else None


def text_value(value: FormValue) -> str:
    """A text field's value, stripped ("" when empty)."""
    return value.strip() if isinstance(value, str) else ""


def check_text(ctx: Ctx, errors: dict[str, str], name: str, text: str, limit: int, required: bool) -> None:
    """Note in `errors` a required text left empty or one over `limit`."""
    if required and not text:
        errors[name] = ctx.t("feedback.errors.empty")
    elif len(text) > limit:
        errors[name] = ctx.t("feedback.errors.too_long", length=len(text), limit=limit)


async def submit_form(ctx: Ctx, event: FormSubmitted) -> Reply | FormErrors:
    """Validate the form; file the item; answer with its reference."""
    values, errors = event.values, {}
    category = one(values.get("category"))
    if category not in CATEGORIES:
        errors["category"] = ctx.t("feedback.errors.unknown_category", category=(category or "")[:30],
                                   options=", ".join(category_label(ctx.services.catalogs, ctx.locale, c)
                                                     for c in CATEGORIES))
    rating_text = one(values.get("rating"))
    if rating_text is not None and rating_text not in {"1", "2", "3", "4", "5"}:
        errors["rating"] = ctx.t("feedback.errors.bad_rating")
    description, steps = text_value(values.get("description")), text_value(values.get("steps"))
    check_text(ctx, errors, "description", description, MAX_DESCRIPTION, True)
    check_text(ctx, errors, "steps", steps, MAX_STEPS, False)
    anonymous = values.get("anonymous")
    if anonymous is not None and not isinstance(anonymous, bool):  # never filed as named by mistake
        errors["anonymous"] = ctx.t("feedback.errors.bad_anonymous")
    if errors:
        return FormErrors(errors)
    module = event.state if event.state in ctx.services.feedback.module_keys else OTHER
    new = NewItem(None if anonymous is True else ctx.member.id, "form", str(category), module,
                  int(rating_text) if rating_text else None, description, steps or None)
    return filed(ctx, await ctx.services.feedback.submit(new, ctx.member))


async def file_quick(ctx: Ctx, text: str, anonymous: bool, confirmed: bool = False) -> Reply:
    """`/feedback <text>`: an item with defaults (category usability, module other, no rating).
    Fewer than three words are filed only once confirmed (the Send button)."""
    text = text.strip()
    if not text:
        return ctx.reply("feedback.errors.quick_empty")
    if len(text) > MAX_DESCRIPTION:
        return ctx.reply("feedback.errors.quick_too_long", length=len(text), limit=MAX_DESCRIPTION, text=text)
    if not confirmed and len(text.split()) < guard.MIN_WORDS:
        return guard.confirm_short(ctx, text, anonymous)
    new = NewItem(None if anonymous else ctx.member.id, "quick", QUICK_CATEGORY, OTHER, None, text, None)
    return filed(ctx, await ctx.services.feedback.submit(new, ctx.member))


def filed(ctx: Ctx, item: Item) -> Reply:
    """The reply telling the member their item's reference."""
    key = "feedback.filed_anonymous" if item.anonymous else "feedback.filed"
    return ctx.reply(key, ref=item.ref)


async def send_pressed(ctx: Ctx, event: ButtonPressed) -> Reply:
    """The Send button under a short text: file it (once)."""
    return (await guard.already_filed(ctx, event)
            or await file_quick(ctx, event.value, event.action == guard.SEND_ANONYMOUS, confirmed=True))


async def quick(ctx: Ctx, rest: str) -> Reply:
    """/feedback quick TEXT: file an item at once."""
    return await file_quick(ctx, rest, anonymous=False)


async def quick_anonymous(ctx: Ctx, rest: str) -> Reply:
    """/feedback anonymous TEXT: file an item at once, without the author."""
    return await file_quick(ctx, rest, anonymous=True)


async def show_status(ctx: Ctx, rest: str) -> Reply:
    """`/feedback status FB-0042`: status, note and duplicate target; the text only to its author and admins."""
    item_id = parse_ref(rest)
    if item_id is None:
        return ctx.reply("feedback.errors.bad_ref", text=rest[:30])
    item = await ctx.services.feedback.item(item_id)
    if item is None:
        return ctx.reply("feedback.errors.unknown_ref", ref=format_ref(item_id))
    catalogs = ctx.services.catalogs
    lines = [ctx.t("feedback.status_line", ref=item.ref, status=status_label(catalogs, ctx.locale, item.status),
                   category=category_label(catalogs, ctx.locale, item.category),
                   module=ctx.services.feedback.module_label(catalogs, ctx.locale, item.module),
                   day=fmt_datetime(item.created_at, ctx.locale, "UTC", "d MMMM y"))]
    if item.member_id == ctx.member.id or ctx.is_admin:
        lines.append(ctx.t("feedback.post.description", text=item.description))
    if item.duplicate_of:
        lines.append(ctx.t("feedback.dm.duplicate", target=format_ref(item.duplicate_of)))
    if item.note:
        lines.append(ctx.t("feedback.dm.note", note=item.note))
    return Reply("\n".join(lines), ephemeral=True)


async def mine(ctx: Ctx, rest: str) -> Reply:
    """`/feedback mine`: the member's own (non-anonymous) items, newest first."""
    items = await ctx.services.feedback.search(member_id=ctx.member.id, limit=admin.LIST_LIMIT)
    if not items:
        return ctx.reply("feedback.mine_empty")
    describe = ctx.services.feedback.describe
    lines = [ctx.t("feedback.mine_title", count=len(items))]
    lines += [f"• {describe(ctx.services.catalogs, ctx.locale, item)}" for item in items]
    return Reply("\n".join(lines), ephemeral=True)


async def help_text(ctx: Ctx, rest: str) -> Reply:
    """/feedback help (the admin part for admins)."""
    lines = [ctx.t("feedback.help")]
    if ctx.is_admin:
        lines.append(ctx.t("feedback.help_admin"))
    return Reply("\n".join(lines), ephemeral=True)


async def suggest_refs(ctx: Ctx, typed: str) -> list[Option]:
    """Autocomplete of FB references: the member's own items and the most-voted open ones (admins: the latest)."""
    items = await ctx.services.feedback.references(ctx.member.id, ctx.is_admin)
    return [Option(item.ref, f"{item.ref} · {excerpt(item.description)}") for item in items]


REF = Opt("ref", "feedback.option.ref", autocomplete="feedback_refs", names={"fr": "référence"})
TEXT = Opt("text", "feedback.option.text", names={"fr": "texte"})
SUBCOMMANDS = (
    Sub("quick", "feedback.sub.quick", on_text(quick), (TEXT,), names={"fr": "rapide"}),
    Sub("anonymous", "feedback.sub.anonymous", on_text(quick_anonymous), (TEXT,), names={"fr": "anonyme"}),
    Sub("status", "feedback.sub.status", on_text(show_status), (REF,), names={"fr": "statut"}),
    Sub("mine", "feedback.sub.mine", on_text(mine), names={"fr": "mes"}),
    Sub("vote", "feedback.sub.vote", on_text(voting.vote_command), (REF,), names={"fr": "voter"}),
    Sub("top", "feedback.sub.top", on_text(voting.top)),
    Sub("help", "feedback.sub.help", on_text(help_text), names={"fr": "aide"}),
    Sub("list", "feedback.sub.list", on_text(admin.list_items), (
        Opt("status", "feedback.option.status", vocabulary="feedback_status", autocomplete="feedback_statuses",
            names={"fr": "statut"}),
        Opt("category", "feedback.option.category", vocabulary="feedback_category",
            autocomplete="feedback_categories", names={"fr": "catégorie"})), admin=True, names={"fr": "liste"}),
    Sub("stats", "feedback.sub.stats", on_text(admin.stats), admin=True, aliases=("statistiques", "statistics")),
    Sub("set", "feedback.sub.set", on_text(admin.set_status), (
        REF, Opt("status", "feedback.option.new_status", vocabulary="feedback_status", autocomplete="feedback_statuses",
                 names={"fr": "statut"}),  # read by the service: an unknown one is answered with the labels
        Opt("note", "feedback.option.note")), admin=True, names={"fr": "changer"}),
    Sub("scope", "feedback.sub.scope", on_text(voting.set_scope), (
        REF, Opt("scope", "feedback.option.scope", Kind.CHOICE, vocabulary="feedback_scope", choices=SCOPES,
                 invalid="feedback.scope.usage", names={"fr": "portée"})), admin=True, names={"fr": "portée"}),
)

ROUTES = Routes(
    commands=(Command("feedback", feedback_command, "feedback.summary", "feedback.usage", names={"fr": "avis"},
                      subs=SUBCOMMANDS, default=Sub("new", "feedback.sub.new", feedback_command, (TEXT,),
                                                    names={"fr": "nouveau"})),),
    suggestions={"feedback_refs": suggest_refs},
    buttons={"feedback.new": open_form, "feedback.status": admin.status_button,
             "feedback.change": admin.change_button, "feedback.vote": voting.vote_button,
             guard.SEND: send_pressed, guard.SEND_ANONYMOUS: send_pressed},
    forms={FORM_ID: submit_form, admin.CHANGE_FORM_ID: admin.submit_change},
    admin_buttons=frozenset({"feedback.status", "feedback.change"}), admin_forms=frozenset({admin.CHANGE_FORM_ID}),
    privacy=(FeedbackPrivacy(),),
)
