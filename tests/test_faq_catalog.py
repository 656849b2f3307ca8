"""Every faq.* message id used in code exists in English and French with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

from bot.core.i18n import Catalogs

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "handlers" / "faq.py", *sorted((ROOT / "bot" / "services" / "faq").glob("*.py"))]
KEY = re.compile(r"""["'](faq\.[a-z_]+)["']""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_faq_key_used_is_translated_with_the_same_placeholders():
    used = {key for path in SOURCES for key in KEY.findall(path.read_text(encoding="utf-8"))}
    used -= {"faq.vote", "faq.pick"}  # button actions, not messages
    catalogs = Catalogs()
    assert used
    for key in used:
        english, french = catalogs.messages["en"].get(key), catalogs.messages["fr"].get(key)
        assert english and french, key
        assert placeholders(english) == placeholders(french), key
