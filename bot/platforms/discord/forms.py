"""Forms as Discord modals.

A Form is stored (bot/store/discord.py) under the hash of its content when it is shown, and the modal's
custom_id is "~m|<hash>|<page>": a submission is understood after a restart, and state of any length
fits. Each field is a labelled component: text inputs for text and dates, a select for choices and
yes/no. A modal holds five components, so a longer form is filled over several modals, one page at a
time, with a "Continue" button in between; the answers so far are kept in the database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import discord

from bot.core.form_values import TEXT_KINDS, Raw, Refused, read
from bot.core.model import Field, FieldKind, Form, FormValue, Option
from bot.core.text import inert

PAGE = 5
MODAL_PREFIX = "~m"
OPEN_PREFIX = "~o"


def form_to_json(form: Form) -> str:
    """The form as JSON text, kept while the member fills it."""
    fields = [{"name": f.name, "kind": f.kind.value, "label": f.label, "required": f.required,
               "options": [[o.value, o.label] for o in f.options], "initial": f.initial,
               "max_length": f.max_length, "placeholder": f.placeholder} for f in form.fields]
    body = {"id": form.id, "title": form.title, "submit": form.submit_label, "state": form.state, "fields": fields}
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


def same_form(one: Form, other: Form) -> bool:
    """The same form, perhaps with other answers filled in (an errors' reopen copy)."""
    return (one.id, one.state) == (other.id, other.state)


def form_from_json(raw: str) -> Form:
    """The form `form_to_json` kept."""
    data: dict[str, Any] = json.loads(raw)
    fields = tuple(
        Field(name=f["name"], kind=FieldKind(f["kind"]), label=f["label"], required=f["required"],
              options=tuple(Option(v, lbl) for v, lbl in f["options"]), initial=f["initial"],
              max_length=f["max_length"], placeholder=f["placeholder"])
        for f in data["fields"])
    return Form(data["id"], data["title"], fields, data["submit"], data["state"])


def digest(user_id: str, body: str) -> str:
    """A short stable name for a form stored for one member."""
    return hashlib.sha256(f"{user_id}\n{body}".encode()).hexdigest()[:24]


def pages(form: Form) -> list[tuple[Field, ...]]:
    """The form's fields, five to a modal."""
    return [form.fields[i : i + PAGE] for i in range(0, len(form.fields), PAGE)] or [()]


def page_of(form: Form, field_name: str) -> int:
    """The modal page holding `field_name` (0 when absent)."""
    names = [f.name for f in form.fields]
    return names.index(field_name) // PAGE if field_name in names else 0


def encode(prefix: str, form_hash: str, page: int) -> str:
    """A form custom id: prefix, form hash and page."""
    return f"{prefix}|{form_hash}|{page}"


def decode(custom_id: str) -> tuple[str, str, int] | None:
    """"~m|hash|2" -> ("~m", "hash", 2); None if it is not a form id."""
    parts = custom_id.split("|")
    if len(parts) != 3 or parts[0] not in (MODAL_PREFIX, OPEN_PREFIX) or not parts[2].isdigit():
        return None
    return parts[0], parts[1], int(parts[2])


def with_answers(form: Form, answers: dict[str, FormValue]) -> Form:
    """The same form with the given answers as initial values (to reopen it after errors)."""
    fields = tuple(_with_initial(f, answers[f.name]) if f.name in answers else f for f in form.fields)
    return Form(form.id, form.title, fields, form.submit_label, form.state)


def _with_initial(spec: Field, value: FormValue) -> Field:
    if value is None:
        initial = None
    elif isinstance(value, bool):
        initial = "yes" if value else "no"
    elif isinstance(value, list):
        initial = ",".join(value)
    else:
        initial = str(value)
    return Field(spec.name, spec.kind, spec.label, spec.required, spec.options, initial, spec.max_length,
                 spec.placeholder)


def build_modal(form: Form, form_hash: str, page: int, yes_no: tuple[str, str]) -> discord.ui.Modal:
    """The modal for one page of the form; `yes_no` are the translated labels of a yes/no select."""
    fields = pages(form)[page]
    count = len(pages(form))
    title = form.title if count == 1 else f"{form.title} ({page + 1}/{count})"
    modal = discord.ui.Modal(title=title[:45], custom_id=encode(MODAL_PREFIX, form_hash, page), timeout=600)
    for spec in fields:
        text, description = _label(spec.label)
        modal.add_item(discord.ui.Label(text=text, description=description, component=_component(spec, yes_no)))
    return modal


def _label(label: str) -> tuple[str, str | None]:
    """Discord labels hold 1 to 45 characters; the rest goes to the description."""
    label = label.strip() or "…"
    if len(label) <= 45:
        return label, None
    cut = label.rfind(" ", 0, 44)
    cut = cut if cut > 0 else 44
    return label[:cut] + "…", label[cut:].strip()[:100]


def _component(spec: Field, yes_no: tuple[str, str]) -> discord.ui.Item[Any]:
    placeholder = spec.placeholder[:100] if spec.placeholder else None
    if spec.kind in TEXT_KINDS or (spec.kind is not FieldKind.YES_NO and not spec.options):
        style = discord.TextStyle.paragraph if spec.kind is FieldKind.LONG_TEXT else discord.TextStyle.short
        longest = max(1, min(spec.max_length, 4000))
        return discord.ui.TextInput(custom_id=spec.name, style=style, required=spec.required,
                                    default=(spec.initial or "")[:longest] or None, max_length=longest,
                                    placeholder=placeholder)
    chosen = set((spec.initial or "").split(","))
    if spec.kind is FieldKind.YES_NO:
        options = [discord.SelectOption(label=yes_no[0], value="yes", default="yes" in chosen),
                   discord.SelectOption(label=yes_no[1], value="no", default="no" in chosen)]
        return discord.ui.Select(custom_id=spec.name, options=options, min_values=1 if spec.required else 0,
                                 max_values=1, required=spec.required, placeholder=placeholder)
    options = [discord.SelectOption(label=o.label[:100], value=o.value[:100], default=o.value in chosen)
               for o in spec.options[:25]]
    most = 1 if spec.kind is FieldKind.CHOICE else len(options)
    return discord.ui.Select(custom_id=spec.name, options=options, min_values=1 if spec.required else 0,
                             max_values=most, required=spec.required, placeholder=placeholder)


def submitted_components(data: dict[str, Any]) -> dict[str, Any]:
    """custom_id -> raw value ("value" of a text input, "values" of a select) in a MODAL_SUBMIT payload."""
    found: dict[str, Any] = {}
    for item in _walk(data.get("components", [])):
        if "custom_id" in item:
            found[item["custom_id"]] = item["values"] if "values" in item else item.get("value")
    return found


def _walk(items: list[Any]) -> Iterator[dict[str, Any]]:
    for item in items:
        if not isinstance(item, dict):
            continue
        yield item
        yield from _walk(item.get("components", []))
        if isinstance(item.get("component"), dict):
            yield from _walk([item["component"]])


@dataclass(frozen=True)
class Problem:
    """An answer the form cannot take (too long, not one of the options): the message id that says so."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)


def parse_page(form: Form, page: int, data: dict[str, Any]) -> tuple[dict[str, FormValue], dict[str, Problem]]:
    """The answers of one submitted modal page, typed as on every door (bot/core/form_values.py), and the
    answers refused (too long, not an option offered)."""
    raw = submitted_components(data)
    values: dict[str, FormValue] = {}
    problems: dict[str, Problem] = {}
    for spec in pages(form)[page]:
        value = read(spec, _raw(raw.get(spec.name)))
        if isinstance(value, Refused):
            problems[spec.name] = Problem(f"forms.{value.reason}", dict(value.values))
            values[spec.name] = _kept(spec, raw.get(spec.name))
        else:
            values[spec.name] = value
    return values, problems


def _raw(component: Any) -> Raw:
    """A component's submitted value: a text input's text, or a select's values."""
    if component is None or isinstance(component, str):
        return component
    return [str(v) for v in component] if isinstance(component, list) else [""]


def _kept(spec: Field, raw: Any) -> FormValue:
    """What a refused answer leaves in the reopened form: the text (to shorten), no choice."""
    return inert(str(raw)).strip() or None if spec.kind in TEXT_KINDS and isinstance(raw, str) else None
