"""Checking sealed orders when they are submitted (the resolution applies them).

Orders are validated against what cannot change before the resolution (minerals, seats,
ranges, FORGE's minimum standard, money for investments); quantities that depend on
deliveries still to come are capped at resolution instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.actions import SubmitOrders
from game.clauses import Invest
from game.errors import ErrorCode, RuleError, require
from game.event import Event
from game.orders import Orders

if TYPE_CHECKING:
    from game.engine import Game

MAX_LINES = 40
MAX_QTY = 100_000
MAX_PRICE = 1_000_000


def _mineral(game: Game, mineral: str) -> None:
    if mineral not in game.scenario.mineral_ids:
        raise RuleError(ErrorCode.UNKNOWN_MINERAL, f"no mineral {mineral!r}")


def _targets(game: Game, seat: str, targets: tuple[str, ...]) -> None:
    require(
        0 < len(targets) <= len(game.state.seats), ErrorCode.BAD_ORDERS, "name at least one target"
    )
    for t in targets:
        require(
            t == "ALL" or (t in game.state.seats and t != seat),
            ErrorCode.UNKNOWN_SEAT,
            f"bad target {t!r}",
        )


def validate_orders(game: Game, seat: str, orders: Orders) -> None:
    st = game.state
    lines = [
        orders.controls,
        orders.tariffs,
        orders.sell,
        orders.buy,
        orders.stockpile,
        orders.invest,
        orders.postpone,
        orders.abandon,
    ]
    require(
        all(len(x or ()) <= MAX_LINES for x in lines),
        ErrorCode.BAD_ORDERS,
        f"at most {MAX_LINES} lines of each kind",
    )
    for c in orders.controls or ():
        _mineral(game, c.mineral)
        _targets(game, seat, c.targets)
    for t in orders.tariffs or ():
        _mineral(game, t.mineral)
        _targets(game, seat, t.targets)
        require(0 <= t.rate_bp <= 10000, ErrorCode.BAD_QUANTITY, "tariffs are 0..10000 bp")
    if orders.env_standard is not None:
        require(0 <= orders.env_standard <= 3, ErrorCode.BAD_QUANTITY, "the standard is 0..3")
        if seat in st.forge.members:
            require(
                orders.env_standard >= st.forge.min_standard,
                ErrorCode.STANDARD_TOO_LOW,
                f"FORGE members keep a standard of at least {st.forge.min_standard}",
                min=st.forge.min_standard,
            )
    for mineral, qty in (orders.refine or {}).items():
        _mineral(game, mineral)
        require(0 <= qty <= MAX_QTY, ErrorCode.BAD_QUANTITY, f"refine 0..{MAX_QTY} lots")
    for o in (orders.sell or ()) + (orders.buy or ()):
        _mineral(game, o.mineral)
        require(
            0 < o.qty <= MAX_QTY and 0 <= o.limit <= MAX_PRICE,
            ErrorCode.BAD_QUANTITY,
            f"market orders need qty 1..{MAX_QTY} and a limit 0..{MAX_PRICE}",
        )
    stockpiled = [s.mineral for s in orders.stockpile]
    require(len(stockpiled) == len(set(stockpiled)), ErrorCode.BAD_ORDERS,
            "one stockpile line per mineral")
    for s in orders.stockpile:
        _mineral(game, s.mineral)
        require(
            0 <= s.buy <= MAX_QTY and 0 <= s.release <= MAX_QTY,
            ErrorCode.BAD_QUANTITY,
            "stockpile moves must be 0..100000",
        )
    _investor_choices(game, seat, orders)
    cost = 0
    for inv in orders.invest:
        _mineral(game, inv.mineral)
        require(0 < inv.capacity <= MAX_QTY, ErrorCode.BAD_QUANTITY, "capacity must be positive")
        m = game.scenario.mineral(inv.mineral)
        cost += inv.capacity * (m.capex_mine if inv.kind == "mine" else m.capex_refine)
    require(
        cost <= st.seats[seat].treasury,
        ErrorCode.INSUFFICIENT_FUNDS,
        f"investments cost {cost} $M, more than the treasury",
        need=cost, treasury=st.seats[seat].treasury,
    )


def building_under(game: Game, seat: str) -> set[str]:
    """Deals under which `seat` invests and capacity is still on its way: the projects whose
    investor may still put them back or abandon them."""
    st = game.state
    return {p.deal for p in st.pending if p.deal and p.delta > 0 and p.deal in st.deals
            and any(isinstance(c, Invest) and c.investor == seat and c.mineral == p.mineral
                    and c.kind == p.kind for c in st.deals[p.deal].clauses)}


def _investor_choices(game: Game, seat: str, orders: Orders) -> None:
    chosen = orders.postpone + orders.abandon
    if not chosen:
        return
    require(len(chosen) == len(set(chosen)), ErrorCode.BAD_ORDERS,
            "a project is postponed or abandoned, once, not both")
    mine = building_under(game, seat)
    for deal in chosen:
        require(deal in game.state.deals, ErrorCode.UNKNOWN_DEAL, f"no deal {deal!r}", deal=deal)
        require(deal in mine, ErrorCode.NOT_A_PARTY,
                f"{deal!r} is not a deal under which you invest in capacity still being built",
                deal=deal)


def submit(game: Game, actor: str, action: SubmitOrders) -> list[Event]:
    require(
        game.state.phase == "orders",
        ErrorCode.WRONG_PHASE,
        "orders are submitted in the orders phase",
        phase="orders",
    )
    validate_orders(game, actor, action.orders)
    game.state.seats[actor].orders = action.orders
    return [Event("orders_submitted", f"{actor} submitted orders", data={"seat": actor})]
