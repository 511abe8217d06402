"""Reading one seat's view into the few numbers every strategy decides from.

A bot sees the game only through `game.view(seat)` and `game.legal_actions(seat)`, the
same as a person, so it cannot peek at another seat's treasury or stock: other seats are
estimated from their public capacities, demand and signed deals. Everything here is
computed once per decision from the view dict (no copy of the game), which is what keeps
a decision well under a millisecond.
"""

from __future__ import annotations

import zlib
from functools import cached_property
from typing import Any

import msgspec

from game.rng import next_u64

FORMS = ("ore", "refined")
PARTS = ("prosperity", "security", "sustainability", "reputation")


class MineralInfo(msgspec.Struct, frozen=True):
    """A mineral's public numbers. (The small records here are msgspec Structs rather than
    dataclasses: they are built in C, and a decision builds hundreds of them.)"""

    id: str
    ref_ore: int
    ref_refined: int
    output_value: int
    capex_mine: int
    capex_refine: int
    lead: int = 1  # rounds before new capacity arrives (the mineral's invest_delay)

    def ref(self, form: str) -> int:
        return self.ref_ore if form == "ore" else self.ref_refined


class Balance(msgspec.Struct):
    """Lots per round a seat can spare (+) or must find (-), ore and refined."""

    ore: int = 0
    refined: int = 0

    def of(self, form: str) -> int:
        return self.ore if form == "ore" else self.refined


class Said(msgspec.Struct, frozen=True):
    """A sentence a bot says to a person, as a stable key and its params, with the English
    for agents and logs. The engine does not know who reads it: each page says `key` with
    `params` in its reader's language (docs/protocol.md lists the keys), so a Spanish page
    is never handed English words."""

    key: str
    params: dict[str, str | int]
    text: str

    def said(self) -> dict[str, object]:
        """The key and params, JSON-ready, as pages receive them."""
        return {"key": self.key, "params": dict(self.params)}


# Every key a bot says, with its English as a str.format template over the params: one
# table, so docs/protocol.md and the pages' sentences (said.js) are checked against it.
# The English is word for word what the bots wrote before keys existed.
SAYINGS: dict[str, str] = {
    "deal.buy": "buy {qty} lots/round of {form} {mineral} at {price} (spot about {spot})",
    "deal.sell": "sell {qty} lots/round of {form} {mineral} at {price} (spot about {spot})",
    "deal.fund_refining": "fund {qty} lots of {mineral} refining at {host} for half its output",
    "deal.fund_mining": "fund {qty} lots of {mineral} mining at {host} for half the ore",
    "deal.ask_fund_mine": "ask {investor} to fund {qty} lots of {mineral} mine capacity here",
    "deal.ask_fund_refine": "ask {investor} to fund {qty} lots of {mineral} refine capacity "
                            "here",
    "deal.objective": "a {mineral} deal my objective asks for",
    "counter": "counter",
    "offer.accept": "Accept: by our estimate it is worth {points} points to you.",
    "offer.reject": "Reject or counter: by our estimate it is worth {points} points to you.",
    "offer.unaffordable": "Counter: you would like it, but the one-off payments are more than "
                          "the treasury can cover now.",
    "orders.sell_refined": "sell {qty} refined {mineral} you will not use or owe (from {limit})",
    "orders.sell_ore": "sell {qty} {mineral} ore your refineries cannot use",
    "orders.buy_ore": "buy {qty} {mineral} ore so your refineries do not stand idle next round",
    "orders.buy_refined": "buy {qty} refined {mineral} your industry needs (up to {limit})",
    "orders.release": "release {qty} {mineral} from your stockpile to keep industry running",
    "orders.stockpile": "put {qty} spare refined {mineral} into the stockpile on the earmarked "
                        "budget",
    "orders.standard": "raise your environmental standard to {level}",
    "orders.build_objective": "build {qty} lots of {mineral} refining at home for your objective",
    "orders.build_pays": "build {qty} lots of {mineral} refining at home: refining your spare "
                         "ore pays back its cost within a game's length",
    "orders.control": "control refined {mineral} exports to {seats}",
    "orders.tariff": "tariff of {percent}% on {mineral} from {seats}",
}


def say(key: str, **params: str | int) -> Said:
    """The saying `key` (a key of SAYINGS) with `params`, its English filled in."""
    return Said(key, params, SAYINGS[key].format(**params))


