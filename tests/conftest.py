"""Shared fixtures: an app on a temporary database with a simulated clock, and a console driver."""

from __future__ import annotations

import io
import itertools
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App, lifespan
from bot.core.clock import SimClock
from bot.platforms.console.door import ConsoleDoor
from bot.settings import Settings

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)

# The FAQ's semantic model is loaded from its package, never downloaded; its embeddings of the shipped content
# are cached in the checkout so the suite embeds them once per machine (not once per test).
for _name, _value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"),
                      ("BOT_FAQ_CACHE", str(Path(__file__).resolve().parents[1] / ".cache" / "faq"))):
    os.environ.setdefault(_name, _value)


BACKEND = os.environ.get("BOT_TEST_BACKEND", "")  # "postgres": every store-backed test on PostgreSQL only
# test modules whose tests run on both backends (each test twice: sqlite, then postgres)
BOTH_BACKENDS = frozenset({
    "test_core_outbox", "test_core_dispatcher", "test_core_console", "test_peers_console",
    "test_webinars_journey", "test_welcome_journey", "test_feedback_journey", "test_outbox_leases",
})
_database_numbers = itertools.count(1)


@pytest.fixture(scope="session", autouse=True)
def _faq_embeddings_cached() -> None:
    """Embed the shipped FAQ content once (cached on disk) before any test starts a bot process."""
    from bot.services.faq import FaqService

    FaqService().load()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_path" not in metafunc.fixturenames or BACKEND:
        return
    if metafunc.module.__name__.rpartition(".")[2] in BOTH_BACKENDS:
        backends = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
        metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture(autouse=True)
def numbered_feedback_refs(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Feedback items get random ids (FB-7Q3K) since issue 15; tests written before then expect FB-0001,
    FB-0002… in filing order. Those keep getting numbered ids (the older format, which stays valid: an
    all-digit reference is read as a number); a test marked `random_refs` gets the real random ones."""
    if request.node.get_closest_marker("random_refs") is not None:
        return
    from bot.store import feedback

    numbers = itertools.count(1)
    monkeypatch.setattr(feedback, "new_item_id", lambda: next(numbers))


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The store backend of this test: sqlite unless parametrized or BOT_TEST_BACKEND says otherwise."""
    return str(getattr(request, "param", BACKEND or "sqlite"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server for the whole run (the machine's own, in a temporary folder)."""
    from tests.fakes.postgres import temporary_server

    with temporary_server() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A new, empty database on the test server."""
    from tests.fakes.postgres import create_database

    return create_database(postgres_server, f"bot_test_{os.getpid()}_{next(_database_numbers)}")


@pytest.fixture
def db_path(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> str:
    """Where the test's bot keeps its data: a SQLite file, or a fresh PostgreSQL database."""
    if backend == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    return str(tmp_path / "bot.db")


@pytest.fixture
def settings(db_path: str, tmp_path: Path) -> Settings:
    return Settings(db_path=db_path, admins=frozenset({"console:admin"}),
                    console_files=str(tmp_path / "console-files"))


@pytest.fixture
def clock() -> SimClock:
    return SimClock(START)


class ConsoleSession:
    """Drives a ConsoleDoor line by line and collects what it prints."""

    def __init__(self, door: ConsoleDoor, buffer: io.StringIO) -> None:
        self.door = door
        self.buffer = buffer
        self._read = 0

    async def send(self, *lines: str) -> str:
        """Feed lines; return only what the bot printed in response."""
        for line in lines:
            await self.door.handle_line(line)
        text = self.buffer.getvalue()
        new, self._read = text[self._read :], len(text)
        return new

    @property
    def app(self) -> App:
        return self.door.app


ConsoleFactory = Callable[..., AbstractAsyncContextManager[ConsoleSession]]


@pytest.fixture
def console(settings: Settings, clock: SimClock, tmp_path: Path) -> ConsoleFactory:
    """`async with console(user="ana", lang="fr") as session:` opens the bot in a console door."""

    @asynccontextmanager
    async def open_console(user: str = "ana", lang: str | None = None,
                           app_settings: Settings | None = None) -> AsyncIterator[ConsoleSession]:
        async with lifespan(settings=app_settings or settings, clock=clock, deliver=True) as app:
            buffer = io.StringIO()
            door = ConsoleDoor(app, clock, buffer, user, lang, files=tmp_path / "console-files")
            await door.restore_clock()
            yield ConsoleSession(door, buffer)

    return open_console
