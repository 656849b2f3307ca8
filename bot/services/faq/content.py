"""The FAQ knowledge base on disk: one TOML file per topic in content/faq/, validated on load.

A file `<topic-id>.toml` holds `id` (equal to the file name), an optional `verify` note for
maintainers, and one table per language (`[en]`, `[fr]`) with `questions` (at least two phrasings),
`answer`, `tags` and `links`; a topic with one language only is served in it (with a note) and flagged.
A malformed file is reported with its name and line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.services.faq.text import LANGS

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LINE_RE = re.compile(r"line (\d+)")
LINK_RE = re.compile(r"^(https?://\S+|mailto:\S+@\S+)$")
TOP_KEYS = frozenset({"id", "verify", *LANGS})
LANG_KEYS = frozenset({"questions", "answer", "tags", "links"})
MAX_ANSWER = 1800
DEFAULT_DIR = Path(__file__).resolve().parents[3] / "content" / "faq"


@dataclass(frozen=True)
class Version:
    """A topic in one language."""

    questions: tuple[str, ...]
    answer: str
    tags: tuple[str, ...]
    links: tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """One FAQ topic with its English and French versions."""

    id: str
    versions: dict[str, Version]
    verify: str = ""
    source: str = ""

    def version(self, lang: str) -> Version:
        """The topic in `lang`, else in the language it has (a topic may have one language only)."""
        return self.versions.get(lang) or self.versions.get("en") or next(iter(self.versions.values()))

    def has(self, lang: str) -> bool:
        """Whether the topic has a version in `lang`."""
        return lang in self.versions

    @property
    def missing(self) -> tuple[str, ...]:
        """Languages this topic has no version in (flagged to admins; answered in the other with a note)."""
        return tuple(lang for lang in LANGS if lang not in self.versions)


class ContentError(ValueError):
    """A malformed content file: `str()` names the file and the line."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


def line_of(text: str, table: str | None, key: str | None = None) -> int:
    """The line where `key` is set in `[table]` (or the table header, or line 1 when absent)."""
    current: str | None = None
    header_line = 1
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("["):
            current = line.strip("[] ")
            if current == table:
                header_line = number
            continue
        if current == table and key and re.match(rf"{re.escape(key)}\s*=", line):
            return number
    return header_line


def load_file(path: Path) -> Entry:
    """Parse and validate one topic file; raises ContentError naming the file and line."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(name, 1, f"cannot read the file ({exc})") from exc
    return parse_text(name, path.stem, text)


def parse_text(name: str, stem: str, text: str) -> Entry:
    """Validate a topic given as TOML text (a file's, or a draft's before it is published)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(name, _error_line(exc, text), f"not valid TOML: {exc}") from exc
    return _entry(name, stem, text, data)


def _error_line(exc: tomllib.TOMLDecodeError, text: str) -> int:
    """The line of a TOML syntax error (the last line when the file ends too early)."""
    lineno = getattr(exc, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    found = LINE_RE.search(str(exc))
    if found:
        return int(found.group(1))
    return max(1, len(text.rstrip().splitlines())) if "end of document" in str(exc) else 1


def _entry(name: str, stem: str, text: str, data: dict[str, Any]) -> Entry:
    def fail(table: str | None, key: str | None, message: str) -> ContentError:
        return ContentError(name, line_of(text, table, key), message)

    topic_id = data.get("id")
    if topic_id != stem or not ID_RE.match(stem):
        raise fail(None, "id", f"id must be {stem!r} (the file name, lower-case words joined by '-'), "
                               f"got {topic_id!r}")
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise fail(unknown[0], None if unknown[0] in data and isinstance(data[unknown[0]], dict) else unknown[0],
                   f"unknown key {unknown[0]!r}; expected one of {sorted(TOP_KEYS)}")
    verify = data.get("verify", "")
    if not isinstance(verify, str):
        raise fail(None, "verify", "verify must be text")
    if not any(lang in data for lang in LANGS):
        raise fail(None, None, f"missing table [{LANGS[0]}] or [{LANGS[1]}] (a topic needs at least one language)")
    versions = {lang: _version(data[lang], lang, fail) for lang in LANGS if lang in data}
    return Entry(stem, versions, verify.strip(), name)


def _version(table: Any, lang: str, fail: Any) -> Version:
    if not isinstance(table, dict):
        raise fail(None, lang, f"[{lang}] must be a table")
    unknown = sorted(set(table) - LANG_KEYS)
    if unknown:
        raise fail(lang, unknown[0], f"unknown key {unknown[0]!r} in [{lang}]; expected {sorted(LANG_KEYS)}")
    questions = _texts(table, "questions", lang, fail, minimum=2)
    answer = table.get("answer")
    if not isinstance(answer, str) or not answer.strip():
        raise fail(lang, "answer", f"[{lang}] answer must be non-empty text")
    if len(answer) > MAX_ANSWER:
        raise fail(lang, "answer", f"[{lang}] answer is {len(answer)} characters; keep it under {MAX_ANSWER}")
    tags = _texts(table, "tags", lang, fail, minimum=1)
    links = _texts(table, "links", lang, fail, minimum=0)
    bad = [link for link in links if not LINK_RE.match(link)]
    if bad:
        raise fail(lang, "links", f"[{lang}] link {bad[0]!r} must start with https://, http:// or mailto:")
    return Version(questions, answer.strip(), tags, links)


def _texts(table: dict[str, Any], key: str, lang: str, fail: Any, minimum: int) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(lang, key, f"[{lang}] {key} must be a list of non-empty texts")
    if len(value) < minimum:
        raise fail(lang, key, f"[{lang}] {key} needs at least {minimum} item(s), found {len(value)}")
    return tuple(v.strip() for v in value)


def load_dir(directory: Path) -> tuple[list[Entry], list[ContentError]]:
    """Every valid topic in `directory` (files `*.toml`), and an error for each malformed one."""
    entries: list[Entry] = []
    errors: list[ContentError] = []
    if not directory.is_dir():
        return entries, [ContentError(str(directory), 1, "the FAQ content folder does not exist")]
    for path in sorted(directory.glob("*.toml")):
        try:
            entries.append(load_file(path))
        except ContentError as exc:
            errors.append(exc)
    if not entries and not errors:
        errors.append(ContentError(str(directory), 1, "no topic files (*.toml) found"))
    return entries, errors
