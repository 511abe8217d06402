"""The debrief's scores over rounds (GameState.score_history): one entry per resolved round
for every seat, the last one the final score, and hidden like the scores until the game
ends: no seat or spectator reads anyone's history while the game is on (a person who saw
the others' totals round by round would know who is winning and how)."""

from __future__ import annotations

from typing import Any

import pytest

from game import FACILITATOR, SPECTATOR, Game
from game.actions import Advance, EndGame, Start
from game.bots import act
from game.errors import RuleError
from game.scenario import Scenario
from game.simulate import assign


def _keys(x: Any) -> set[str]:
    """Every key anywhere in a view."""
    if isinstance(x, dict):
        return set(x).union(*(_keys(v) for v in x.values()))
    if isinstance(x, list):
        return set().union(*(_keys(v) for v in x))
    return set()


def _bots_play_phase(game: Game) -> None:
    """One pass of every bot's actions in the current phase (deals make scores move)."""
    for seat in game.state.seats:
        for action in act(game, seat):
            try:
                game.apply(seat, action)
            except RuleError:
                continue


def _no_history_shown(game: Game) -> None:
    for viewer in [*game.state.seats, SPECTATOR]:
        view = game.view(viewer)
        assert "scores" not in view
        assert not {"history", "score_history"} & _keys(view), (viewer, game.state.round)


@pytest.mark.parametrize("name", ["classroom-lite", "ministerial-2026"])
def test_one_entry_per_round_the_last_is_the_final_score(
        name: str, lite_scenario: Scenario, ministerial_scenario: Scenario) -> None:
    scenario = lite_scenario if name == "classroom-lite" else ministerial_scenario
    strategies = assign(scenario, "mix", 3, 0)
    game = Game.new(scenario, 3, controllers={s: f"bot:{strategies[s]}"
                                             for s in scenario.seat_ids})
    game.apply(FACILITATOR, Start())
    st = game.state
    while not game.is_over:
        _no_history_shown(game)
        _bots_play_phase(game)
        if not game.is_over:
            game.apply(FACILITATOR, Advance(st.round, st.phase))
        resolved = len(st.reports)
        assert set(st.score_history) == (set(st.seats) if resolved else set())
        for seat, rows in st.score_history.items():
            assert [r.round for r in rows] == list(range(1, resolved + 1)), seat
            # the newest entry is the score the round's resolution computed
            if resolved and not game.is_over:
                assert rows[-1].total == st.scores[seat].total
                assert rows[-1].parts == st.scores[seat].parts
    assert len(st.reports) == st.rounds
    totals = {seat: [r.total for r in rows] for seat, rows in st.score_history.items()}
    assert len({tuple(t) for t in totals.values()}) > 1  # the seats' lines differ
    for viewer in [*st.seats, SPECTATOR, FACILITATOR]:
        shown = game.view(viewer)["scores"]
        for seat, score in shown.items():
            history = score["history"]
            assert len(history) == st.rounds
            assert history[-1]["total"] == score["total"] == st.scores[seat].total
            assert history[-1]["parts"] == score["parts"]
            assert [h["total"] for h in history] == totals[seat]


def test_an_early_end_keeps_the_rounds_resolved(lite_scenario: Scenario) -> None:
    game = Game.new(lite_scenario, 8)
    game.apply(FACILITATOR, Start())
    _no_history_shown(game)
    game.apply(FACILITATOR, Advance())  # round 1: negotiation -> orders
    game.apply(FACILITATOR, Advance())  # round 1 resolved
    _no_history_shown(game)
    assert all(len(rows) == 1 for rows in game.state.score_history.values())
    game.apply(FACILITATOR, Advance())  # round 2 orders: ended before they resolve
    game.apply(FACILITATOR, EndGame())
    for viewer in (SPECTATOR, "USA"):
        for seat, score in game.view(viewer)["scores"].items():
            assert [h["round"] for h in score["history"]] == [1], seat
