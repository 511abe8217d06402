"""The three strategies, as functions of (view, legal actions, seed) only.

Taking the view and the legal actions as the inputs, rather than the Game, is what makes
"a bot never reads another seat's secrets" true by construction. A negotiation turn is:
answer prompts, answer proposals addressed to me, tidy my stale proposals, FORGE business,
new proposals; then Ready once there is nothing left I am waiting on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from game.actions import (
    AcceptDeal,
    Action,
    CounterDeal,
    ProposeDeal,
    Ready,
    RejectDeal,
    SubmitOrders,
    WithdrawDeal,
)
from game.bots import deals, forge, orders
from game.bots.common import Ctx, note_round, say
from game.bots.deals import COOPERATIVE, HAWK, Style
from game.clauses import Clause
from game.legal import Legal

MAX_OPEN = 4  # own open proposals at once, well under any scenario's limit
MAX_VERSION = 4  # stop haggling after this many versions

Strategy = Callable[[dict[str, Any], Legal, int], list[Action]]


def passive(view: dict[str, Any], legal: Legal, seed: int) -> list[Action]:
    """The no-deal baseline: default orders, no answers, ready at once. It needs only the
    legal actions (Ready(True) is listed while the seat is not ready), so `act` does not
    build it a view."""
    return [Ready()] if Ready(True) in legal.actions else []


def cooperative(view: dict[str, Any], legal: Legal, seed: int) -> list[Action]:
    return _play(Ctx(view, seed, COOPERATIVE.name), legal, COOPERATIVE)


def hawk(view: dict[str, Any], legal: Legal, seed: int) -> list[Action]:
    return _play(Ctx(view, seed, HAWK.name), legal, HAWK)


STRATEGIES: dict[str, Strategy] = {"cooperative": cooperative, "hawk": hawk, "passive": passive}
NEEDS_VIEW = frozenset({"cooperative", "hawk"})


def _play(ctx: Ctx, legal: Legal, style: Style) -> list[Action]:
    if not legal.kinds:
        return []
    if ctx.phase == "orders":
        return _orders_turn(ctx, legal, style)
    if ctx.phase == "negotiation":
        return _negotiation_turn(ctx, legal, style)
    return []


def _orders_turn(ctx: Ctx, legal: Legal, style: Style) -> list[Action]:
    out: list[Action] = []
    if ctx.me.get("orders") is None and "submit_orders" in legal.kinds:
        built, _ = orders.build(ctx, style)
        out.append(SubmitOrders(built))
    if not ctx.public["ready"]:
        out.append(Ready())
    return out


def _negotiation_turn(ctx: Ctx, legal: Legal, style: Style) -> list[Action]:
    out: list[Action] = forge.prompts(ctx, legal, style)
    waiting = False
    answers, countered = _answer_offers(ctx, legal, style)
    out += answers
    waiting |= countered
    out += _withdraw_stale(ctx, legal)
    out += forge.business(ctx, legal, style)
    # a seat that has declared itself ready only answers; it proposes on its own turns
    answered = {a.deal for a in answers if isinstance(a, (AcceptDeal, RejectDeal, CounterDeal))}
    new = [] if ctx.public["ready"] else _new_proposals(ctx, legal, style, answered)
    out += new
    waiting |= bool(new)
    if not waiting and not ctx.public["ready"]:
        out.append(Ready())
    return out


# ---- proposals addressed to me --------------------------------------------------------------
def _offers(ctx: Ctx, legal: Legal) -> list[dict[str, Any]]:
    addressed = {a.deal for a in legal.actions if isinstance(a, RejectDeal)}
    return [d for d in ctx.view.get("proposals", []) if d["id"] in addressed]


def _answer_offers(ctx: Ctx, legal: Legal, style: Style) -> tuple[list[Action], bool]:
    out: list[Action] = []
    countered = False
    cash = ctx.me["treasury"] - _committed_cash(ctx)
    for d in _offers(ctx, legal):
        stale = 0 < note_round(d["note"]) < ctx.round
        ok, _ = deals.acceptable(ctx, style, d)
        pay = _one_off(d["clauses"], ctx.seat)
        payable = AcceptDeal(d["id"]) in legal.actions  # both sides can pay its one-offs
        if ok and not stale and pay <= cash and payable:
            out.append(AcceptDeal(d["id"]))
            ctx.commit(d["clauses"], d["rounds"])
            cash -= pay
            continue
        counter = None if stale else _counter(ctx, style, d, cash)
        if counter is not None and "counter_deal" in legal.kinds:
            out.append(counter)
            countered = True
        else:
            out.append(RejectDeal(d["id"]))
    return out, countered


def _one_off(clauses: list[dict[str, Any]], seat: str) -> int:
    total = 0
    for c in clauses:
        payer = c.get("payer") if c["type"] == "payment" else c.get("investor")
        if c["type"] in ("payment", "invest") and payer == seat:
            total += c["amount"]
    return total


def _committed_cash(ctx: Ctx) -> int:
    """One-off payments I owe under deals signed this round (paid at the resolution), and
    under my own open proposals (they may be accepted before the resolution). From the view
    only, so worked out once per decision."""
    found = ctx.memo.get("committed_cash")
    if found is None:
        found = sum(_one_off(d["clauses"], ctx.seat) for d in ctx.active
                    if d["rounds_done"] == 0)
        found += sum(_one_off(d["clauses"], ctx.seat) for d in ctx.view.get("proposals", [])
                     if d["status"] == "proposed" and d["proposer"] == ctx.seat)
        ctx.memo["committed_cash"] = found
    assert isinstance(found, int)
    return found


def _counter(ctx: Ctx, style: Style, d: dict[str, Any], cash: int) -> CounterDeal | None:
    """Meet half way on price, drop clauses that cost me, ask to be paid for a license."""
    if d["version"] >= MAX_VERSION:
        return None
    clauses: list[dict[str, Any]] = []
    for c in d["clauses"]:
        fixed = _fix_clause(ctx, style, c)
        if fixed is not None:
            clauses.append(fixed)
    clauses += _license_fee(ctx, style, clauses, d)
    if not clauses or clauses == d["clauses"]:
        return None
    if _one_off(clauses, ctx.seat) > cash:
        return None
    rounds = min(d["rounds"], ctx.rounds_left)
    if deals.value(ctx, style, clauses, rounds) <= 0:
        return None
    typed = tuple(_typed(c) for c in clauses)
    return CounterDeal(d["id"], typed, rounds, ctx.note(say("counter"), style.name))


def _fix_clause(ctx: Ctx, style: Style, c: dict[str, Any]) -> dict[str, Any] | None:
    kind = c["type"]
    if kind == "supply":
        return _fix_supply(ctx, style, c)
    if kind == "standards":
        if style.honours:
            return c
        level = min(ctx.public["env_standard"], c["level"])
        return {**c, "level": level} if level >= 1 else None
    if kind == "exclusivity" and c["seller"] == ctx.seat and not style.likes_exclusivity:
        return None
    return c


def _fix_supply(ctx: Ctx, style: Style, c: dict[str, Any]) -> dict[str, Any] | None:
    m, form = c["mineral"], c["form"]
    spot = ctx.price(m, form)
    bal = ctx.own_balance(m).of(form)
    if c["buyer"] == ctx.seat:
        target = spot - spot * style.bid_bp // 10000
        qty = min(c["qty"], max(0, -bal)) or c["qty"]
        price = min(c["price"], (c["price"] + target) // 2)
    else:
        target = spot + spot * style.ask_bp // 10000
        qty = min(c["qty"], max(0, bal))
        price = max(c["price"], (c["price"] + target + 1) // 2)
    if qty <= 0:
        return None
    return {**c, "qty": qty, "price": max(0, price)}


def _license_fee(ctx: Ctx, style: Style, clauses: list[dict[str, Any]],
                 d: dict[str, Any]) -> list[dict[str, Any]]:
    """A hawk licensor wants paying; a cooperative one grants licences for goodwill."""
    if style.name != "hawk":
        return []
    licensed = [c for c in clauses if c["type"] == "license" and c["licensor"] == ctx.seat]
    paid = any(c["type"] == "payment" and c["payee"] == ctx.seat for c in clauses)
    if not licensed or paid:
        return []
    other = d["parties"][0] if d["parties"][1] == ctx.seat else d["parties"][1]
    # a quarter of the licensed lots' reference value over the deal: the fee grows with the
    # volume the licence lets through
    lots = sum(int(c["qty"]) for c in licensed) * int(d.get("rounds", 1))
    fee = max(1, ctx.minerals[licensed[0]["mineral"]].ref_refined * lots // 4)
    return [{"type": "payment", "payer": other, "payee": ctx.seat, "amount": fee}]


def _typed(c: dict[str, Any]) -> Clause:
    clause: Clause = msgspec.convert(c, Clause)
    return clause


# ---- my own proposals -------------------------------------------------------------------
def _withdraw_stale(ctx: Ctx, legal: Legal) -> list[Action]:
    """Proposals from an earlier round were judged on numbers that have since changed."""
    mine = {a.deal for a in legal.actions if isinstance(a, WithdrawDeal)}
    return [WithdrawDeal(d["id"]) for d in ctx.view.get("proposals", [])
            if d["id"] in mine and 0 < note_round(d["note"]) < ctx.round]


def _new_proposals(ctx: Ctx, legal: Legal, style: Style,
                   answered: set[str]) -> list[Action]:
    if "propose_deal" not in legal.kinds:
        return []
    open_now = sum(1 for d in ctx.view.get("proposals", [])
                   if d["status"] == "proposed" and d["proposer"] == ctx.seat
                   and note_round(d["note"]) == ctx.round)
    room = min(style.max_proposals, MAX_OPEN - open_now)
    if room <= 0:
        return []
    cands = deals.objective_proposals(ctx, style) + deals.supply_proposals(ctx, style)
    cash = ctx.me["treasury"] - _committed_cash(ctx)
    if style.name == "cooperative" and cash > 0:
        cands += deals.invest_proposals(ctx, style)
    cands.sort(key=lambda p: (-p.worth, p.to, p.why))
    out: list[Action] = []
    partners: set[str] = set()
    for p in cands:
        if len(out) >= room:
            break
        clauses = deals.as_dicts(p.clauses)
        pay = _one_off(clauses, ctx.seat)
        if p.to in partners or pay > cash or not _fresh_to(ctx, p, answered):
            continue
        if out and deals.value(ctx, style, clauses, p.rounds) <= style.propose_points:
            continue  # an earlier offer this turn already covers it
        cash -= pay
        partners.add(p.to)
        ctx.commit(clauses, p.rounds)
        out.append(ProposeDeal(p.to, p.clauses, p.rounds, ctx.note(p.said, style.name)))
    return out


def _fresh_to(ctx: Ctx, p: deals.Proposal, answered: set[str]) -> bool:
    """Never two open offers to the same seat, and not one it has refused this round (an
    offer of theirs I have just answered no longer counts as open)."""
    for d in ctx.view.get("proposals", []):
        if p.to not in d["parties"] or d["id"] in answered:
            continue
        if d["status"] == "proposed":
            return False
        if d["status"] == "rejected" and note_round(d["note"]) == ctx.round:
            return False
    return True

