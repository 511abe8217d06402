"""The resolution of a round: eight steps in one fixed order (rules.md, "Resolution order").

    0. sealed policies take effect     5. stockpiles, FORGE fund, contributions
    1. mining                          6. industry
    2. deal payments and deliveries    7. investments, arrivals, expiries, disputes, deal ends
    3. refining                        8. scores and the round report
    4. spot markets

Every lot and every dollar moves either between holders inside the game (seats, the
FORGE fund and bloc) or through a named ledger flow, so conservation can be checked
after any resolution. Treasuries never go below zero: whoever pays pays what it has, and a
shortfall under a deal is a breach.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

import msgspec

from game import market, policy, scoring
from game.clauses import Invest, Payment, Standards, Supply
from game.event import Event
from game.orders import MarketOrder, Orders
from game.rng import shuffled
from game.scenario import FORMS, Form, Mineral
from game.state import Capacity, Deal, Holdings, Pending, Report, RoundScore, Seat

if TYPE_CHECKING:
    from game.engine import Game

ROW = market.ROW
FUND = market.FUND
SELL_LIMIT_PCT = 50  # default sell orders accept anything from half the reference price
BUY_LIMIT_PCT = 150  # default buy orders pay up to one and a half times the reference


class _Round:
    """What one resolution computes once and reads many times, plus what it reports."""

    def __init__(self, game: Game) -> None:
        self.game = game
        self.st = game.state
        self.round = game.state.round
        self.minerals: list[Mineral] = list(game.scenario.minerals)
        self.seats: list[Seat] = list(game.state.seats.values())
        self.orders: dict[str, Orders] = {s.id: s.orders or Orders() for s in self.seats}
        # policies, deals, modifiers and membership hold still until step 7, so the
        # round's capacities, demand and trade permissions are read once, here
        self.index = policy.PolicyIndex(game)
        # licensed lots left this round per (licensor, licensee, mineral): deal deliveries
        # use them first, then the spot market
        self.licence_left = self.index.licences()
        self.caps: dict[tuple[str, str], Capacity] = {}
        self.demand: dict[tuple[str, str], int] = {}
        for s in self.seats:
            for m in self.minerals:
                self.caps[s.id, m.id] = policy.effective_capacity(game, s.id, m.id)
                self.demand[s.id, m.id] = policy.effective_demand(game, s.id, m.id)
        self.mined: dict[tuple[str, str], int] = {}
        self.refined: dict[tuple[str, str], int] = {}  # refined output this round
        # lots owed under deals at the next resolution, per (seat, mineral, form): read by
        # the default orders, so gathered at step 4, once this round's deliveries are done
        self.owed_next: dict[tuple[str, str, str], int] = {}
        # each seat's order lines per (mineral, form), gathered at step 4 (see _by_market)
        self.sell_lines: dict[str, dict[tuple[str, str], list[MarketOrder]]] = {}
        self.buy_lines: dict[str, dict[tuple[str, str], list[MarketOrder]]] = {}
        self.prices: dict[str, int] = {}
        self.volumes: dict[str, int] = {}
        # markets that controls split: the restricted buyers and the price they paid
        self.restricted: dict[str, dict[str, Any]] = {}
        self.shared: list[dict[str, Any]] = []  # FORGE emergency sharing (step 5)
        self.choices: list[dict[str, Any]] = []  # investors' postponements, abandonments
        self.fund_fills: list[tuple[str, str, market.Fill]] = []
        self.output: dict[str, int] = {s.id: 0 for s in self.seats}
        self.met: dict[str, tuple[int, int]] = {}
        self.private: dict[str, dict[str, list[dict[str, Any]]]] = {
            s.id: {"fills": [], "deliveries": [], "breaches": [], "investments": []}
            for s in self.seats
        }
        self.events: list[Event] = []

    def note(self, seat: str, kind: str, row: dict[str, Any]) -> None:
        if seat in self.private:
            self.private[seat][kind].append(row)


def resolve_round(game: Game) -> list[Event]:
    """Resolve the current round in place; the caller moves the phase and round on."""
    _apply_sealed_policies(game)
    r = _Round(game)
    _mine(r)
    _settle_deals(r)
    _refine(r)
    _spot_markets(r)
    _stockpiles_and_fund(r)
    _industry(r)
    _investments_and_ticks(r)
    _scores_and_report(r)
    return r.events


# ---- 0. sealed policies ------------------------------------------------------------------
def _apply_sealed_policies(game: Game) -> None:
    """Policies are sealed with the orders and become public only now, as they take effect."""
    for s in game.state.seats.values():
        o = s.orders or Orders()
        if o.controls is not None:
            s.policy.controls = list(o.controls)
        if o.tariffs is not None:
            s.policy.tariffs = list(o.tariffs)
        if o.env_standard is not None:
            s.policy.env_standard = o.env_standard


# ---- 1. mining ---------------------------------------------------------------------------
def _mine(r: _Round) -> None:
    ledger = r.st.ledger
    for s in r.seats:
        for m in r.minerals:
            q = r.caps[s.id, m.id].mine
            r.mined[s.id, m.id] = q
            if q:
                s.holdings[m.id].ore += q
                ledger.add_mineral(m.id, "ore", "mined", q)
                s.stats.mined[m.id] = s.stats.mined.get(m.id, 0) + q


# ---- 2. deals ----------------------------------------------------------------------------
def _settle_deals(r: _Round) -> None:
    """One-offs at the first resolution, then this round's deliveries, in signing order."""
    awaiting = {p.deal for p in r.st.pending if p.deal}
    for deal in policy.active_deals(r.game):
        if deal.rounds_done >= deal.rounds:
            continue
        breachers: set[str] = set()
        if not deal.one_offs_done:
            breachers |= _one_offs(r, deal)
            deal.one_offs_done = True
        breachers |= _deliveries(r, deal, deal.id in awaiting)
        breachers |= _standards(r, deal)
        for seat in sorted(breachers, key=list(r.st.seats).index):
            _breach(r, deal, seat)
        deal.rounds_done += 1


