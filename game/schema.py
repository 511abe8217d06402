"""The game's types for clients: actions, views and events, as msgspec types, and the JSON
Schema and reference page generated from them.

Actions are the engine's own types (`game.actions`). Views and events are plain dicts in
the engine (`game.views`, `game.event`); the structs below describe them without
reshaping the engine, and the tests hold every real view and event to them (unknown keys
are refused, so a key added to a view without its type here fails a test).

    python -m game.schema --out docs/protocol/          # writes game.schema.json, reference.md
    python -m game.schema --out docs/protocol/ --check  # exit 1 if the files are stale
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any, Literal

import msgspec

from game import actions as act
from game.actions import Action
from game.orders import Control, Orders, Tariff
from game.state import Dispute, Score

__all__ = [
    "CREATES",
    "EXAMPLES",
    "Created",
    "EventMsg",
    "FacilitatorView",
    "LegalResult",
    "SeatView",
    "SpectatorView",
    "created",
    "generate",
    "schema",
    "validate",
]

Form = Literal["ore", "refined"]


class _S(msgspec.Struct, forbid_unknown_fields=True):
    pass


# ---- views ---------------------------------------------------------------------------------
class ScenarioRef(_S):
    id: str
    title: str


class CardShown(_S):
    """The card revealed this round."""

    id: str
    title: str
    text: str


class Mineral(_S):
    """A mineral of the scenario, with its reference prices ($M per lot)."""

    id: str
    name: str
    ref_ore: int
    ref_refined: int
    output_value: int
    capex_mine: int
    capex_refine: int
    invest_delay: int


class CapacityView(_S):
    mine: int
    refine: int


class HoldingsView(_S):
    ore: int
    refined: int
    stockpile: int


class PublicSeat(_S):
    """What everyone sees of a seat."""

    name: str
    profile: str
    controller: Literal["human", "bot"]
    reputation: int
    env_standard: int
    controls: list[Control]
    tariffs: list[Tariff]
    forge_member: bool
    ready: bool
    submitted: bool
    capacity: dict[str, CapacityView]  # per mineral
    demand: dict[str, int]  # lots per round, per mineral


class DealView(_S):
    """A deal: signed deals (everyone; `note` only for its parties and the facilitator) and
    proposals (the parties; the facilitator)."""

    id: str
    parties: list[str]
    proposer: str
    recipient: str
    version: int
    status: Literal["proposed", "active", "completed", "breached", "cancelled", "rejected",
                    "withdrawn", "framework", "upgraded"]
    rounds: int
    clauses: list[Any]  # clauses: see the Clause types (Supply, Invest, ...) in $defs
    signed_round: int
    rounds_done: int
    breaches: int
    cancel_by: str
    note: str | msgspec.UnsetType = msgspec.UNSET
    # a signed deal that made a framework binding: the framework's id
    upgrades: str | msgspec.UnsetType = msgspec.UNSET
    # status "framework" or "upgraded": what the scenario says of it
    framework: FrameworkInfo | msgspec.UnsetType = msgspec.UNSET


class FrameworkInfo(_S):
    """A bilateral framework signed before the game (status "framework": not binding, no
    deliveries, no breach). A signed deal of its two seats with a supply or invest clause on
    one of `minerals` makes it "upgraded" and gives each seat `bonus` reputation; cancelling
    that deal takes both back."""

    title: str
    text: str
    minerals: list[str]
    bonus: int
    source: str


class MotionView(_S):
    id: str
    kind: Literal["floor", "admit", "standard", "chair"]
    text: str
    proposer: str
    round: int
    status: Literal["open", "adopted", "rejected"]
    yes: int
    no: int
    mineral: str
    form: str
    price: int
    seat: str
    level: int
    votes: dict[str, bool] | msgspec.UnsetType = msgspec.UNSET  # members and facilitator


class ForgeView(_S):
    members: list[str]
    chair: str
    chair_until_round: int
    fund: int
    min_standard: int
    floors: dict[str, int]  # "mineral:form" -> price floor
    bloc: dict[str, HoldingsView]
    motions: list[MotionView]
    disputes: list[Dispute]


class Objective(_S):
    id: str
    text: str
    bonus: int
    kind: str
    mineral: str
    other: str
    share_bp: int
    amount: int
    clauses: list[str]


class PromptOption(_S):
    id: str
    label: str


class PromptView(_S):
    """A question an event card asks this seat (answer with respond_prompt)."""

    id: str
    card: str
    text: str
    status: Literal["open", "answered", "defaulted"]
    answer: str
    default: str
    options: list[PromptOption]


class Building(_S):
    """A project this seat finances under an active deal, its capacity still on its way."""

    deal: str
    partner: str  # the host
    mineral: str
    kind: Literal["mine", "refine"]
    lots: int
    arrives: int  # the round at whose resolution's end its (first) capacity arrives


class PrivateSeat(_S):
    """A seat's secrets: its own `me`, and the facilitator's `private[seat]`."""

    seat: str
    controller: str
    treasury: int
    stockpile_budget: int
    holdings: dict[str, HoldingsView]
    objectives: list[Objective]
    weights: dict[str, int]
    par: int  # the seat's par factor, per mille (game.par): its points' distance from 100 x it
    par_money: int  # the factor on prosperity's share of it (most seats: the same as `par`)
    money_per_10_points: int  # $M of extra prosperity that add 10 points to its total (0: none)
    orders: Orders | None
    prompts: list[PromptView]
    reports: list[dict[str, Any]]  # per round: the seat's private report
    score: Score | None
    applied_forge: bool
    building: list[Building]  # projects it may postpone or abandon (orders.postpone/abandon)


class BreakdownItem(_S):
    """One source of a seat's points in the debrief (docs/rules.md, section 9): `points`
    above (+) or below (-) 100 in a part, or an objective's bonus. `source` is `deal`
    (payments and deliveries under `deal`, or its traceable trade), `breach` (reputation
    lost breaching `deal`), `framework` (a bilateral framework made binding), `output`,
    `market`, `prices` (the no-deal trade revalued at this game's prices), `stock` (lots
    held beyond the start, at half their reference price), `standard`, `forge`, `stockpile`,
    `event`, `supply`, `exposure`, `no_deal`, `other`, `rounding`, `limit` (the 0..300
    clamp), `objective` (met), `objective_progress` (part of the way beyond the no-deal
    game) or `par` (the points the seat's par factor added or took: key `par`)."""

    source: str
    points: int
    deal: str | msgspec.UnsetType = msgspec.UNSET
    partner: str | msgspec.UnsetType = msgspec.UNSET
    framework: str | msgspec.UnsetType = msgspec.UNSET
    objective: str | msgspec.UnsetType = msgspec.UNSET
    factor: int | msgspec.UnsetType = msgspec.UNSET  # `par` only: the factor, per mille
    # `par` only, where the money window set it apart: the factor on prosperity's share
    money_factor: int | msgspec.UnsetType = msgspec.UNSET


class RoundScore(_S):
    """A seat's score after one round's resolution (the debrief's scores over rounds)."""

    round: int
    total: int
    parts: dict[str, int]


class FinalScore(_S):
    parts: dict[str, int]
    objectives: dict[str, bool]
    total: int
    par: int  # per mille: the factor the total's distance from 100 carries (game.par)
    objective_list: list[Objective]
    # per part (and "objectives"), the sources whose points add up to the part minus 100
    breakdown: dict[str, list[BreakdownItem]]
    # after each resolved round, in order (an early end adds no entry: `total` is final)
    history: list[RoundScore]


class DeckCard(_S):
    id: str
    title: str


class _View(_S, kw_only=True):
    viewer: str
    scenario: ScenarioRef
    round: int
    rounds: int
    round_label: str
    phase: Literal["lobby", "negotiation", "orders", "ended"]
    paused: bool
    seq: int
    card: CardShown | None
    minerals: list[Mineral]
    seats: dict[str, PublicSeat]
    deals: list[DealView]
    forge: ForgeView
    prices: dict[str, list[int]]  # "mineral:form" -> price per resolved round
    reports: list[dict[str, Any]]  # per round: the public report
    scores: dict[str, FinalScore] | msgspec.UnsetType = msgspec.UNSET  # once ended
    world: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET  # once ended


class SeatView(_View):
    """`game.view(seat)`: the public view plus the seat's own secrets and proposals."""

    me: PrivateSeat
    proposals: list[DealView]


class SpectatorView(_View):
    """`game.view("spectator")`: the public view."""


class FacilitatorView(_View):
    """`game.view("facilitator")`: everything (the server adds `deck_cards`)."""

    private: dict[str, PrivateSeat]
    proposals: list[DealView]
    deck: list[str]
    deck_cards: list[DeckCard] | msgspec.UnsetType = msgspec.UNSET


# ---- events ---------------------------------------------------------------------------------
class DealRef(_S):
    deal: str
    version: int


class _Ev(msgspec.Struct, forbid_unknown_fields=True, tag_field="kind", kw_only=True):
    text: str
    seq: int | msgspec.UnsetType = msgspec.UNSET  # the action's seq (the server adds it)
    to: list[str] = []  # empty: public; else only these seats (and the facilitator)


class DealProposed(_Ev, tag="deal_proposed"):
    data: DealRef


class DealCountered(_Ev, tag="deal_countered"):
    data: DealRef


class DealRejected(_Ev, tag="deal_rejected"):
    data: DealRef


class DealWithdrawn(_Ev, tag="deal_withdrawn"):
    data: DealRef


class CancelRequested(_Ev, tag="cancel_requested"):
    data: DealRef


class DealSignedData(_S):
    deal: str
    parties: list[str]


class DealSigned(_Ev, tag="deal_signed"):
    data: DealSignedData


class DealOnly(_S):
    deal: str


class DealCancelled(_Ev, tag="deal_cancelled"):
    data: DealOnly


class FrameworkData(_S):
    framework: str
    deal: str
    parties: list[str] | msgspec.UnsetType = msgspec.UNSET
    bonus: int | msgspec.UnsetType = msgspec.UNSET


class FrameworkUpgraded(_Ev, tag="framework_upgraded"):
    data: FrameworkData


class FrameworkDowngraded(_Ev, tag="framework_downgraded"):
    data: FrameworkData


class DealEndedData(_S):
    deal: str
    status: str


class DealEnded(_Ev, tag="deal_ended"):
    data: DealEndedData


class BreachData(_S):
    deal: str
    seat: str


class Breach(_Ev, tag="breach"):
    data: BreachData


class CardData(_S):
    card: str
    title: str


class CardRevealed(_Ev, tag="card"):
    data: CardData


class PromptData(_S):
    prompt: str
    card: str


class PromptOpened(_Ev, tag="prompt"):
    data: PromptData


class PromptAnsweredData(_S):
    prompt: str
    option: str


class PromptAnswered(_Ev, tag="prompt_answered"):
    data: PromptAnsweredData


class MotionRef(_S):
    motion: str


class MotionOpened(_Ev, tag="motion_opened"):
    data: MotionRef


class Voted(_Ev, tag="voted"):
    data: MotionRef


class MotionClosedData(_S):
    motion: str
    adopted: bool


class MotionClosed(_Ev, tag="motion_closed"):
    data: MotionClosedData


class SeatRef(_S):
    seat: str


class ForgeLeft(_Ev, tag="forge_left"):
    data: SeatRef


class OrdersSubmitted(_Ev, tag="orders_submitted"):
    data: SeatRef


class DisputeRef(_S):
    dispute: str


class DisputeFiled(_Ev, tag="dispute_filed"):
    data: DisputeRef


class DisputeResolvedData(_S):
    dispute: str
    upheld: bool


class DisputeResolved(_Ev, tag="dispute_resolved"):
    data: DisputeResolvedData


class RoundStartedData(_S):
    round: int
    label: str


class RoundStarted(_Ev, tag="round_started"):
    data: RoundStartedData


class PhaseData(_S):
    phase: str


class PhaseChanged(_Ev, tag="phase"):
    data: PhaseData


class ReadyData(_S):
    seat: str
    ready: bool


class ReadyEv(_Ev, tag="ready"):
    data: ReadyData


class RoundResolvedData(_S):
    round: int
    prices: dict[str, int]  # "mineral:form" -> this round's price


class RoundResolved(_Ev, tag="round_resolved"):
    data: RoundResolvedData


class GameOverData(_S):
    ranking: list[str]
    winners: list[str]  # every seat with the highest total: a tie shares the win


class GameOver(_Ev, tag="game_over"):
    data: GameOverData


class Empty(_S):
    pass


class Paused(_Ev, tag="paused"):
    data: Empty = msgspec.field(default_factory=Empty)


class Resumed(_Ev, tag="resumed"):
    data: Empty = msgspec.field(default_factory=Empty)


class Rewound(_Ev, tag="rewound"):
    data: Empty = msgspec.field(default_factory=Empty)


class ControllerData(_S):
    seat: str
    controller: str


class ControllerChanged(_Ev, tag="controller"):
    data: ControllerData


EventMsg = (
    DealProposed | DealCountered | DealRejected | DealWithdrawn | CancelRequested | DealSigned
    | DealCancelled | DealEnded | Breach | CardRevealed | PromptOpened | PromptAnswered
    | MotionOpened | Voted | MotionClosed | ForgeLeft | OrdersSubmitted | DisputeFiled
    | DisputeResolved | RoundStarted | PhaseChanged | ReadyEv | RoundResolved | GameOver
    | Paused | Resumed | Rewound | ControllerChanged | FrameworkUpgraded | FrameworkDowngraded
)
EVENT_TYPES: tuple[type, ...] = EventMsg.__args__


# ---- answers ---------------------------------------------------------------------------------
class Created(_S):
    """What an acknowledged action created, named in its ack (`created`)."""

    deal: str | msgspec.UnsetType = msgspec.UNSET
    version: int | msgspec.UnsetType = msgspec.UNSET  # a deal's version (a counter's)
    motion: str | msgspec.UnsetType = msgspec.UNSET
    dispute: str | msgspec.UnsetType = msgspec.UNSET


# action type -> the event kind whose data names what it created
CREATES: dict[str, str] = {
    "propose_deal": "deal_proposed",
    "counter_deal": "deal_countered",
    "apply_forge": "motion_opened",
    "propose_floor": "motion_opened",
    "propose_standard": "motion_opened",
    "nominate_chair": "motion_opened",
    "file_dispute": "dispute_filed",
}
_NAMES = ("deal", "version", "motion", "dispute")


def created(action_type: str, events: list[dict[str, Any]] | list[Any]) -> dict[str, Any] | None:
    """What `action_type` created, from the events it produced (dicts or Event structs):
    the first event of the kind it creates; None for an action that creates nothing."""
    kind = CREATES.get(action_type)
    if kind is None:
        return None
    for e in events:
        ekind, data = (e["kind"], e.get("data", {})) if isinstance(e, dict) else (e.kind, e.data)
        if ekind == kind:
            return {k: data[k] for k in _NAMES if k in data}
    return None


class FieldRange(_S):
    """One field of a template: its type and what the current state allows."""

    type: str
    choices: list[Any] | msgspec.UnsetType = msgspec.UNSET
    min: int | msgspec.UnsetType = msgspec.UNSET
    max: int | msgspec.UnsetType = msgspec.UNSET
    default: Any = msgspec.UNSET
    hint: str | msgspec.UnsetType = msgspec.UNSET


class Template(_S):
    """How to build an action of one kind now (`game.legal.templates`): `action` is an
    example to start from (for kinds with concrete actions, the first of them), `fields`
    each field's type and range in the current state, `clauses` the same per clause type."""

    action: dict[str, Any]
    fields: dict[str, FieldRange]
    clauses: dict[str, dict[str, FieldRange]] | msgspec.UnsetType = msgspec.UNSET
    # partners, what the seat can deliver per round ("mineral:form" -> lots), reference
    # and last prices, treasury, rounds left (and, for orders, capex and holdings)
    context: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET


class LegalResult(_S):
    """The `legal` answer's `result`."""

    seq: int
    kinds: list[str]
    actions: list[Action]
    templates: dict[str, Template] | msgspec.UnsetType = msgspec.UNSET


# ---- examples: one per action, checked by the tests ------------------------------------------
EXAMPLES: dict[str, dict[str, Any]] = {
    "propose_deal": {"type": "propose_deal", "to": "AUS", "rounds": 2, "note": "a start",
                     "clauses": [
                         {"type": "supply", "seller": "AUS", "buyer": "USA",
                          "mineral": "lithium", "form": "refined", "qty": 2, "price": 14},
                         {"type": "payment", "payer": "USA", "payee": "AUS", "amount": 5}]},
    "counter_deal": {"type": "counter_deal", "deal": "D3", "rounds": 1, "clauses": [
        {"type": "supply", "seller": "AUS", "buyer": "USA", "mineral": "lithium",
         "form": "refined", "qty": 2, "price": 16}]},
    "accept_deal": {"type": "accept_deal", "deal": "D3"},
    "reject_deal": {"type": "reject_deal", "deal": "D3"},
    "withdraw_deal": {"type": "withdraw_deal", "deal": "D3"},
    "cancel_deal": {"type": "cancel_deal", "deal": "D3"},
    "respond_prompt": {"type": "respond_prompt", "prompt": "P5", "option": "comply"},
    "apply_forge": {"type": "apply_forge"},
    "leave_forge": {"type": "leave_forge"},
    "propose_floor": {"type": "propose_floor", "mineral": "lithium", "form": "refined",
                      "price": 12},
    "propose_standard": {"type": "propose_standard", "level": 2},
    "nominate_chair": {"type": "nominate_chair", "seat": "JPN"},
    "vote": {"type": "vote", "motion": "M4", "yes": True},
    "file_dispute": {"type": "file_dispute", "kind": "floor", "mineral": "lithium",
                     "form": "refined"},
    "submit_orders": {"type": "submit_orders", "orders": {
        "env_standard": 2, "refine": {"lithium": 3},
        "sell": [{"mineral": "cobalt", "form": "ore", "qty": 2, "limit": 6}],
        "buy": [{"mineral": "lithium", "form": "refined", "qty": 1, "limit": 20}],
        "stockpile": [{"mineral": "lithium", "buy": 1}],
        "invest": [{"mineral": "lithium", "kind": "refine", "capacity": 1}]}},
    "ready": {"type": "ready", "ready": True},
    "start": {"type": "start"},
    "advance": {"type": "advance", "round": 2, "phase": "negotiation"},
    "pause": {"type": "pause"},
    "resume": {"type": "resume"},
    "rewind": {"type": "rewind"},
    "set_controller": {"type": "set_controller", "seat": "CHN", "controller": "bot:hawk"},
    "fire_card": {"type": "fire_card", "title": "Port strike", "text": "Exports slow down.",
                  "effects": [{"type": "capacity", "seat": "AUS", "mineral": "lithium",
                               "kind": "mine", "delta": -1, "rounds": 1}]},
    "end_game": {"type": "end_game"},
}


# what each action does and its limits, for the reference page (the rules: docs/rules.md)
ACTION_DOCS: dict[str, str] = {
    "propose_deal": "Negotiation phase. Offers a deal to seat `to`: 1-8 clauses binding the "
                    "two of you (each clause names both parties, one each), for `rounds` "
                    "(1 to the rounds left), with a `note` of up to 500 characters that only "
                    "the two parties read. Quantities 1-100000 lots, prices and amounts "
                    "0-1000000 $M. The recipient may accept, reject or counter.",
    "counter_deal": "Replaces the terms of a proposal addressed to you (you must be its "
                    "latest version's recipient); the deal keeps its id, its `version` "
                    "grows, and the other party answers next.",
    "accept_deal": "Signs the latest version of a proposal addressed to you; both parties "
                   "must be able to pay its one-off payments and investments.",
    "reject_deal": "Refuses a proposal addressed to you.",
    "withdraw_deal": "Takes back your own open proposal.",
    "cancel_deal": "Asks to cancel an active deal you are party to; it is cancelled once "
                   "both parties have asked.",
    "respond_prompt": "Answers an event card's question to you (`me.prompts`) with one of "
                      "its options; unanswered prompts take their default when the phase "
                      "ends.",
    "apply_forge": "Non-members whose environmental standard meets FORGE's minimum: opens "
                   "an admission motion the members vote on.",
    "leave_forge": "A member (not the chair) leaves FORGE.",
    "propose_floor": "Members: a motion for a FORGE price floor on a mineral form, 0 (remove"
                     " the floor) to 10 times its reference price.",
    "propose_standard": "Members: a motion for FORGE's minimum environmental standard, 0-3.",
    "nominate_chair": "Members, once the chair's term has ended: a motion naming a member "
                      "as chair.",
    "vote": "Members: yes or no on an open motion, once each.",
    "file_dispute": "Non-members: a WTO dispute over a FORGE floor (`mineral`, `form`) or "
                    "over exclusivity in an active deal (`deal`); it resolves in a later "
                    "round (its event says which).",
    "submit_orders": "Orders phase. Sealed orders for the resolution; every field left out "
                     "(or null) takes its default: keep last round's controls, tariffs and "
                     "standard, refine as much as capacity allows, trade surplus and "
                     "shortfall at market. Submitting again replaces them.",
    "ready": "Says you are done (or, with `ready: false`, not done) with this phase; the "
             "phase ends when every seat is ready or at its deadline.",
    "start": "Starts the game (from the lobby).",
    "advance": "Ends the current phase; naming `round` and `phase` makes a late or "
               "repeated request harmless (`stale_phase`).",
    "pause": "Pauses the game and its clock.",
    "resume": "Resumes a paused game.",
    "rewind": "Returns to the start of the current phase (actions since are undone).",
    "set_controller": "Hands a seat to people (`human`) or a bot (`bot:cooperative`, "
                      "`bot:hawk`, `bot:passive`).",
    "fire_card": "Reveals a card now: one from the deck by `card_id`, or one written on the "
                 "spot (`title`, `text`, `effects`).",
    "end_game": "Ends the game now and scores it.",
}


# ---- the schema ---------------------------------------------------------------------------------
TOP: dict[str, Any] = {
    "action": Action,
    "seat_view": SeatView,
    "spectator_view": SpectatorView,
    "facilitator_view": FacilitatorView,
    "event": EventMsg,
    "created": Created,
    "legal": LegalResult,
}


def schema() -> dict[str, Any]:
    """One JSON Schema document: `$defs` holds every type, and the top-level names in TOP
    (`#/$defs/action`, `#/$defs/seat_view`, ...)."""
    tops, defs = msgspec.json.schema_components(list(TOP.values()),
                                                 ref_template="#/$defs/{name}")
    out: dict[str, Any] = dict(sorted(defs.items()))
    for name, s in zip(TOP, tops, strict=True):
        out[name] = s
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://forge.example/protocol/v1/game.schema.json",
        "title": "FORGE game types, version 1",
        "description": "Generated by `python -m game.schema` from the engine's msgspec types; "
                       "do not edit. Top-level: action (payload.action), seat_view, "
                       "spectator_view, facilitator_view (state.view), event (state.events[]),"
                       " created (ack.created), legal (the legal ack's result).",
        "$defs": out,
    }


