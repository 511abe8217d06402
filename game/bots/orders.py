"""Sealed orders from a bot's reading of its own position.

Resolution order matters here: deal deliveries come before refining and the market, and
industry after them, so a seat that has promised refined lots next round must end this
round holding them. The cooperative bot therefore keeps back what its contracts need; the
hawk keeps back only what is worth more delivered than sold.
"""

from __future__ import annotations

from typing import Any

from game.bots.common import Ctx, Said, deliveries, say
from game.bots.deals import Style
from game.orders import Control, Investment, MarketOrder, Orders, StockpileOrder, Tariff
from game.scoring import STOCK_VALUE_PCT

SELL_FLOOR_BP = {"cooperative": 7500, "hawk": 9000}
HAWK_TARIFF_BP = 2500
MARKET_POWER_BP = 3500  # share of the table's refining that makes a control bite


def owed(ctx: Ctx, mineral: str, form: str, ahead: int) -> int:
    """Lots I must deliver under active deals `ahead` rounds from now (0 = this round)."""
    table = ctx.memo.get("owed")
    if table is None:
        table = ctx.memo["owed"] = _owed_table(ctx)
    assert isinstance(table, dict)
    return int(table.get((mineral, form, ahead), 0))


def _owed_table(ctx: Ctx) -> dict[tuple[str, str, int], int]:
    table: dict[tuple[str, str, int], int] = {}
    for d in ctx.active:
        if ctx.seat not in d["parties"]:
            continue
        for ahead in range(min(2, d["rounds"] - d["rounds_done"])):
            for seller, _, m, f, qty in deliveries(d, ctx.round + ahead, ctx.leads):
                if seller == ctx.seat and _keeps(ctx, d, m, f):
                    table[m, f, ahead] = table.get((m, f, ahead), 0) + qty
    return table


def expected(ctx: Ctx, mineral: str, form: str) -> int:
    """Net lots deals move to me this round, counting deliveries to me only from partners
    who have not breached and whose controls let the lots through: a bot that counted on a
    shaky contract would leave its industry short."""
    table = ctx.memo.get("expected")
    if table is None:
        table = ctx.memo["expected"] = _expected_table(ctx)
    assert isinstance(table, dict)
    return int(table.get((mineral, form), 0))


def _expected_table(ctx: Ctx) -> dict[tuple[str, str], int]:
    table: dict[tuple[str, str], int] = {}
    for d in ctx.active:
        if ctx.seat not in d["parties"]:
            continue
        for seller, buyer, m, f, qty in deliveries(d, ctx.round, ctx.leads):
            if seller == ctx.seat:
                table[m, f] = table.get((m, f), 0) - qty
            elif buyer == ctx.seat and d["breaches"] == 0 and \
                    ctx.seats[seller]["reputation"] >= 3 and \
                    not ctx.blocked(seller, ctx.seat, m, f):
                table[m, f] = table.get((m, f), 0) + qty
    return table


def _keeps(ctx: Ctx, deal: dict[str, Any], mineral: str, form: str) -> bool:
    """Honour a contract, unless a hawk finds the spot price far above the contract's."""
    if ctx.strategy != "hawk":
        return True
    prices = [c.get("price", c.get("offtake_price", 0)) for c in deal["clauses"]
              if c.get("mineral") == mineral and c["type"] in ("supply", "invest")]
    return bool(min(prices, default=0) * 13 >= ctx.price(mineral, form) * 10)


def build(ctx: Ctx, style: Style) -> tuple[Orders, list[Said]]:
    """The orders, and one plain-words reason per line for the advisor."""
    sells: list[MarketOrder] = []
    buys: list[MarketOrder] = []
    stock: list[StockpileOrder] = []
    why: list[Said] = []
    last = ctx.rounds_left == 1
    for m in ctx.minerals:
        _mineral_orders(ctx, style, m, last, sells, buys, stock, why)
    orders = Orders(
        controls=_controls(ctx, why) if style.name == "hawk" else None,
        tariffs=_tariffs(ctx, why) if style.name == "hawk" else None,
        env_standard=_standard(ctx, style, why),
        sell=tuple(sells),
        buy=tuple(buys),
        stockpile=tuple(stock),
        invest=_investments(ctx, why),
    )
    return orders, why


