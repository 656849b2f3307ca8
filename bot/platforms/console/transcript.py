"""The console's memory of the messages it showed, so that message actions can be tried there too.

`:messages` lists the latest with their numbers, `:reply N TEXT` answers message N in its thread (as a
member would in a channel), and `:action N NAME` runs a message action (e.g. faq-draft) on message N.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from bot.core.model import Actor, MessageActionInvoked, QuotedMessage

KEEP = 200
SHOWN_IN_LIST = 10
PREVIEW = 90


@dataclass(frozen=True)
class Shown:
    """A message the console printed, numbered for :reply and :action."""

    number: int
    where: str  # "#ask-openimis", "DM ana"
    author: str  # the console member who wrote it, "" for the bot
    text: str  # plain text
    root: int | None = None  # the number of its thread's first message

    def quoted(self) -> QuotedMessage:
        """The message as a message action sees it."""
        return QuotedMessage(self.text, self.author, self.author, by_bot=not self.author)

    def line(self) -> str:
        """One line for `:messages`: number, where, who and a short preview."""
        who = self.author or "bot"
        text = " ".join(self.text.split())
        preview = text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"
        thread = f" (thread {self.root})" if self.root else ""
        return f"{self.number}. [{self.where}{thread}] {who}: {preview}"


class Transcript:
    """The latest messages printed."""

    def __init__(self) -> None:
        self.messages: deque[Shown] = deque(maxlen=KEEP)
        self.count = 0

    def add(self, where: str, author: str, text: str, root: int | None = None) -> Shown:
        """Number and keep a message shown."""
        self.count += 1
        shown = Shown(self.count, where, author, text, root)
        self.messages.append(shown)
        return shown

    def get(self, number: int) -> Shown | None:
        """Message `number`, if still kept."""
        return next((m for m in self.messages if m.number == number), None)

    def recent(self) -> list[Shown]:
        """The latest messages, for `:messages`."""
        return list(self.messages)[-SHOWN_IN_LIST:]

    def reply(self, number: int, author: str, text: str) -> Shown | None:
        """A member's answer in the thread of message `number`."""
        target = self.get(number)
        if target is None:
            return None
        return self.add(target.where, author, text, target.root or target.number)

    def action(self, actor: Actor, number: int, name: str) -> MessageActionInvoked | None:
        """Message action `name` on message `number` (with its thread's first message), or None."""
        target = self.get(number)
        if target is None:
            return None
        root = self.get(target.root) if target.root else None
        return MessageActionInvoked(actor, name, target.quoted(), root.quoted() if root else None,
                                    channel=target.where, is_dm=target.where.startswith("DM"))
