"""Typed errors with stable codes.

Codes are part of the protocol: clients, bots and tests match on them, so a code is never
renamed once shipped. The message is English, for agents and logs, and may change. The
params are the facts behind it (a deal's status, a sum, a clause's number) as stable keys
with plain values: a page says the refusal in its reader's language from the code and the
params, because the engine must not know who reads it or in what language.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import TypeAlias

Params: TypeAlias = dict[str, str | int]


class ErrorCode(StrEnum):
    # action shape and addressing
    BAD_ACTION = "bad_action"
    UNKNOWN_ACTION = "unknown_action"
    NOT_A_SEAT = "not_a_seat"
    NOT_FACILITATOR = "not_facilitator"
    BOT_NOT_ALLOWED = "bot_not_allowed"
    # phases and timing
    WRONG_PHASE = "wrong_phase"
    GAME_NOT_STARTED = "game_not_started"
    GAME_OVER = "game_over"
    GAME_PAUSED = "game_paused"
    NOT_PAUSED = "not_paused"
    STALE_PHASE = "stale_phase"
    ALREADY_STARTED = "already_started"
    # deals
    UNKNOWN_DEAL = "unknown_deal"
    NOT_A_PARTY = "not_a_party"
    NOT_RECIPIENT = "not_recipient"
    NOT_PROPOSER = "not_proposer"
    DEAL_NOT_OPEN = "deal_not_open"
    DEAL_NOT_ACTIVE = "deal_not_active"
    SELF_DEAL = "self_deal"
    BAD_CLAUSE = "bad_clause"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    ALREADY_ASKED = "already_asked"
    TOO_MANY_PROPOSALS = "too_many_proposals"
    # FORGE
    NOT_MEMBER = "not_member"
    ALREADY_MEMBER = "already_member"
    ALREADY_APPLIED = "already_applied"
    UNKNOWN_MOTION = "unknown_motion"
    MOTION_CLOSED = "motion_closed"
    ALREADY_VOTED = "already_voted"
    CHAIR_CANNOT_LEAVE = "chair_cannot_leave"
    NOT_YET = "not_yet"
    STANDARD_TOO_LOW = "standard_too_low"
    DISPUTE_NOT_ALLOWED = "dispute_not_allowed"
    # events
    UNKNOWN_PROMPT = "unknown_prompt"
    PROMPT_CLOSED = "prompt_closed"
    UNKNOWN_OPTION = "unknown_option"
    UNKNOWN_CARD = "unknown_card"
    # orders and quantities
    BAD_ORDERS = "bad_orders"
    UNKNOWN_MINERAL = "unknown_mineral"
    UNKNOWN_SEAT = "unknown_seat"
    BAD_QUANTITY = "bad_quantity"
    # scenario
    BAD_SCENARIO = "bad_scenario"


class RuleError(Exception):
    """An action the rules refuse. The state is unchanged whenever this is raised."""

    def __init__(self, code: ErrorCode, message: str, params: Params | None = None) -> None:
        super().__init__(f"{code.value}: {message}")
        self.code = code
        self.message = message
        self.params: Params = dict(params or {})


class ScenarioError(RuleError):
    """A scenario that cannot be played; `field` is a JSON path (`$.countries[2].treasury`)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(ErrorCode.BAD_SCENARIO, f"{field}: {reason}")
        self.field = field
        self.reason = reason


def require(condition: bool, code: ErrorCode, message: str, **params: str | int) -> None:
    """Refuse with `code` unless `condition` holds; keeps validators flat and readable."""
    if not condition:
        raise RuleError(code, message, params)


# ---- text: one rule for every piece of text a person writes --------------------------------
# Control characters (Unicode category Cc: NUL, ESC, DEL, the C1 range...) are refused
# everywhere; a multi-line text (a note, a card's text, a chat message) may hold newlines
# and tabs. PostgreSQL cannot store NUL at all, and the rest only ever spoof or garble what
# other people see, so refusing them everywhere keeps both databases and every screen alike.
_MULTILINE_OK = frozenset("\n\t")


def text_fault(value: object, max_len: int, *, multiline: bool = False,
               min_len: int = 0) -> str | None:
    """Why `value` is not an acceptable text of `min_len`..`max_len` characters, or None."""
    if not isinstance(value, str):
        return "must be a string"
    if not min_len <= len(value) <= max_len:
        return f"must be {min_len} to {max_len} characters"
    if value.isprintable():  # the fast path: no control (or other non-printing) character
        return None
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cs") and not (multiline and ch in _MULTILINE_OK):
            what = "newline or tab" if ch in _MULTILINE_OK else f"control character U+{ord(ch):04X}"
            return f"must not contain a {what}"
    return None


def require_text(value: object, max_len: int, code: ErrorCode, name: str, *,
                 multiline: bool = False, min_len: int = 0, **params: str | int) -> None:
    """Refuse with `code` unless `value` is an acceptable text (see `text_fault`); `params`
    name the field for a page (`field="note"`), with the limits added."""
    fault = text_fault(value, max_len, multiline=multiline, min_len=min_len)
    if fault is not None:
        raise RuleError(code, f"{name} {fault}", {**params, "min": min_len, "max": max_len})
