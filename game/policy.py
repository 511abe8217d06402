"""Lookups about policies in force: capacities, demand, controls, licenses, tariffs, floors.

Every rule that asks "may this lot go from A to B, and at what tariff?" asks it here, so the
spot market, deal deliveries, the UI and the bots cannot disagree. The answers depend on
events (modifiers, forced controls), sealed policies and active deals; `PolicyIndex`
gathers the deal-dependent parts once, so the market can ask thousands of times per round
without rescanning every deal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.clauses import Exclusivity, License, TariffWaiver
from game.orders import Control
from game.state import Capacity, Deal, GameState

if TYPE_CHECKING:
    from game.engine import Game

ROW = "ROW"  # the rest of the world as a counterparty
ALL = "ALL"  # a control or tariff target meaning everyone, the rest of the world included
MAX_TARIFF_BP = 10000


def _active(state: GameState, from_round: int, until_round: int) -> bool:
    """A modifier applies from its first round through its last; 0 means for good."""
    return from_round <= state.round and (until_round == 0 or state.round <= until_round)


def effective_capacity(game: Game, seat: str, mineral: str) -> Capacity:
    """Capacity this round: the seat's base plus event modifiers, never below zero."""
    st = game.state
    base = st.seats[seat].capacity.get(mineral) or Capacity()
    mine, refine = base.mine, base.refine
    for mod in st.modifiers:
        if mod.seat != seat or mod.mineral != mineral or not _active(st, mod.from_round,
                                                                      mod.until_round):
            continue
        if mod.kind == "mine":
            mine += mod.delta
        elif mod.kind == "refine":
            refine += mod.delta
    return Capacity(max(0, mine), max(0, refine))


