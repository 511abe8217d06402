"""Valuing a deal for one seat, and finding deals worth proposing.

A deal is worth what it changes for the seat over its rounds, in $M-equivalents: lots it
needs bought below what they are worth to it (spot price plus a security premium from its
profile), lots it can spare sold above spot, breaches it would risk, objectives it would
meet. The same valuation drives accepting, countering and proposing, so a bot never
proposes what it would itself refuse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import msgspec

from game.bots.common import FORMS, Ctx, Said, first_offtake, note_round, say
from game.clauses import Clause, Exclusivity, Invest, Standards, Supply
from game.resolution import STANDARD_COST_BP

MAX_DEAL_ROUNDS = 3


@dataclass(frozen=True, slots=True)
class Style:
    """How a strategy haggles: its margins, in basis points of the spot price."""

    name: str
    accept_points: float  # minimum score points a deal must bring me to sign it
    propose_points: float  # minimum score points a deal must bring me to offer it
    ask_bp: int  # markup asked when selling
    bid_bp: int  # discount sought when buying
    max_proposals: int  # new proposals per turn
    honours: bool  # reserves material for contracts
    likes_exclusivity: bool


COOPERATIVE = Style("cooperative", accept_points=-0.1, propose_points=0.05, ask_bp=300,
                    bid_bp=-300, max_proposals=2, honours=True, likes_exclusivity=False)
HAWK = Style("hawk", accept_points=1.0, propose_points=1.0, ask_bp=1500, bid_bp=1000,
             max_proposals=2, honours=False, likes_exclusivity=True)


# ---- valuation ---------------------------------------------------------------------------
SHORTAGE_RISK = 0.35  # share of needed lots the spot market may fail to deliver
RESALE = 0.7  # share of the spot price a lot I do not need fetches when resold


def _supply_value(ctx: Ctx, style: Style, c: dict[str, Any], rounds: int,
                  traced: bool) -> float:
    """Score points from one supply clause over the deal's rounds."""
    return _supply_points(ctx, style, c["seller"], c["buyer"], c["mineral"], c["form"],
                          int(c["qty"]), int(c["price"]), rounds, traced)


def _exclusions(ctx: Ctx) -> set[tuple[str, str, str]]:
    """(seller, mineral, excluded) of the exclusivity clauses in force: the engine stops
    those deliveries whatever a later deal says, and the seller breaches that deal."""
    found = ctx.memo.get("exclusions")
    if found is None:
        found = ctx.memo["exclusions"] = {
            (c["seller"], c["mineral"], c["excluded"])
            for d in ctx.active for c in d["clauses"] if c["type"] == "exclusivity"}
    assert isinstance(found, set)
    return found


def _my_buyers(ctx: Ctx, mineral: str) -> set[str]:
    """Seats my active deals deliver the mineral to (supply, or offtake from capacity
    hosted here): an exclusivity against one of them would make me breach its deal."""
    out: set[str] = set()
    for d in ctx.active:
        for c in d["clauses"]:
            if c.get("mineral") != mineral:
                continue
            if c["type"] == "supply" and c["seller"] == ctx.seat:
                out.add(c["buyer"])
            elif c["type"] == "invest" and c["host"] == ctx.seat and c.get("offtake_bp"):
                out.add(c["investor"])
    return out


def _breach_penalty(ctx: Ctx, style: Style) -> float:
    """Points a breach costs me (a cooperative seat adds its word on top)."""
    return ctx.scale.per_rep + (0.0 if style.name == "hawk" else 3.0)


