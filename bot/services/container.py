"""The services a handler can reach through `ctx.services`; built once in bot/app.py.

Each feature service gets its explicit parts (settings, store, clock, catalogs, outbox), not this container.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from bot.core import context
from bot.core.clock import Clock
from bot.core.i18n import Catalogs
from bot.services.faq import FaqService
from bot.services.faq.service import FaqDesk
from bot.services.feedback.service import FeedbackService
from bot.services.outbox import Outbox
from bot.services.peers.service import PeersService
from bot.services.privacy.service import PrivacyService
from bot.services.profile.service import ProfileService
from bot.services.webinars.service import WebinarService
from bot.services.welcome.service import WelcomeService
from bot.settings import Settings
from bot.store.backends import AnyStore


@dataclass
class Services:
    """Everything handlers and jobs use, built once per process."""

    settings: Settings
    store: AnyStore
    clock: Clock
    catalogs: Catalogs
    outbox: Outbox
    faq: FaqService = field(default_factory=FaqService)
    feedback: FeedbackService = field(init=False)
    privacy: PrivacyService = field(init=False)
    welcome: WelcomeService = field(init=False)
    peers: PeersService = field(init=False)
    webinars: WebinarService = field(init=False)
    profile: ProfileService = field(init=False)
    faq_desk: FaqDesk = field(init=False)  # the FAQ feature: what is recorded; `faq` is its engine

    def __post_init__(self) -> None:
        parts = (self.settings, self.store, self.clock, self.catalogs, self.outbox)
        self.privacy = PrivacyService(*parts)
        self.welcome = WelcomeService(*parts)
        self.peers = PeersService(*parts)
        self.webinars = WebinarService(*parts)
        self.profile = ProfileService(*parts)
        self.feedback = FeedbackService(*parts)
        self.faq_desk = FaqDesk(*parts, engine=self.faq)


Ctx: TypeAlias = context.Ctx[Services]  # a handler's context, with these services
