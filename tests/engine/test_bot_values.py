"""Bots value points as the scoring counts them: money at the scoring's money measure, the
standard at its cost, a lot the industry lacks at its output value, exclusivity they
already granted, ore carried into next round."""

from __future__ import annotations

from typing import Any

from game.actions import FACILITATOR, Advance, Start
from game.bots.common import Ctx
from game.bots.deals import COOPERATIVE, HAWK, standard_step_cost, value
from game.bots.orders import build
from game.engine import Game
from game.scenario import Scenario


def _ctx(scenario: Scenario, seat: str, strategy: str = "cooperative",
         orders: bool = False, setup: Any = None) -> Ctx:
    g = Game.new(scenario, 3, baseline=False, controllers={seat: f"bot:{strategy}"})
    g.apply(FACILITATOR, Start())
    if orders:
        g.apply(FACILITATOR, Advance())
    if setup is not None:
        setup(g)
    return Ctx(g.view(seat), 3, strategy)


def _supply(seller: str, buyer: str, qty: int = 2, price: int = 24) -> dict[str, Any]:
    return {"type": "supply", "seller": seller, "buyer": buyer, "mineral": "cobalt",
            "form": "ore", "qty": qty, "price": price}


def _active(g: Game, a: str, b: str, clauses: list[Any]) -> None:
    from tests.engine.conftest import sign

    sign(g, a, b, *clauses, rounds=3)


def test_money_is_worth_ten_points_per_money_measure(lite_scenario: Scenario) -> None:
    """The bot prices a $M as the scoring does before par (the table's money measure), from
    what its own view says: its $M per +10 points and its par factor."""
    from game import scoring

    ctx = _ctx(lite_scenario, "COD")
    measure = scoring.money_measure(lite_scenario, "COD")
    assert measure != ctx.me["treasury"]  # not the seat's own treasury any more
    per_10 = ctx.me["money_per_10_points"] * ctx.me["par_money"] / 1000
    assert abs(per_10 - measure) <= measure / 100  # per mille rounding
    assert abs(ctx.scale.per_musd - 10 / per_10) < 1e-12


def test_a_supply_my_own_exclusivity_stops_costs_a_breach_each_round(
    lite_scenario: Scenario,
) -> None:
    """The DRC granted the EU exclusive cobalt against China: a later supply to China would
    be stopped every round and breached."""
    from game.clauses import Exclusivity, Supply

    def granted(g: Game) -> None:
        _active(g, "EU", "COD", [Supply(seller="COD", buyer="EU", mineral="cobalt",
                                        form="ore", qty=1, price=24),
                                 Exclusivity(seller="COD", mineral="cobalt", excluded="CHN")])

    free = value(_ctx(lite_scenario, "COD"), COOPERATIVE, [_supply("COD", "CHN")], 3)
    tied = value(_ctx(lite_scenario, "COD", setup=granted), COOPERATIVE,
                 [_supply("COD", "CHN")], 3)
    assert tied < free and tied < 0
    # and granting an exclusivity against a seat I already deliver to costs the same way
    ex = {"type": "exclusivity", "seller": "COD", "mineral": "cobalt", "excluded": "EU"}
    assert value(_ctx(lite_scenario, "COD", setup=granted), COOPERATIVE, [ex], 3) < \
        value(_ctx(lite_scenario, "COD"), COOPERATIVE, [ex], 3)


def test_a_standards_clause_above_my_standard_costs_its_steps_every_round(
    lite_scenario: Scenario,
) -> None:
    ctx = _ctx(lite_scenario, "COD")
    current = ctx.public["env_standard"]
    step = standard_step_cost(ctx)
    assert step > 0
    clause = {"type": "standards", "level": current + 2}
    assert abs(value(ctx, COOPERATIVE, [clause], 3) + 2 * step * ctx.rounds_left) < 1e-9
    assert value(ctx, COOPERATIVE, [{"type": "standards", "level": current}], 3) == 0


def test_the_standard_is_raised_only_for_my_own_contracts(lite_scenario: Scenario) -> None:
    """Two other seats' level-3 clause does not move my standard (it cost 2% of production
    per step per round for nothing)."""
    from game.clauses import Standards, Supply

    def others_signed(g: Game) -> None:
        _active(g, "EU", "AUS", [Supply(seller="AUS", buyer="EU", mineral="lithium",
                                        form="ore", qty=1, price=7), Standards(level=3)])
        g.apply(FACILITATOR, Advance())

    ctx = _ctx(lite_scenario, "COD", setup=others_signed)
    assert ctx.phase == "orders"
    orders, _ = build(ctx, COOPERATIVE)
    assert orders.env_standard is None


def test_a_hawk_attaches_no_clause_it_would_breach(lite_scenario: Scenario) -> None:
    from game.bots.deals import supply_proposals
    from game.clauses import Standards

    ctx = _ctx(lite_scenario, "COD", "hawk")
    assert ctx.public["env_standard"] == 0  # the DRC starts without a standard
    found = supply_proposals(ctx, HAWK)
    assert found
    assert not any(isinstance(c, Standards) for p in found for c in p.clauses)


def test_industry_shortfall_is_bid_up_to_the_output_value(lite_scenario: Scenario) -> None:
    def short(g: Game) -> None:
        h = g.state.seats["JPN"].holdings["rare_earths"]
        h.refined = 0
        h.stockpile = 0

    for strategy, style in (("cooperative", COOPERATIVE), ("hawk", HAWK)):
        ctx = _ctx(lite_scenario, "JPN", strategy, orders=True, setup=short)
        orders, _ = build(ctx, style)
        bids = [b for b in orders.buy or () if b.mineral == "rare_earths" and b.form == "refined"]
        assert bids and bids[0].limit == ctx.minerals["rare_earths"].output_value - 1
