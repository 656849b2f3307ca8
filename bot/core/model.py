"""The neutral model: who acts, what they did, and what the bot answers."""

from __future__ import annotations

import base64
import enum
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Actor:
    """The person behind an event, as the platform describes them."""

    platform: str
    user_id: str
    display_name: str
    platform_locale: str | None = None
    timezone: str | None = None
    platform_admin: bool = False
    is_bot: bool = False
    is_guest: bool = False


@dataclass(frozen=True)
class Member:
    """A stored member (one per platform account)."""

    id: int
    platform: str
    user_id: str
    display_name: str
    locale: str | None
    platform_locale: str | None
    timezone: str | None
    is_admin: bool
    joined_at: datetime | None
    created_at: datetime


# ---- incoming events -------------------------------------------------------------------------


@dataclass(frozen=True)
class CommandInvoked:
    """A slash command. Text doors give `args`; Discord gives the subcommand `path` and raw `options`.

    The dispatcher hands the handler a copy with `path` (English names), `values` (options converted to
    their declared types) and `args` (the text after the subcommand's name) filled in.
    """

    actor: Actor
    name: str
    args: str = ""
    channel: str | None = None
    is_dm: bool = True
    event_id: str | None = None  # the platform's id of this delivery: the dispatcher handles it once
    path: tuple[str, ...] = ()
    options: Mapping[str, str | int | float | bool] | None = None
    values: Mapping[str, str | int | bool | datetime] = field(default_factory=dict)


@dataclass(frozen=True)
class MessageReceived:
    """A message the bot received: a DM, or a channel message (`mentions_bot` when it names the bot)."""

    actor: Actor
    text: str
    channel: str | None = None
    is_dm: bool = True
    mentions_bot: bool = False
    event_id: str | None = None


@dataclass(frozen=True)
class MemberJoined:
    """A member joined the community (the workspace, the server or a channel)."""

    actor: Actor
    channel: str | None = None
    event_id: str | None = None


@dataclass(frozen=True)
class ButtonPressed:
    """A member pressed a button the bot posted."""

    actor: Actor
    action: str
    value: str = ""
    channel: str | None = None
    is_dm: bool = True
    event_id: str | None = None


FormValue = str | list[str] | bool | None  # one type per field kind: bot/core/form_values.py


@dataclass(frozen=True)
class FormSubmitted:
    """A form handed in. `values` are typed per field kind by every door alike (bot/core/form_values.py);
    the accessors below read one field as its kind promises."""

    actor: Actor
    form_id: str
    values: dict[str, FormValue]
    state: str = ""
    channel: str | None = None
    event_id: str | None = None

    def text(self, name: str) -> str:
        """A text field's answer, or a CHOICE's code ("" when left empty)."""
        value = self.values.get(name)
        return value if isinstance(value, str) else ""

    def choices(self, name: str) -> list[str]:
        """A MULTI_CHOICE field's codes ([] when none was picked)."""
        value = self.values.get(name)
        return list(value) if isinstance(value, list) else []

    def yes_no(self, name: str) -> bool | None:
        """A YES_NO field's answer (None when left empty)."""
        value = self.values.get(name)
        return value if isinstance(value, bool) else None


@dataclass(frozen=True)
class QuotedMessage:
    """A message someone chose in a chat (its text already plain and sanitised by the door)."""

    text: str
    author_id: str = ""  # the platform user id of its author ("" when unknown)
    author_name: str = ""
    by_bot: bool = False  # written by this bot


@dataclass(frozen=True)
class MessageActionInvoked:
    """A member picked one of the bot's actions on a message (Slack message shortcut, Discord message
    context command, the console's `:action N NAME`); `thread_root` is the first message of its thread."""

    actor: Actor
    action: str
    message: QuotedMessage
    thread_root: QuotedMessage | None = None
    channel: str | None = None
    is_dm: bool = False
    event_id: str | None = None