def _supply_points(ctx: Ctx, style: Style, seller: str, buyer: str, m: str, form: str,
                   qty: int, price: int, rounds: int, traced: bool) -> float:
    """`_supply_value` on the clause's fields, so the deal finder can value a candidate
    before (and without) building its clause."""
    spot = ctx.price(m, form)
    bal = ctx.own_balance(m).of(form)
    sc = ctx.scale
    trace = qty * rounds * sc.per_lot_traced if traced else 0.0
    if buyer == ctx.seat:
        if ctx.blocked(seller, ctx.seat, m, form) or (seller, m, buyer) in _exclusions(ctx):
            return -5.0
        useful = min(qty, max(0, -bal))
        money = (useful * spot + (qty - useful) * spot * RESALE - qty * price) * rounds
        security = useful * rounds * sc.per_lot_met * (SHORTAGE_RISK - 1 / 8) - \
            (qty - useful) * rounds * sc.per_lot_met / 8
        return money * sc.per_musd + security + trace + _import_objective(ctx, seller, m)
    if (ctx.seat, m, buyer) in _exclusions(ctx):
        return -rounds * _breach_penalty(ctx, style)  # my own exclusivity stops every lot
    deliverable = min(qty, max(0, bal))
    first = deliverable
    if form == "refined":
        held: int = ctx.me["holdings"].get(m, {}).get("refined", 0)
        first = min(deliverable, max(0, held + ctx.flow(ctx.seat, m, "refined")))
    breached = rounds if deliverable < qty else (1 if first < qty else 0)
    money = deliverable * (price - spot) * rounds + deliverable * spot * rounds / 20
    # a cooperative seat does not sign what it knows it will breach
    penalty = _breach_penalty(ctx, style)
    return money * sc.per_musd - breached * penalty + trace * deliverable / max(1, qty)


def _import_objective(ctx: Ctx, seller: str, mineral: str) -> float:
    o = ctx.objective("max_import_share", mineral)
    if o is None or o.get("other") != seller:
        return 0.0
    return -0.5 * int(o.get("bonus", 20))


def _invest_value(ctx: Ctx, c: dict[str, Any], rounds: int) -> float:
    m = ctx.minerals[c["mineral"]]
    amount = int(c["amount"])
    form = "ore" if c["kind"] == "mine" else "refined"
    # rounds of output within the deal: none before the lead time, half in the ramp round
    start = first_offtake(ctx.round, c, ctx.leads) - ctx.round
    productive = max(0, min(rounds, ctx.rounds_left) - start)
    capacity, offtake_price = int(c["capacity"]), int(c["offtake_price"])
    offtake = capacity * int(c["offtake_bp"]) // 10000
    spot = ctx.price(m.id, form)
    margin = spot if form == "ore" else spot - ctx.price(m.id, "ore")
    sc = ctx.scale
    if c["host"] == ctx.seat:
        own = (capacity - offtake) * max(0, margin) * productive
        owed = offtake * max(0, spot - offtake_price) * productive
        goal = ctx.objective("home_refining_share", m.id)
        bonus = 0.6 * int(goal.get("bonus", 20)) if goal and form == "refined" else 0.0
        return (amount + own - owed) * sc.per_musd + bonus
    need = max(0, -ctx.own_balance(m.id).of(form))
    useful = min(offtake, need) * productive
    money = offtake * productive * spot - offtake * productive * offtake_price - amount
    return money * sc.per_musd + useful * sc.per_lot_met * SHORTAGE_RISK


def _standards_value(ctx: Ctx, style: Style, level: int) -> float:
    """Below the level I must raise my standard or breach: a cooperative seat raises it and
    pays the standard's cost every round left, a hawk counts the breach."""
    current: int = ctx.public["env_standard"]
    if current >= level:
        return 0.0
    if style.honours:
        return -(level - current) * standard_step_cost(ctx) * ctx.rounds_left
    return -ctx.scale.per_rep * ctx.rounds_left


def standard_step_cost(ctx: Ctx) -> float:
    """Points one step of environmental standard costs me per round: STANDARD_COST_BP of
    the value my mines and refineries produce (resolution, step 6), at my points per $M."""
    found = ctx.memo.get("standard_step_cost")
    if found is None:
        value = 0
        for m, info in ctx.minerals.items():
            cap = ctx.public["capacity"].get(m, {"mine": 0, "refine": 0})
            value += cap["mine"] * info.ref_ore + cap["refine"] * info.ref_refined
        found = ctx.memo["standard_step_cost"] = \
            value * STANDARD_COST_BP / 10000 * ctx.scale.per_musd
    assert isinstance(found, float)
    return found


