"""The `*_alone` control experiments compare the control with a world without it: China never
plays the hawk there, since a hawk China sets its own rare-earth controls on every target that
has signed nothing from round 1, in both arms, so in a third of the games the blank arm was not
a world without the control and the card changed nothing (an unprepared target's loss was
diluted by a third, a prepared one's was not: the hawk spares any seat with a deal)."""

from __future__ import annotations

import pytest

from game import experiments, par
from game.engine import Game
from game.scenario import Scenario
from game.simulate import assign, game_seed, play

RE = "rare_earths"
ALONE = [n for n in experiments.EXPERIMENTS if n.startswith("re_control_alone")]


def _hawk_china_games(sc: Scenario, n: int = 12) -> list[int]:
    return [i for i in range(n) if assign(sc, "mix", 1, i)["CHN"] == "hawk"]


@pytest.mark.parametrize("name", ALONE)
def test_china_never_plays_the_hawk_alone_and_the_rest_keep_the_rotation(
    ministerial_scenario: Scenario, name: str,
) -> None:
    e = experiments.EXPERIMENTS[name]
    hawk_games = _hawk_china_games(ministerial_scenario)
    assert hawk_games  # the rotation does deal China the hawk
    for arm in (e.treatment, e.reference):
        for i in range(12):
            mix = assign(ministerial_scenario, "mix", 1, i)
            got = experiments.strategies_of(ministerial_scenario, arm, 1, i)
            assert got["CHN"] == ("cooperative" if i in hawk_games else mix["CHN"])
            assert all(got[s] == "passive" for s in experiments.TARGETS)
            assert all(got[s] == mix[s] for s in mix if s not in (*experiments.TARGETS, "CHN"))


def test_mixed_control_experiments_keep_a_hawk_china(ministerial_scenario: Scenario) -> None:
    e = experiments.EXPERIMENTS["re_control"]
    i = _hawk_china_games(ministerial_scenario)[0]
    assert experiments.strategies_of(ministerial_scenario, e.reference, 1, i)["CHN"] == "hawk"


def _re_controls_on_targets(game: Game) -> list[int]:
    """Rounds in which some control on refined rare earths named a target."""
    out = []
    for rep in game.state.reports:
        for rows in rep.public["controls"].values():
            if any(c["mineral"] == RE and set(c["targets"]) & set(experiments.TARGETS)
                   for c in rows):
                out.append(rep.round)
                break
    return out


def test_alone_the_blank_arm_has_no_control_and_the_live_arm_only_the_cards(
    ministerial_scenario: Scenario,
) -> None:
    """In a game where the rotation deals China the hawk: without the rule, the blank arm
    has China's own control in every round (checked, so the test can fail)."""
    e = experiments.EXPERIMENTS["re_control_alone"]
    i = _hawk_china_games(ministerial_scenario)[0]

    def rounds(arm: experiments.Arm, strategies: dict[str, str]) -> list[int]:
        sc = ministerial_scenario
        for tf in arm.transforms:
            sc = tf(sc)
        game, _ = play(sc, game_seed(1, i), strategies,
                       par=par.of(ministerial_scenario))
        return _re_controls_on_targets(game)

    blank, live = e.reference, e.treatment
    assert rounds(blank, experiments.strategies_of(ministerial_scenario, blank, 1, i)) == []
    assert rounds(live, experiments.strategies_of(ministerial_scenario, live, 1, i)) == [3, 4]
    hawk = {**assign(ministerial_scenario, "mix", 1, i), **blank.bots}
    assert rounds(blank, hawk) == [1, 2, 3, 4, 5]
