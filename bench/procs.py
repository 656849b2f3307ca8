"""Child processes for the benchmarks: free loopback ports, waiting for a port, the bot's environment."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from pathlib import Path

from bench.common import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_port(port: int, limit_s: float = 30.0) -> float:
    """Seconds until 127.0.0.1:port accepts a connection."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit_s:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.02)
            continue
        writer.close()
        await writer.wait_closed()
        return time.perf_counter() - start
    raise TimeoutError(f"nothing listened on port {port} within {limit_s} s")


def bot_env(db: Path, **values: str) -> dict[str, str]:
    """The environment of a `community-bot` child: only what the benchmark sets (no .env, no real tokens)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "BOT_"))}
    env.update({"BOT_DB": str(db), "BOT_LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT)})
    env.update(values)
    return env


async def spawn(*args: str, env: dict[str, str] | None = None, log: Path | None = None) -> asyncio.subprocess.Process:
    """A Python child in the repository; stdout piped; stderr to `log` (or piped when no log is given)."""
    stderr = open(log, "wb") if log is not None else asyncio.subprocess.PIPE  # noqa: SIM115, ASYNC230
    try:
        return await asyncio.create_subprocess_exec(sys.executable, *args, cwd=ROOT, env=env or dict(os.environ),
                                                    stdout=asyncio.subprocess.PIPE, stderr=stderr)
    finally:
        if log is not None:
            stderr.close()  # type: ignore[union-attr]


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()


def rss_mb(pid: int) -> float:
    """Resident set size of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")