def _pay(r: _Round, payer: str, payee: str, amount: int, deal: str) -> int:
    """Move what the payer has, up to amount; return the shortfall."""
    src, dst = r.st.seats[payer], r.st.seats[payee]
    paid = max(0, min(amount, src.treasury))
    src.treasury -= paid
    dst.treasury += paid
    src.stats.flow(f"deal:{deal}", -paid)
    dst.stats.flow(f"deal:{deal}", paid)
    return amount - paid


def _one_offs(r: _Round, deal: Deal) -> set[str]:
    short: set[str] = set()
    unpaid: list[Invest] = []
    for c in deal.clauses:
        if isinstance(c, Payment) and _pay(r, c.payer, c.payee, c.amount, deal.id):
            short.add(c.payer)
        elif isinstance(c, Invest) and _pay(r, c.investor, c.host, c.amount, deal.id):
            short.add(c.investor)
            unpaid.append(c)
    if unpaid:
        # an investment not paid in full is void: its capacity is not built and no offtake
        # is owed from it (what was paid stays with the host)
        deal.clauses = [c for c in deal.clauses if not any(c is u for u in unpaid)]
        r.st.pending = [p for p in r.st.pending if p.deal != deal.id
                        or not any(p.mineral == u.mineral and p.kind == u.kind for u in unpaid)]
    return short


def _deliveries(r: _Round, deal: Deal, awaiting_capacity: bool) -> set[str]:
    """Supply clauses each round; offtake rights once the invested capacity has arrived."""
    # traceable weight: the standards clause's level (0 without one); both parties keep it
    # or breach, so a higher standard makes the same lots count for more (scoring)
    traceable = max((c.level for c in deal.clauses if isinstance(c, Standards)), default=0)
    short: set[str] = set()
    for c in deal.clauses:
        if isinstance(c, Supply):
            short |= _deliver(r, deal, c.seller, c.buyer, c.mineral, c.form, c.qty, c.price,
                              traceable)
        elif isinstance(c, Invest) and c.offtake_bp > 0 and not awaiting_capacity:
            qty = c.capacity * c.offtake_bp // 10000
            form = "ore" if c.kind == "mine" else "refined"
            if qty:
                short |= _deliver(r, deal, c.host, c.investor, c.mineral, form, qty,
                                  c.offtake_price, traceable)
    return short


