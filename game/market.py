"""The spot market: one uniform-price call auction per mineral and form.

Pure functions over plain inputs (orders, the rest-of-world curve, predicates for
controls and tariffs, budgets); they return fills and never touch the game state, so
the auction can be tested with hand-made numbers and the resolution stays the only
place that moves lots and money.

Price: the candidate price (every limit plus a ladder around the reference) that trades
the most; ties go to the smallest imbalance, then the price nearest the reference, then
the lower price. Matching: cheapest sellers meet the keenest buyers first, seats before
the rest of the world (RoW is the residual on both sides), in the order given for equal
limits; a pair that controls or exclusivity forbid is skipped for the next counterparty.
A FORGE member selling goes to member buyers first (the club's matching priority). A
floor binds members' imports too: a member buying from a non-member (or the rest of the
world) below the floor pays the floor, the seller gets the price, and the difference is a
levy paid into the FORGE fund.

Controlled flows clear separately. When a control (or exclusivity) stops some seller from
reaching some buyer, those buyers are *restricted*: they clear first, in a pool of their
own, against only the supply that may legally reach them (the rest of the world's supply
included, since it is not the controlling seat's). What that pool leaves unsold, and the
controlling seat's lots, then clear in the *open* pool with everyone else. Restricted
buyers therefore pay their own, higher price, and the controlling seat sells into a
thinner market: a glut, at a discount. If the restricted pool would clear at or below the
open price, the control does not bind and the market clears as one pool.

A licence lets a controlled pair trade a stated volume: `licensed[(seller, buyer)]` lots may
pass despite `blocked`, and no more. The licensee stays a restricted buyer (beyond its
licence the control binds), and the licensor brings only its licensed lots to the
restricted pool.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

ROW = "ROW"
FUND = "FORGE"  # the FORGE fund as a buyer of last resort
LADDER = range(4, 61)  # RoW ladder: ref * k // 20, i.e. 20% to 300% of the reference in 5% steps
_NO_LIMIT = 1 << 62


class Order(NamedTuple):
    seat: str
    qty: int
    limit: int  # lowest price to accept (sell) or highest to pay (buy)


_LIMIT = attrgetter("limit")  # sort key for orders


class Curve(NamedTuple):
    """The rest-of-world curve, linear around the reference price, as in the scenario.

    `supply_used` lots have already been sold by the rest of the world this round (in the
    restricted pool), so the curve offers that much less at every price."""

    supply: int
    demand: int
    elasticity_bp: int
    ref: int
    supply_used: int = 0


class Fill(NamedTuple):
    seller: str
    buyer: str
    qty: int
    price: int  # per lot, paid by the buyer (and the seller's, before the tariff)
    tariff: int  # total withheld from the seller and kept by the buyer's treasury
    levy: int = 0  # total the buyer pays on top into the FORGE fund (the floor on imports)


class Outcome(NamedTuple):
    price: int  # the open (world) price
    volume: int  # lots traded between seats and RoW (fund purchases not included)
    fills: list[Fill]
    fund: list[Fill]  # FORGE fund purchases at the floor, buyer FUND
    restricted_price: int = 0  # what restricted buyers paid, when controls split the market
    restricted: tuple[str, ...] = ()  # the restricted buyers, when the market was split


def row_supply(curve: Curve, price: int) -> int:
    s, _, e, ref, used = curve
    return max(0, s + s * e * (price - ref) // (ref * 10000) - used)


def row_demand(curve: Curve, price: int) -> int:
    _, d, e, ref, _ = curve
    return max(0, d - d * e * (price - ref) // (ref * 10000))


def candidate_prices(sells: Sequence[Order], buys: Sequence[Order], ref: int) -> list[int]:
    """Every limit plus the ladder, so the RoW curve is sampled even with no seat orders."""
    prices = {o.limit for o in sells} | {o.limit for o in buys}
    prices.update(_ladder(ref))
    ordered = sorted(prices)
    return ordered[bisect_right(ordered, 0):]  # positive prices only


@lru_cache(maxsize=256)
def _ladder(ref: int) -> tuple[int, ...]:
    return tuple(ref * k // 20 for k in LADDER)


@lru_cache(maxsize=256)
def _row_on_ladder(curve: Curve) -> dict[int, tuple[int, int]]:
    """RoW (supply, demand) at each ladder price: the same for every market on this curve,
    so worked out once (read only)."""
    return {p: (row_supply(curve, p), row_demand(curve, p)) for p in _ladder(curve.ref)}


def clearing_price(sells: Sequence[Order], buys: Sequence[Order], curve: Curve) -> int:
    """The volume-maximising price; see the module docstring for the tie-breaks."""
    sells = sorted(sells, key=_LIMIT)
    sell_limits = [o.limit for o in sells]
    sell_qtys = [o.qty for o in sells]
    sell_cum = _cumulative(sell_qtys)
    buys = sorted(buys, key=_LIMIT)
    buy_limits = [o.limit for o in buys]
    buy_qtys = [o.qty for o in buys]
    buy_cum = _cumulative(buy_qtys)
    buy_total = buy_cum[-1]
    ref = curve.ref
    on_ladder = _row_on_ladder(curve)
    # Supply never falls and demand never rises as the price goes up (no negative lots, no
    # backward-bending RoW curve). Then once supply meets demand at or above the reference,
    # no higher price can win: its volume is no larger, its imbalance no smaller and it is
    # further from the reference. The scan stops there instead of climbing the whole ladder.
    monotone = curve.elasticity_bp >= 0 and curve.supply >= 0 and curve.demand >= 0 and \
        min(sell_qtys, default=0) >= 0 and min(buy_qtys, default=0) >= 0
    best: tuple[int, int, int, int] | None = None
    best_volume = 0
    for p in candidate_prices(sells, buys, ref):
        row = on_ladder.get(p)
        rs, rd = row if row is not None else (row_supply(curve, p), row_demand(curve, p))
        supply = sell_cum[bisect_right(sell_limits, p)] + rs
        demand = buy_total - buy_cum[bisect_left(buy_limits, p)] + rd
        volume = supply if supply < demand else demand
        if best is None or volume >= best_volume:  # a smaller volume never wins
            key = (-volume, abs(supply - demand), abs(p - ref), p)
            if best is None or key < best:
                best, best_volume = key, volume
        if monotone and supply >= demand and p >= ref:
            break
    assert best is not None
    return best[3]


def _cumulative(qtys: list[int]) -> list[int]:
    out = [0]
    for q in qtys:
        out.append(out[-1] + q)
    return out


def run_auction(
    sells: Sequence[Order],
    buys: Sequence[Order],
    curve: Curve,
    *,
    blocked: Callable[[str, str], bool],
    tariff_bp: Callable[[str, str], int],
    budgets: Mapping[str, int],
    members: Collection[str] = (),
    floor: int = 0,
    fund: int = 0,
    may_block: bool = True,
    licensed: Mapping[tuple[str, str], int] | None = None,
) -> Outcome:
    """Clear one market. `blocked(seller, buyer)` and `tariff_bp(importer, exporter)` come from
    game.policy; `budgets` caps what each seat may spend; `fund` is what the FORGE fund may
    spend here on member supply left unsold at `floor`. `may_block=False` says no pair is
    blocked in this market, which skips the search for restricted buyers. `licensed` gives the
    lots a blocked (seller, buyer) pair may still trade under a licence."""
    sells = [o for o in sells if o.qty > 0]
    buys = [o for o in buys if o.qty > 0]
    club = frozenset(members)
    licences = dict(licensed or {})
    if may_block:
        restricted = _restricted_buyers(sells, buys, curve, blocked)
        if restricted:
            split = _split(sells, buys, curve, restricted, blocked, tariff_bp, budgets, club,
                           floor, fund, licences)
            if split is not None:
                return split
    price = clearing_price(sells, buys, curve)
    matcher = _Matcher(price, floor, club, blocked, tariff_bp, budgets, licences)
    sellers, unsold = _match(matcher, sells, buys, curve, row_demand_on=True)
    fund_fills = _fund_purchases(sellers, unsold, club, floor, fund, blocked)
    volume = sum(f.qty for f in matcher.fills)
    return Outcome(price, volume, matcher.fills, fund_fills)


def _match(matcher: _Matcher, sells: Sequence[Order], buys: Sequence[Order], curve: Curve,
           *, row_demand_on: bool) -> tuple[list[Order], list[int]]:
    """Match one pool at the matcher's price: returns the sellers in matching order and what
    each has left unsold."""
    price = matcher.price
    ceiling = max(price, matcher.floor)
    sellers = sorted((o for o in sells if o.limit <= ceiling), key=_LIMIT)
    # highest limit first; a stable sort keeps equal limits in the order given
    buyers = sorted((o for o in buys if o.limit >= price), key=_LIMIT, reverse=True)
    supply = row_supply(curve, price)
    demand = row_demand(curve, price) if row_demand_on else 0
    if supply:
        sellers.append(Order(ROW, supply, 0))
    if demand:
        buyers.append(Order(ROW, demand, _NO_LIMIT))
    return sellers, [matcher.sell(s, buyers) for s in sellers]


def _restricted_buyers(sells: Sequence[Order], buys: Sequence[Order], curve: Curve,
                       blocked: Callable[[str, str], bool]) -> frozenset[str]:
    """Buyers (the rest of the world included) that some seller on the market may not reach."""
    sellers = {o.seat for o in sells}
    if not sellers:
        return frozenset()
    buyers = {o.seat for o in buys}
    if curve.demand > 0:
        buyers.add(ROW)
    return frozenset(b for b in buyers
                     if any(s != b and blocked(s, b) for s in sellers))


def _split(sells: list[Order], buys: list[Order], curve: Curve, restricted: frozenset[str],
           blocked: Callable[[str, str], bool], tariff_bp: Callable[[str, str], int],
           budgets: Mapping[str, int], club: frozenset[str], floor: int,
           fund: int, licences: dict[tuple[str, str], int]) -> Outcome | None:
    """Restricted buyers first, against the supply that may reach them; then the open pool.
    None when the restricted price would not be above the open one (the control does not
    bind, so one pool is the right answer)."""
    r_buys = [o for o in buys if o.seat in restricted]
    o_buys = [o for o in buys if o.seat not in restricted]
    # a seller belongs to the restricted pool with what may reach a restricted buyer: all
    # its lots if it may reach one freely, its licensed lots if only a licence lets it
    r_of: dict[int, Order] = {}  # sells index -> its order in the restricted pool
    for i, o in enumerate(sells):
        if any(b != o.seat and not blocked(o.seat, b) for b in restricted):
            r_of[i] = o
        elif licences:
            lic = sum(q for (s, b), q in licences.items() if s == o.seat and b in restricted)
            if lic > 0:
                r_of[i] = o._replace(qty=min(o.qty, lic))
    r_sells = list(r_of.values())
    row_restricted = ROW in restricted
    r_curve = curve if row_restricted else curve._replace(demand=0)
    r_price = clearing_price(r_sells, r_buys, r_curve)
    r_match = _Matcher(r_price, floor, club, blocked, tariff_bp, budgets, licences)
    r_sellers, r_unsold = _match(r_match, r_sells, r_buys, r_curve, row_demand_on=row_restricted)
    left: dict[int, int] = {}  # sells index -> lots left after the restricted pool
    r_index = {id(o): i for i, o in enumerate(r_sellers)}
    row_sold = 0
    for i, o in enumerate(sells):
        r_o = r_of.get(i)
        j = None if r_o is None else r_index.get(id(r_o))
        left[i] = o.qty if j is None or r_o is None else o.qty - r_o.qty + r_unsold[j]
    for j, o in enumerate(r_sellers):
        if o.seat == ROW:
            row_sold += o.qty - r_unsold[j]
    o_sells = [o._replace(qty=left[i]) for i, o in enumerate(sells) if left[i] > 0]
    o_curve = curve._replace(supply_used=curve.supply_used + row_sold)
    if row_restricted:
        o_curve = o_curve._replace(demand=0)
    o_price = clearing_price(o_sells, o_buys, o_curve)
    if r_price <= o_price:
        return None
    o_match = _Matcher(o_price, floor, club, blocked, tariff_bp, r_match.budgets,
                       r_match.licensed)
    o_sellers, o_unsold = _match(o_match, o_sells, o_buys, o_curve,
                                 row_demand_on=not row_restricted)
    fund_fills = _fund_purchases(o_sellers, o_unsold, club, floor, fund, blocked)
    fills = r_match.fills + o_match.fills
    volume = sum(f.qty for f in fills)
    # the recorded price is the open pool's, unless only the restricted pool traded
    price = o_price if o_match.fills or not r_match.fills else r_price
    return Outcome(price, volume, fills, fund_fills, r_price,
                   tuple(sorted(restricted)))


class _Matcher:
    """Greedy matching state for one market: what each buyer still wants and can pay."""

    def __init__(
        self,
        price: int,
        floor: int,
        members: frozenset[str],
        blocked: Callable[[str, str], bool],
        tariff_bp: Callable[[str, str], int],
        budgets: Mapping[str, int],
        licensed: Mapping[tuple[str, str], int] | None = None,
    ) -> None:
        self.price, self.floor, self.members = price, floor, members
        self.blocked, self.tariff_bp = blocked, tariff_bp
        self.budgets = dict(budgets)
        self.licensed = dict(licensed or {})  # licensed lots left per blocked pair
        self.wanted: dict[int, int] = {}
        self.fills: list[Fill] = []

    def pair_price(self, seller: str, buyer: str) -> int:
        """Between two FORGE members an adopted floor is the least they trade at."""
        if self.floor > self.price and seller in self.members and buyer in self.members:
            return self.floor
        return self.price

    def sell(self, s: Order, buyers: list[Order]) -> int:
        """Offer one sell order down the buyer list; return what is left unsold. A member
        seller offers to member buyers first (the club's matching priority)."""
        left = s.qty
        seller = s.seat
        price, wanted, budgets = self.price, self.wanted, self.budgets
        # `pair_price`, worked out once per seller: only member pairs can pay the floor
        floor = self.floor if self.floor > price and seller in self.members else 0
        order: Iterable[tuple[int, Order]] = enumerate(buyers)
        if self.members and seller in self.members:
            order = sorted(order, key=lambda jb: jb[1].seat not in self.members)
        for j, b in order:
            if left == 0:
                break
            buyer = b.seat
            want = wanted.get(j, b.qty)
            if want == 0 or buyer == seller:
                continue
            pp = floor if floor and buyer in self.members else price
            row = buyer == ROW
            # a member importing from outside the club pays the floor; the gap is a levy
            levy_per = 0
            if not floor and self.floor > price and buyer in self.members:
                levy_per = self.floor - price
            tariff_bp = 0 if row else self.tariff_bp(buyer, seller)
            net = pp - pp * tariff_bp // 10000  # what the seller keeps per lot
            if s.limit > net or b.limit < pp + levy_per:
                continue
            qty = min(left, want)
            licensed = -1  # -1: the pair is not blocked
            if self.blocked(seller, buyer):
                licensed = self.licensed.get((seller, buyer), 0)
                qty = min(qty, licensed)
            if not row and pp + levy_per > 0:
                qty = min(qty, budgets.get(buyer, 0) // (pp + levy_per))
            if qty <= 0:
                continue
            value = qty * pp
            tariff = value * tariff_bp // 10000
            self.fills.append(Fill(seller, buyer, qty, pp, tariff, qty * levy_per))
            if licensed >= 0:
                self.licensed[seller, buyer] = licensed - qty
            left -= qty
            wanted[j] = want - qty
            if not row:
                budgets[buyer] = budgets.get(buyer, 0) - value - qty * levy_per
        return left


def _fund_purchases(
    sellers: list[Order],
    unsold: list[int],
    members: frozenset[str],
    floor: int,
    fund: int,
    blocked: Callable[[str, str], bool],
) -> list[Fill]:
    """Member supply offered at or below the floor and left unsold, bought at the floor."""
    fills: list[Fill] = []
    if floor <= 0:
        return fills
    for s, left in zip(sellers, unsold, strict=True):
        if fund < floor:
            break
        if left <= 0 or s.seat not in members or s.limit > floor or blocked(s.seat, FUND):
            continue
        qty = min(left, fund // floor)
        fills.append(Fill(s.seat, FUND, qty, floor, 0))
        fund -= qty * floor
    return fills
