"""Equal highest totals share the win (rules.md §9): in the game's end event, in the
debrief's places and in the simulator's win rates, never settled by the seat order."""

from __future__ import annotations

from game.actions import FACILITATOR, Advance, Start
from game.engine import Game
from game.event import Event
from game.scenario import Scenario
from game.scoring import ranking, winners
from game.simulate import _share, _strategy_summary
from tests.engine.conftest import play_out


def test_a_table_that_did_nothing_ends_level_and_every_seat_shares_the_win(
    lite_scenario: Scenario,
) -> None:
    game = Game.new(lite_scenario, 1)
    game.apply(FACILITATOR, Start())
    events: list[Event] = []
    while game.state.phase != "ended":
        events += game.apply(FACILITATOR, Advance())
    totals = {s: sc.total for s, sc in game.state.scores.items()}
    top = max(totals.values())
    tied = [s for s in game.state.seats if totals[s] == top]
    assert len(tied) >= 2  # the no-deal game is the reference: nobody beats it
    assert winners(game) == tied
    assert ranking(game)[: len(tied)] == tied  # listed in seat order, one place
    over = next(e for e in events if e.kind == "game_over")
    assert over.data["winners"] == tied
    assert all(s in over.text for s in tied)


def test_a_single_highest_total_wins_alone(lite_scenario: Scenario) -> None:
    game = play_out(Game.new(lite_scenario, 1))
    first = ranking(game)[-1]  # the seat listed last among the lowest: give it the top
    scores = game.state.scores
    scores[first].total = max(s.total for s in scores.values()) + 1
    assert winners(game) == [first]


def test_the_simulator_counts_a_tie_as_a_shared_win() -> None:
    results = [
        {"winners": ["A", "B"], "strategies": {"A": "hawk", "B": "passive", "C": "hawk"},
         "totals": {"A": 110, "B": 110, "C": 90}},
        {"winners": ["C"], "strategies": {"A": "hawk", "B": "passive", "C": "hawk"},
         "totals": {"A": 100, "B": 95, "C": 120}},
    ]
    assert [_share(results[0], s) for s in "ABC"] == [0.5, 0.5, 0]
    summary = _strategy_summary(results)
    assert summary["passive"]["games_won"] == 0.5
    assert summary["hawk"]["games_won"] == 1.5
    assert summary["passive"]["win_rate"] == 0.25  # half a win in its 2 games
