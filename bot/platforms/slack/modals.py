"""Form -> Slack modal view, and a view_submission's state -> FormSubmitted values."""

from __future__ import annotations

from typing import Any

from bot.core.model import Field, FieldKind, Form, FormValue
from bot.core.text import inert
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


def read_values(form_fields: dict[str, FieldKind], state: dict[str, Any]) -> dict[str, FormValue]:
    """Values of a view_submission's `view.state.values`, typed as the neutral model says."""
    values: dict[str, FormValue] = {}
    for block_id, actions in state.items():
        raw: dict[str, Any] = actions.get(VALUE_ACTION) or next(iter(actions.values()), {})
        values[block_id] = _value(form_fields.get(block_id), raw)
    return values


def _value(kind: FieldKind | None, raw: dict[str, Any]) -> FormValue:
    element = raw.get("type")
    if element == "plain_text_input":
        text = raw.get("value")
        return inert(text) if text and text.strip() else None
    if element in ("static_select", "radio_buttons"):
        chosen = (raw.get("selected_option") or {}).get("value")
        if chosen is None:
            return None
        if kind is FieldKind.YES_NO:  # anything but yes or no is left as it came, for the handler to refuse
            return {YES: True, NO: False}.get(chosen, str(chosen))
        return [chosen]
    if element in ("checkboxes", "multi_static_select"):
        picked = [o["value"] for o in raw.get("selected_options") or []]
        return picked or None
    return None


def field_kinds(view: dict[str, Any]) -> dict[str, FieldKind]:
    """Field kinds as the modal declared them (read back from the submitted view's blocks)."""
    kinds: dict[str, FieldKind] = {}
    for block in view.get("blocks", []):
        element = block.get("element", {})
        if element.get("type") == "radio_buttons" and {o["value"] for o in element.get("options", [])} == {YES, NO}:
            kinds[block.get("block_id", "")] = FieldKind.YES_NO
    return kinds
