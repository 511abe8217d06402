"""Par (game.par): each country's distance from 100 carries a factor measured from the
scenario itself, so a strong game is worth the same for every country."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from game import par, scoring
from game.engine import Game
from game.scenario import Scenario, load_scenario
from game.simulate import SCENARIO_DIR, scenario_path


def test_a_seat_with_half_the_room_counts_its_points_double() -> None:
    gains = {"A": [10] * 10, "B": [20] * 10, "C": [40] * 10}
    f = par.factors(gains, {"A": 100, "B": 100, "C": 100})
    assert f == {"A": 2000, "B": 1000, "C": 500}


def test_par_is_the_mean_of_a_seats_best_games() -> None:
    """A seat that mostly gains nothing but wins big sometimes is judged by its good games
    (the ones that decide who wins), not by its average."""
    steady = [10] * 10
    lumpy = [0] * 6 + [10] * 4  # the best 40% are the 10s
    f = par.factors({"S": steady, "L": lumpy}, {"S": 100, "L": 100})
    assert f["S"] == f["L"] == 1000


def test_a_seat_that_never_gains_is_moved_alone_to_the_window_edge() -> None:
    """A never gains (its par counts as a 25th of the median: x25); B and C gain alike. The
    5x money window moves the fewest seats the least: A alone, to its edge, not the whole
    table towards A (which gave ten seats of a g20-summit variant x1.0 and Japan 39%)."""
    gains = {"A": [-5] * 10, "B": [20] * 10, "C": [20] * 10}
    f = par.factors(gains, {"A": 100, "B": 100, "C": 100})
    assert f["B"] == f["C"] == 1000
    assert 4900 <= f["A"] <= 5000


def test_two_seats_far_out_at_opposite_ends_both_give_way() -> None:
    """L has a tenth of the others' room (x10), H three times (x0.33), M1-M3 the median:
    30x in all. Every window that keeps M1-M3 where they are moves L and H as much in all;
    the middle one is kept, so neither end takes the whole correction (a ministerial
    variant's China went from x0.52 to x0.73 and won 34% when it did)."""
    gains = {"L": [2] * 10, "H": [60] * 10, "M1": [20] * 10, "M2": [20] * 10, "M3": [20] * 10}
    f = par.factors(gains, {s: 100 for s in gains})
    assert f["M1"] == f["M2"] == f["M3"] == 1000
    assert 4.9 <= f["L"] / f["H"] <= 5
    # H's window edge anywhere from x0.33 (H kept) to x1.0 (the Ms at the top): x0.58
    assert 560 <= f["H"] <= 600


@given(st.dictionaries(st.sampled_from("ABCDEFGH"),
                       st.lists(st.integers(-30, 80), min_size=5, max_size=30),
                       min_size=2),
       st.lists(st.booleans(), min_size=8, max_size=8), st.integers(1, 4000))
# a $M measure of 1 once rounded a seat's $M per +10 points to 0, and the window to nothing
@example({"F": [0, 0, 0, 0, 1], "D": [0] * 5}, [False, False, False, True, False, True,
                                                 False, False], 1)
def test_the_money_per_ten_points_never_differs_more_than_fivefold(
    gains: dict[str, list[int]], counts_money: list[bool], measure: int
) -> None:
    """Before par a $M is worth the same to every seat whose profile weighs prosperity
    (the table's money measure); par may stretch that at most fivefold."""
    money = {s: measure if counts_money[i] else 0 for i, s in enumerate("ABCDEFGH")}
    f = par.factors(gains, money)
    assert set(f) == set(gains) and all(v > 0 for v in f.values())
    per10 = [money[s] * par.UNIT / f[s] for s in f if money[s] > 0]
    if per10:
        assert max(per10) <= 5 * min(per10)


@given(st.integers(-300, 600), st.integers(1, 10_000))
def test_the_factor_only_stretches_the_distance_from_100(total: int, factor: int) -> None:
    out = par.apply(total, factor)
    assert (out < 100) == (total < 100)  # worse than doing nothing stays worse
    assert out <= 100 or total > 100
    assert abs(abs(out - 100) - abs(total - 100) * factor / par.UNIT) < 1
    assert par.apply(100, factor) == 100


def test_games_carry_their_scenarios_par_and_score_with_it(lite_scenario: Scenario) -> None:
    g = Game.new(lite_scenario, 1)
    assert g.state.par == par.factors_of(lite_scenario)
    assert len(set(g.state.par.values())) > 1  # the seats do differ
    assert Game.new(lite_scenario, 1, par={}).state.par == {}


@pytest.mark.parametrize("name", ["classroom-lite", "ministerial-2026", "g20-summit"])
def test_the_stored_par_is_for_the_scenario_as_it_is(name: str) -> None:
    """fixtures/par/ holds each shipped scenario's factors with the digest they were made
    from (the scenario's content and par's version): `python -m game.par --write`."""
    path = scenario_path(name)
    scenario = load_scenario(path)
    doc = json.loads(par.stored_path(path).read_text())
    assert doc["digest"] == par.digest(scenario)
    assert set(doc["factors"]) == set(scenario.seat_ids)


def test_the_stored_par_is_what_the_par_games_give_now() -> None:
    """Recomputed from scratch (the bots and the rules as they are): a change to either
    that moves the factors must refresh fixtures/par/ (`python -m game.par --write`).
    Checked on the quickest shipped board; the others share the procedure."""
    path = SCENARIO_DIR / "classroom-lite.json"
    scenario = load_scenario(path)
    stored = json.loads(par.stored_path(path).read_text())["factors"]
    assert par.compute(scenario) == stored


def test_the_money_worth_ten_points_is_the_table_mean_before_par(
    ministerial_scenario: Scenario,
) -> None:
    mean = sum(c.treasury for c in ministerial_scenario.countries) // len(
        ministerial_scenario.countries)
    for c in ministerial_scenario.countries:
        if c.weights.get("prosperity"):
            assert abs(scoring.money_per_10_points(ministerial_scenario, c.id) - mean) <= 1
            per_10 = scoring.money_per_10_points(ministerial_scenario, c.id, 2000)
            assert abs(per_10 - mean // 2) <= 1
