"""The composition root: settings, store, services, dispatcher and heartbeat, with their lifetime."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.core.clock import Clock, RealClock
from bot.core.dispatcher import Dispatcher
from bot.core.i18n import Catalogs
from bot.core.ports import DoorState
from bot.core.routes import Routes
from bot.dashboard import web as dashboard_web
from bot.platforms.http import WebServer
from bot.platforms.http import calendar as calendar_routes
from bot.platforms.webhook.feedback import WebhookMessenger
from bot.scheduler import Heartbeat
from bot.services.container import Services
from bot.services.faq import FaqService
from bot.services.faq.drafts import serve_database_topics
from bot.services.outbox import Outbox, OutboxPolicy
from bot.services.outbox.loop import DeliveryLoop
from bot.settings import Settings
from bot.store.backends import AnyStore, make_store
from bot.store.directory import StoreDirectory
from bot.store.door_state import StoreDoorState

log = logging.getLogger(__name__)


@dataclass
class App:
    """A running bot: its services, routes, dispatcher, due jobs, HTTP server and outbox delivery."""

    services: Services
    routes: Routes
    dispatcher: Dispatcher
    heartbeat: Heartbeat
    web: WebServer  # the process's one HTTP server: routes are added by whoever serves something
    delivery: DeliveryLoop
    door_state: DoorState  # what a door keeps across events (its forms shown, a simulated clock)


def build_services(*, settings: Settings, store: AnyStore, clock: Clock, load_faq: bool = True) -> Services:
    """The services container: store, clock, outbox policy, FAQ engine and every feature service."""
    policy = OutboxPolicy(max_attempts=settings.outbox_max_attempts,
                          base_delay=float(settings.outbox_base_delay_seconds),
                          concurrency=settings.outbox_concurrency,
                          lease_seconds=settings.outbox_lease_seconds)
    faq = FaqService(settings.faq_dir or None)
    if load_faq:
        faq.load()  # now, so a malformed file is logged at start rather than at the first question
    return Services(settings=settings, store=store, clock=clock, catalogs=Catalogs(),
                    outbox=Outbox(store, clock, policy), faq=faq)


def feedback_webhook(services: Services) -> WebhookMessenger | None:
    """When a feedback webhook URL is set, deliver its outbox rows (retries and backoff included)."""
    settings = services.settings
    if not settings.feedback_webhook_url:
        return None
    webhook = WebhookMessenger(settings.feedback_webhook_url, settings.feedback_webhook_secret)
    services.outbox.register(webhook, chat=False)
    return webhook


@asynccontextmanager
async def lifespan(*, settings: Settings, clock: Clock | None = None, routes: Routes | None = None,
                   deliver: bool = False) -> AsyncIterator[App]:
    """Open the database (migrating it), build everything, and close it all on exit. With `deliver`, the
    outbox's delivery loop runs for the whole lifespan (tests without it deliver by hand)."""
    from handlers import all_routes  # handlers import services; keep the root's imports one-way

    store = make_store(settings.db_path)
    await store.open()
    try:
        services = build_services(settings=settings, store=store, clock=clock or RealClock())
        await serve_database_topics(store, services.faq)
        chosen = routes or all_routes()
        dispatcher = Dispatcher(services, chosen, StoreDirectory(store))
        delivery = DeliveryLoop(services.outbox, settings.outbox_poll_seconds)
        app = App(services, chosen, dispatcher, Heartbeat(services, chosen.jobs, delivery), WebServer(), delivery,
                  StoreDoorState(store))
        calendar_routes.register(app.web, services)  # served whenever the HTTP server listens
        dashboard_web.register(app.web, services)  # when BOT_DASHBOARD_SECRET is set
        webhook = feedback_webhook(services)
        if deliver:
            delivery.start()
        try:
            yield app
        finally:
            await app.heartbeat.stop()
            await delivery.stop()
            await app.web.close()
            await app.heartbeat.leader.close()
            if webhook is not None:
                await webhook.close()
    finally:
        await store.close()
