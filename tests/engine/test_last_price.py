"""The last price a player negotiates with is the last price at which something traded:
0 in the price history is the engine's "no trade" marker, never a price (issue 13)."""

from __future__ import annotations

from game.legal import legal_dict
from game.scenario import Scenario
from tests.engine.conftest import negotiation_phase


def test_after_a_round_with_no_trade_the_last_price_is_the_last_traded_one(
    tiny_scenario: Scenario,
) -> None:
    g = negotiation_phase(tiny_scenario)
    g.state.prices = {"li:refined": [21, 0], "li:ore": [0, 0], "re:refined": [70, 90]}
    ctx = legal_dict(g, "USE")["templates"]["propose_deal"]["context"]
    assert ctx["last_prices"] == {"li:refined": 21, "re:refined": 90}  # never traded: absent
    assert ctx["no_trade"] == ["li:ore", "li:refined"]


def test_the_example_supply_clause_never_offers_a_price_of_zero(
    tiny_scenario: Scenario,
) -> None:
    g = negotiation_phase(tiny_scenario)
    g.state.prices = {f"{m}:{f}": [0] for m in ("li", "re") for f in ("ore", "refined")}
    action = legal_dict(g, "MIN")["templates"]["propose_deal"]["action"]
    prices = [c["price"] for c in action["clauses"] if c["type"] == "supply"]
    assert prices and all(p > 0 for p in prices)
