"""A throwaway PostgreSQL server for the tests: the machine's own binaries, a temporary folder, loopback only.

`BOT_TEST_POSTGRES_URL` names an existing server instead (a database per test is created in it).
As root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import asyncio
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import asyncpg


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    return Path(versions[-1]) if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run_as(user: str | None, args: list[str]) -> None:
    kwargs: dict[str, object] = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}
    if user:
        entry = pwd.getpwnam(user)
        kwargs.update(user=entry.pw_uid, group=entry.pw_gid, extra_groups=[])
    subprocess.run(args, **kwargs)  # type: ignore[call-overload]


@contextmanager
def temporary_server() -> Iterator[str]:
    """Start a server in a temporary folder; yields its admin URL; stops and removes it on exit."""
    external = os.environ.get("BOT_TEST_POSTGRES_URL")
    if external:
        yield external
        return
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (no pg_ctl); install postgresql or set BOT_TEST_POSTGRES_URL")
    user = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="bot-pg-"))
    if user:
        shutil.chown(folder, user)
    data, port = folder / "data", _free_port()
    try:
        _run_as(user, [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                       "--no-sync"])
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        _run_as(user, [str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"),
                       "-w", "start"])
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            _run_as(user, [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def database_url(server_url: str, name: str) -> str:
    """The URL of database `name` on the server of `server_url`."""
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"



def create_database(server_url: str, name: str) -> str:
    """Create an empty database on the server; returns its URL (in a thread: a test's loop may be running)."""

    async def create() -> None:
        conn = await asyncpg.connect(server_url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, create()).result()
    return database_url(server_url, name)