def _exclusivity_value(ctx: Ctx, style: Style, seller: str, excluded: str) -> float:
    if seller != ctx.seat:
        return 1.0 if style.likes_exclusivity else 0.0
    if style.likes_exclusivity:
        return -0.2
    cartel = ctx.scale.per_rep if ctx.is_member and excluded not in ctx.members else 0.0
    return -1.0 - cartel


def _license_value(ctx: Ctx, style: Style, c: dict[str, Any]) -> float:
    if c["licensee"] != ctx.seat:
        return 0.5 if style.name == "cooperative" else -2.0
    m = c["mineral"]
    controlled = any(k["mineral"] == m and (ctx.seat in k["targets"] or "ALL" in k["targets"])
                     for k in ctx.controls_of(c["licensor"]))
    # a licence is worth the lots it covers, no more than the seat is short of
    need = min(int(c.get("qty", 0)), max(0, -ctx.own_balance(m).refined)) * ctx.rounds_left
    return need * ctx.scale.per_lot_met * (0.8 if controlled else 0.1) + 0.2


def value(ctx: Ctx, style: Style, clauses: list[dict[str, Any]], rounds: int) -> float:
    """Score points I expect from signing these clauses now (objectives included)."""
    rounds = min(rounds, ctx.rounds_left)
    levels = [c["level"] for c in clauses if c["type"] == "standards"]
    traced = bool(levels)
    total: float = 0
    for lv in levels:
        total += _standards_value(ctx, style, lv)
    for c in clauses:
        kind = c["type"]
        if kind == "supply":
            total += _supply_value(ctx, style, c, rounds, traced)
        elif kind == "payment":
            sign = 1 if c["payee"] == ctx.seat else -1
            total += sign * c["amount"] * ctx.scale.per_musd
        elif kind == "invest":
            total += _invest_value(ctx, c, rounds)
        elif kind == "tariff_waiver":
            total += -0.3 if c["waiver"] == ctx.seat else 0.3
        elif kind == "exclusivity":
            total += _exclusivity_value(ctx, style, c["seller"], c["excluded"])
            if c["seller"] == ctx.seat and c["excluded"] in _my_buyers(ctx, c["mineral"]):
                total -= rounds * _breach_penalty(ctx, style)
        elif kind == "license":
            total += _license_value(ctx, style, c)
    return total + _signed_objective(ctx, clauses) + _framework_bonus(ctx, clauses)


def _framework_bonus(ctx: Ctx, clauses: list[dict[str, Any]]) -> float:
    """The reputation a deal earns by making one of my frameworks binding (a supply or
    invest clause with its other seat on one of its minerals: game.deals.upgrades), so a
    seat prefers the partner it already has a framework with."""
    mine = ctx.memo.get("frameworks")
    if mine is None:  # my open frameworks, once per decision: (other seat, minerals, bonus)
        mine = ctx.memo["frameworks"] = [
            (d["parties"][1] if d["parties"][0] == ctx.seat else d["parties"][0],
             d["framework"]["minerals"], d["framework"]["bonus"])
            for d in ctx.view["deals"]
            if d["status"] == "framework" and "framework" in d and ctx.seat in d["parties"]]
    assert isinstance(mine, list)
    for other, minerals, bonus in mine:
        for c in clauses:
            pair = {c.get("seller"), c.get("buyer")} if c["type"] == "supply" else \
                {c.get("investor"), c.get("host")} if c["type"] == "invest" else set()
            if pair == {ctx.seat, other} and c.get("mineral") in minerals:
                return float(bonus) * ctx.scale.per_rep
    return 0.0


def _signed_objective(ctx: Ctx, clauses: list[dict[str, Any]]) -> float:
    """The bonus of a 'sign a deal on X with clause Y' objective, if this deal meets it."""
    bonus = 0.0
    for o in _unmet_deal_objectives(ctx):
        on_mineral = any(c.get("mineral") == o["mineral"] for c in clauses)
        kinds = o.get("clauses") or []
        wanted = not kinds or any(c["type"] in kinds for c in clauses)
        if on_mineral and wanted:
            bonus += int(o.get("bonus", 20))
    return bonus


