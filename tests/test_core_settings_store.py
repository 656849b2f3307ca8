"""Settings from the environment and .env; the store's migrations and failure modes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError
from bot.store.db import Store, StoreError, migration_files

ROOT = Path(__file__).resolve().parents[1]


def test_settings_from_env_and_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    lines = ["# comment", "BOT_DB=from-file.db", "BOT_DEFAULT_LOCALE=fr", "SLACK_CHANNELS=announcements=C1,#product=C2"]
    env_file.write_text("\n".join(lines))
    env = {"BOT_DB": "from-env.db", "BOT_ADMINS": "console:ana, slack:U1"}
    settings = Settings.from_env(env, str(env_file))
    assert settings.db_path == "from-env.db"
    assert settings.default_locale == "fr"
    assert settings.slack_channels == {"announcements": "C1", "product": "C2"}
    assert settings.is_configured_admin("slack", "U1")
    assert settings.is_configured_admin("console", "x", "ana")
    assert not settings.is_configured_admin("discord", "U1")
    with pytest.raises(SettingsError, match="BOT_DEFAULT_LOCALE"):
        Settings.from_env({"BOT_DEFAULT_LOCALE": "de"}, None)
    with pytest.raises(SettingsError, match="BOT_HEARTBEAT_SECONDS"):
        Settings.from_env({"BOT_HEARTBEAT_SECONDS": "soon"}, None)


def test_every_setting_is_documented() -> None:
    source = (ROOT / "bot/settings.py").read_text(encoding="utf-8")
    documented = (ROOT / ".env.example").read_text(encoding="utf-8")
    import re

    used = set(re.findall(r'"((?:BOT|SLACK|DISCORD|[A-Z]+)_[A-Z_]+)"', source))
    missing = sorted(v for v in used if f"{v}=" not in documented)
    assert not missing, f"settings missing from .env.example: {missing}"


async def test_migrations_apply_once_and_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = str(tmp_path / "m.db")
    async with Store(path) as store:
        assert (await store.fetch_one("PRAGMA journal_mode"))[0] == "wal"
        assert (await store.fetch_one("PRAGMA foreign_keys"))[0] == 1
        versions = [r[0] for r in await store.fetch_all("SELECT version FROM schema_migrations")]
    assert versions == [v for v, _ in migration_files()]
    async with Store(path) as store:
        assert await store.migrate() == []


async def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    async with Store(str(tmp_path / "r.db")) as store:
        with pytest.raises(RuntimeError):
            async with store.transaction() as db:
                await db.execute("INSERT INTO kv VALUES ('a', 'b')")
                raise RuntimeError("stop")
        assert await store.fetch_all("SELECT * FROM kv") == []


async def test_unusable_database_files_raise_a_clear_error(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="corrupt.db"):
        await Store(str(corrupt)).open()
    assert corrupt.read_bytes().startswith(b"this is not a database")  # nothing overwritten
    with pytest.raises(StoreError, match="missing"):
        await Store(str(tmp_path / "missing" / "x.db")).open()


def test_db_migrate_command(tmp_path: Path) -> None:
    from bot.cli import main

    path = tmp_path / "cli.db"
    assert main(["--env-file", "", "db", "migrate", "--db", str(path)]) == 0
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] >= 2