# ---- a small validator for what msgspec generates (no extra dependency) -------------------------
_JSON = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _is(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _JSON[kind])


def validate(value: Any, node: dict[str, Any], root: dict[str, Any] | None = None,
             path: str = "$") -> list[str]:
    """The ways `value` breaks `node` (a schema inside `root`): [] when it is valid.
    Knows what msgspec emits: $ref, anyOf, type, enum, const, properties, required,
    additionalProperties, items, prefixItems, min/max(Length|Items|imum), pattern."""
    root = root if root is not None else node
    if "$ref" in node:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return validate(value, target, root, path)
    if "anyOf" in node:
        if any(not validate(value, s, root, path) for s in node["anyOf"]):
            return []
        tag = node.get("discriminator", {}).get("propertyName")
        if tag and isinstance(value, dict) and value.get(tag) in node["discriminator"]["mapping"]:
            ref = node["discriminator"]["mapping"][value[tag]]
            return validate(value, {"$ref": ref}, root, path)
        return [f"{path}: {value!r:.80} matches none of anyOf"]
    kinds = node.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not any(_is(value, k) for k in kinds):
            return [f"{path}: {value!r:.60} is not {'/'.join(kinds)}"]
    out: list[str] = []
    if "enum" in node and value not in node["enum"]:
        out.append(f"{path}: {value!r} not in {node['enum']}")
    if "const" in node and value != node["const"]:
        out.append(f"{path}: {value!r} != {node['const']!r}")
    if isinstance(value, str):
        if len(value) < node.get("minLength", 0) or len(value) > node.get("maxLength", 1 << 60):
            out.append(f"{path}: bad length")
        if "pattern" in node and not re.search(node["pattern"], value):
            out.append(f"{path}: does not match {node['pattern']}")
    if _is(value, "number") and not (node.get("minimum", -(1 << 63)) <= value
                                     <= node.get("maximum", 1 << 63)):
        out.append(f"{path}: {value} out of range")
    if isinstance(value, dict):
        props = node.get("properties", {})
        out += [f"{path}: missing {k}" for k in node.get("required", []) if k not in value]
        extra = node.get("additionalProperties", True)
        for k, v in value.items():
            if k in props:
                out += validate(v, props[k], root, f"{path}.{k}")
            elif extra is False:
                out.append(f"{path}: unexpected key {k!r}")
            elif isinstance(extra, dict):
                out += validate(v, extra, root, f"{path}.{k}")
    if isinstance(value, list):
        if not node.get("minItems", 0) <= len(value) <= node.get("maxItems", 1 << 60):
            out.append(f"{path}: {len(value)} items")
        prefix = node.get("prefixItems", [])
        for i, v in enumerate(value):
            if i < len(prefix):
                out += validate(v, prefix[i], root, f"{path}[{i}]")
            elif "items" in node and node["items"] is not False:
                out += validate(v, node["items"], root, f"{path}[{i}]")
    return out