# The line that follows the English in a bot's note: "said: " and the Said's key and params
# as JSON, so a page renders the note in its own language and an agent reads the English.
SAID_PREFIX = "said: "


def note_round(note: str) -> int:
    """Bots tag their proposals "r<round> ..." so a stateless bot can tell old from new."""
    head = note.split(" ", 1)[0]
    if head.startswith("r") and head[1:].isdigit():
        return int(head[1:])
    return 0


def stable_hash(*parts: object) -> int:
    """Python's hash() of a str changes per process; crc32 does not, so games replay."""
    return zlib.crc32("|".join(map(str, parts)).encode())


class Ctx:
    """One seat's reading of its view, for one decision."""

    def __init__(self, view: dict[str, Any], seed: int, strategy: str = "") -> None:
        self.view = view
        me = view["me"]
        self.me: dict[str, Any] = me
        self.seat: str = me["seat"]
        # the advisor plays a human seat as the cooperative bot would
        self.strategy: str = strategy or me["controller"].removeprefix("bot:")
        self.round: int = view["round"]
        self.rounds: int = view["rounds"]
        self.rounds_left: int = max(1, self.rounds - self.round + 1)
        self.phase: str = view["phase"]
        self.seed = seed
        self.minerals = {m["id"]: _mineral(m) for m in view["minerals"]}
        self.seats: dict[str, dict[str, Any]] = view["seats"]
        self.public: dict[str, Any] = self.seats[self.seat]
        forge = view["forge"]
        self.members: set[str] = set(forge["members"])
        self.is_member = self.seat in self.members
        self.floors: dict[str, int] = forge["floors"]
        self.weights = _weights(me.get("weights", {}))
        self.objectives: list[dict[str, Any]] = me.get("objectives", [])
        self.active = [d for d in view["deals"] if d["status"] == "active"
                       and d["rounds_done"] < d["rounds"]]
        self.leads = {m: info.lead for m, info in self.minerals.items()}
        self._flows = _deal_flows(self.active, self.round, self.leads)
        # structural balances count next round's deliveries, or this round's in the last
        self._ahead = 1 if self.rounds_left > 1 else 0
        self._controls = _controls(view)
        self._prices: dict[tuple[str, str], int] = {}
        self._structural: dict[str, dict[str, Balance]] = {}
        self._own: dict[str, Balance] = {}  # my row of _structural, also without the table
        self.memo: dict[object, object] = {}  # per-decision caches for the deal finders
        # what every draw of this decision hashes first: stable_hash joins its parts with "|"
        self._rand_prefix = "|".join(map(str, (self.seat, self.round, self.phase, view["seq"])))
        self.scale = Scale(self)

    # ---- the market -----------------------------------------------------------------
    def price(self, mineral: str, form: str) -> int:
        """What a lot is expected to fetch: the last clearing price (a round with no trade
        records 0, no price, and is skipped), else the reference."""
        found = self._prices.get((mineral, form))
        if found is None:
            path = [p for p in self.view["prices"].get(f"{mineral}:{form}", ()) if p > 0]
            ref = self.minerals[mineral].ref(form)
            found = max(1, (path[-1] + ref) // 2) if path else ref
            self._prices[mineral, form] = found
        return found

    @cached_property
    def _licenses(self) -> set[tuple[str, str, str]]:
        """(licensor, licensee, mineral) of licences in force (signed in an earlier round: a
        licence takes a round to issue): needed only once a control bites, so gathered on
        first use."""
        return {(c["licensor"], c["licensee"], c["mineral"])
                for d in self.active if (d["signed_round"] or self.round) < self.round
                for c in d["clauses"] if c["type"] == "license"}

    def blocked(self, seller: str, buyer: str, mineral: str, form: str) -> bool:
        """A public control (own or forced by a card) stops the lot unless licensed."""
        for c in self._controls.get(seller, ()):
            if c["mineral"] == mineral and c["form"] == form and (
                    buyer in c["targets"] or "ALL" in c["targets"]):
                return (seller, buyer, mineral) not in self._licenses
        return False

    def controls_of(self, seat: str) -> list[dict[str, Any]]:
        return list(self._controls.get(seat, ()))

    # ---- deliveries under signed deals --------------------------------------------------
    def commit(self, clauses: list[dict[str, Any]], rounds: int) -> None:
        """Count a deal I just accepted or offered, so my next decision in the same turn
        does not promise the same lots twice."""
        deal = {"clauses": clauses, "signed_round": self.round, "rounds": rounds,
                "rounds_done": 0}
        moved: set[tuple[str, str]] = set()
        for ahead in range(min(rounds, 2)):
            for seller, buyer, mineral, form, qty in deliveries(deal, self.round + ahead,
                                                                self.leads):
                at = _AT[form] + ahead
                self._flows.setdefault((seller, mineral), [0, 0, 0, 0])[at] -= qty
                self._flows.setdefault((buyer, mineral), [0, 0, 0, 0])[at] += qty
                moved |= {(seller, mineral), (buyer, mineral)}
        for seat, mineral in moved:
            if seat == self.seat:
                self._own.pop(mineral, None)
            table = self._structural.get(mineral)
            if table is not None and seat in table:
                table[seat] = self.own_balance(mineral) if seat == self.seat else \
                    self._balance(seat, mineral)

    def flow(self, seat: str, mineral: str, form: str, ahead: int = 0) -> int:
        """Net lots `seat` receives (+) or owes (-) under active deals, `ahead` (0 or 1)
        rounds on."""
        return self._flows.get((seat, mineral), _NO_FLOW)[_AT[form] + ahead]

    # ---- balances -------------------------------------------------------------------
    def my_balance(self, mineral: str) -> Balance:
        """This round, from my holdings: what the resolution will leave me short or long."""
        h = self.me["holdings"].get(mineral, {"ore": 0, "refined": 0, "stockpile": 0})
        cap = self.public["capacity"].get(mineral, {"mine": 0, "refine": 0})
        ore = h["ore"] + cap["mine"] + self.flow(self.seat, mineral, "ore")
        refined_q = min(cap["refine"], max(0, ore))
        refined = h["refined"] + refined_q + self.flow(self.seat, mineral, "refined")
        return Balance(ore - refined_q, refined - self.public["demand"].get(mineral, 0))

    def structural(self, seat: str, mineral: str) -> Balance:
        """Per round over the coming rounds, from public numbers only (used for every seat,
        including mine, so deals are judged on what lasts rather than one round's stock)."""
        return self.structurals(mineral)[seat]

    def structurals(self, mineral: str) -> dict[str, Balance]:
        """`structural` for every seat, in seat order (read it, do not change it)."""
        table = self._structural.get(mineral)
        if table is None:
            table = self._structural[mineral] = self._balances(mineral)
        return table

    def own_balance(self, mineral: str) -> Balance:
        """My structural balance, without building every seat's table for the mineral."""
        found = self._own.get(mineral)
        if found is None:
            found = self._own[mineral] = self._balance(self.seat, mineral)
        return found

    def _balances(self, mineral: str) -> dict[str, Balance]:
        """Every seat's structural balance in one mineral, computed together because the
        deal finders rank all seats at once (the same sums as `_balance`, inlined)."""
        get_flow, ahead = self._flows.get, self._ahead
        out: dict[str, Balance] = {}
        for seat, s in self.seats.items():
            cap = s["capacity"].get(mineral)
            if cap:
                mine, refine = cap["mine"], cap["refine"]
            else:
                mine = refine = 0
            demand = s["demand"].get(mineral, 0)
            row = get_flow((seat, mineral))
            if row is None:
                out[seat] = Balance(mine - refine, refine - demand)
            else:
                out[seat] = Balance(mine + (row[ahead] or row[0]) - refine,
                                    refine + (row[2 + ahead] or row[2]) - demand)
        out[self.seat] = self.own_balance(mineral)  # counts my stock too; keeps seat order
        return out

    def _balance(self, seat: str, mineral: str) -> Balance:
        s = self.seats[seat]
        cap = s["capacity"].get(mineral)
        mine, refine = (cap["mine"], cap["refine"]) if cap else (0, 0)
        # next round's deliveries, or this round's when none are due next round
        row = self._flows.get((seat, mineral), _NO_FLOW)
        ore_in = row[self._ahead] or row[0]
        ref_in = row[2 + self._ahead] or row[2]
        if seat == self.seat:
            h = self.me["holdings"].get(mineral) or {}
            ref_in += h.get("refined", 0) // self.rounds_left
            ore_in += h.get("ore", 0) // self.rounds_left
        # a refiner short of ore buys it, so its refining counts in full and the ore it
        # lacks shows up as an ore need instead of a refined one
        return Balance(mine + ore_in - refine, refine + ref_in - s["demand"].get(mineral, 0))

    # ---- randomness -----------------------------------------------------------------
    def rand(self, *keys: object) -> int:
        """A deterministic draw from (seed, seat, round, phase, seq, keys)."""
        base = stable_hash(self._rand_prefix, *keys)
        return next_u64((self.seed ^ base) & ((1 << 64) - 1))[1]

    def jitter(self, value: int, bp: int, *keys: object) -> int:
        """value moved by up to ±bp basis points, so bots do not all bid the same number."""
        if bp <= 0 or value <= 0:
            return value
        span = 2 * bp + 1
        return max(1, value + value * (self.rand(*keys) % span - bp) // 10000)

    # ---- my aims --------------------------------------------------------------------
    def objective(self, kind: str, mineral: str = "") -> dict[str, Any] | None:
        for o in self.objectives:
            if o.get("kind") == kind and (not mineral or o.get("mineral") == mineral):
                return o
        return None

    def note(self, said: Said, style: str = "") -> str:
        """A note for a deal: "r<round> <style>: <English>" then the said line. `style`
        (the strategy's name) is for agents and the facilitator; pages leave it out."""
        text = f"{style}: {said.text}" if style else said.text
        line = SAID_PREFIX + msgspec.json.encode(said.said()).decode()
        return f"r{self.round} {text}"[:500 - len(line) - 1] + "\n" + line


class Scale:
    """Score points per unit of what a deal moves, estimated from my own position.

    Scores count each part against the seat's no-deal baseline, so $10M matters to Ghana
    and not to China, and one traceable lot matters more to a seat that trades little.
    The bot cannot see its baseline; it estimates the size of each part from its view.
    """

    __slots__ = ("per_lot_met", "per_lot_traced", "per_musd", "per_rep", "received")
    per_lot_met: float  # security points per lot of demand met that would not have been
    per_lot_traced: float  # sustainability points per lot traded under a standards clause
    per_musd: float  # prosperity points per $M
    per_rep: float  # reputation points per point of reputation
    received: int

    def __init__(self, ctx: Ctx) -> None:
        w = ctx.weights
        rounds = ctx.rounds
        demand = sum(ctx.public["demand"].values())
        flow = 0
        trade = 0
        for m, info in ctx.minerals.items():
            b = ctx.own_balance(m)
            d = ctx.public["demand"].get(m, 0)
            flow += d * info.output_value + max(0, b.ore) * info.ref_ore + \
                max(0, b.refined) * info.ref_refined
            trade += abs(b.ore) + abs(b.refined)
        # the seat's own view says what $M add 10 points to its total; the bot weighs
        # points before par (game.par: the bots play the game as it is before par)
        per_10 = ctx.me.get("money_per_10_points", 0) * ctx.me.get(
            "par_money", ctx.me.get("par", 1000)) / 1000
        self.per_musd = 10 / max(100, per_10) if w["prosperity"] and per_10 else 0.0
        self.per_lot_met = 100 * 10000 / max(1, demand * rounds) / 8000 * w["security"] / 100
        # sustainability is traceable lots x the clause's level / (3 x all lots traded), so
        # a lot traced at my standard is worth that share of 100 points
        level = max(1, ctx.public["env_standard"])
        self.per_lot_traced = 100 * level / (3 * max(4, trade * rounds)) * \
            w["sustainability"] / 100
        self.per_rep = 100 * 1000 / 5000 * w["reputation"] / 100
        self.received = max(4, demand * rounds)


def _mineral(m: dict[str, Any]) -> MineralInfo:
    return MineralInfo(m["id"], m["ref_ore"], m["ref_refined"],
                       m.get("output_value", 2 * m["ref_refined"]),
                       m.get("capex_mine", 0), m.get("capex_refine", 0),
                       m.get("invest_delay", 1))


def _weights(raw: dict[str, int]) -> dict[str, int]:
    """Profile weights as percentages, so heuristics can scale by them directly."""
    total = sum(raw.get(p, 0) for p in PARTS) or 1
    return {p: raw.get(p, 0) * 100 // total for p in PARTS}


# Net lots that active deals deliver to a seat (+) or that it owes (-) in a mineral, per
# (seat, mineral): [ore at this round's resolution, ore at the next one, refined at this
# round's, refined at the next]; _AT[form] + rounds ahead (0 or 1) indexes it.
Flows = dict[tuple[str, str], list[int]]
_AT = {"ore": 0, "refined": 2}
_NO_FLOW = (0, 0, 0, 0)


def _deal_flows(active: list[dict[str, Any]], round_no: int,
                leads: dict[str, int] | None = None) -> Flows:
    """Net deliveries from active deals (each with a round left) this round and next:
    supply clauses every round, offtake rights once the invested capacity has arrived.
    (Every decision starts here, over every active deal, hence the plain loops.)"""
    flows: Flows = {}
    get = flows.get
    for d in active:
        both = d["rounds"] - d["rounds_done"] > 1  # delivers next round as well
        for c in d["clauses"]:
            kind = c["type"]
            if kind == "supply":
                m, q = c["mineral"], c["qty"]
                at = 0 if c["form"] == "ore" else 2
                key = (c["seller"], m)
                out = get(key)
                if out is None:
                    out = flows[key] = [0, 0, 0, 0]
                key = (c["buyer"], m)
                into = get(key)
                if into is None:
                    into = flows[key] = [0, 0, 0, 0]
                out[at] -= q
                into[at] += q
                if both:
                    out[at + 1] -= q
                    into[at + 1] += q
            elif kind == "invest" and c["offtake_bp"] > 0:
                for ahead in ((0, 1) if both else (0,)):
                    for seller, buyer, m, f, q in _offtake(d, c, round_no + ahead, leads):
                        flows.setdefault((seller, m), [0, 0, 0, 0])[_AT[f] + ahead] -= q
                        flows.setdefault((buyer, m), [0, 0, 0, 0])[_AT[f] + ahead] += q
    return flows


def deliveries(deal: dict[str, Any], round_no: int, leads: dict[str, int] | None = None,
               ) -> list[tuple[str, str, str, str, int]]:
    """(seller, buyer, mineral, form, qty) a deal moves at the resolution of `round_no`
    (`leads`: each mineral's lead time for new capacity)."""
    out: list[tuple[str, str, str, str, int]] = []
    for c in deal["clauses"]:
        if c["type"] == "supply":
            out.append((c["seller"], c["buyer"], c["mineral"], c["form"], c["qty"]))
        elif c["type"] == "invest" and c["offtake_bp"] > 0:
            out += _offtake(deal, c, round_no, leads)
    return out


def first_offtake(signed: int, c: dict[str, Any], leads: dict[str, int] | None) -> int:
    """The round an invest clause's offtake starts: capacity arrives no sooner than the
    mineral's lead time, runs at half for a round (2 lots or more), then at full."""
    delay = max(int(c["delay"]), (leads or {}).get(c["mineral"], 1))
    return signed + delay + (1 if int(c["capacity"]) >= 2 else 0)


def _offtake(deal: dict[str, Any], c: dict[str, Any], round_no: int,
             leads: dict[str, int] | None = None) -> list[tuple[str, str, str, str, int]]:
    """An investor's offtake share, once the new capacity runs at full."""
    arrived = round_no >= first_offtake(deal["signed_round"] or round_no, c, leads)
    qty = c["capacity"] * c["offtake_bp"] // 10000
    if not arrived or not qty:
        return []
    form = "ore" if c["kind"] == "mine" else "refined"
    return [(c["host"], c["investor"], c["mineral"], form, qty)]


def _controls(view: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Controls in force: each seat's public policy plus those cards forced (last report).
    The view's lists are shared, not copied, except where a report adds to them (read
    them, do not change them)."""
    out: dict[str, list[dict[str, Any]]] = {sid: s["controls"]
                                            for sid, s in view["seats"].items()}
    reports = view["reports"]
    if reports:
        for sid, found in reports[-1].get("controls", {}).items():
            known = list(out.get(sid, ()))
            for c in found:
                if c not in known:
                    known.append(c)
            out[sid] = known
    return out
