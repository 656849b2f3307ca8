"""Giving freed memory back to the system."""

from __future__ import annotations

import contextlib
import ctypes


def release_freed_memory() -> None:
    """Return freed heap pages to the system. glibc keeps them for reuse otherwise, and loading the FAQ's model
    and vectors frees tens of MB once (the ONNX file's weights once repacked, the embedding cache once read)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)
