"""The g20-summit scenario: its shape, its sources, its export-control deck, and bots play it
to the end without a refused action."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.effects import ForceControl
from game.scenario import Scenario, load_scenario
from game.simulate import assign, game_seed, play

G20 = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios" / "g20-summit.json"


@pytest.fixture(scope="module")
def g20() -> Scenario:
    return load_scenario(G20)  # every check of the loader, including "objectives need action"


def test_shape(g20: Scenario) -> None:
    assert g20.id == "g20-summit"
    assert len(g20.countries) == 16
    assert len(g20.minerals) == 8
    assert {"gallium", "germanium", "copper"} <= set(g20.mineral_ids)
    assert g20.rounds == 6
    assert all(c.objectives for c in g20.countries)


def test_sources_cited(g20: Scenario) -> None:
    tags = {s.tag for s in g20.sources}
    assert {"USGS26", "IEA25", "S-MOFCOM", "A"} <= tags


def test_gallium_germanium_controls_are_scripted(g20: Scenario) -> None:
    scripted = {c.round: c for c in g20.cards if c.round}
    controlled = {
        (e.mineral, scripted[r].round)
        for r in scripted
        for e in scripted[r].effects
        if isinstance(e, ForceControl)
    }
    assert ("gallium", 1) in controlled and ("germanium", 1) in controlled
    assert any(m == "gallium" and r > 1 for m, r in controlled)
    deck_ids = {c.id for c in g20.cards if not c.round}
    assert {"china_re_controls", "graphite_permits", "drc_cobalt_quota"} <= deck_ids


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bots_play_to_the_end(g20: Scenario, seed: int) -> None:
    game, errors = play(g20, game_seed(seed, 0), assign(g20, "mix", seed, seed))
    assert game.is_over
    assert errors == 0
    assert set(game.state.scores) == set(g20.seat_ids)
    assert game.state.round == g20.rounds