@dataclass(frozen=True)
class HomeOpened:
    """A member opened the bot's home (Slack's App Home tab): the answer is the home's sections, as replies."""

    actor: Actor
    event_id: str | None = None


Event = (CommandInvoked | MessageReceived | MemberJoined | ButtonPressed | FormSubmitted | MessageActionInvoked
         | HomeOpened)


# ---- what the bot answers --------------------------------------------------------------------


@dataclass(frozen=True)
class Button:
    """A button under a reply: its label, the action it triggers and the value passed."""

    label: str
    action: str
    value: str = ""
    style: str | None = None  # "primary" | "danger" | None


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply."""

    filename: str
    content: bytes
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class Reply:
    """A message. `text` is plain text: doors escape it; mention/time tokens come from bot.core.text."""

    text: str
    buttons: tuple[Button, ...] = ()
    ephemeral: bool = False
    file: Attachment | None = None
    thread: str = ""  # a channel post: the name of a thread to open on it for answers (Discord; Slack needs none)

    def to_json(self) -> dict[str, Any]:
        """The reply as JSON data (a file's content in base64), as the outbox stores it."""
        data = asdict(self)
        if not self.thread:
            del data["thread"]
        if self.file is not None:
            data["file"] = {**data["file"], "content": base64.b64encode(self.file.content).decode()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        """The reply `to_json` stored."""
        file = data.get("file")
        attachment = None
        if file:
            attachment = Attachment(file["filename"], base64.b64decode(file["content"]), file["mime"])
        return cls(
            text=data["text"],
            buttons=tuple(Button(**b) for b in data.get("buttons", ())),
            ephemeral=bool(data.get("ephemeral", False)),
            file=attachment,
            thread=str(data.get("thread") or ""),
        )


class FieldKind(enum.StrEnum):
    """What a form field takes (see bot/core/form_values.py for the value each gives)."""

    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    YES_NO = "yes_no"
    DATETIME = "datetime"


@dataclass(frozen=True)
class Option:
    """One choice of a form field: its code and its label."""

    value: str
    label: str


@dataclass(frozen=True)
class Field:
    """One form field."""

    name: str
    kind: FieldKind
    label: str
    required: bool = False
    options: tuple[Option, ...] = ()
    initial: str | None = None
    max_length: int = 500
    placeholder: str | None = None
    check: str = ""  # a named check (bot/services/field_checks.py) run as the answer is typed, where a door can


@dataclass(frozen=True)
class Form:
    """A form to fill in: Slack/Discord modals, or one prompt per field in the console."""

    id: str
    title: str
    fields: tuple[Field, ...]
    submit_label: str
    state: str = ""


@dataclass(frozen=True)
class FormErrors:
    """Returned by a form handler to reject a submission with a message per field."""

    errors: dict[str, str] = field(default_factory=dict)


Result = Reply | list[Reply] | Form | FormErrors | None


def as_replies(result: Result) -> list[Reply]:
    """Normalise a handler result that must be messages."""
    if result is None:
        return []
    if isinstance(result, Reply):
        return [result]
    if isinstance(result, list):
        return result
    raise TypeError(f"not a message result: {type(result).__name__}")


@dataclass(frozen=True)
class Destination:
    """Where a proactive message goes.

    kind "dm": target is a platform user id; "channel": a logical channel name (e.g. "announcements")
    or a platform channel id; "group": comma-separated user ids (a group DM, or one DM each).
    """

    platform: str
    kind: str
    target: str

    def key(self) -> str:
        """`platform:kind:target`, one text per destination."""
        return f"{self.platform}:{self.kind}:{self.target}"

    @classmethod
    def dm(cls, member: Member) -> Destination:
        """A direct message to `member`."""
        return cls(member.platform, "dm", member.user_id)

    @classmethod
    def channel(cls, platform: str, name: str) -> Destination:
        """The channel `name` on `platform`."""
        return cls(platform, "channel", name)
