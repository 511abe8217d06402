"""Equal limits at the spot market are served in an order drawn by lot each round, so no seat
is first in line in every rationed market because of where the scenario lists it (the US,
listed first, took the scarce non-Chinese rare earths before Japan and the EU in every game
under China's control)."""

from __future__ import annotations

from game import resolution
from game.scenario import Scenario
from tests.engine.conftest import orders_phase

RE = "rare_earths"


def _queue(scenario: Scenario, seed: int) -> list[str]:
    g = orders_phase(scenario, seed)
    return [s.id for s in resolution._queue(resolution._Round(g))]


def test_the_queue_is_drawn_by_lot_from_the_seed(ministerial_scenario: Scenario) -> None:
    seats = list(ministerial_scenario.seat_ids)
    queues = [_queue(ministerial_scenario, seed) for seed in range(1, 21)]
    assert all(sorted(q) == sorted(seats) for q in queues)
    assert _queue(ministerial_scenario, 7) == queues[6]  # replayable
    assert len({q[0] for q in queues}) >= 5  # not one seat first in line
    us_first = sum(q.index("USA") < q.index("JPN") for q in queues)
    assert 0 < us_first < len(queues)


def test_default_buyers_reach_the_market_in_the_queues_order(
    ministerial_scenario: Scenario,
) -> None:
    """Japan and the EU lack rare earths and bid alike (default orders); the market sees their
    buys in the round's queue order, which is the order the auction serves equal limits."""
    orders = []
    for seed in range(1, 21):
        g = orders_phase(ministerial_scenario, seed)
        r = resolution._Round(g)
        r.sell_lines = {s.id: {} for s in r.seats}
        r.buy_lines = {s.id: {} for s in r.seats}
        queue = resolution._queue(r)
        m = g.scenario.mineral(RE)
        _, buys = resolution._market_orders(r, m, "refined", queue)
        buyers = [o.seat for o in buys]
        ids = [s.id for s in queue]
        assert buyers == sorted(buyers, key=ids.index)
        orders.append(buyers.index("JPN") < buyers.index("EU"))
    assert any(orders) and not all(orders)
