"""BOT_REPLICAS=N: each replica paces its requests at 1/N of the platform's allowance, so N replicas sending
at full speed together stay under Slack's and Discord's limits (which count per app or bot, not per process)."""

from __future__ import annotations

import pytest

from bot.services.outbox.pacing import TokenBucket, replica_share
from bot.settings import Settings, SettingsError
from tests.fakes.limits import ServerLimit


def refused_by_server(replicas: int, divided: bool, rate: float = 45.0, burst: int = 10, each: int = 200) -> int:
    """Every replica wants to send `each` requests at once; how many the platform refuses when its limit is
    exactly the configured rate and burst."""
    share = replica_share(rate, burst, replicas) if divided else (rate, burst)
    sends: list[float] = []
    for _ in range(replicas):
        bucket = TokenBucket(share[0], share[1], monotonic=lambda: 0.0)
        sends.extend(bucket.reserve() for _ in range(each))
    server = ServerLimit(rate, burst)
    return sum(server.check(at=when) is not None for when in sorted(sends))


@pytest.mark.parametrize("replicas", [1, 2, 3, 5])
def test_replicas_sharing_the_allowance_are_never_refused(replicas: int) -> None:
    assert refused_by_server(replicas, divided=True) == 0
    assert refused_by_server(replicas, divided=True, rate=1.0, burst=20, each=40) == 0  # a Slack method


def test_without_the_division_two_replicas_would_be_refused() -> None:
    assert refused_by_server(2, divided=False) > 100


def test_the_share_and_its_setting() -> None:
    assert replica_share(45.0, 10, 2) == (22.5, 5)
    assert replica_share(1.0, 1, 3) == (1.0 / 3, 1)  # never a burst below one request
    assert Settings.from_env({"BOT_REPLICAS": "3"}, env_file=None).replicas == 3
    assert Settings.from_env({}, env_file=None).replicas == 1
    for bad in ("0", "two"):
        with pytest.raises(SettingsError, match="BOT_REPLICAS"):
            Settings.from_env({"BOT_REPLICAS": bad}, env_file=None)