def _unmet_deal_objectives(ctx: Ctx) -> list[dict[str, Any]]:
    """My 'sign a deal' objectives that no deal of mine meets yet (once per decision)."""
    found = ctx.memo.get("unmet_deal_objectives")
    if found is None:
        found = ctx.memo["unmet_deal_objectives"] = [
            o for o in ctx.objectives
            if o.get("kind") == "signed_deal" and not _already_met(ctx, o)]
    assert isinstance(found, list)
    return found


def _already_met(ctx: Ctx, o: dict[str, Any]) -> bool:
    key = ("met", o["id"])
    found = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = _met(ctx, o)
    return bool(found)


def _met(ctx: Ctx, o: dict[str, Any]) -> bool:
    for d in ctx.view["deals"]:
        if ctx.seat not in d["parties"] or d["status"] == "cancelled":
            continue
        on = any(c.get("mineral") == o["mineral"] for c in d["clauses"])
        kinds = o.get("clauses") or []
        if on and (not kinds or any(c["type"] in kinds for c in d["clauses"])):
            return True
    return False


def acceptable(ctx: Ctx, style: Style, deal: dict[str, Any]) -> tuple[bool, float]:
    v = value(ctx, style, deal["clauses"], deal["rounds"])
    return v > style.accept_points, v


# ---- proposals ---------------------------------------------------------------------------
class Proposal(msgspec.Struct):
    to: str
    clauses: tuple[Clause, ...]
    rounds: int
    worth: float
    said: Said  # why, for the note and the advisor

    @property
    def why(self) -> str:
        return self.said.text


def _busy_keys(ctx: Ctx) -> set[tuple[str, str, str, str]]:
    """Supply routes already covered: active deals, open proposals, or refused this round."""
    found = ctx.memo.get("busy")
    if found is None:
        found = ctx.memo["busy"] = _compute_busy(ctx)
    assert isinstance(found, set)
    return found


def _compute_busy(ctx: Ctx) -> set[tuple[str, str, str, str]]:
    keys: set[tuple[str, str, str, str]] = set()
    deals = list(ctx.active) + [d for d in ctx.view.get("proposals", [])
                                if d["status"] == "proposed" or
                                (d["status"] in ("rejected", "withdrawn") and
                                 _proposed_round(d) >= ctx.round - 1)]
    for d in deals:
        for c in d["clauses"]:
            kind = c["type"]
            if kind == "supply":
                keys.add((c["seller"], c["buyer"], c["mineral"], c["form"]))
            elif kind == "invest":
                keys.add(("invest", c["investor"], c["host"], c["mineral"]))
    return keys


def _proposed_round(d: dict[str, Any]) -> int:
    return note_round(d.get("note", ""))


def _standards_level(ctx: Ctx, other: str, mineral: str) -> int:
    """The level of the standards clause I attach to a supply deal with `other` (the lower
    of our two standards, at least 1), or 0 when I attach none."""
    wants = ctx.memo.get(("wants_standards", mineral))
    if wants is None:
        wants = ctx.memo["wants_standards", mineral] = ctx.weights["sustainability"] >= 10 or any(
            "standards" in (o.get("clauses") or []) and o.get("mineral") == mineral
            for o in ctx.objectives if o.get("kind") == "signed_deal")
    if not wants:
        return 0
    level: int = max(1, min(ctx.public["env_standard"], ctx.seats[other]["env_standard"]))
    return level