def _deliver(r: _Round, deal: Deal, seller: str, buyer: str, mineral: str, form: str, qty: int,
             price: int, traceable: int) -> set[str]:
    """Deliver what the seller has and the buyer can pay for; name whoever fell short.

    A delivery the seller's own control (or exclusivity) forbids is the seller's breach, and
    so is one beyond the volume of the licence that lets it through.
    """
    src, dst = r.st.seats[seller], r.st.seats[buyer]
    held = getattr(src.holdings[mineral], form)
    available = 0 if r.index.blocked(seller, buyer, mineral, form) else min(qty, held)
    licence = (seller, buyer, mineral)
    under_licence = available > 0 and r.index.controlled(seller, buyer, mineral, form)
    if under_licence:
        available = min(available, r.licence_left.get(licence, 0))
    affordable = available if price == 0 else min(available, dst.treasury // price)
    short = {seller} if available < qty else set()
    if affordable < available:
        short.add(buyer)
    if affordable:
        if under_licence:
            r.licence_left[licence] -= affordable
        _move(src.holdings[mineral], dst.holdings[mineral], form, affordable)
        src.treasury += affordable * price
        dst.treasury -= affordable * price
        src.stats.flow(f"deal:{deal.id}", affordable * price)
        dst.stats.flow(f"deal:{deal.id}", -affordable * price)
        _count_trade(r, seller, buyer, mineral, form, affordable, traceable, by_deal=True)
        if traceable:
            for st in (src.stats, dst.stats):
                st.traceable_by[deal.id] = st.traceable_by.get(deal.id, 0) + \
                    affordable * traceable
    row = {"deal": deal.id, "seller": seller, "buyer": buyer, "mineral": mineral, "form": form,
           "due": qty, "qty": affordable, "price": price}
    r.note(seller, "deliveries", row)
    r.note(buyer, "deliveries", row)
    return short


def _standards(r: _Round, deal: Deal) -> set[str]:
    levels = [c.level for c in deal.clauses if isinstance(c, Standards)]
    if not levels:
        return set()
    need = max(levels)
    return {p for p in (deal.a, deal.b) if r.st.seats[p].policy.env_standard < need}


def _breach(r: _Round, deal: Deal, seat: str) -> None:
    s = r.st.seats[seat]
    if s.reputation > 0:
        s.reputation -= 1
        s.stats.rep_change(f"breach:{deal.id}", -1)
    s.stats.breaches += 1
    deal.breaches += 1
    r.note(seat, "breaches", {"deal": deal.id})
    r.events.append(Event("breach", f"{seat} breached deal {deal.id}", to=(deal.a, deal.b),
                          data={"deal": deal.id, "seat": seat}))


def _move(src: Holdings, dst: Holdings, form: str, qty: int) -> None:
    setattr(src, form, getattr(src, form) - qty)
    setattr(dst, form, getattr(dst, form) + qty)


def _count_trade(r: _Round, seller: str, buyer: str, mineral: str, form: str, qty: int,
                 traceable: int, by_deal: bool = False) -> None:
    """Trade statistics for scoring: volumes, traceable volumes (lots x the standards
    clause's level, 0..3) and refined suppliers (and, for deal deliveries, the supply secured
    ahead of the market)."""
    seats = r.st.seats
    for seat in (seller, buyer):
        if seat in seats:
            seats[seat].stats.traded += qty
            if traceable:
                seats[seat].stats.traceable += qty * traceable
    if form == "refined" and buyer in seats:
        sources = seats[buyer].stats.sources.setdefault(mineral, {})
        sources[seller] = sources.get(seller, 0) + qty
        if by_deal:
            secured = seats[buyer].stats.secured.setdefault(mineral, {})
            secured[seller] = secured.get(seller, 0) + qty


# ---- 3. refining -------------------------------------------------------------------------
def _refine(r: _Round) -> None:
    ledger = r.st.ledger
    for s in r.seats:
        wanted = r.orders[s.id].refine or {}
        for m in r.minerals:
            h = s.holdings[m.id]
            cap = r.caps[s.id, m.id].refine
            q = max(0, min(wanted.get(m.id, cap), cap, h.ore))
            if not q:
                continue
            r.refined[s.id, m.id] = q
            h.ore -= q
            h.refined += q
            ledger.add_mineral(m.id, "ore", "refine_in", -q)
            ledger.add_mineral(m.id, "refined", "refine_out", q)
            st = s.stats
            st.refined_out[m.id] = st.refined_out.get(m.id, 0) + q
            home = min(q, r.mined[s.id, m.id])
            st.refined_home[m.id] = st.refined_home.get(m.id, 0) + home


# ---- 4. spot markets ---------------------------------------------------------------------
def _spot_markets(r: _Round) -> None:
    st = r.st
    members = frozenset(st.forge.members)
    fund_left = st.forge.fund
    r.owed_next = _owed_next_round(r)
    r.sell_lines = {s.id: _by_market(r.orders[s.id].sell) for s in r.seats}
    r.buy_lines = {s.id: _by_market(r.orders[s.id].buy) for s in r.seats}
    queue = _queue(r)
    for m in r.minerals:
        for form in FORMS:
            key = f"{m.id}:{form}"
            sells, buys = _market_orders(r, m, form, queue)
            controlled = partial(r.index.controlled, mineral=m.id, form=form)
            licensed = {(a, b): q for (a, b, lm), q in r.licence_left.items()
                        if lm == m.id and q > 0 and controlled(a, b)}
            outcome = market.run_auction(
                sells, buys, market.Curve(*policy.row_curve_at(r.game, m.id, form)),
                blocked=controlled if licensed else partial(r.index.blocked, mineral=m.id,
                                                            form=form),
                tariff_bp=partial(r.index.tariff_bp, mineral=m.id),
                budgets={s.id: s.treasury for s in r.seats},
                members=members, floor=st.forge.floors.get(key, 0), fund=fund_left,
                may_block=r.index.may_block(m.id, form), licensed=licensed,
            )
            for fill in outcome.fills:
                _apply_fill(r, m.id, form, fill)
                if (fill.seller, fill.buyer) in licensed:
                    r.licence_left[fill.seller, fill.buyer, m.id] -= fill.qty
            for fill in outcome.fund:
                fund_left -= fill.qty * fill.price
                r.fund_fills.append((m.id, form, fill))
            # a market that traded nothing records no price (0: "no trade" in the views)
            price = outcome.price if outcome.volume else 0
            st.prices.setdefault(key, []).append(price)
            r.prices[key] = price
            r.volumes[key] = outcome.volume
            if outcome.restricted:
                r.restricted[key] = {"price": outcome.restricted_price,
                                     "buyers": list(outcome.restricted)}


def _queue(r: _Round) -> list[Seat]:
    """The order in which the seats' orders reach this round's markets (and short members
    reach FORGE's emergency sharing), drawn by lot from the game's seed and the round (not
    from the game's generator, so the deck is unchanged).
    The auction serves equal limits in the order given, and a rationed market is common:
    every seat short of a mineral bids up to its output value, every default order bids 150%
    of the reference. In seat order the first seat listed (the US) was always served first,
    so under a control the scarce non-Chinese supply went to the US before Japan and the EU
    in every game; a draw gives every seat the same chance."""
    state = (r.st.seed * 1_000_003 + r.round) & ((1 << 64) - 1)
    _, ids = shuffled(state, [s.id for s in r.seats])
    return [r.st.seats[i] for i in ids]


def _market_orders(r: _Round, m: Mineral, form: Form, queue: list[Seat],
                   ) -> tuple[list[market.Order], list[market.Order]]:
    """Each seat's sells (capped at holdings) and buys for one market, in the round's queue."""
    sells: list[market.Order] = []
    buys: list[market.Order] = []
    key = (m.id, form)
    # the default orders' limits, the same for every seat (_default_sell_qty, _default_buy_qty)
    sell_limit = m.ref_price(form) * SELL_LIMIT_PCT // 100
    buy_limit = m.ref_price(form) * BUY_LIMIT_PCT // 100
    for s in queue:
        o = r.orders[s.id]
        if o.sell is None:
            qty = _default_sell_qty(r, s, m, form)
            if qty > 0:
                sells.append(market.Order(s.id, qty, sell_limit))
        else:
            lines = r.sell_lines[s.id].get(key)
            if lines:
                held = getattr(s.holdings[m.id], form)
                for x in lines:
                    qty = min(x.qty, held)
                    held -= qty
                    sells.append(market.Order(s.id, qty, x.limit))
        if o.buy is None:
            qty = _default_buy_qty(r, s, m, form)
            if qty > 0:
                buys.append(market.Order(s.id, qty, buy_limit))
        else:
            buys += [market.Order(s.id, x.qty, x.limit) for x in r.buy_lines[s.id].get(key, ())]
    return sells, buys


def _by_market(orders: tuple[MarketOrder, ...] | None) -> dict[tuple[str, str],
                                                                list[MarketOrder]]:
    """A seat's order lines per (mineral, form), in the order given, empty lines dropped:
    sorted out once for the round's ten-odd markets."""
    out: dict[tuple[str, str], list[MarketOrder]] = {}
    for x in orders or ():
        if x.qty > 0:
            out.setdefault((x.mineral, x.form), []).append(x)
    return out


def _default_sell_qty(r: _Round, s: Seat, m: Mineral, form: Form) -> int:
    """The lots a seat's default order sells (none if not positive), from SELL_LIMIT_PCT of
    the reference: surplus ore is what next round's refining will not use (counting next
    round's mining); surplus refined is what this round's industry will not consume."""
    h, cap = s.holdings[m.id], r.caps[s.id, m.id]
    owed = r.owed_next.get((s.id, m.id, form), 0)
    # what deals take next round is kept back in full, even where next round's mining would
    # cover it: a cautious default, so a seat on defaults never breaches by selling short
    if form == "ore":
        return min(h.ore, h.ore + cap.mine - cap.refine) - owed
    return h.refined - r.demand[s.id, m.id] - owed


def _owed_next_round(r: _Round) -> dict[tuple[str, str, str], int]:
    """Lots each seller must deliver under its deals at the next resolution, which come
    before that round's refining: default orders keep them back instead of selling them."""
    owed: dict[tuple[str, str, str], int] = {}
    building = {p.deal for p in r.st.pending if p.deal and p.due_round > r.round}
    for deal in r.st.deals.values():
        if deal.status != "active" or deal.rounds_done >= deal.rounds:
            continue
        for c in deal.clauses:
            key: tuple[str, str, str]
            if isinstance(c, Supply):
                key, qty = (c.seller, c.mineral, c.form), c.qty
            elif isinstance(c, Invest) and c.offtake_bp and deal.id not in building:
                form = "ore" if c.kind == "mine" else "refined"
                key, qty = (c.host, c.mineral, form), c.capacity * c.offtake_bp // 10000
            else:
                continue
            owed[key] = owed.get(key, 0) + qty
    return owed


def _default_buy_qty(r: _Round, s: Seat, m: Mineral, form: Form) -> int:
    """The lots a seat's default order buys (none if not positive), up to BUY_LIMIT_PCT of
    the reference: the refined shortfall for this round's industry, and ore only when
    refining capacity would otherwise stand idle next round."""
    h = s.holdings[m.id]
    if form == "ore":
        cap = r.caps[s.id, m.id]
        return cap.refine - h.ore - cap.mine
    return r.demand[s.id, m.id] - h.refined


def _apply_fill(r: _Round, mineral: str, form: str, f: market.Fill) -> None:
    """Lots and money for one matched pair; RoW is a source or sink booked in the ledger."""
    st, ledger = r.st, r.st.ledger
    value = f.qty * f.price
    if f.seller == ROW:
        ledger.add_mineral(mineral, form, "row_in", f.qty)
        ledger.add_money("row_purchases", -(value - f.tariff))
    else:
        seller = st.seats[f.seller]
        setattr(seller.holdings[mineral], form, getattr(seller.holdings[mineral], form) - f.qty)
        seller.treasury += value - f.tariff
        seller.stats.flow("market", value - f.tariff)
    if f.buyer == ROW:
        ledger.add_mineral(mineral, form, "row_out", -f.qty)
        ledger.add_money("row_sales", value)
    else:
        buyer = st.seats[f.buyer]
        setattr(buyer.holdings[mineral], form, getattr(buyer.holdings[mineral], form) + f.qty)
        buyer.treasury -= value - f.tariff + f.levy
        buyer.stats.flow("market", -(value - f.tariff + f.levy))
        st.forge.fund += f.levy  # the floor on a member's imports: the gap goes to the fund
    _count_trade(r, f.seller, f.buyer, mineral, form, f.qty, traceable=0)
    row = {"mineral": mineral, "form": form, "seller": f.seller, "buyer": f.buyer,
           "qty": f.qty, "price": f.price, "tariff": f.tariff}
    if f.levy:
        row["levy"] = f.levy
    r.note(f.seller, "fills", row)
    r.note(f.buyer, "fills", row)


# ---- 5. stockpiles, FORGE fund, contributions ---------------------------------------------
def _stockpiles_and_fund(r: _Round) -> None:
    _fund_purchases(r)
    _stockpile_moves(r)
    _club_sharing(r)
    _contributions(r)


def _club_sharing(r: _Round) -> None:
    """FORGE's emergency sharing, as the IEA shares oil: a member still short of refined lots
    for this round's industry draws on the bloc stockpile, then on other members' strategic
    stockpiles beyond one round of each lender's own demand. It pays the holder the round's
    price (the floor if higher; the reference if nothing traded), as far as its treasury
    allows. Members are served, and lenders asked, in the round's queue (`_queue`, the order
    the spot market serves equal limits), not in seat order: a scarce bloc would otherwise go
    to the member the scenario lists first in every game."""
    forge = r.st.forge
    members = [s for s in _queue(r) if s.id in forge.members]
    if len(members) < 2 and not any(h.refined for h in forge.bloc.values()):
        return
    for m in r.minerals:
        key = f"{m.id}:refined"
        price = max(r.prices.get(key, 0), forge.floors.get(key, 0)) or m.ref_price_refined
        for s in members:
            short = r.demand[s.id, m.id] - s.holdings[m.id].refined
            if short <= 0:
                continue
            bloc = forge.bloc[m.id]
            got = min(short, bloc.refined, s.treasury // max(1, price))
            if got > 0:
                bloc.refined -= got
                forge.fund += got * price
                _shared(r, s, FUND, m.id, got, price)
                short -= got
            for lender in members:
                if short <= 0:
                    break
                if lender is s:
                    continue
                h = lender.holdings[m.id]
                spare = h.stockpile - r.demand[lender.id, m.id]
                got = min(short, spare, s.treasury // max(1, price))
                if got <= 0:
                    continue
                h.stockpile -= got
                lender.treasury += got * price
                lender.stats.flow("forge", got * price)
                _shared(r, s, lender.id, m.id, got, price)
                short -= got


def _shared(r: _Round, s: Seat, holder: str, mineral: str, qty: int, price: int) -> None:
    """A member receives `qty` refined lots from the bloc (holder FUND) or a lender's
    stockpile, paid at `price`. They meet demand, but they are not supply secured ahead of
    the market (sharing happens because a seat is short, often because it was cut off), so
    they count neither against exposure nor towards a "less from X" objective."""
    s.holdings[mineral].refined += qty
    s.treasury -= qty * price
    s.stats.flow("forge", -qty * price)
    sources = s.stats.sources.setdefault(mineral, {})
    sources[holder] = sources.get(holder, 0) + qty
    r.shared.append({"mineral": mineral, "from": holder, "to": s.id, "qty": qty,
                     "price": price})
    row = {"mineral": mineral, "form": "refined", "seller": holder, "buyer": s.id,
           "qty": qty, "price": price, "tariff": 0, "club": True}
    r.note(s.id, "fills", row)
    if holder != FUND:
        r.note(holder, "fills", row)


def _fund_purchases(r: _Round) -> None:
    """The fund buys what the market left unsold at the floor, into the bloc stockpile."""
    forge = r.st.forge
    for mineral, form, f in r.fund_fills:
        seller = r.st.seats[f.seller]
        qty = min(f.qty, getattr(seller.holdings[mineral], form), forge.fund // max(1, f.price))
        if qty <= 0:
            continue
        _move(seller.holdings[mineral], forge.bloc[mineral], form, qty)
        forge.fund -= qty * f.price
        seller.treasury += qty * f.price
        seller.stats.flow("forge", qty * f.price)
        seller.stats.traded += qty
        r.note(f.seller, "fills", {"mineral": mineral, "form": form, "seller": f.seller,
                                   "buyer": FUND, "qty": qty, "price": f.price, "tariff": 0})


def _stockpile_moves(r: _Round) -> None:
    """Into the strategic stockpile (reimbursed from an earmarked budget) or out of it."""
    for s in r.seats:
        for order in r.orders[s.id].stockpile:
            h = s.holdings.get(order.mineral)
            if h is None:
                continue
            moved_in = max(0, min(order.buy, h.refined))
            h.refined -= moved_in
            h.stockpile += moved_in
            moved_out = max(0, min(order.release, h.stockpile))
            h.stockpile -= moved_out
            h.refined += moved_out
            # only lots that stay in the stockpile are paid for, so buy-and-release in one
            # round cannot turn an earmarked budget into cash
            price = r.prices.get(f"{order.mineral}:refined", 0)  # 0 when nothing traded
            refund = min(s.stockpile_budget, max(0, moved_in - moved_out) * price)
            s.stockpile_budget -= refund
            s.treasury += refund
            s.stats.flow("stockpile", refund)


def _contributions(r: _Round) -> None:
    forge = r.st.forge
    due = r.game.scenario.forge.contribution
    for seat in forge.members:
        s = r.st.seats[seat]
        paid = min(due, s.treasury)
        s.treasury -= paid
        s.stats.flow("forge", -paid)
        forge.fund += paid


# ---- 6. industry -------------------------------------------------------------------------
def _industry(r: _Round) -> None:
    ledger = r.st.ledger
    for s in r.seats:
        demand_total = met_total = 0
        for m in r.minerals:
            h = s.holdings[m.id]
            demand = r.demand[s.id, m.id]
            used = min(h.refined, demand)
            h.refined -= used
            if used:
                ledger.add_mineral(m.id, "refined", "consumed", -used)
            value = used * m.output_value
            s.treasury += value
            r.output[s.id] += value
            s.stats.shortage.setdefault(m.id, []).append(demand - used)
            s.stats.demand_by[m.id] = s.stats.demand_by.get(m.id, 0) + demand
            demand_total += demand
            met_total += used
        s.stats.output_value += r.output[s.id]
        s.stats.flow("output", r.output[s.id])
        _standard_cost(r, s)
        s.stats.demand += demand_total
        s.stats.met += met_total
        ledger.add_money("output_value", r.output[s.id])
        r.met[s.id] = (met_total, demand_total)


STANDARD_COST_BP = 200  # per step of standard, of the round's production value


def _standard_cost(r: _Round, s: Seat) -> None:
    """An environmental standard costs every round: each step above 0 costs 2% of the value
    of what the seat's mines and refineries produced this round (ore mined at the ore
    reference price, refined output at the refined one), paid as far as the treasury allows.
    A seat that produces nothing pays nothing; the standard pays back only through traceable
    trade (standards clauses), FORGE's minimum standard and keeping one's deals."""
    level = s.policy.env_standard
    if level <= 0:
        return
    value = 0
    for m in r.minerals:
        value += r.mined[s.id, m.id] * m.ref_price_ore + \
            r.refined.get((s.id, m.id), 0) * m.ref_price_refined
    cost = min(s.treasury, value * level * STANDARD_COST_BP // 10000)
    if cost > 0:
        s.treasury -= cost
        s.stats.standard_cost += cost
        s.stats.flow("standard", -cost)
        r.st.ledger.add_money("standard_cost", -cost)


# ---- 7. investments, arrivals, expiries, disputes, deal ends -------------------------------
def _investments_and_ticks(r: _Round) -> None:
    _investor_choices(r)
    _domestic_investments(r)
    _arrivals(r)
    _expire(r)
    _disputes(r)
    _close_deals(r)


POSTPONE_REPUTATION = 1  # what putting a promised project back a round costs the investor


def _investor_choices(r: _Round) -> None:
    """An investor under a deal may put its project back a round or abandon it, as Atlantic
    Lithium may with Ewoyaa's refinery: the host's value added is only as sure as the
    investor's word. Postponing costs the investor a reputation point. Abandoning is a breach
    of the deal (a reputation point, the deal breached), the capacity not yet arrived is
    never built and its offtake is void; the host repays the share of the amount for the
    part of the lead time not yet built, as far as its treasury allows (the investor saves
    that money, the host keeps what was spent)."""
    st = r.st
    lead = {m.id: max(1, m.invest_delay) for m in r.minerals}
    build = {m.id: m.invest_delay for m in r.minerals}
    for s in r.seats:
        o = r.orders[s.id]
        for deal_id, choice in [(d, "postponed") for d in o.postpone] + \
                [(d, "abandoned") for d in o.abandon]:
            deal = st.deals.get(deal_id)
            if deal is None or deal.status != "active":
                continue
            mine = [c for c in deal.clauses if isinstance(c, Invest) and c.investor == s.id]
            rows = [p for p in st.pending if p.deal == deal_id and p.delta > 0 and any(
                c.mineral == p.mineral and c.kind == p.kind for c in mine)]
            if not rows:
                continue
            qty = sum(p.delta for p in rows)
            row: dict[str, Any] = {"deal": deal_id, "investor": s.id,
                                   "host": deal.b if deal.a == s.id else deal.a,
                                   "choice": choice, "qty": qty, "refund": 0}
            if choice == "postponed":
                for p in rows:  # a round after it would arrive (_arrivals holds to the lead)
                    p.due_round = max(p.due_round, deal.signed_round + build[p.mineral] - 1) + 1
                if s.reputation > 0:
                    s.reputation -= POSTPONE_REPUTATION
                    s.stats.rep_change(f"postponed:{deal_id}", -POSTPONE_REPUTATION)
            else:
                refund = 0
                for c in mine:
                    left = [p for p in rows if p.mineral == c.mineral and p.kind == c.kind]
                    if not left or c.capacity <= 0:
                        continue
                    to_go = min(lead[c.mineral], max(1, max(p.due_round for p in left)
                                                     - r.round + 1))
                    refund += c.amount * sum(p.delta for p in left) * to_go // (
                        c.capacity * lead[c.mineral])
                host = st.seats[row["host"]]
                refund = min(refund, host.treasury)
                if refund > 0:
                    host.treasury -= refund
                    s.treasury += refund
                    host.stats.flow(f"deal:{deal_id}", -refund)
                    s.stats.flow(f"deal:{deal_id}", refund)
                row["refund"] = refund
                st.pending = [p for p in st.pending if not any(p is x for x in rows)]
                deal.clauses = [c for c in deal.clauses if not any(c is m for m in mine)]
                _breach(r, deal, s.id)
            r.choices.append(row)
            r.note(s.id, "investments", row)
            r.note(row["host"], "investments", row)


def _domestic_investments(r: _Round) -> None:
    minerals = {m.id: m for m in r.minerals}
    for s in r.seats:
        for inv in r.orders[s.id].invest:
            m = minerals.get(inv.mineral)
            if m is None:
                continue
            capex = m.capex_mine if inv.kind == "mine" else m.capex_refine
            qty = max(0, min(inv.capacity, s.treasury // capex))
            if not qty:
                continue
            s.treasury -= qty * capex
            s.stats.capex += qty * capex
            r.st.ledger.add_money("investment", -qty * capex)
            row = Pending(seat=s.id, mineral=m.id, kind=inv.kind, delta=qty,
                          due_round=r.round + m.invest_delay - 1)
            if m.invest_delay == 0:
                _add_capacity(s, row)
            else:
                r.st.pending.append(row)


def _add_capacity(s: Seat, p: Pending) -> None:
    cap = s.capacity.setdefault(p.mineral, Capacity())
    setattr(cap, p.kind, max(0, getattr(cap, p.kind) + p.delta))


def _arrivals(r: _Round) -> None:
    """Capacity due now arrives, within two rules that make time match the world:

    - **Lead time.** New capacity under a deal arrives no sooner than the mineral's lead time
      (`invest_delay` rounds after signing, as for domestic investment), whatever delay the
      clause names: a refinery is not built faster because a contract says so.
    - **Ramp-up.** New capacity of 2 lots or more runs at half (rounded up) in its first
      round and at full capacity a round later; offtake from it starts at full capacity.
    - **Commissioning.** The world commissions only so much new refining of a mineral in one
      round: at most `COMMISSION_BP` of the table's refining capacity of that mineral (at
      least 1 lot), first come first served in the order the capacity was ordered; the rest
      arrives in the rounds after. Engineers, equipment and permits are shared by every
      project, so a scripted project and an investment landing together queue; and no
      seat's share of a mineral's refining can fall by more than the cap's share of the
      world in one round, whatever the players do.
    """
    st = r.st
    lead = {m.id: m.invest_delay for m in r.minerals}
    due: list[Pending] = []
    later: list[Pending] = []
    for p in st.pending:
        if p.due_round <= r.round and p.deal and not p.ramp and p.delta > 0:
            deal = st.deals.get(p.deal)
            earliest = (deal.signed_round if deal else r.round) + lead.get(p.mineral, 1) - 1
            if earliest > p.due_round:
                p.due_round = earliest
        (due if p.due_round <= r.round else later).append(p)
    if not due:
        return
    room = {m.id: commissioning_cap(st.seats.values(), m.id) for m in r.minerals}
    for p in due:
        if p.delta >= 2 and not p.ramp:
            first = (p.delta + 1) // 2
            later.append(Pending(seat=p.seat, mineral=p.mineral, kind=p.kind,
                                 delta=p.delta - first, due_round=r.round + 1, deal=p.deal,
                                 ramp=True))
            p = msgspec.structs.replace(p, delta=first)
        if p.kind == "refine" and p.delta > 0 and p.mineral in room:
            now = min(p.delta, room[p.mineral])
            room[p.mineral] -= now
            if now < p.delta:
                # queued for commissioning: arrives later, already past its ramp-up split
                later.append(msgspec.structs.replace(p, delta=p.delta - now,
                                                     due_round=r.round + 1, ramp=True))
                p = msgspec.structs.replace(p, delta=now)
            if not now:
                continue
        _add_capacity(st.seats[p.seat], p)
    st.pending = later


COMMISSION_BP = 250  # new refining the world commissions in a round, of its capacity


def commissioning_cap(seats: Iterable[Seat], mineral: str) -> int:
    """Lots of new refining of `mineral` the world can commission this round: 2.5% of the
    table's refining capacity (at a month a round, a third a year: more than any critical
    mineral has ever added), at least one lot so small industries can grow at all."""
    world = sum(s.capacity[mineral].refine for s in seats if mineral in s.capacity)
    return max(1, world * COMMISSION_BP // 10000)


def _expire(r: _Round) -> None:
    """Effects whose last round was this one end now."""
    st = r.st
    st.modifiers = [m for m in st.modifiers if m.until_round == 0 or m.until_round > r.round]
    st.forced = [f for f in st.forced if f.until_round > r.round]


def _close_deals(r: _Round) -> None:
    """Deals end last, so licenses, waivers and exclusivity cover their whole final round
    (its spot market included) and a WTO dispute due now still sees the deal it targets."""
    for deal in policy.active_deals(r.game):
        if deal.rounds_done >= deal.rounds:
            deal.status = "completed" if deal.breaches == 0 else "breached"
            r.events.append(Event("deal_ended", f"Deal {deal.id} {deal.status}",
                                  data={"deal": deal.id, "status": deal.status}))


def _disputes(r: _Round) -> None:
    from game import club

    resolve = getattr(club, "resolve_disputes", None)
    if resolve is not None:
        r.events.extend(resolve(r.game))


# ---- 8. scores and the round report -------------------------------------------------------
def _scores_and_report(r: _Round) -> None:
    st = r.st
    for s in r.seats:
        s.stats.standard_sum += s.policy.env_standard
    st.reports.append(Report(round=r.round, public=_public_report(r), private=_private_report(r)))
    if not r.game.scratch:  # after the report: the baseline to compare with is this round's
        scoring.update_scores(r.game)
        for sid, sc in st.scores.items():  # hidden like the scores until the end (views.py)
            st.score_history.setdefault(sid, []).append(RoundScore(r.round, sc.total,
                                                                   dict(sc.parts)))
    for s in r.seats:
        s.orders = None
    r.events.append(Event("round_resolved", f"Round {r.round} resolved",
                          data={"round": r.round, "prices": dict(r.prices)}))


def _public_report(r: _Round) -> dict[str, Any]:
    st = r.st
    headline = {}
    for s in r.seats:
        met, demand = r.met[s.id]
        headline[s.id] = {
            "output_value": r.output[s.id],
            "demand_met_bp": met * 10000 // demand if demand else 10000,
            "shortage": demand - met,
            "reputation": s.reputation,
        }
    controls = {
        s.id: [{"mineral": c.mineral, "form": c.form, "targets": list(c.targets)}
               for c in r.index.controls(s.id)]
        for s in r.seats
    }
    return {
        "prices": dict(r.prices),
        "volumes": dict(r.volumes),
        "restricted": dict(r.restricted),
        # investors that postponed or abandoned a project under a deal this round
        "investor_choices": list(r.choices),
        "controls": {k: v for k, v in controls.items() if v},
        "deals_signed": [d.id for d in st.deals.values()
                         if d.signed_round == r.round and d.status in scoring.SIGNED],
        "forge": {"members": list(st.forge.members), "floors": dict(st.forge.floors),
                  "fund": st.forge.fund, "shared": list(r.shared),
                  "bloc": {m: {"ore": h.ore, "refined": h.refined}
                           for m, h in st.forge.bloc.items()}},
        "headline": headline,
    }


def _private_report(r: _Round) -> dict[str, dict[str, Any]]:
    st = r.st
    out: dict[str, dict[str, Any]] = {}
    for s in r.seats:
        out[s.id] = {
            "treasury": s.treasury,
            "stockpile_budget": s.stockpile_budget,
            "holdings": {m: {"ore": h.ore, "refined": h.refined, "stockpile": h.stockpile}
                         for m, h in s.holdings.items()},
            # capacity still being built for the seat: first usable in round `arrives`
            "building": [{"mineral": p.mineral, "kind": p.kind, "qty": p.delta,
                          "arrives": p.due_round + 1}
                         for p in st.pending if p.seat == s.id and p.delta > 0],
            **r.private[s.id],
        }
    return out
