"""Attachments in the console: written to a folder (BOT_CONSOLE_FILES) so the person can open them."""

from __future__ import annotations

import os
import re
from pathlib import Path

from bot.core.model import Attachment

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(filename: str) -> str:
    """The file's own name, with no folder part and only plain characters (never '..' or a hidden file)."""
    name = _UNSAFE.sub("-", Path(filename.replace("\\", "/")).name).strip(".-")
    return name or "file"


def save_attachment(folder: Path, attachment: Attachment) -> Path:
    """Write `attachment` into `folder` (created, readable by its owner only) and return where it is.
    A file already there with the same content is reused; one with other content is never overwritten."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stem, dot, suffix = safe_name(attachment.filename).partition(".")
    for number in range(1, 10_000):
        name = f"{stem}{'' if number == 1 else f'-{number}'}{dot}{suffix}"
        path = folder / name
        if path.exists() and path.read_bytes() != attachment.content:
            continue
        _write_private(path, attachment.content)
        return path.resolve()
    raise OSError(f"no free file name for {attachment.filename!r} in {folder}")


def _write_private(path: Path, content: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
