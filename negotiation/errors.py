"""Server-side refusals with stable codes, alongside the engine's RuleError codes.

Codes are part of the protocol (docs/protocol.md): clients match on them, so a code is
never renamed once shipped. The message is for people.
"""

from __future__ import annotations

# Envelope and transport
BAD_JSON = "bad_json"
BAD_MESSAGE = "bad_message"
TOO_LARGE = "too_large"
UNKNOWN_TYPE = "unknown_type"
RATE_LIMITED = "rate_limited"
# Who may do what
UNAUTHORIZED = "unauthorized"
FORBIDDEN = "forbidden"
NOT_FOUND = "not_found"
# Chat and moderation
MUTED = "muted"
CHAT_DISABLED = "chat_disabled"
BAD_ROOM = "bad_room"
# Requests the server cannot honour now
BAD_REQUEST = "bad_request"
CONFLICT = "conflict"
ADVISOR_OFF = "advisor_off"  # the facilitator has not switched the advisor on for this game
UNAVAILABLE = "unavailable"
SERVER_ERROR = "server_error"

CODES = (BAD_JSON, BAD_MESSAGE, TOO_LARGE, UNKNOWN_TYPE, RATE_LIMITED, UNAUTHORIZED, FORBIDDEN,
         NOT_FOUND, MUTED, CHAT_DISABLED, BAD_ROOM, BAD_REQUEST, CONFLICT, ADVISOR_OFF,
         UNAVAILABLE, SERVER_ERROR)


class ServiceError(Exception):
    """A request the server refuses; like RuleError, nothing has changed when it is raised."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