def _mineral_orders(ctx: Ctx, style: Style, m: str, last: bool, sells: list[MarketOrder],
                    buys: list[MarketOrder], stock: list[StockpileOrder], why: list[Said]) -> None:
    h = ctx.me["holdings"].get(m, {"ore": 0, "refined": 0, "stockpile": 0})
    cap = ctx.public["capacity"].get(m, {"mine": 0, "refine": 0})
    demand = ctx.public["demand"].get(m, 0)
    ore = h["ore"] + cap["mine"] + expected(ctx, m, "ore")
    refined_q = min(cap["refine"], max(0, ore))
    refined = h["refined"] + refined_q + expected(ctx, m, "refined")
    keep = 0 if last else owed(ctx, m, "refined", 1)
    if style.honours and not last:
        # a contract delivers before this round's refining: hold stock to sell by deal
        keep = max(keep, ctx.own_balance(m).refined // 3)
    spare = refined - demand - keep
    name = style.name
    spare -= _vault(ctx, m, spare, stock, why)
    if spare > 0:
        limit = _sell_limit(ctx, m, "refined", name, last)
        sells.append(MarketOrder(m, "refined", spare, max(1, limit)))
        why.append(say("orders.sell_refined", qty=spare, mineral=m, limit=max(1, limit)))
    elif spare < 0:
        _cover(ctx, m, -spare, h["stockpile"], buys, stock, why, name)
    ore_keep = 0 if last else max(0, owed(ctx, m, "ore", 1) - cap["mine"])
    ore_spare = ore - refined_q - ore_keep
    if ore_spare > 0:
        limit = _sell_limit(ctx, m, "ore", name, last)
        sells.append(MarketOrder(m, "ore", ore_spare, max(1, limit)))
        why.append(say("orders.sell_ore", qty=ore_spare, mineral=m))
    # ore bought now is refined next round, after this round's refining has used what is
    # held now: only the ore carried over counts against next round's capacity (counting
    # today's holdings too left the refineries idle every other round)
    carried = ore - refined_q - max(0, ore_spare)
    idle = cap["refine"] - (max(0, carried) + cap["mine"] + ctx.flow(ctx.seat, m, "ore", 1))
    margin = ctx.price(m, "refined") - ctx.price(m, "ore")
    if idle > 0 and not last and margin > 0:
        limit = min(ctx.price(m, "refined") - 1, ctx.price(m, "ore") * 13 // 10)
        buys.append(MarketOrder(m, "ore", idle, max(1, limit)))
        why.append(say("orders.buy_ore", qty=idle, mineral=m))


def _sell_limit(ctx: Ctx, m: str, form: str, name: str, last: bool) -> int:
    """Lowest price to accept: a share of the expected price, but never below half the
    reference (what the default orders accept, and what a lot still held at the end is
    worth in prosperity, scoring.STOCK_VALUE_PCT), so a glut does not spiral the price down
    round after round; in the last round, anything from that."""
    ref = ctx.minerals[m].ref(form)
    if last:
        return ref * STOCK_VALUE_PCT // 100
    return max(ref // 2, ctx.price(m, form) * SELL_FLOOR_BP[name] // 10000)


def _cover(ctx: Ctx, m: str, short: int, stockpile: int, buys: list[MarketOrder],
           stock: list[StockpileOrder], why: list[Said], name: str) -> None:
    """Draw the stockpile first (it scores nothing left unused), then buy the rest."""
    release = min(stockpile, short) if name == "cooperative" else 0
    if release:
        stock.append(StockpileOrder(m, release=release))
        why.append(say("orders.release", qty=release, mineral=m))
    rest = short - release
    if rest > 0:
        # a lot my industry lacks is worth its output value (paid into the treasury when
        # the demand is met, scoring's prosperity) and the security of meeting it: bid up to
        # that value, whatever the strategy, rather than a markup on a price a control or a
        # boom has left behind
        limit = ctx.minerals[m].output_value - 1
        buys.append(MarketOrder(m, "refined", rest, max(1, limit)))
        why.append(say("orders.buy_refined", qty=rest, mineral=m, limit=max(1, limit)))


def _vault(ctx: Ctx, m: str, spare: int, stock: list[StockpileOrder],
           why: list[Said]) -> int:
    """An earmarked stockpile budget reimburses lots put into the strategic stockpile: a
    cooperative seat stocks what it can spare instead of selling it. Returns lots stocked."""
    budget: int = ctx.me.get("stockpile_budget", 0)
    price = ctx.price(m, "refined")
    qty = min(spare, budget // max(1, price))
    if qty <= 0 or ctx.strategy != "cooperative" or ctx.rounds_left <= 1:
        return 0
    stock.append(StockpileOrder(m, buy=qty))
    why.append(say("orders.stockpile", qty=qty, mineral=m))
    return qty


def _standard(ctx: Ctx, style: Style, why: list[Said]) -> int | None:
    """The standard my contracts and FORGE require (a hawk keeps its own and breaches)."""
    current: int = ctx.public["env_standard"]
    floor = ctx.view["forge"]["min_standard"] if ctx.is_member else 0
    target = current
    # the standard costs every round (resolution step 6) and scores only through the
    # clauses that need it: raised to what contracts and FORGE require, never for itself
    target = max(target, floor, _contracted_level(ctx) if style.honours else 0)
    if target <= current:
        return None
    why.append(say("orders.standard", level=target))
    return target


def _contracted_level(ctx: Ctx) -> int:
    """The highest standard my active deals' standards clauses require."""
    levels = [int(c["level"]) for d in ctx.active if ctx.seat in d["parties"]
              for c in d["clauses"] if c["type"] == "standards"]
    return max(levels, default=0)


def _investments(ctx: Ctx, why: list[Said]) -> tuple[Investment, ...]:
    """Home refining where an objective asks for it (refining a share of my own ore, or
    refining my own ore instead of importing from the seat an objective says to avoid), and
    where refining my spare ore pays back (see `_pays_back`). Capacity already being built
    counts, so a plant is ordered once."""
    if ctx.rounds_left < 2:
        return ()
    out: list[Investment] = []
    budget = ctx.me["treasury"] // 3
    wanted: dict[str, tuple[int, str]] = {}
    for o in ctx.objectives:
        m = o.get("mineral", "")
        if m not in ctx.minerals:
            continue
        cap = ctx.public["capacity"].get(m, {"mine": 0, "refine": 0})
        if o.get("kind") == "home_refining_share":
            qty = -(-cap["mine"] * o.get("share_bp", 0) // 10000) - cap["refine"]
        elif o.get("kind") == "max_import_share":
            # the ore my own mines produce beyond my refining counts even when a deal sells
            # it now: the plant arrives after the lead time, and what I mine is mine to
            # refine then (counting only unsold ore, a seat that sells its ore by deal in
            # round 1 never built, and no rare-earth refining arrived outside China)
            own = ctx.own_balance(m)
            ore = max(own.ore, cap["mine"] - cap["refine"])
            qty = min(max(0, ore), max(0, -own.refined))
        else:
            continue
        if qty > wanted.get(m, (0, ""))[0]:
            wanted[m] = (qty, "orders.build_objective")
    for m in ctx.minerals:
        qty = _pays_back(ctx, m)
        if qty > wanted.get(m, (0, ""))[0]:
            wanted[m] = (qty, "orders.build_pays")
    for m, (qty, key) in wanted.items():
        capex = ctx.minerals[m].capex_refine
        qty = min(qty - _building(ctx, m, "refine"), budget // capex) if capex > 0 else 0
        if qty > 0:
            out.append(Investment(m, "refine", qty))
            budget -= qty * capex
            why.append(say(key, qty=qty, mineral=m))
    return tuple(out)


def _pays_back(ctx: Ctx, m: str) -> int:
    """Lots of refining worth building for the ore I would otherwise sell. A lot of
    capacity earns the margin (refined less ore) every round; over as many rounds as the
    game has, it must earn more than its capex, and the share of my spare ore I build for
    grows with the surplus (all of it once a plant would earn twice its cost). For a FORGE
    member the refined lot is worth the higher of spot and the club's floor (members trade
    at it, import at it, and the fund buys at it), which is how a floor brings investment.
    Not in the last rounds: the plant would not run."""
    info = ctx.minerals[m]
    if ctx.rounds_left <= info.lead or info.capex_refine <= 0:
        return 0
    spare = max(0, ctx.own_balance(m).ore)
    if not spare:
        return 0
    refined = ctx.price(m, "refined")
    if ctx.is_member:
        refined = max(refined, int(ctx.view["forge"]["floors"].get(f"{m}:refined", 0)))
    earns = (refined - ctx.price(m, "ore")) * (ctx.round + ctx.rounds_left - 1)
    surplus = earns - info.capex_refine
    return spare * min(surplus, info.capex_refine) // info.capex_refine if surplus > 0 else 0


def _building(ctx: Ctx, m: str, kind: str) -> int:
    """Capacity of mine already being built, from my last report."""
    reports = ctx.me.get("reports") or []
    if not reports:
        return 0
    return sum(int(b["qty"]) for b in reports[-1].get("building", ())
               if b["mineral"] == m and b["kind"] == kind)


def _controls(ctx: Ctx, why: list[Said]) -> tuple[Control, ...]:
    """Controls where I refine a large share of the table's supply, aimed at every importer
    that has not signed with me: leverage (sign, or be cut off), whether or not the importer
    is in FORGE, as China's 2025 licensing covered every destination. So whom a hawk cuts
    off does not hinge on club membership, and what the club does for its members shows."""
    if ctx.is_member:
        return ()
    out: list[Control] = []
    for m in ctx.minerals:
        total = sum(s["capacity"].get(m, {}).get("refine", 0) for s in ctx.seats.values())
        mine = ctx.public["capacity"].get(m, {}).get("refine", 0)
        if total <= 0 or mine * 10000 < MARKET_POWER_BP * total:
            continue
        partners = {p for d in ctx.active for p in d["parties"]}
        targets = tuple(sorted(s for s in ctx.seats if s != ctx.seat and s not in partners
                               and ctx.structural(s, m).refined < 0))
        if targets:
            out.append(Control(m, "refined", targets))
            why.append(say("orders.control", mineral=m, seats=", ".join(targets)))
    return tuple(out)


def _tariffs(ctx: Ctx, why: list[Said]) -> tuple[Tariff, ...]:
    """Tariffs on what I import from seats outside my club, kept by my treasury."""
    out: list[Tariff] = []
    for m in ctx.minerals:
        if ctx.own_balance(m).refined >= 0:
            continue
        targets = tuple(sorted(s for s in ctx.seats if s != ctx.seat and
                               not (ctx.is_member and s in ctx.members) and
                               ctx.structural(s, m).refined > 0))
        if targets:
            out.append(Tariff(m, targets, HAWK_TARIFF_BP))
            why.append(say("orders.tariff", percent=HAWK_TARIFF_BP // 100, mineral=m,
                           seats=", ".join(targets)))
    return tuple(out)
