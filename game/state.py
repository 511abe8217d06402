"""The whole game state: plain integer data that encodes to JSON byte-for-byte.

State is mutated in place by `game.engine.apply` only after an action has been fully
validated (validate, then mutate), which is what keeps apply in microseconds; a snapshot
is a msgpack encoding of this struct.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from game.clauses import Clause
from game.orders import Control, Orders, Policy

Phase = Literal["lobby", "negotiation", "orders", "ended"]
DealStatus = Literal[
    "proposed", "active", "completed", "breached", "cancelled", "rejected", "withdrawn",
    "framework", "upgraded",  # a scenario's bilateral framework: not binding, then made so
]
OPEN_DEAL = "proposed"
LIVE_DEALS = ("active",)


class Holdings(msgspec.Struct):
    ore: int = 0
    refined: int = 0
    stockpile: int = 0


class Capacity(msgspec.Struct):
    mine: int = 0
    refine: int = 0


class SeatStats(msgspec.Struct):
    """Cumulative figures for scoring and the debrief, per mineral where keyed."""

    output_value: int = 0
    demand: int = 0
    met: int = 0
    shortage: dict[str, list[int]] = msgspec.field(default_factory=dict)  # per round
    mined: dict[str, int] = msgspec.field(default_factory=dict)
    refined_home: dict[str, int] = msgspec.field(default_factory=dict)  # refined from own ore
    refined_out: dict[str, int] = msgspec.field(default_factory=dict)
    # refined lots received, per mineral, per supplier ("ROW" for the rest of the world)
    sources: dict[str, dict[str, int]] = msgspec.field(default_factory=dict)
    # of those, the lots secured ahead of the market: delivered under deals, per supplier
    secured: dict[str, dict[str, int]] = msgspec.field(default_factory=dict)
    demand_by: dict[str, int] = msgspec.field(default_factory=dict)  # per mineral, cumulative
    traded: int = 0
    traceable: int = 0  # lots traded under a standards clause x the clause's level (0..3)
    standard_sum: int = 0  # sum of the env standard kept at each resolution
    standard_cost: int = 0  # $M paid for the environmental standard (resolution, step 6)
    breaches: int = 0
    capex: int = 0  # paid for the seat's own new capacity: its book value, in prosperity
    # for the debrief (scoring.breakdown): $M gained or lost by source ("output", "market",
    # "standard", "forge", "stockpile", "event", "deal:<id>"), reputation changes by source
    # ("breach:<id>", "event", "framework:<id>") and traceable trade per deal
    money: dict[str, int] = msgspec.field(default_factory=dict)
    rep: dict[str, int] = msgspec.field(default_factory=dict)
    traceable_by: dict[str, int] = msgspec.field(default_factory=dict)

    def flow(self, source: str, amount: int) -> None:
        if amount:
            self.money[source] = self.money.get(source, 0) + amount

    def rep_change(self, source: str, delta: int) -> None:
        if delta:
            self.rep[source] = self.rep.get(source, 0) + delta


class Seat(msgspec.Struct):
    id: str
    controller: str  # "human" or "bot:<strategy>"
    treasury: int
    reputation: int
    holdings: dict[str, Holdings]
    capacity: dict[str, Capacity]
    demand: dict[str, int]
    policy: Policy
    start_treasury: int
    orders: Orders | None = None
    ready: bool = False
    stockpile_budget: int = 0
    applied_forge: bool = False
    stats: SeatStats = msgspec.field(default_factory=SeatStats)

    @property
    def is_human(self) -> bool:
        return self.controller == "human"


class Deal(msgspec.Struct):
    id: str
    a: str  # the first proposer
    b: str
    proposer: str  # of the latest version
    recipient: str
    version: int
    clauses: list[Clause]
    rounds: int
    status: DealStatus = "proposed"
    note: str = ""
    signed_round: int = 0
    signed_seq: int = 0
    rounds_done: int = 0
    breaches: int = 0
    one_offs_done: bool = False
    cancel_by: str = ""
    upgrades: str = ""  # the framework this signed deal made binding (deals.upgrade)

    def other(self, seat: str) -> str:
        return self.b if seat == self.a else self.a


class Motion(msgspec.Struct):
    id: str
    kind: Literal["floor", "admit", "standard", "chair"]
    proposer: str
    round: int
    mineral: str = ""
    form: str = ""
    price: int = 0
    seat: str = ""
    level: int = 0
    votes: dict[str, bool] = msgspec.field(default_factory=dict)
    status: Literal["open", "adopted", "rejected"] = "open"


class Dispute(msgspec.Struct):
    id: str
    filed_by: str
    kind: Literal["floor", "exclusivity"]
    round_filed: int
    resolves_round: int
    mineral: str = ""
    form: str = ""
    deal: str = ""
    status: Literal["pending", "upheld", "dismissed"] = "pending"


class Forge(msgspec.Struct):
    members: list[str]
    chair: str
    chair_until_round: int
    fund: int
    min_standard: int
    bloc: dict[str, Holdings]  # FORGE fund's stockpile
    floors: dict[str, int] = msgspec.field(default_factory=dict)  # "mineral:form" -> price
    motions: list[Motion] = msgspec.field(default_factory=list)
    disputes: list[Dispute] = msgspec.field(default_factory=list)


class OpenPrompt(msgspec.Struct):
    id: str
    card: str
    seat: str
    round: int
    answer: str = ""
    status: Literal["open", "answered", "defaulted"] = "open"


class ForcedControl(msgspec.Struct):
    seat: str
    control: Control
    until_round: int  # last round (inclusive) the control is forced


class Modifier(msgspec.Struct):
    """A temporary change from an event: capacity or demand in lots/bp, or RoW curve in bp."""

    kind: Literal["mine", "refine", "demand_bp", "row_supply_bp", "row_demand_bp"]
    mineral: str
    delta: int
    from_round: int
    until_round: int  # inclusive; 0 = for good
    seat: str = ""
    form: str = ""


class Pending(msgspec.Struct):
    """Capacity arriving later (investments, event approvals)."""

    seat: str
    mineral: str
    kind: Literal["mine", "refine"]
    delta: int
    due_round: int  # applied at the end of this round's resolution
    deal: str = ""
    ramp: bool = False  # the second half of a ramp-up (resolution._arrivals)


class Ledger(msgspec.Struct):
    """Named sources and sinks, so conservation can be checked exactly.

    minerals: "mineral:form" -> {flow -> lots}; money: flow -> $M.
    """

    minerals: dict[str, dict[str, int]] = msgspec.field(default_factory=dict)
    money: dict[str, int] = msgspec.field(default_factory=dict)

    def add_mineral(self, mineral: str, form: str, flow: str, qty: int) -> None:
        flows = self.minerals.setdefault(f"{mineral}:{form}", {})
        flows[flow] = flows.get(flow, 0) + qty

    def add_money(self, flow: str, amount: int) -> None:
        self.money[flow] = self.money.get(flow, 0) + amount


class Report(msgspec.Struct):
    round: int
    public: dict[str, Any]
    private: dict[str, dict[str, Any]]


class Score(msgspec.Struct):
    parts: dict[str, int]
    objectives: dict[str, bool]
    total: int
    par: int = 1000  # the par factor (per mille) the total's distance from 100 carries


class RoundScore(msgspec.Struct):
    """A seat's score as it stood after one round's resolution, for the debrief's scores
    over rounds (the totals alone cannot be rebuilt later: each round's score reads the
    state of that round)."""

    round: int
    total: int
    parts: dict[str, int]


class GameState(msgspec.Struct):
    scenario_id: str
    seed: int
    rng: int
    rounds: int
    seats: dict[str, Seat]
    forge: Forge
    deck: list[str]
    round: int = 0
    phase: Phase = "lobby"
    paused: bool = False
    seq: int = 0  # accepted actions so far
    card: str = ""  # the card revealed this round (its title and text kept for the views)
    card_title: str = ""
    card_text: str = ""
    cards_drawn: list[str] = msgspec.field(default_factory=list)
    deals: dict[str, Deal] = msgspec.field(default_factory=dict)
    next_id: int = 1  # for deals, motions, prompts, disputes
    prompts: list[OpenPrompt] = msgspec.field(default_factory=list)
    forced: list[ForcedControl] = msgspec.field(default_factory=list)
    modifiers: list[Modifier] = msgspec.field(default_factory=list)
    pending: list[Pending] = msgspec.field(default_factory=list)
    prices: dict[str, list[int]] = msgspec.field(default_factory=dict)  # "m:form" -> per round
    ledger: Ledger = msgspec.field(default_factory=Ledger)
    reports: list[Report] = msgspec.field(default_factory=list)
    scores: dict[str, Score] = msgspec.field(default_factory=dict)
    score_history: dict[str, list[RoundScore]] = msgspec.field(default_factory=dict)
    # per seat, the no-deal game's raw score parts after each round's resolution
    baseline: dict[str, list[dict[str, int]]] = msgspec.field(default_factory=dict)
    par: dict[str, int] = msgspec.field(default_factory=dict)  # per seat, per mille (game.par)
    # per seat whose money counts otherwise than its other points (game.par), per mille
    par_money: dict[str, int] = msgspec.field(default_factory=dict)
    signings: int = 0
    round_start_seq: list[int] = msgspec.field(default_factory=list)  # seq at each round start
    phase_start: bytes = b""  # msgpack snapshot taken when the current phase began

    def new_id(self, prefix: str) -> str:
        ident = f"{prefix}{self.next_id}"
        self.next_id += 1
        return ident


_encoder = msgspec.json.Encoder(order="deterministic")
_msgpack = msgspec.msgpack.Encoder(order="deterministic")
_decoder = msgspec.msgpack.Decoder(GameState)


def state_bytes(state: GameState) -> bytes:
    """Canonical JSON bytes: the identity used by replay and determinism checks."""
    return _encoder.encode(state)


def snapshot(state: GameState) -> bytes:
    """A compact copy of the state without its own phase snapshot."""
    return _msgpack.encode(msgspec.structs.replace(state, phase_start=b""))


def restore(blob: bytes) -> GameState:
    return _decoder.decode(blob)


def copy_state(state: GameState) -> GameState:
    clone = restore(_msgpack.encode(state))
    return clone
