"""Plain-text rendering of replies and forms for the console."""

from __future__ import annotations

from bot.core.model import Field, FieldKind, Form, Reply
from bot.core.text import plain


def render_reply(where: str, reply: Reply) -> list[str]:
    """The text and the numbered buttons; an attached file is saved and shown by the door."""
    lines = [f"[{where}] {plain(reply.text)}"]
    if reply.buttons:
        lines.append("  " + "  ".join(f"[{i}] {b.label}" for i, b in enumerate(reply.buttons, 1)))
    return lines


def render_form_title(where: str, form: Form) -> str:
    """The line that opens a form."""
    return f"[{where}] == {form.title} =="


def render_field(field: Field, skip_hint: str, required_hint: str,
                 yes_no: tuple[str, str] = ("yes", "no")) -> list[str]:
    """The question, whether it may be skipped, and the answers it takes (numbered choices, yes / no)."""
    hint = required_hint if field.required else skip_hint
    lines = [f"  {field.label} {hint}"]
    if field.initial and field.kind in (FieldKind.SHORT_TEXT, FieldKind.LONG_TEXT):
        lines.append("    = " + " | ".join(field.initial.split("\n")))
    if field.kind in (FieldKind.CHOICE, FieldKind.MULTI_CHOICE):
        lines.append("    " + "  ".join(f"[{i}] {o.label}" for i, o in enumerate(field.options, 1)))
    elif field.kind is FieldKind.YES_NO:
        lines.append(f"    [1] {yes_no[0]}  [2] {yes_no[1]}")
    return lines
