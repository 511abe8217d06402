"""FORGE's emergency sharing serves short members in the round's queue, drawn by lot from the
seed (as the spot market serves equal limits), not in the scenario's seat order: a bloc too
small for every short member went to the member listed first in every game."""

from __future__ import annotations

from game import resolution
from game.scenario import Scenario
from tests.engine.conftest import assert_conserved, orders_phase, quiet


def _bloc_goes_to(scenario: Scenario, seed: int) -> tuple[str, list[str]]:
    """Both members short of refined lithium, the bloc holding 2 lots: who gets them, and the
    round's queue of the two members."""
    g = orders_phase(scenario, seed)
    st = g.state
    st.seats["MIN"].demand["li"] = 3  # MIN mines lithium ore but refines none: short 3
    st.forge.bloc["li"].refined = 2  # USE is short 5 (holds 1 of 6): either takes both
    st.ledger.add_mineral("li", "refined", "initial", 2)
    quiet(g)
    queue = [s.id for s in resolution._queue(resolution._Round(g)) if s.id in ("MIN", "USE")]
    resolution.resolve_round(g)
    shared = [x for x in st.reports[-1].public["forge"]["shared"] if x["mineral"] == "li"]
    assert [(x["from"], x["qty"]) for x in shared] == [("FORGE", 2)]
    assert_conserved(g)
    return shared[0]["to"], queue


def test_the_bloc_goes_to_the_short_member_first_in_the_rounds_queue(
    tiny_scenario: Scenario,
) -> None:
    got = []
    for seed in range(1, 21):
        to, queue = _bloc_goes_to(tiny_scenario, seed)
        assert to == queue[0]
        got.append(to)
    assert got == [_bloc_goes_to(tiny_scenario, seed)[0] for seed in range(1, 21)]  # replayable
    assert 0 < got.count("MIN") < len(got)  # not the member listed first in every game
