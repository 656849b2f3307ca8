"""Ids typed by members or carried in button values: digits only, and small enough for the database."""

from __future__ import annotations

MAX_ID_DIGITS = 18  # SQLite integers are signed 64-bit: 18 digits always fit


def parse_id(text: str) -> int | None:
    """'42', ' #42 ' -> 42; anything else (letters, '¹', '-1', a 30-digit number) -> None."""
    digits = text.strip().lstrip("#")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > MAX_ID_DIGITS:
        return None
    return int(digits)
