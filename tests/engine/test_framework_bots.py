"""Bots and frameworks: a deal that makes one of my frameworks binding is worth its
reputation bonus to me, so a cooperative seat prefers that partner (issue 14, item 4)."""

from __future__ import annotations

from game.bots.common import Ctx
from game.bots.deals import COOPERATIVE, value
from game.scenario import Scenario
from game.simulate import play
from tests.engine.conftest import negotiation_phase


def _supply(seller: str, buyer: str, mineral: str = "lithium") -> dict[str, object]:
    return {"type": "supply", "seller": seller, "buyer": buyer, "mineral": mineral,
            "form": "ore", "qty": 2, "price": 8}


def test_the_framework_partner_is_worth_the_bonus_more(lite_scenario: Scenario) -> None:
    g = negotiation_phase(lite_scenario)
    ctx = Ctx(g.view("USA"), 1, COOPERATIVE.name)
    with_framework = value(ctx, COOPERATIVE, [_supply("AUS", "USA")], 2)
    # the same terms once the framework is no longer open earn no bonus
    g.state.deals["usa-aus"].status = "upgraded"
    g.state.seq += 1  # a change made by hand: the views' memo must not serve the old one
    ctx = Ctx(g.view("USA"), 1, COOPERATIVE.name)
    without = value(ctx, COOPERATIVE, [_supply("AUS", "USA")], 2)
    assert with_framework - without == ctx.scale.per_rep > 0
    # a mineral the framework does not name earns nothing either
    cobalt = value(ctx, COOPERATIVE, [_supply("AUS", "USA", "cobalt")], 2)
    g.state.deals["usa-aus"].status = "framework"
    g.state.seq += 1
    ctx = Ctx(g.view("USA"), 1, COOPERATIVE.name)
    assert value(ctx, COOPERATIVE, [_supply("AUS", "USA", "cobalt")], 2) == cobalt


def test_cooperative_tables_make_the_us_australia_framework_binding(
    lite_scenario: Scenario,
) -> None:
    for seed in range(3):
        game, errors = play(lite_scenario, seed, {s: "cooperative"
                                                  for s in lite_scenario.seat_ids})
        assert errors == 0
        assert game.state.deals["usa-aus"].status == "upgraded"
        assert game.state.seats["AUS"].stats.rep.get("framework:usa-aus") == 1
