"""Load generator (its own process): signed slash commands at fixed rates, open loop, on loopback only.

`python -m bench.loadgen URLS SECRET RESPONSE_BASE RATES SECONDS` prints one JSON line per rate step and
target: {"target", "rate", "sent", "ok", "errors", "p50_ms", "p99_ms", "max_ms", "achieved_rate",
"answered_in_ack"} (acks whose body is the answer, as Slack allows for a slash command). With
several comma-separated URLs, each rate is run against each target in turn (so a busy moment of the
machine does not fall on one of them only). Requests are sent on a
fixed schedule whatever the answers (no coordinated omission); latency runs from the moment a request
starts to its full response. Every step is bounded in count (rate x seconds) and time (timeout 2 s).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import sys
import time
from urllib.parse import urlencode, urlparse

import aiohttp

TIMEOUT = 2.0
USERS = 50


def signed(secret: str, body: str) -> dict[str, str]:
    stamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + digest,
            "Content-Type": "application/x-www-form-urlencoded"}


def command_body(n: int, response_base: str) -> str:
    user = f"UL{n % USERS:05d}"
    return urlencode({"token": "legacy", "team_id": "T1", "team_domain": "openimis", "channel_id": "D" + user,
                      "channel_name": "directmessage", "user_id": user, "user_name": user.lower(),
                      "command": "/help", "text": "", "api_app_id": "A1",
                      "response_url": f"{response_base}/response/{n}", "trigger_id": f"trigger-{n}"})


async def one(session: aiohttp.ClientSession, url: str, secret: str, body: str, out: list[float],
              errors: list[str], answered: list[bool]) -> None:
    headers = signed(secret, body)
    start = time.perf_counter()
    try:
        async with session.post(url, data=body.encode(), headers=headers) as response:
            content = await response.read()
            if response.status != 200:
                errors.append(str(response.status))
                return
    except (aiohttp.ClientError, TimeoutError) as exc:
        errors.append(type(exc).__name__)
        return
    out.append((time.perf_counter() - start) * 1000)
    answered.append(content.startswith(b"{") and "text" in json.loads(content))


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))], 2) if ordered else -1.0


async def step(session: aiohttp.ClientSession, url: str, secret: str, response_base: str, rate: float,
               seconds: float, first: int) -> dict[str, float]:
    count = int(rate * seconds)
    latencies: list[float] = []
    errors: list[str] = []
    answered: list[bool] = []  # per acknowledgement: did it carry the answer itself
    tasks = []
    start = time.perf_counter()
    for i in range(count):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        body = command_body(first + i, response_base)
        tasks.append(asyncio.create_task(one(session, url, secret, body, latencies, errors, answered)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    return {"rate": rate, "sent": count, "ok": len(latencies), "errors": len(errors),
            "p50_ms": pct(latencies, 50), "p99_ms": pct(latencies, 99), "max_ms": pct(latencies, 100),
            "achieved_rate": round(count / elapsed, 1), "answered_in_ack": sum(answered)}


async def main(urls: list[str], secret: str, response_base: str, rates: list[float], seconds: float) -> None:
    if any(urlparse(url).hostname not in ("127.0.0.1", "localhost") for url in urls):
        raise SystemExit("the load generator only targets loopback")
    timeout = aiohttp.ClientTimeout(total=TIMEOUT)
    connector = aiohttp.TCPConnector(limit=0)
    first = 0
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        for url in urls:
            await step(session, url, secret, response_base, 20, 1.0, 10_000_000)  # warm-up, not reported
        for rate in rates:
            for target, url in enumerate(urls):
                result = await step(session, url, secret, response_base, rate, seconds, first)
                first += int(rate * seconds)
                print(json.dumps({"target": target, **result}), flush=True)
                await asyncio.sleep(0.5)


if __name__ == "__main__":
    target, key, base, rate_list, duration = sys.argv[1:6]
    asyncio.run(main(target.split(","), key, base, [float(r) for r in rate_list.split(",")], float(duration)))
