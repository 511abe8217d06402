"""The experiments harness: paired arms differ only in what the experiment changes."""

from __future__ import annotations

import json

import pytest

from game import experiments
from game.effects import ForceControl
from game.scenario import Scenario


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
