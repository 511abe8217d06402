"""The experiments harness: paired arms differ only in what the experiment changes."""

from __future__ import annotations

import json

import pytest

from game import experiments
from game.effects import ForceControl
from game.engine import Game
from game.scenario import Scenario
from game.simulate import assign, play


def test_a_blank_card_keeps_the_deck_and_drops_only_the_effects(
    ministerial_scenario: Scenario,
) -> None:
    live = experiments.pin_card("china_re_controls", 3, True)(ministerial_scenario)
    blank = experiments.pin_card("china_re_controls", 3, False)(ministerial_scenario)
    assert [c.id for c in live.cards] == [c.id for c in blank.cards]
    (lc,) = [c for c in live.cards if c.id == "china_re_controls"]
    (bc,) = [c for c in blank.cards if c.id == "china_re_controls"]
    assert lc.round == bc.round == 3
    assert any(isinstance(e, ForceControl) for e in lc.effects)
    assert bc.effects == () and bc.prompt is None


def test_cutting_forge_leaves_only_the_chair(ministerial_scenario: Scenario) -> None:
    cut = experiments.cut_forge(ministerial_scenario)
    assert cut.forge.members == (ministerial_scenario.forge.chair,)
    assert [c.id for c in cut.countries if c.forge_member] == [cut.forge.chair]


def test_paired_statistics() -> None:
    pairs = [({"x": 3.0}, {"x": 1.0}), ({"x": 5.0}, {"x": 2.0}), ({"x": None}, {"x": 0.0})]
    out = experiments.paired(pairs, "x")
    assert out["n"] == 2 and out["diff"] == 2.5 and out["se"] == 0.5
    assert out["treatment"] == 4.0 and out["reference"] == 1.5


@pytest.mark.parametrize("name", ["re_control_prepared", "li_floor"])
def test_an_experiment_runs_and_ends_with_a_json_line(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert experiments.main(["--only", name, "--games", "2", "--scenario",
                             "classroom-lite" if name == "li_floor" else "ministerial-2026"]
                            ) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    (res,) = json.loads(last)["experiments"]
    assert res["experiment"] == name and res["games"] == 2
    assert all(m["n"] <= 2 for m in res["measures"].values())
    if name == "re_control_prepared":
        assert res["measures"]["script_failed"]["treatment"] == 0  # the deal was signed


def test_a_pinned_card_comes_up_in_its_round_even_where_another_is_scripted(
    ministerial_scenario: Scenario,
) -> None:
    """ministerial-2026 scripts Ghana's card in round 3 and the control in round 2: pinning
    the control to round 3 swaps them, so the control is the card drawn in round 3."""
    sc = experiments.pin_card("china_re_controls", 3, True)(ministerial_scenario)
    game, _ = play(sc, 1, {s: "passive" for s in sc.seat_ids})
    assert game.state.cards_drawn[2] == "china_re_controls"
    assert "ghana_ewoyaa" in game.state.cards_drawn[:3]


@pytest.mark.parametrize("arm", ["treatment", "reference"])
def test_ghanas_answer_is_the_one_the_arm_scripts(ministerial_scenario: Scenario,
                                                  arm: str) -> None:
    e = experiments.EXPERIMENTS["ghana_local"]
    a = getattr(e, arm)
    seen: list[str] = []

    def on_round(game: Game) -> None:
        seen.extend(p.answer for p in game.state.prompts if p.card == "ghana_ewoyaa")

    def on_phase(game: Game) -> None:
        for r, phase, do in a.script:
            if (game.state.round, game.state.phase) == (r, phase):
                do(game)

    play(ministerial_scenario, 1, assign(ministerial_scenario, "mix", 1, 0),
         on_phase=on_phase, on_round=on_round)
    assert seen and seen[-1] == ("approve_local" if arm == "treatment" else "approve")
