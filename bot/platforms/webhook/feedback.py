"""The outgoing feedback webhook: a Messenger for the "webhook" platform, so the outbox retries it.

Each delivery POSTs the JSON body queued by bot/services/feedback/__init__.py with the headers
`X-Feedback-Signature: sha256=<hex HMAC-SHA256 of the body with the shared secret>`,
`X-Feedback-Event` and `X-Feedback-Delivery` (stable across retries). 2xx is delivered; 408, 429 and
5xx and network errors are retried by the outbox with backoff (Retry-After honoured); other 4xx are
permanent failures, recorded in the outbox.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

import aiohttp

from bot.core.model import Destination, Reply
from bot.services.outbox import DeliveryError

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Feedback-Signature"
RETRYABLE = {408, 425, 429}


def sign(secret: str, body: bytes) -> str:
    """The signature header value for `body`: "sha256=" and the hex HMAC-SHA256 digest."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does: recompute the signature and compare in constant time."""
    return hmac.compare_digest(sign(secret, body), header)


class WebhookMessenger:
    """Posts webhook rows of the outbox to one URL."""

    platform = "webhook"

    def __init__(self, url: str, secret: str, timeout: float = 10.0) -> None:
        self.url = url
        self.secret = secret
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def send(self, dest: Destination, reply: Reply, key: str) -> str | None:
        """POST the body; raise DeliveryError (temporary or permanent) when the receiver does not accept it.
        A receiver de-duplicates on `X-Feedback-Delivery` (from the body), so `key` goes unused."""
        if dest.kind != "webhook":
            raise DeliveryError(f"webhook cannot deliver a {dest.kind} message", permanent=True)
        body = reply.text.encode("utf-8")
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(self.secret, body),
                   **_event_headers(reply.text)}
        try:
            async with self._client().post(self.url, data=body, headers=headers) as response:
                await response.read()
                return self._outcome(response.status, response.headers.get("Retry-After"))
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"webhook unreachable: {type(exc).__name__}: {exc}") from exc

    @staticmethod
    def _outcome(status: int, retry_after: str | None) -> str:
        if 200 <= status < 300:
            return str(status)
        reason = f"webhook answered HTTP {status}"
        if status >= 500 or status in RETRYABLE:
            hint = float(retry_after) if retry_after and retry_after.isdigit() else None
            raise DeliveryError(reason, retry_after=hint, code=str(status))
        raise DeliveryError(reason, permanent=True, code=str(status))

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        return self._session

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None


def _event_headers(text: str) -> dict[str, str]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return {"X-Feedback-Event": str(data.get("event", "")), "X-Feedback-Delivery": str(data.get("id", ""))}
