"""Filling a Form one field per line, as the console (and any text-only fallback) does."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core import values
from bot.core.form_values import Raw, Refused, read
from bot.core.model import Field, FieldKind, Form, FormValue


class AnswerError(ValueError):
    """The answer does not fit the field; `key` is the message id that says what to do."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


CONSOLE_WORDING = {"too_long": "console.form_too_long", "invalid_choice": "console.form_invalid_choice",
                   "invalid_yes_no": "console.form_invalid_yes_no"}


def parse_answer(spec: Field, text: str) -> FormValue:
    """Turn one typed line into the field's value, typed as on every door (bot/core/form_values.py); an empty
    line means skipped (None). Choices are typed as the numbers shown, or the options' names."""
    text = text.strip()
    if not text:
        return None
    raw: Raw = text
    if spec.kind in (FieldKind.CHOICE, FieldKind.MULTI_CHOICE) and spec.options:
        raw = _choices(spec, text)
    elif spec.kind is FieldKind.YES_NO:
        raw = {"1": "yes", "2": "no"}.get(text, text)  # [1] yes [2] no, as shown
    value = read(spec, raw)
    if isinstance(value, Refused):
        raise AnswerError(CONSOLE_WORDING[value.reason], **value.values)
    return value


def _choices(spec: Field, text: str) -> list[str]:
    picked = []
    for part in (p.strip() for p in text.replace(";", ",").split(",") if p.strip()):
        if part.isdigit() and 1 <= int(part) <= len(spec.options):
            picked.append(spec.options[int(part) - 1].value)
            continue
        match = [o.value for o in spec.options if values.fold(part) in (values.fold(o.value), values.fold(o.label))]
        if not match:
            raise AnswerError("console.form_invalid_choice")
        picked.append(match[0])
    return picked


@dataclass
class FormFilling:
    """A form being filled in, field by field."""

    form: Form
    values: dict[str, FormValue] = field(default_factory=dict)
    position: int = 0
    only: tuple[str, ...] = ()  # when re-asking fields that had errors

    def fields(self) -> list[Field]:
        """The fields asked (only the ones named in `only`, when given)."""
        return [f for f in self.form.fields if not self.only or f.name in self.only]

    def current(self) -> Field | None:
        """The field being asked, None once all are answered."""
        fields = self.fields()
        return fields[self.position] if self.position < len(fields) else None

    def check(self, text: str) -> FormValue:
        """The current field's value for `text`; AnswerError saying what to do when it does not fit."""
        spec = self.current()
        assert spec is not None
        value = parse_answer(spec, text)
        if value is None and spec.initial:  # Enter keeps the value shown, as a prefilled modal field would
            value = parse_answer(spec, spec.initial)
        if value is None and spec.required:
            raise AnswerError("console.form_missing")
        return value

    def answer(self, text: str) -> None:
        """Take `text` as the current field's answer and move to the next."""
        spec = self.current()
        assert spec is not None
        self.values[spec.name] = self.check(text)
        self.position += 1
