"""The mission's events happen: export controls come up in every game (issue 14, item 4)."""

from __future__ import annotations

import pytest

from game.actions import FACILITATOR, Advance, Start
from game.effects import ForceControl
from game.engine import Game
from game.scenario import Scenario


def _controls(scenario: Scenario) -> set[str]:
    return {c.id for c in scenario.cards if any(isinstance(e, ForceControl) for e in c.effects)}


def _drawn_by(scenario: Scenario, seed: int, last_round: int) -> list[str]:
    g = Game.new(scenario, seed, baseline=False)
    g.scratch = True
    g.apply(FACILITATOR, Start())
    while g.state.phase != "ended" and (g.state.round, g.state.phase) != (last_round, "orders"):
        g.apply(FACILITATOR, Advance())
    return list(g.state.cards_drawn)


@pytest.mark.parametrize("seed", range(200))
def test_every_ministerial_game_sees_an_export_control_by_round_2(
    ministerial_scenario: Scenario, seed: int,
) -> None:
    drawn = _drawn_by(ministerial_scenario, seed, 2)
    assert len(drawn) == 2
    assert _controls(ministerial_scenario) & set(drawn)


def test_ministerial_scripts_chinas_rare_earth_licensing_in_round_2(
    ministerial_scenario: Scenario,
) -> None:
    card = next(c for c in ministerial_scenario.cards if c.id == "china_re_controls")
    assert card.round == 2
    # another control stays in the deck for later rounds
    assert any(c.round == 0 for c in ministerial_scenario.cards
               if c.id in _controls(ministerial_scenario) - {card.id})


@pytest.mark.parametrize("seed", range(20))
def test_every_classroom_lite_game_has_an_export_control(lite_scenario: Scenario,
                                                         seed: int) -> None:
    drawn = _drawn_by(lite_scenario, seed, lite_scenario.rounds)
    assert _controls(lite_scenario) & set(drawn)


@pytest.mark.parametrize("name", ["ministerial_scenario", "lite_scenario"])
def test_every_card_and_prompt_names_seats_that_exist(name: str,
                                                      request: pytest.FixtureRequest) -> None:
    """The UK's deep-sea card (ministerial) asks seats at the table, never a missing one."""
    scenario: Scenario = request.getfixturevalue(name)
    seats = set(scenario.seat_ids)
    for c in scenario.cards:
        if c.prompt is not None:
            assert set(c.prompt.seats) <= seats, c.id
        for e in c.effects:
            seat = getattr(e, "seat", "")
            assert seat in seats or seat in ("", "ALL", "$self"), (c.id, seat)
