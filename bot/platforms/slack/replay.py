"""Refusing replayed Slack requests in HTTP mode.

Slack signs each request with a timestamp, and bolt refuses signatures older than five minutes; within
those five minutes the same signed request could be sent again by whoever captured it. The guard keeps
the signatures it accepted during the window: a second request with the same signature is refused (401),
except an Events API retry (JSON with X-Slack-Retry-Num), which Slack itself sends and the door already
ignores by event_id.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping

from slack_sdk.signature import SignatureVerifier

WINDOW_SECONDS = 300  # bolt's own limit on the request timestamp
MAX_KEPT = 200_000


class ReplayGuard:
    def __init__(self, signing_secret: str, *, now: Callable[[], float] = time.time) -> None:
        self.verifier = SignatureVerifier(signing_secret)
        self.now = now
        self.seen: OrderedDict[str, float] = OrderedDict()

    def signed(self, body: str, headers: Mapping[str, str]) -> bool:
        """A correct, recent signature (bolt checks it again and refuses the others)."""
        signature = headers.get("X-Slack-Signature", "")
        timestamp = headers.get("X-Slack-Request-Timestamp", "")
        return bool(signature) and timestamp.isdigit() and self.verifier.is_valid(body=body, timestamp=timestamp,
                                                                                  signature=signature)

    def replayed(self, body: str, headers: Mapping[str, str]) -> bool:
        """True if this correctly signed request was accepted before (invalid ones are left to bolt)."""
        if not self.signed(body, headers):
            return False
        signature = headers.get("X-Slack-Signature", "")
        self._forget_old()
        if signature in self.seen:
            is_event_retry = "X-Slack-Retry-Num" in headers and headers.get("Content-Type", "").startswith(
                "application/json")
            return not is_event_retry
        self.seen[signature] = self.now()
        return False

    def _forget_old(self) -> None:
        horizon = self.now() - WINDOW_SECONDS
        while self.seen and (next(iter(self.seen.values())) < horizon or len(self.seen) > MAX_KEPT):
            self.seen.popitem(last=False)