def check(value: Any, top: str, doc: dict[str, Any] | None = None) -> list[str]:
    """`validate` against one top-level name of the schema (`action`, `seat_view`, ...)."""
    doc = doc if doc is not None else schema()
    return validate(value, {"$ref": f"#/$defs/{top}"}, doc)


# ---- the reference page --------------------------------------------------------------------------
def _type_text(s: dict[str, Any]) -> str:
    if "$ref" in s:
        name = s["$ref"].rsplit("/", 1)[1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in s:
        return " \\| ".join(_type_text(x) for x in s["anyOf"])
    if "enum" in s:
        return " \\| ".join(f"`{json.dumps(v)}`" for v in s["enum"])
    if "const" in s:
        return f"`{json.dumps(s['const'])}`"
    kind = s.get("type", "any")
    if kind == "array":
        return f"list of {_type_text(s.get('items', {}))}"
    if kind == "object" and isinstance(s.get("additionalProperties"), dict):
        return f"map of {_type_text(s['additionalProperties'])}"
    return str(kind)


def _fields_table(d: dict[str, Any], skip: tuple[str, ...] = ()) -> list[str]:
    props = {k: v for k, v in d.get("properties", {}).items() if k not in skip}
    if not props:
        return ["No fields.", ""]
    req = set(d.get("required", []))
    lines = ["| field | type | required / default |", "|---|---|---|"]
    for name, s in props.items():
        need = "required" if name in req else (
            f"default `{json.dumps(s['default'])}`" if "default" in s else "optional")
        lines.append(f"| `{name}` | {_type_text(s)} | {need} |")
    return [*lines, ""]


def _doc(d: dict[str, Any]) -> list[str]:
    text = " ".join((d.get("description") or "").split())
    return [text, ""] if text else []


def reference(doc: dict[str, Any]) -> str:
    defs = doc["$defs"]
    out = [
        "# FORGE game reference (generated)",
        "",
        "Generated by `python -m game.schema --out docs/protocol/` from the engine's msgspec "
        "types; do not edit by hand (`tests/engine/test_schema.py` fails when this page or "
        "`game.schema.json` differ from the code). The envelope, resume and patches are in "
        "[`../protocol.md`](../protocol.md); the rules behind each action in "
        "[`../rules.md`](../rules.md). A client builds valid actions from the `legal` "
        "answer's `templates` (below) without the rules text.",
        "",
        "## Actions (`payload.action`)",
        "",
        "Every action is an object tagged by `type`; unknown fields are refused "
        "(`bad_action`). The acting seat is the connection's own. Facilitator actions are "
        "marked (facilitator).",
        "",
    ]
    fac = {c.__struct_config__.tag for c in act.FACILITATOR_ACTIONS}
    for ref in doc["$defs"]["action"]["anyOf"]:
        name = ref["$ref"].rsplit("/", 1)[1]
        d = defs[name]
        tag = d["properties"]["type"]["enum"][0]
        out += [f"### `{tag}`{' (facilitator)' if tag in fac else ''}", ""]
        out += [ACTION_DOCS[tag], ""]
        out += _fields_table(d, skip=("type",))
        ex = json.dumps(EXAMPLES[tag])
        out += ["Example:", "", "```json", ex, "```", ""]
        if tag in CREATES:
            out += [f"Its ack names what it created: `created` from the `{CREATES[tag]}` "
                    "event (below).", ""]
    out += ["## Types used by actions and views", ""]
    action_names = {r["$ref"].rsplit("/", 1)[1] for r in defs["action"]["anyOf"]}
    event_names = {r["$ref"].rsplit("/", 1)[1] for r in defs["event"]["anyOf"]}
    for name, d in defs.items():
        if name in TOP or name in action_names or name in event_names or "properties" not in d:
            continue
        out += [f"### {name}", ""]
        out += _doc(d)
        out += _fields_table(d)
    out += [
        "## Views (`state.view`)",
        "",
        "`seat_view` for a player, `spectator_view` for the projector, `facilitator_view` for "
        "the facilitator: their fields are under Types above (SeatView, SpectatorView, "
        "FacilitatorView). `scores` and `world` appear once the game has ended.",
        "",
        "## Events (`state.events[]`)",
        "",
        "Each event: `seq` (its action's), `kind`, `text` (for people), `to` (empty: public; "
        "else only those seats and the facilitator) and `data`:",
        "",
        "| kind | data |",
        "|---|---|",
    ]
    for ref in defs["event"]["anyOf"]:
        d = defs[ref["$ref"].rsplit("/", 1)[1]]
        tag = d["properties"]["kind"]["enum"][0]
        data = d["properties"]["data"]
        target = defs[data["$ref"].rsplit("/", 1)[1]] if "$ref" in data else data
        fields = ", ".join(f"`{k}`: {_type_text(v)}"
                           for k, v in target.get("properties", {}).items()) or "-"
        out.append(f"| `{tag}` | {fields} |")
    out += [
        "",
        "## Answers",
        "",
        "- An action's `ack` carries `seq` and `duplicate`, and for the actions that create "
        "something, `created` ([Created](#created)): `propose_deal` → `{\"deal\", "
        "\"version\"}`, `counter_deal` → the same deal with its new `version`, FORGE motions "
        "(`apply_forge`, `propose_floor`, `propose_standard`, `nominate_chair`) → "
        "`{\"motion\"}`, `file_dispute` → `{\"dispute\"}`. A duplicate's ack carries no "
        "`created`: the event with that `seq` names it.",
        "- `legal`'s `result` ([LegalResult](#legalresult)): `kinds` (action types allowed "
        "now), `actions` (concrete actions accepted as they are) and `templates` (per kind: "
        "an example `action` and each field's range now: partners, minerals, quantities the "
        "seat can deliver, reference and last prices, its treasury).",
    ]
    return "\n".join(out) + "\n"


def generate(out_dir: Path) -> dict[Path, str]:
    doc = schema()
    return {
        out_dir / "game.schema.json": json.dumps(doc, indent=1, sort_keys=False) + "\n",
        out_dir / "reference.md": reference(doc),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m game.schema", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/protocol"))
    parser.add_argument("--check", action="store_true", help="exit 1 if the files differ")
    args = parser.parse_args(argv)
    stale = []
    for path, text in generate(args.out).items():
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            print(f"wrote {path}")
    if stale:
        print("stale (run python -m game.schema --out docs/protocol/):", *stale, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
