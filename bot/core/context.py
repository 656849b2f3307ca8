"""The context a handler receives: who acts, in which language, and the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from bot.core.i18n import fmt_datetime
from bot.core.model import Actor, Button, Event, Member, Reply
from bot.core.ports import CoreServices
from bot.core.text import Safe, timestamp

if TYPE_CHECKING:
    from bot.core.routes import Routes

S = TypeVar("S", bound=CoreServices)


class UserError(Exception):
    """Raised by a handler to answer with a translated message instead of a result."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass
class Ctx(Generic[S]):
    """What a handler gets besides the event. `services` is whatever the composition root built (the core
    reads only its `CoreServices` part); handlers name it through `bot.services.container.Ctx`."""

    member: Member
    actor: Actor
    locale: str
    is_admin: bool
    event: Event
    services: S
    routes: Routes
    now: datetime

    def t(self, key: str, /, **values: Any) -> str:
        """A message in this member's language."""
        return self.services.catalogs.t(self.locale, key, **values)

    def reply(self, key: str, /, *, buttons: tuple[Button, ...] = (), ephemeral: bool = True,
              **values: Any) -> Reply:
        """A reply with message `key` in the member's language (private by default)."""
        return Reply(self.t(key, **values), buttons=buttons, ephemeral=ephemeral)

    def when(self, dt: datetime, tz: str | None = None, locale: str | None = None) -> Safe:
        """A time token: native on Slack/Discord, otherwise formatted in the reader's zone and language."""
        fallback = fmt_datetime(dt, locale or self.locale, tz or self.member.timezone
                                or self.services.settings.community_timezone)
        return timestamp(int(dt.timestamp()), fallback)

    def admin_only(self) -> Reply:
        """The refusal shown to a member who is not an admin."""
        return self.reply("errors.admin_only")
