"""One typed value per form field kind, read by one function that every door calls.

A door hands `read` what it received for a field: the text typed (a Slack or Discord text input, a console
line) or the option values picked (a Slack select, radio buttons or checkboxes, a Discord select, the console's
numbers once matched to options). Whatever the door, the handler then gets (`FormSubmitted.values`):

| field kind | value |
| --- | --- |
| SHORT_TEXT, LONG_TEXT, DATETIME | `str`, sanitised and stripped (the handler reads a DATETIME in its zone) |
| CHOICE | `str`, one of the option codes (the text typed when the field offers no options) |
| MULTI_CHOICE | `list[str]` of option codes |
| YES_NO | `bool` (typed text is read with the yes/no vocabulary, in English or French) |

and None for a field left empty. An answer that does not fit is `Refused`, with the reason the door words
in its own way (a console says "type one of the numbers shown", a Discord form "choose one of the options").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.core import values
from bot.core.model import Field, FieldKind, FormValue
from bot.core.text import inert

TEXT_KINDS = frozenset({FieldKind.SHORT_TEXT, FieldKind.LONG_TEXT, FieldKind.DATETIME})
YES, NO = "yes", "no"

Raw = str | Sequence[str] | None  # what a door received: text typed, or the option values picked


@dataclass(frozen=True)
class Refused:
    """An answer the field cannot take: `reason` is "too_long", "invalid_choice" or "invalid_yes_no"."""

    reason: str
    values: dict[str, int] = field(default_factory=dict)


def read(spec: Field, raw: Raw) -> FormValue | Refused:
    """The typed value of `spec` for what a door received (see the table above)."""
    if raw is None or (not isinstance(raw, str) and not raw):
        return None
    if spec.kind is FieldKind.YES_NO:
        return _yes_no(raw)
    if spec.kind in TEXT_KINDS or not spec.options:
        return _text(spec, raw)
    return _picked(spec, [raw] if isinstance(raw, str) else list(raw))


def _text(spec: Field, raw: str | Sequence[str]) -> FormValue | Refused:
    if not isinstance(raw, str):
        return Refused("invalid_choice")
    text = inert(raw).strip()
    if not text:
        return None
    if len(text) > spec.max_length:  # refused, never cut: the member shortens it
        return Refused("too_long", {"length": len(text), "limit": spec.max_length})
    return [text] if spec.kind is FieldKind.MULTI_CHOICE else text


def _picked(spec: Field, picked: list[str]) -> FormValue | Refused:
    offered = {o.value for o in spec.options}
    most = len(offered) if spec.kind is FieldKind.MULTI_CHOICE else 1
    if len(picked) > most or any(p not in offered for p in picked):
        return Refused("invalid_choice")
    return list(picked) if spec.kind is FieldKind.MULTI_CHOICE else picked[0]


def _yes_no(raw: str | Sequence[str]) -> bool | Refused:
    if isinstance(raw, str):  # typed: yes, oui, no, non...
        code = values.lookup("yes_no", inert(raw).strip())
        return code == YES if code else Refused("invalid_yes_no")
    if len(raw) != 1 or raw[0] not in (YES, NO):
        return Refused("invalid_choice")
    return raw[0] == YES
