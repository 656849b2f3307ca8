"""What every feature service is built from, and the protocol the shared service functions read.

A feature service (`PrivacyService`, `WelcomeService`, `PeersService`, `WebinarService`...) is built once in
the services container with these explicit parts, never with the whole `Services` bag; the helper functions
it calls (notices, roles, outbox rows) take `Shared`, which the container and every feature service provide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.core.clock import Clock
    from bot.core.i18n import Catalogs
    from bot.services.outbox import Outbox
    from bot.settings import Settings
    from bot.store.backends import AnyStore


class Shared(Protocol):
    """The parts a shared service function may read (no feature service, no FAQ engine)."""

    @property
    def settings(self) -> Settings:
        """The settings."""

    @property
    def store(self) -> AnyStore:
        """The database."""

    @property
    def clock(self) -> Clock:
        """The clock."""

    @property
    def catalogs(self) -> Catalogs:
        """The message catalogs."""

    @property
    def outbox(self) -> Outbox:
        """The outbox every message goes through."""


@dataclass(frozen=True)
class Feature:
    """The explicit dependencies of a feature service; each of its public methods is one transaction."""

    settings: Settings
    store: AnyStore
    clock: Clock
    catalogs: Catalogs
    outbox: Outbox
