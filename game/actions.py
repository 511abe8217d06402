"""Typed actions: the only way anything changes a game.

Every action is a tagged struct (`{"type": "accept_deal", "deal": "D3"}` on the wire), so a
payload from a client is validated by decoding it; a wrong shape becomes a
RuleError(BAD_ACTION) naming the field, before any rule runs.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from game.clauses import Clause
from game.effects import Effect
from game.errors import ErrorCode, RuleError
from game.orders import Orders

FACILITATOR = "facilitator"  # the actor for facilitator and clock actions
SPECTATOR = "spectator"  # a viewer only; never an actor


class _Action(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="type"):
    pass


# ---- seat actions: negotiation ------------------------------------------------------------
class ProposeDeal(_Action, frozen=True, tag="propose_deal"):
    to: str
    clauses: tuple[Clause, ...]
    rounds: int = 1
    note: str = ""


class CounterDeal(_Action, frozen=True, tag="counter_deal"):
    deal: str
    clauses: tuple[Clause, ...]
    rounds: int = 1
    note: str = ""


class AcceptDeal(_Action, frozen=True, tag="accept_deal"):
    deal: str


class RejectDeal(_Action, frozen=True, tag="reject_deal"):
    deal: str


class WithdrawDeal(_Action, frozen=True, tag="withdraw_deal"):
    deal: str


class CancelDeal(_Action, frozen=True, tag="cancel_deal"):
    """Asks to cancel an active deal; the deal is cancelled once both parties have asked."""

    deal: str


class RespondPrompt(_Action, frozen=True, tag="respond_prompt"):
    prompt: str
    option: str


class ApplyForge(_Action, frozen=True, tag="apply_forge"):
    pass


class LeaveForge(_Action, frozen=True, tag="leave_forge"):
    pass


class ProposeFloor(_Action, frozen=True, tag="propose_floor"):
    mineral: str
    form: Literal["ore", "refined"]
    price: int  # 0 proposes removing the floor


class ProposeStandard(_Action, frozen=True, tag="propose_standard"):
    level: int


class NominateChair(_Action, frozen=True, tag="nominate_chair"):
    seat: str


class Vote(_Action, frozen=True, tag="vote"):
    motion: str
    yes: bool


class FileDispute(_Action, frozen=True, tag="file_dispute"):
    kind: Literal["floor", "exclusivity"]
    mineral: str = ""
    form: Literal["ore", "refined", ""] = ""
    deal: str = ""


class SubmitOrders(_Action, frozen=True, tag="submit_orders"):
    orders: Orders


class Ready(_Action, frozen=True, tag="ready"):
    ready: bool = True


# ---- facilitator actions (also the server's clock) -----------------------------------------
class Start(_Action, frozen=True, tag="start"):
    pass


class Advance(_Action, frozen=True, tag="advance"):
    """Ends the current phase. The clock sends the phase it expects, so a late or duplicate
    deadline is refused as stale instead of skipping a phase."""

    round: int | None = None
    phase: str | None = None


class Pause(_Action, frozen=True, tag="pause"):
    pass


class Resume(_Action, frozen=True, tag="resume"):
    pass


class Rewind(_Action, frozen=True, tag="rewind"):
    """Back to the start of the current phase (actions since then are undone)."""


class SetController(_Action, frozen=True, tag="set_controller"):
    seat: str
    controller: str  # "human" or "bot:<strategy>"


class FireCard(_Action, frozen=True, tag="fire_card"):
    """Reveal a card now: one from the deck by id, or one written on the spot."""

    card_id: str = ""
    title: str = ""
    text: str = ""
    effects: tuple[Effect, ...] = ()


class EndGame(_Action, frozen=True, tag="end_game"):
    pass


Action = (
    ProposeDeal
    | CounterDeal
    | AcceptDeal
    | RejectDeal
    | WithdrawDeal
    | CancelDeal
    | RespondPrompt
    | ApplyForge
    | LeaveForge
    | ProposeFloor
    | ProposeStandard
    | NominateChair
    | Vote
    | FileDispute
    | SubmitOrders
    | Ready
    | Start
    | Advance
    | Pause
    | Resume
    | Rewind
    | SetController
    | FireCard
    | EndGame
)

FACILITATOR_ACTIONS = (Start, Advance, Pause, Resume, Rewind, SetController, FireCard, EndGame)

_decoder = msgspec.json.Decoder(Action)
_encoder = msgspec.json.Encoder()


def action_type(action: Action) -> str:
    tag = action.__struct_config__.tag
    assert isinstance(tag, str)
    return tag


def decode_action(payload: bytes | str | dict[str, Any]) -> Action:
    """Parse a client payload (JSON text or an already-parsed dict) into a typed action."""
    try:
        if isinstance(payload, dict):
            action: Action = msgspec.convert(payload, Action)
        else:
            action = _decoder.decode(payload)
        return action
    except msgspec.ValidationError as exc:
        text = str(exc)
        if "Invalid value" in text and "$.type" in text:
            raise RuleError(ErrorCode.UNKNOWN_ACTION, text) from None
        raise RuleError(ErrorCode.BAD_ACTION, text) from None
    except msgspec.DecodeError as exc:
        raise RuleError(ErrorCode.BAD_ACTION, f"malformed JSON: {exc}") from None


def encode_action(action: Action) -> bytes:
    return _encoder.encode(action)


def action_to_dict(action: Action) -> dict[str, Any]:
    out = msgspec.to_builtins(action)
    assert isinstance(out, dict)
    return out
