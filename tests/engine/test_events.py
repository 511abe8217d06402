"""The mission's events happen: export controls come up in every game (issue 14, item 4)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from game.actions import FACILITATOR, Advance, Start
from game.cards import deal_deck
from game.effects import ForceControl
from game.engine import Game
from game.rng import shuffled
from game.scenario import Scenario, load_scenario, parse_scenario
from game.scoring import calm
from tests.engine.conftest import SCENARIOS


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


@pytest.fixture(scope="module")
def g20_scenario() -> Scenario:
    return load_scenario(SCENARIOS / "g20-summit.json")


@pytest.mark.parametrize("name", ["ministerial_scenario", "lite_scenario", "g20_scenario"])
def test_every_card_and_prompt_names_seats_that_exist(name: str,
                                                      request: pytest.FixtureRequest) -> None:
    """The UK's deep-sea card asks seats at the table, never a missing one: the UK itself
    where it has a seat (g20-summit), the US, Japan and the EU where it has none."""
    scenario: Scenario = request.getfixturevalue(name)
    deep = [c for c in scenario.cards if c.id == "deep_sea"]
    for c in deep:
        assert c.prompt is not None
        assert ("GBR" in c.prompt.seats) == ("GBR" in scenario.seat_ids)
    seats = set(scenario.seat_ids)
    for c in scenario.cards:
        if c.prompt is not None:
            assert set(c.prompt.seats) <= seats, c.id
        for e in c.effects:
            seat = getattr(e, "seat", "")
            assert seat in seats or seat in ("", "ALL", "$self"), (c.id, seat)


# ---- a second export control later (the scenario's draw rules, cards.deal_deck) ----------
def _drawn_rounds(scenario: Scenario, seed: int) -> dict[int, str]:
    """The card revealed in each round of a game where everyone just advances."""
    g = Game.new(scenario, seed, baseline=False)
    g.scratch = True
    g.apply(FACILITATOR, Start())
    shown = {1: g.state.card}
    while g.state.phase != "ended":
        g.apply(FACILITATOR, Advance())
        if g.state.phase == "negotiation":
            shown[g.state.round] = g.state.card
    return shown


@pytest.mark.parametrize("block", range(4))
def test_every_ministerial_game_sees_a_second_control_after_round_2(
    ministerial_scenario: Scenario, block: int,
) -> None:
    controls = _controls(ministerial_scenario)
    (rule,) = ministerial_scenario.draw_rules
    assert set(rule.cards) <= controls  # the rule names export-control cards only
    for seed in range(50 * block, 50 * block + 50):
        shown = _drawn_rounds(ministerial_scenario, seed)
        assert shown[2] == "china_re_controls"
        later = {shown[r] for r in range(3, ministerial_scenario.rounds + 1)}
        assert later & controls, (seed, shown)
        assert later & set(rule.cards), (seed, shown)


def test_which_control_comes_later_still_varies_with_the_seed(
    ministerial_scenario: Scenario,
) -> None:
    (rule,) = ministerial_scenario.draw_rules
    chosen = {next(c for c in deal_deck(ministerial_scenario, seed, 5)[1][:1]
                   if c in rule.cards) for seed in range(40)}
    assert chosen == set(rule.cards)


def test_the_deal_is_deterministic_and_the_calm_world_deals_the_same_deck(
    ministerial_scenario: Scenario,
) -> None:
    for seed in (1, 7, 2**63 + 5):
        dealt = deal_deck(ministerial_scenario, seed, 5)
        assert dealt == deal_deck(ministerial_scenario, seed, 5)
        # the baseline's calm copy blanks the controls' effects: the deck must not move
        assert deal_deck(calm(ministerial_scenario), seed, 5) == dealt
        assert Game.new(ministerial_scenario, seed, baseline=False).state.deck == dealt[1]


def test_a_scenario_without_rules_deals_the_plain_shuffle(lite_scenario: Scenario) -> None:
    ids = [c.id for c in lite_scenario.cards if not c.round]
    for seed in range(10):
        assert deal_deck(lite_scenario, seed, lite_scenario.rounds) == shuffled(seed, ids)


def test_a_window_the_shortened_game_never_reaches_binds_nothing(
    ministerial_scenario: Scenario,
) -> None:
    ids = [c.id for c in ministerial_scenario.cards if not c.round]
    # three rounds: round 3 is scripted (Ghana), so no deck round is left in 3..5
    for seed in range(10):
        assert deal_deck(ministerial_scenario, seed, 3) == shuffled(seed, ids)


def test_a_rule_on_the_tiny_board_puts_its_card_in_its_window(
    tiny_dict: dict[str, Any],
) -> None:
    tiny_dict["draw_rules"] = [{"cards": ["ban"], "from_round": 3, "to_round": 3}]
    scenario = parse_scenario(json.dumps(tiny_dict).encode(), require_action=False)
    moved = 0
    for seed in range(30):
        shown = _drawn_rounds(scenario, seed)
        assert shown[3] == "ban" and shown[2] == "boom"
        moved += shuffled(seed, ["boom", "ban"])[1][1] != "ban"
    assert moved  # some seeds shuffled it elsewhere: the rule did the work
