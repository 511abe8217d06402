"""A realistic scripted game: deals proposed, countered, accepted and rejected, FORGE votes,
prompt answers, explicit sealed orders, every seat active. Used by the engine benchmark and
to record the golden replay. Randomness here is the benchmark's own, seeded; the engine
never sees it."""

from __future__ import annotations

import random

from game import FACILITATOR, Game, RuleError, Scenario
from game.actions import (
    AcceptDeal,
    Action,
    Advance,
    CounterDeal,
    ProposeDeal,
    ProposeFloor,
    Ready,
    RejectDeal,
    RespondPrompt,
    Start,
    SubmitOrders,
    Vote,
)
from game.clauses import Payment, Standards, Supply
from game.orders import MarketOrder, Orders

Log = list[tuple[str, Action]]


def _try(game: Game, log: Log, actor: str, action: Action) -> bool:
    try:
        game.apply(actor, action)
    except RuleError:
        return False
    log.append((actor, action))
    return True


def _negotiate(game: Game, log: Log, rng: random.Random) -> None:
    sc = game.scenario
    seats = list(sc.seat_ids)
    producers = [c.id for c in sc.countries if any(x.mine for x in c.minerals.values())]
    for _ in range(3):
        for seller in producers:
            country = sc.country(seller)
            mineral = rng.choice([m for m, x in country.minerals.items() if x.mine])
            buyer = rng.choice([s for s in seats if s != seller])
            ref = sc.mineral(mineral).ref_price_ore
            clauses = [Supply(seller=seller, buyer=buyer, mineral=mineral, form="ore",
                              qty=rng.randint(1, 4), price=ref + rng.randint(-2, 3))]
            if rng.random() < 0.3:
                clauses.append(Standards(level=rng.randint(0, 2)))
            if rng.random() < 0.2:
                clauses.append(Payment(payer=buyer, payee=seller, amount=rng.randint(1, 20)))
            _try(game, log, seller, ProposeDeal(to=buyer, clauses=tuple(clauses),
                                                rounds=rng.randint(1, 2)))
    for deal in list(game.state.deals.values()):
        if deal.status != "proposed":
            continue
        roll = rng.random()
        if roll < 0.5:
            _try(game, log, deal.recipient, AcceptDeal(deal.id))
        elif roll < 0.75:
            clause = deal.clauses[0]
            if isinstance(clause, Supply):
                cheaper = Supply(seller=clause.seller, buyer=clause.buyer, mineral=clause.mineral,
                                 form=clause.form, qty=clause.qty, price=max(0, clause.price - 1))
                if _try(game, log, deal.recipient, CounterDeal(deal.id, (cheaper,), deal.rounds)):
                    _try(game, log, deal.recipient, AcceptDeal(deal.id))
        else:
            _try(game, log, deal.recipient, RejectDeal(deal.id))
    chair = game.state.forge.chair
    mineral = rng.choice(sc.mineral_ids)
    _try(game, log, chair, ProposeFloor(mineral, "refined", sc.mineral(mineral).ref_price_refined))
    for seat in seats:
        for action in game.legal_actions(seat).actions:
            if isinstance(action, Vote) and action.yes == (rng.random() < 0.7):
                _try(game, log, seat, action)
            elif isinstance(action, RespondPrompt) and rng.random() < 0.4:
                _try(game, log, seat, action)
                break


def _orders(game: Game, log: Log, rng: random.Random) -> None:
    sc = game.scenario
    for seat in sc.seat_ids:
        country = sc.country(seat)
        sells, buys = [], []
        for mineral, x in country.minerals.items():
            m = sc.mineral(mineral)
            if x.mine > x.refine:
                sells.append(MarketOrder(mineral, "ore", x.mine - x.refine,
                                         m.ref_price_ore * rng.randint(70, 110) // 100))
            if x.demand:
                buys.append(MarketOrder(mineral, "refined", max(1, x.demand // 2),
                                        m.ref_price_refined * rng.randint(90, 140) // 100))
        _try(game, log, seat, SubmitOrders(Orders(sell=tuple(sells), buy=tuple(buys))))
        _try(game, log, seat, Ready())


def record_game(scenario: Scenario, seed: int, rounds: int | None = None) -> tuple[Game, Log]:
    """Play a whole scripted game; returns the finished game and its accepted-action log."""
    rng = random.Random(seed)
    game = Game.new(scenario, seed, rounds=rounds)
    log: Log = []
    _try(game, log, FACILITATOR, Start())
    while not game.is_over:
        _negotiate(game, log, rng)
        if game.state.phase == "negotiation":
            _try(game, log, FACILITATOR, Advance(game.state.round, "negotiation"))
        _orders(game, log, rng)
        if game.state.phase == "orders":
            _try(game, log, FACILITATOR, Advance(game.state.round, "orders"))
    return game, log
