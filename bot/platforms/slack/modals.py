"""Form -> Slack modal view, and a view_submission's state -> FormSubmitted values."""

from __future__ import annotations

from typing import Any

from bot.core.form_values import Raw, Refused, read
from bot.core.model import Field, FieldKind, Form, FormValue, Option
from bot.platforms.slack.render import metadata

CALLBACK_PREFIX = "form:"
VALUE_ACTION = "value"
TITLE_LIMIT = 24
LABEL_LIMIT = 2000
OPTION_TEXT_LIMIT = 75
OPTION_VALUE_LIMIT = 150
CHECKBOX_LIMIT = 10
YES, NO = "yes", "no"


def plain_text(text: str, limit: int) -> dict[str, Any]:
    """A plain_text object cut to `limit` ("?" when empty)."""
    return {"type": "plain_text", "text": (text.strip() or "?")[:limit], "emoji": True}


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": plain_text(label, OPTION_TEXT_LIMIT), "value": value[:OPTION_VALUE_LIMIT]}


def _element(field: Field, yes_no: tuple[str, str], datetime_hint: str) -> dict[str, Any]:
    kind = field.kind
    if kind in (FieldKind.SHORT_TEXT, FieldKind.LONG_TEXT, FieldKind.DATETIME):
        element: dict[str, Any] = {"type": "plain_text_input", "multiline": kind is FieldKind.LONG_TEXT,
                                   "max_length": max(1, min(field.max_length, 3000))}
        if field.initial:
            element["initial_value"] = field.initial[: element["max_length"]]
        hint = field.placeholder or (datetime_hint if kind is FieldKind.DATETIME else None)
        if hint:
            element["placeholder"] = plain_text(hint, 150)
        return element
    if kind is FieldKind.YES_NO:
        options = [_option(YES, yes_no[0]), _option(NO, yes_no[1])]
        element = {"type": "radio_buttons", "options": options}
        if field.initial in ("true", "false", YES, NO):
            element["initial_option"] = options[0 if field.initial in ("true", YES) else 1]
        return element
    options = [_option(o.value, o.label) for o in field.options[:100]]
    if kind is FieldKind.CHOICE:
        element = {"type": "static_select", "options": options}
        initial = [o for o in options if o["value"] == field.initial]
        if initial:
            element["initial_option"] = initial[0]
    else:
        element = {"type": "checkboxes" if len(options) <= CHECKBOX_LIMIT else "multi_static_select",
                   "options": options}
        chosen = set((field.initial or "").split(","))
        initial = [o for o in options if o["value"] in chosen]
        if initial:
            element["initial_options"] = initial
    if field.placeholder and element["type"] != "checkboxes":
        element["placeholder"] = plain_text(field.placeholder, 150)
    return element


def form_view(form: Form, *, channel: str | None, yes_no: tuple[str, str], datetime_hint: str,
              cancel: str) -> dict[str, Any]:
    """A modal for `form`; each field is an input block whose block_id is the field name."""
    blocks = []
    for field in form.fields:
        element = _element(field, yes_no, datetime_hint)
        element["action_id"] = VALUE_ACTION
        blocks.append({"type": "input", "block_id": field.name, "optional": not field.required,
                       "label": plain_text(field.label, LABEL_LIMIT), "element": element})
    return {
        "type": "modal",
        "callback_id": CALLBACK_PREFIX + form.id,
        "title": plain_text(form.title, TITLE_LIMIT),
        "submit": plain_text(form.submit_label, TITLE_LIMIT),
        "close": plain_text(cancel, TITLE_LIMIT),
        "private_metadata": metadata(form.id, form.state, channel),
        "blocks": blocks,
    }


def read_values(fields: dict[str, Field], state: dict[str, Any]) -> tuple[dict[str, FormValue], dict[str, Refused]]:
    """A view_submission's `view.state.values`, typed as on every door (bot/core/form_values.py), and the
    answers refused (Slack's own checks make those rare: a tampered or stale view)."""
    values: dict[str, FormValue] = {}
    refused: dict[str, Refused] = {}
    for block_id, actions in state.items():
        raw: dict[str, Any] = actions.get(VALUE_ACTION) or next(iter(actions.values()), {})
        spec = fields.get(block_id) or Field(block_id, FieldKind.SHORT_TEXT, block_id)
        value = read(spec, _raw(raw))
        if isinstance(value, Refused):
            refused[block_id] = value
        else:
            values[block_id] = value
    return values, refused


def _raw(action: dict[str, Any]) -> Raw:
    """An input's submitted value: the text typed, or the option values picked."""
    element = action.get("type")
    if element == "plain_text_input":
        return action.get("value")
    if element in ("static_select", "radio_buttons"):
        chosen = (action.get("selected_option") or {}).get("value")
        return None if chosen is None else [str(chosen)]
    if element in ("checkboxes", "multi_static_select"):
        return [str(o.get("value")) for o in action.get("selected_options") or []]
    return None


def fields_of(view: dict[str, Any]) -> dict[str, Field]:
    """The form's fields as the modal declared them (read back from the submitted view's blocks)."""
    return {block.get("block_id", ""): _field(block.get("block_id", ""), block.get("element", {}))
            for block in view.get("blocks", []) if block.get("type") == "input"}


def _field(name: str, element: dict[str, Any]) -> Field:
    options = tuple(Option(str(o.get("value")), "") for o in element.get("options", []))
    kind = {"plain_text_input": FieldKind.LONG_TEXT if element.get("multiline") else FieldKind.SHORT_TEXT,
            "static_select": FieldKind.CHOICE, "radio_buttons": FieldKind.CHOICE}.get(element.get("type", ""),
                                                                                     FieldKind.MULTI_CHOICE)
    if element.get("type") == "radio_buttons" and {o.value for o in options} == {YES, NO}:
        kind = FieldKind.YES_NO
    return Field(name, kind, name, options=options, max_length=int(element.get("max_length") or 3000))
