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
# Matched whole (`fullmatch`): with `match` and `$`, an id with a trailing newline passed
# and reached a varchar(64) column one character too long.
_ID = re.compile(r"[A-Za-z0-9_.:\-]{1,64}")
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


def valid_id(value: Any) -> str | None:
    """`value` if it is a well-formed message id (docs/protocol.md, Envelope), else None."""
    return value if isinstance(value, str) and _ID.fullmatch(value) else None


def parse(text: str | None, limit: int) -> Envelope:
    if text is None:
        raise ProtocolError(BAD_MESSAGE, "send JSON text frames, not binary")
    if len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit:
        # named by its id when the id can be read from the frame's first bytes
        raise ProtocolError(TOO_LARGE, f"messages are limited to {limit} bytes",
                            prefix_id(text))
    try:
        data = _decode(text)
    except (msgspec.DecodeError, ValueError, RecursionError):
        raise ProtocolError(BAD_JSON, "that is not valid JSON") from None
    if not isinstance(data, dict):
        raise ProtocolError(BAD_MESSAGE, "a message is a JSON object")
    msg_id = valid_id(data.get("id"))
    if msg_id is None:
        raise ProtocolError(BAD_MESSAGE, "id must be 1-64 characters of A-Z a-z 0-9 _ . : -")
    fault = value_fault(data)
    if fault is not None:
        raise ProtocolError(BAD_MESSAGE, fault, msg_id)
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
    return valid_id(raw)


# ---- what no frame may carry anywhere -------------------------------------------------------
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
# C0 controls but tab, newline and carriage return; DEL; the C1 controls. Each field is
# then held to its own rule (services and engine): most refuse newlines too.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def value_fault(data: Any) -> str | None:
    """Why a decoded frame cannot be taken at all, or None: any string in it (keys too)
    holding NUL or another control character, or any integer outside 64 bits. No field of
    the protocol may hold either, PostgreSQL cannot store NUL, and neither SQLite nor
    msgpack holds a larger integer: refused here, once for every field, they never reach
    a service, the engine or a database. Walks without recursion (a frame may nest as
    deep as the JSON decoder allows)."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if _CONTROL.search(value):
                return "text must not contain control characters (NUL, ESC, DEL, ...)"
        elif isinstance(value, dict):
            for key, item in value.items():
                if _CONTROL.search(key):
                    return "text must not contain control characters (NUL, ESC, DEL, ...)"
                stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, int) and not INT_MIN <= value <= INT_MAX:
            return "numbers must fit in 64 bits"
    return None


_PREFIX = 256  # characters of an oversized frame looked at for its id
_SCALAR = re.compile(r'\s*(?:"(?:[^"\\]|\\.)*"|[-+0-9.eE]+|true|false|null)\s*')
_KEY = re.compile(r'\s*"([A-Za-z_]{1,16})"\s*:')


def prefix_id(text: str) -> str | None:
    """The id of a frame too large to decode, read from its first bytes when it is a
    top-level key that comes before any nested value (`{"id": "c7", "type": ...}`, or
    after `type` and `v`); None otherwise. Costs the same for any size of frame."""
    head = text[:_PREFIX]
    m = re.match(r"\s*\{", head)
    if m is None:
        return None
    pos = m.end()
    while True:
        key = _KEY.match(head, pos)
        if key is None:
            return None
        value = _SCALAR.match(head, key.end())
        if value is None:  # an object or an array: the id, if any, is beyond our look
            return None
        if key.group(1) == "id":
            raw = value.group(0).strip()
            if not (raw.startswith('"') and raw.endswith('"')) or "\\" in raw:
                return None
            return valid_id(raw[1:-1])
        pos = value.end()
        if head.startswith(",", pos):
            pos += 1
        else:
            return None