def supply_proposals(ctx: Ctx, style: Style, per_market: int = 2) -> list[Proposal]:
    """Match what I lack or spare, per mineral and form, with the seats longest or shortest
    in it (only the best few per market are valued, which keeps a decision fast)."""
    busy = _busy_keys(ctx)
    out: list[Proposal] = []
    seat = ctx.seat
    rounds = min(MAX_DEAL_ROUNDS, ctx.rounds_left)
    for m in ctx.minerals:
        mine = ctx.own_balance(m)
        if mine.ore == 0 and mine.refined == 0:
            continue  # nothing to sell or to find: no need to rank the other seats
        table = ctx.structurals(m)
        for form in FORMS:
            ore = form == "ore"
            bal = mine.ore if ore else mine.refined
            if bal == 0:
                continue
            ranked = []  # seats on the other side of this market, the longest/shortest first
            for other, b in table.items():
                theirs = b.ore if ore else b.refined
                if theirs * bal < 0 and other != seat:
                    ranked.append((-abs(theirs), other, theirs))
            if not ranked:
                continue
            ranked.sort()
            # as a seller of refined, a cautious seat offers no more than it holds now
            stock = _stock_now(ctx, m) if bal > 0 and not ore and style.honours else -1
            found = 0
            shorts: list[tuple[int, str]] = []  # for _rival, sorted on first use
            for _, other, theirs in ranked:
                if bal < 0:
                    seller, buyer, qty = other, seat, min(-bal, theirs)
                else:
                    seller, buyer, qty = seat, other, min(bal, -theirs)
                    if stock >= 0:
                        qty = min(qty, stock)
                if qty <= 0 or (seller, buyer, m, form) in busy or \
                        ctx.blocked(seller, buyer, m, form):
                    continue
                p = _supply_with(ctx, style, other, seller, buyer, m, form, qty, rounds, shorts)
                if p is not None:
                    out.append(p)
                    found += 1
                    if found >= per_market:
                        break
    return out


