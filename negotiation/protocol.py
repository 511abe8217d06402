"""The wire envelope (docs/protocol.md): every client message is a JSON object
`{"id": str, "type": str, "payload": object}`; this module turns text into a checked
envelope or a ProtocolError with a stable code, before anything else looks at it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import msgspec

from negotiation.errors import BAD_JSON, BAD_MESSAGE, TOO_LARGE, UNKNOWN_TYPE

PROTOCOL_VERSION = 1
CLIENT_TYPES = frozenset({"hello", "action", "chat", "report", "control", "sync", "legal",
                          "advice", "ping"})
ROLES = ("player", "facilitator", "spectator")
_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")
_ENVELOPE_KEYS = frozenset({"id", "type", "payload", "v"})
_decode = msgspec.json.Decoder().decode


class ProtocolError(Exception):
    def __init__(self, code: str, message: str, msg_id: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.msg_id = msg_id


@dataclass(frozen=True)
class Envelope:
    id: str
    type: str
    payload: dict[str, Any]


def parse(text: str | None, limit: int) -> Envelope:
    if text is None:
        raise ProtocolError(BAD_MESSAGE, "send JSON text frames, not binary")
    if len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit:
        raise ProtocolError(TOO_LARGE, f"messages are limited to {limit} bytes")
    try:
        data = _decode(text)
    except (msgspec.DecodeError, ValueError, RecursionError):
        raise ProtocolError(BAD_JSON, "that is not valid JSON") from None
    if not isinstance(data, dict):
        raise ProtocolError(BAD_MESSAGE, "a message is a JSON object")
    raw_id = data.get("id")
    msg_id = raw_id if isinstance(raw_id, str) and _ID.match(raw_id) else None
    if msg_id is None:
        raise ProtocolError(BAD_MESSAGE, "id must be 1-64 characters of A-Z a-z 0-9 _ . : -")
    extra = set(data) - _ENVELOPE_KEYS
    if extra:
        raise ProtocolError(BAD_MESSAGE, f"unknown field(s): {', '.join(sorted(extra))}", msg_id)
    if "v" in data and data["v"] != PROTOCOL_VERSION:
        raise ProtocolError(BAD_MESSAGE, f"this server speaks protocol {PROTOCOL_VERSION}", msg_id)
    kind = data.get("type")
    if not isinstance(kind, str):
        raise ProtocolError(BAD_MESSAGE, "type must be a string", msg_id)
    if kind not in CLIENT_TYPES:
        raise ProtocolError(UNKNOWN_TYPE, f"unknown message type {kind[:40]!r}", msg_id)
    payload = data.get("payload", {})
    if not isinstance(payload, dict):
        raise ProtocolError(BAD_MESSAGE, "payload must be a JSON object", msg_id)
    return Envelope(id=msg_id, type=kind, payload=payload)


class _IdOnly(msgspec.Struct):
    id: Any = None


_decode_id = msgspec.json.Decoder(_IdOnly).decode


def peek_id(text: str | None, limit: int) -> str | None:
    """The frame's id if it has a valid one (for answering a frame refused before it is
    parsed, e.g. rate_limited); None otherwise. Cheap: every other field is skipped."""
    if text is None or len(text) > limit:
        return None
    try:
        raw = _decode_id(text).id
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError, RecursionError):
        return None
    return raw if isinstance(raw, str) and _ID.match(raw) else None


class RateLimit:
    """A token bucket per connection: `rate` messages a second, bursts up to `burst`."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, float(burst)
        self.tokens = float(burst)
        self.last: float | None = None
        self.refused = 0

    def allow(self, now: float) -> bool:
        if self.last is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.refused += 1
        return False