def _scaled(base: int, bp: int) -> int:
    return max(0, base * (10000 + bp) // 10000)


def effective_demand(game: Game, seat: str, mineral: str) -> int:
    """Industrial demand this round, after demand shocks aimed at the seat or at everyone."""
    st = game.state
    bp = sum(
        m.delta
        for m in st.modifiers
        if m.kind == "demand_bp" and m.mineral == mineral and m.seat in ("", seat)
        and _active(st, m.from_round, m.until_round)
    )
    return _scaled(st.seats[seat].demand.get(mineral, 0), bp)


def row_curve_at(game: Game, mineral: str, form: str) -> tuple[int, int, int, int]:
    """The rest-of-world curve this round as (supply, demand, elasticity_bp, reference price)."""
    st = game.state
    m = next(x for x in game.scenario.minerals if x.id == mineral)
    curve = m.row_ore if form == "ore" else m.row_refined
    ref = m.ref_price_ore if form == "ore" else m.ref_price_refined
    supply_bp = demand_bp = 0
    for mod in st.modifiers:
        if mod.mineral != mineral or mod.form != form or not _active(st, mod.from_round,
                                                                      mod.until_round):
            continue
        if mod.kind == "row_supply_bp":
            supply_bp += mod.delta
        elif mod.kind == "row_demand_bp":
            demand_bp += mod.delta
    return (_scaled(curve.supply, supply_bp), _scaled(curve.demand, demand_bp),
            curve.elasticity_bp, ref)


def controls_of(game: Game, seat: str) -> list[Control]:
    """The seat's own controls plus those an event forces on it this round."""
    st = game.state
    own = list(st.seats[seat].policy.controls)
    if not st.forced:  # the usual case
        return own
    return own + [f.control for f in st.forced if f.seat == seat and f.until_round >= st.round]


def active_deals(game: Game) -> list[Deal]:
    """Active deals in signing order: the order in which deliveries and breaches happen."""
    live = [d for d in game.state.deals.values() if d.status == "active"]
    live.sort(key=lambda d: d.signed_seq)
    return live


class PolicyIndex:
    """What active deals and policies say about trade, gathered once for many questions.

    Valid while deals, policies, forced controls and FORGE membership do not change: the
    resolution builds one after applying sealed policies and keeps it for the round.
    """

    __slots__ = ("_blocked", "_controls", "_exclusions", "_game", "_licenses", "_members",
                 "_tariffs", "_waivers")

    def __init__(self, game: Game) -> None:
        self._game = game
        self._licenses: dict[tuple[str, str, str], int] = {}  # -> lots per round
        self._exclusions: set[tuple[str, str, str]] = set()
        self._waivers: set[tuple[str, str]] = set()
        self._members = frozenset(game.state.forge.members)
        self._controls: dict[str, list[Control]] = {}
        # answers already given: the spot market asks the same pairs again and again
        self._blocked: dict[tuple[str, str, str, str], bool] = {}
        self._tariffs: dict[tuple[str, str, str], int] = {}
        now = game.state.round
        for deal in active_deals(game):
            for c in deal.clauses:
                if isinstance(c, License):
                    # a licence takes a round to issue (MOFCOM's reviews take weeks): it
                    # covers trade from the round after the deal is signed
                    if deal.signed_round < now and c.qty > 0:
                        key = (c.licensor, c.licensee, c.mineral)
                        self._licenses[key] = self._licenses.get(key, 0) + c.qty
                elif isinstance(c, Exclusivity):
                    self._exclusions.add((c.seller, c.mineral, c.excluded))
                elif isinstance(c, TariffWaiver):
                    self._waivers.add((c.waiver, c.beneficiary))

    def controls(self, seat: str) -> list[Control]:
        found = self._controls.get(seat)
        if found is None:
            found = controls_of(self._game, seat) if seat in self._game.state.seats else []
            self._controls[seat] = found
        return found

    def may_block(self, mineral: str, form: str) -> bool:
        """Whether any control or exclusivity could stop a lot of this market reaching some
        buyer (so the market needs to look for restricted buyers at all)."""
        if any(m == mineral for _, m, _ in self._exclusions):
            return True
        return any(c.mineral == mineral and c.form == form
                   for seat in self._game.state.seats for c in self.controls(seat))

    def is_licensed(self, licensor: str, licensee: str, mineral: str) -> bool:
        return (licensor, licensee, mineral) in self._licenses

    def licences(self) -> dict[tuple[str, str, str], int]:
        """(licensor, licensee, mineral) -> lots per round the licences in force cover."""
        return dict(self._licenses)

    def controlled(self, seller: str, buyer: str, mineral: str, form: str) -> bool:
        """Like `blocked`, but a licence does not lift the control: a licensed pair trades
        only within the licence's volume, which the resolution counts."""
        return self.blocked(seller, buyer, mineral, form) or (
            self.is_licensed(seller, buyer, mineral)
            and self._control_applies(seller, buyer, mineral, form))

    def _control_applies(self, seller: str, buyer: str, mineral: str, form: str) -> bool:
        return any(c.mineral == mineral and c.form == form
                   and (buyer in c.targets or ALL in c.targets) for c in self.controls(seller))

    def blocked(self, seller: str, buyer: str, mineral: str, form: str) -> bool:
        """Controls name seats or ALL, so ROW (or the FORGE fund) is reached only by ALL."""
        key = (seller, buyer, mineral, form)
        found = self._blocked.get(key)
        if found is None:
            found = self._blocked[key] = self._is_blocked(seller, buyer, mineral, form)
        return found

    def _is_blocked(self, seller: str, buyer: str, mineral: str, form: str) -> bool:
        if (seller, mineral, buyer) in self._exclusions:
            return True
        for c in self.controls(seller):
            if c.mineral == mineral and c.form == form and (buyer in c.targets
                                                            or ALL in c.targets):
                return not self.is_licensed(seller, buyer, mineral)
        return False

    def tariff_bp(self, importer: str, exporter: str, mineral: str) -> int:
        """Club members trade tariff-free; a waiver in an active deal lifts the tariff too.

        Tariffs are levied on seats only: the rest of the world is a price-taking curve, and
        a tariff on it would let an importer keep the whole price of its own imports."""
        key = (importer, exporter, mineral)
        found = self._tariffs.get(key)
        if found is None:
            found = self._tariffs[key] = self._tariff_bp(importer, exporter, mineral)
        return found

    def _tariff_bp(self, importer: str, exporter: str, mineral: str) -> int:
        seat = self._game.state.seats.get(importer)
        if seat is None or exporter not in self._game.state.seats:
            return 0
        if importer in self._members and exporter in self._members:
            return 0
        if (importer, exporter) in self._waivers:
            return 0
        total = sum(
            t.rate_bp
            for t in seat.policy.tariffs
            if t.mineral == mineral and (exporter in t.targets or ALL in t.targets)
        )
        return max(0, min(MAX_TARIFF_BP, total))


def is_licensed(game: Game, licensor: str, licensee: str, mineral: str) -> bool:
    return PolicyIndex(game).is_licensed(licensor, licensee, mineral)


def blocked(game: Game, seller: str, buyer: str, mineral: str, form: str) -> bool:
    """True when the seller's control (unlicensed) or exclusivity stops the lot reaching buyer."""
    return PolicyIndex(game).blocked(seller, buyer, mineral, form)


def tariff_bp(game: Game, importer: str, exporter: str, mineral: str) -> int:
    return PolicyIndex(game).tariff_bp(importer, exporter, mineral)


def floor_price(game: Game, mineral: str, form: str) -> int:
    return game.state.forge.floors.get(f"{mineral}:{form}", 0)