def _supply_with(ctx: Ctx, style: Style, other: str, seller: str, buyer: str, m: str,
                 form: str, qty: int, rounds: int,
                 shorts: list[tuple[int, str]]) -> Proposal | None:
    """A supply deal with `other` for `qty` lots (what my and their balances allow), or
    None if it is not worth proposing. It is valued from its terms, and its clauses are
    built only if it is worth it: most candidates are not."""
    markup = style.ask_bp if seller == ctx.seat else -style.bid_bp
    price = _price(ctx, m, form, markup, other)
    qty = max(1, qty * 3 // 4) if qty > 3 else qty
    level = _standards_level(ctx, other, m)
    if level > ctx.public["env_standard"] and not style.honours:
        level = 0  # a clause I would breach myself (a hawk does not raise its standard)
    rival = _rival(ctx, m, form, seller, shorts) \
        if style.likes_exclusivity and buyer == ctx.seat else ""
    worth = _supply_deal_value(ctx, style, seller, buyer, m, form, qty, price, level, rival,
                               rounds)
    if worth <= style.propose_points:
        return None
    clauses: list[Clause] = [Supply(seller=seller, buyer=buyer, mineral=m,
                                    form="ore" if form == "ore" else "refined", qty=qty,
                                    price=price)]
    if level:
        clauses.append(Standards(level=level))
    if rival:
        clauses.append(Exclusivity(seller=seller, mineral=m, excluded=rival))
    verb = "buy" if buyer == ctx.seat else "sell"
    why = say(f"deal.{verb}", qty=qty, form=form, mineral=m, price=price,
              spot=ctx.price(m, form))
    return Proposal(other, tuple(clauses), rounds, worth, why)


def _supply_deal_value(ctx: Ctx, style: Style, seller: str, buyer: str, m: str, form: str,
                       qty: int, price: int, level: int, rival: str, rounds: int) -> float:
    """`value` of [supply, standards at `level` (if any), exclusivity against `rival` (if
    any)], term by term in the same order, so the float is the same to the last bit."""
    rounds = min(rounds, ctx.rounds_left)
    total: float = 0
    if level:
        total += _standards_value(ctx, style, level)
    total += _supply_points(ctx, style, seller, buyer, m, form, qty, price, rounds, bool(level))
    if rival:
        total += _exclusivity_value(ctx, style, seller, rival)
    bonus = 0.0  # _signed_objective: every clause but the standards one names the mineral
    for o in _unmet_deal_objectives(ctx):
        kinds = o.get("clauses") or []
        wanted = not kinds or "supply" in kinds or (level > 0 and "standards" in kinds) or \
            (rival != "" and "exclusivity" in kinds)
        if o["mineral"] == m and wanted:
            bonus += int(o.get("bonus", 20))
    return total + bonus


def _rival(ctx: Ctx, m: str, form: str, seller: str, shorts: list[tuple[int, str]]) -> str:
    """The other buyer most short of what I am buying: the one a hawk would lock out.
    `shorts` is the market's (balance, seat) of every other seat, most short first: filled
    here on first use and kept by the caller for the rest of the market."""
    if not shorts:
        shorts += sorted((b.of(form), o) for o, b in ctx.structurals(m).items() if o != ctx.seat)
    worst = next((x for x in shorts if x[1] != seller), (0, ""))
    return worst[1] if worst[0] < 0 else ""


def _stock_now(ctx: Ctx, m: str) -> int:
    """Refined lots I could deliver at this round's resolution (before refining)."""
    held: int = ctx.me["holdings"].get(m, {}).get("refined", 0)
    return max(0, held + min(0, ctx.flow(ctx.seat, m, "refined")))


def _price(ctx: Ctx, m: str, form: str, markup_bp: int, other: str) -> int:
    """Spot plus my markup, jittered a little so bots do not all quote the same number."""
    spot = ctx.price(m, form)
    return ctx.jitter(max(1, spot + spot * markup_bp // 10000), 200, "price", other, m, form)


def invest_proposals(ctx: Ctx, style: Style) -> list[Proposal]:
    """A consumer with cash funds capacity at a producer, for an offtake share at cost-plus."""
    busy = _busy_keys(ctx)
    out: list[Proposal] = []
    treasury = ctx.me["treasury"]
    for m, info in ctx.minerals.items():
        need = -ctx.own_balance(m).refined
        if need <= 0 or info.capex_refine <= 0 or ctx.rounds_left < 3:
            continue
        for host, balance in ctx.structurals(m).items():
            if host == ctx.seat or ("invest", ctx.seat, host, m) in busy:
                continue
            ore_spare = balance.ore
            if ore_spare <= 2:
                continue
            cap = min(need, ore_spare, 6)
            amount = cap * info.capex_refine * 6 // 10
            if amount * 4 > treasury:
                continue
            clause = Invest(investor=ctx.seat, host=host, amount=amount, mineral=m, kind="refine",
                            capacity=cap, delay=1, offtake_bp=5000,
                            offtake_price=info.ref_refined * 9 // 10)
            rounds = ctx.rounds_left
            worth = value(ctx, style, as_dicts([clause]), rounds)
            if worth > 0:
                why = say("deal.fund_refining", qty=cap, mineral=m, host=host)
                out.append(Proposal(host, (clause,), rounds, worth, why))
    return out


def objective_proposals(ctx: Ctx, style: Style) -> list[Proposal]:
    """A 'sign a deal on X with clause Y' objective gets a small deal that meets it."""
    out: list[Proposal] = []
    for o in ctx.objectives:
        if o.get("kind") == "home_refining_share":
            p = _home_refining_deal(ctx, style, o)
            if p is not None:
                out.append(p)
            continue
        if o.get("kind") != "signed_deal" or _already_met(ctx, o) or _offered(ctx, o):
            continue
        kinds = o.get("clauses") or []
        p = _invest_deal(ctx, style, o["mineral"]) if "invest" in kinds else None
        if p is None and (not kinds or {"supply", "standards", "payment"} & set(kinds)):
            p = _supply_objective_deal(ctx, style, o["mineral"], kinds)
        if p is not None:
            out.append(p)
    return out


def _offered(ctx: Ctx, o: dict[str, Any]) -> bool:
    """An open proposal of mine already meets the objective: wait for the answer."""
    kinds = o.get("clauses") or []
    for d in ctx.view.get("proposals", []):
        if d["status"] != "proposed" or d["proposer"] != ctx.seat:
            continue
        if any(c.get("mineral") == o["mineral"] for c in d["clauses"]) and (
                not kinds or any(c["type"] in kinds for c in d["clauses"])):
            return True
    return False


def _home_refining_deal(ctx: Ctx, style: Style, o: dict[str, Any]) -> Proposal | None:
    """Short of the refining an objective asks for, and too poor to build it: ask a buyer
    to fund it, once (an open or refused request this round is an answer)."""
    m = o["mineral"]
    cap = ctx.public["capacity"].get(m, {"mine": 0, "refine": 0})
    wanted = -(-cap["mine"] * int(o.get("share_bp", 0)) // 10000) - cap["refine"]
    if wanted <= 0 or ctx.rounds_left < 2 or ctx.own_balance(m).ore <= 0:
        return None
    if any(k[0] == "invest" and k[2] == ctx.seat and k[3] == m for k in _busy_keys(ctx)):
        return None
    return _invest_deal(ctx, style, m, min(wanted, 6))


def _invest_deal(ctx: Ctx, style: Style, m: str, capacity: int = 2) -> Proposal | None:
    """Invest in a producer's mine if I can afford it; otherwise ask a buyer of the mineral
    to fund capacity at home, for a share of its output at near the reference price."""
    info = ctx.minerals[m]
    others = [o for o in ctx.seats if o != ctx.seat]
    if not others or info.capex_mine <= 0:
        return None
    if ctx.me["treasury"] >= 6 * info.capex_mine:
        host = max(others, key=lambda o: (ctx.seats[o]["capacity"].get(m, {}).get("mine", 0),
                                          o))
        clause = Invest(investor=ctx.seat, host=host, amount=2 * info.capex_mine, mineral=m,
                        kind="mine", capacity=2, delay=1, offtake_bp=5000,
                        offtake_price=info.ref_ore)
        other, why = host, say("deal.fund_mining", qty=2, mineral=m, host=host)
    else:
        own = ctx.own_balance(m)
        kind: Literal["mine", "refine"] = "refine" if own.ore > 0 else "mine"
        form = _form(kind)  # the offtake goes to whoever is shortest of that form
        investor = min(others, key=lambda o: (ctx.structural(o, m).of(form), o))
        capex = info.capex_refine if kind == "refine" else info.capex_mine
        clause = Invest(investor=investor, host=ctx.seat, amount=capex * capacity // 2,
                        mineral=m, kind=kind, capacity=capacity, delay=1, offtake_bp=5000,
                        offtake_price=info.ref(form) * 8 // 10)
        other = investor
        why = say(f"deal.ask_fund_{kind}", investor=investor, qty=capacity, mineral=m)
    rounds = ctx.rounds_left
    worth = value(ctx, style, as_dicts([clause]), rounds)
    if worth <= style.propose_points:
        return None
    return Proposal(other, (clause,), rounds, worth, why)


def _form(kind: str) -> str:
    return "ore" if kind == "mine" else "refined"


def _supply_objective_deal(ctx: Ctx, style: Style, m: str, kinds: list[str]) -> Proposal | None:
    others = [o for o in ctx.seats if o != ctx.seat]
    if not others:
        return None
    other = max(others, key=lambda o: (abs(ctx.structural(o, m).refined), o))
    mine = ctx.own_balance(m).refined
    seller, buyer = (ctx.seat, other) if mine > 0 and _stock_now(ctx, m) > 0 else \
        (other, ctx.seat)
    clauses: list[Clause] = [Supply(seller=seller, buyer=buyer, mineral=m, form="refined",
                                    qty=1, price=ctx.price(m, "refined"))]
    if "standards" in kinds:
        level = max(1, min(ctx.public["env_standard"], ctx.seats[other]["env_standard"]))
        clauses.append(Standards(level=level))
    worth = value(ctx, style, as_dicts(clauses), 1)
    if worth <= style.propose_points:
        return None
    return Proposal(other, tuple(clauses), 1, worth,
                    say("deal.objective", mineral=m))


def as_dicts(clauses: Sequence[Clause]) -> list[dict[str, Any]]:
    """Clauses as the dicts a view shows them as (one conversion for the lot)."""
    out = msgspec.to_builtins(list(clauses))  # a list in, a list out (a tuple stays one)
    assert isinstance(out, list)
    return out
