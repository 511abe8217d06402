"""An investor under a deal may postpone or abandon its project (issue 13: a local-refining
bargain is only as sure as the investor's word), at a cost to it and with a record."""

from __future__ import annotations

import msgspec
import pytest

from game.actions import FACILITATOR, Advance, SubmitOrders
from game.clauses import Invest
from game.engine import Game
from game.errors import RuleError
from game.orders import Orders
from game.scenario import Scenario
from tests.engine.conftest import assert_conserved, negotiation_phase, sign, to_orders

PLANT = Invest(investor="USE", host="MIN", amount=30, mineral="li", kind="refine", capacity=1,
               delay=1, offtake_bp=10000, offtake_price=8)


def _game(scenario: Scenario) -> tuple[Game, str]:
    """USE finances a 1-lot refinery in MIN; lithium takes 2 rounds to build here, so after
    round 1 the plant is still on its way (due at the end of round 2)."""
    sc = msgspec.structs.replace(scenario, minerals=tuple(
        msgspec.structs.replace(m, invest_delay=2) if m.id == "li" else m
        for m in scenario.minerals))
    g = negotiation_phase(sc)
    deal = sign(g, "USE", "MIN", PLANT, rounds=3)
    to_orders(g)
    g.apply(FACILITATOR, Advance())  # round 1 resolves: the amount is paid
    to_orders(g)
    assert [(p.deal, p.due_round) for p in g.state.pending] == [(deal.id, 2)]
    return g, deal.id


def _resolve(g: Game, seat: str, orders: Orders) -> None:
    g.apply(seat, SubmitOrders(orders=orders))
    g.apply(FACILITATOR, Advance())
    if g.state.phase != "ended":
        to_orders(g)


def test_abandoning_breaches_refunds_the_unbuilt_share_and_voids_the_plant(
    tiny_scenario: Scenario,
) -> None:
    g, deal = _game(tiny_scenario)
    use, host = g.state.seats["USE"], g.state.seats["MIN"]
    rep = use.reputation
    cap = host.capacity["li"].refine
    _resolve(g, "USE", Orders(abandon=(deal,)))
    # one round of the two-round build is left: half of the 30 comes back
    (row,) = g.state.reports[-1].public["investor_choices"]
    assert row == {"deal": deal, "investor": "USE", "host": "MIN", "choice": "abandoned",
                   "qty": 1, "refund": 15}
    assert g.state.reports[-1].private["MIN"]["investments"] == [row]
    assert use.reputation == rep - 1 and g.state.deals[deal].breaches == 1
    assert use.stats.money[f"deal:{deal}"] == -30 + 15
    assert host.stats.money[f"deal:{deal}"] == 30 - 15
    assert host.capacity["li"].refine == cap and g.state.pending == []
    assert not any(isinstance(c, Invest) for c in g.state.deals[deal].clauses)
    _resolve(g, "USE", Orders())
    assert host.capacity["li"].refine == cap  # never built, no offtake either
    assert g.state.reports[-1].private["USE"]["deliveries"] == []
    assert_conserved(g)


def test_postponing_costs_a_point_and_the_plant_arrives_a_round_later(
    tiny_scenario: Scenario,
) -> None:
    g, deal = _game(tiny_scenario)
    use, host = g.state.seats["USE"], g.state.seats["MIN"]
    rep, cap = use.reputation, host.capacity["li"].refine
    _resolve(g, "USE", Orders(postpone=(deal,)))
    assert g.state.reports[-1].public["investor_choices"][0]["choice"] == "postponed"
    assert use.reputation == rep - 1 and g.state.deals[deal].breaches == 0
    assert host.capacity["li"].refine == cap  # not yet
    _resolve(g, "USE", Orders())
    assert host.capacity["li"].refine == cap + 1
    assert_conserved(g)


@pytest.mark.parametrize(("seat", "orders", "code"), [
    ("MIN", Orders(abandon=("{deal}",)), "not_a_party"),  # the host cannot choose for it
    ("USE", Orders(postpone=("nope",)), "unknown_deal"),
    ("USE", Orders(postpone=("{deal}",), abandon=("{deal}",)), "bad_orders"),
])
def test_only_the_investor_chooses_once(tiny_scenario: Scenario, seat: str, orders: Orders,
                                        code: str) -> None:
    g, deal = _game(tiny_scenario)
    fix = msgspec.structs.replace(
        orders, postpone=tuple(d.format(deal=deal) for d in orders.postpone),
        abandon=tuple(d.format(deal=deal) for d in orders.abandon))
    with pytest.raises(RuleError) as err:
        g.apply(seat, SubmitOrders(orders=fix))
    assert err.value.code == code
