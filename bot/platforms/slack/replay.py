"""Refusing replayed Slack requests in HTTP mode.

Slack signs each request with a timestamp, and bolt refuses signatures older than five minutes; within
those five minutes the same signed request could be sent again by whoever captured it. The guard records
each accepted signature in the database until its timestamp is stale, so that replicas behind a load
balancer share what they accepted: a second request with the same signature is refused (401) whichever
replica it reaches, except an Events API retry (JSON with X-Slack-Retry-Num), which Slack itself sends
and the door already ignores by event_id.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from slack_sdk.signature import SignatureVerifier

WINDOW_SECONDS = 300  # bolt's own limit on the request timestamp
# (signature, epoch seconds until which to remember it) -> False if it was remembered already
FirstUse = Callable[[str, int], Awaitable[bool]]


class ReplayGuard:
    """Refuses a Slack request replayed with a signature already used."""

    def __init__(self, signing_secret: str, first_use: FirstUse) -> None:
        self.verifier = SignatureVerifier(signing_secret)
        self.first_use = first_use

    def signed(self, body: str, headers: Mapping[str, str]) -> bool:
        """A correct, recent signature (bolt checks it again and refuses the others)."""
        signature = headers.get("X-Slack-Signature", "")
        timestamp = headers.get("X-Slack-Request-Timestamp", "")
        return bool(signature) and timestamp.isdigit() and self.verifier.is_valid(body=body, timestamp=timestamp,
                                                                                  signature=signature)

    async def replayed(self, body: str, headers: Mapping[str, str]) -> bool:
        """True if this correctly signed request was accepted before (invalid ones are left to bolt)."""
        return self.signed(body, headers) and await self.seen_before(headers)

    async def seen_before(self, headers: Mapping[str, str]) -> bool:
        """For a request whose signature `signed` accepted: True if it was accepted before (a replay)."""
        timestamp = int(headers["X-Slack-Request-Timestamp"])
        if await self.first_use(headers["X-Slack-Signature"], timestamp + WINDOW_SECONDS):
            return False
        is_event_retry = "X-Slack-Retry-Num" in headers and headers.get("Content-Type", "").startswith(
            "application/json")
        return not is_event_retry
