"""Bots: they only take legal actions, replay exactly, always finish a game, use the
strategies' signature moves, and the simulation command's balance table is produced."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.actions import FACILITATOR, Advance, Ready, Start, SubmitOrders
from game.bots import act
from game.bots.advisor import advise
from game.engine import Game
from game.orders import Orders
from game.scenario import Scenario
from game.simulate import NAMES, assign, play, simulate, table

STRATEGY = st.sampled_from(NAMES)


def _controllers(scenario: Scenario, names: list[str]) -> dict[str, str]:
    return {s: names[i % len(names)] for i, s in enumerate(scenario.seat_ids)}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), names=st.lists(STRATEGY, min_size=1, max_size=6))
def test_bots_only_take_legal_actions(lite_scenario: Scenario, seed: int,
                                      names: list[str]) -> None:
    """play() counts every action the engine refuses; a bot bug would show up here."""
    game, refused = play(lite_scenario, seed, _controllers(lite_scenario, names))
    assert refused == 0
    assert game.is_over


def test_every_bot_action_is_listed_or_of_a_listed_kind(lite_scenario: Scenario) -> None:
    game = Game.new(lite_scenario, 3, controllers={s: "bot:cooperative"
                                                   for s in lite_scenario.seat_ids})
    game.apply(FACILITATOR, Start())
    for _ in range(3):
        for seat in lite_scenario.seat_ids:
            legal = game.legal_actions(seat)
            for action in act(game, seat):
                tag = action.__struct_config__.tag
                assert action in legal.actions or tag in legal.kinds
                game.apply(seat, action)
                legal = game.legal_actions(seat)


def test_same_seed_same_final_state(lite_scenario: Scenario) -> None:
    strategies = assign(lite_scenario, "mix", 7, 1)
    a, _ = play(lite_scenario, 42, strategies)
    b, _ = play(lite_scenario, 42, strategies)
    assert a.state_bytes() == b.state_bytes()


def test_a_ministerial_game_of_bots_ends(ministerial_scenario: Scenario) -> None:
    game, refused = play(ministerial_scenario, 5, assign(ministerial_scenario, "mix", 5, 0))
    assert game.is_over and refused == 0
    assert game.state.round == game.state.rounds


def test_cooperative_bots_sign_deals(lite_scenario: Scenario) -> None:
    game, _ = play(lite_scenario, 1, {s: "cooperative" for s in lite_scenario.seat_ids})
    signed = [d for d in game.state.deals.values() if d.status in ("active", "completed")]
    assert len(signed) >= 2


def test_passive_bots_sign_nothing(lite_scenario: Scenario) -> None:
    """Nothing proposed or signed: the frameworks the scenario puts on the board stay
    frameworks."""
    game, _ = play(lite_scenario, 1, {s: "passive" for s in lite_scenario.seat_ids})
    assert all(d.status == "framework" for d in game.state.deals.values())


def test_hawks_use_controls_or_tariffs_sometimes(ministerial_scenario: Scenario) -> None:
    used = 0
    for seed in range(4):
        game, _ = play(ministerial_scenario, seed,
                       {s: "hawk" for s in ministerial_scenario.seat_ids})
        used += sum(1 for s in game.state.seats.values()
                    if s.policy.controls or s.policy.tariffs)
    assert used > 0


def test_hawks_ask_for_exclusivity(ministerial_scenario: Scenario) -> None:
    game, _ = play(ministerial_scenario, 1, {s: "hawk" for s in ministerial_scenario.seat_ids})
    kinds = {c.__struct_config__.tag for d in game.state.deals.values() for c in d.clauses}
    assert "exclusivity" in kinds


def test_cooperative_answers_its_prompts(lite_scenario: Scenario) -> None:
    """The rare-earth controls card opens prompts; a cooperative bot answers rather than
    letting them default."""
    game, _ = play(lite_scenario, 1, {s: "cooperative" for s in lite_scenario.seat_ids})
    assert any(p.status == "answered" for p in game.state.prompts)


def test_bot_reads_only_its_view() -> None:
    """The strategies take (view, legal, seed); none of them is handed the Game."""
    import inspect

    from game.bots.strategies import STRATEGIES

    for fn in STRATEGIES.values():
        assert list(inspect.signature(fn).parameters) == ["view", "legal", "seed"]


def test_bot_ends_its_turn_ready(lite_scenario: Scenario) -> None:
    game = Game.new(lite_scenario, 2, controllers={s: "bot:passive"
                                                   for s in lite_scenario.seat_ids})
    game.apply(FACILITATOR, Start())
    assert act(game, lite_scenario.seat_ids[0]) == [Ready()]


def test_advisor_gives_reasons(lite_scenario: Scenario) -> None:
    game = Game.new(lite_scenario, 1, controllers={"CHN": "bot:cooperative"})
    game.apply(FACILITATOR, Start())
    for action in act(game, "CHN"):
        game.apply("CHN", action)
    advice = advise(game, "AUS")
    assert advice["seat"] == "AUS"
    assert advice["proposal"] is None or advice["proposal"]["reason"]
    for offer in advice["offers"]:
        assert isinstance(offer["accept"], bool) and offer["reason"]
    game.apply(FACILITATOR, Advance(game.state.round, game.state.phase))
    advice = advise(game, "AUS")
    assert advice["orders"]["reason"]
    assert all(line for line in advice["orders"]["lines"])
    json.dumps(advice)  # JSON-ready, for the server to record
    game.apply("AUS", SubmitOrders(msgspec.convert(advice["orders"]["orders"], Orders)))


def test_advisor_offers_match_the_table(lite_scenario: Scenario) -> None:
    game = Game.new(lite_scenario, 1, controllers={"USA": "bot:cooperative"})
    game.apply(FACILITATOR, Start())
    for action in act(game, "USA"):
        game.apply("USA", action)
    offered = {d.recipient for d in game.state.deals.values() if d.status == "proposed"}
    for seat in offered:
        advice = advise(game, seat)
        ids = {o["deal"] for o in advice["offers"]}
        assert ids == {d.id for d in game.state.deals.values()
                       if d.status == "proposed" and d.recipient == seat}


def test_balance_table_is_produced(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    summary = simulate("classroom-lite", 6, 1, "mix", jobs=1, out=out)
    data = json.loads(out.read_text())
    assert {"games", "seats", "strategies", "world"} <= set(data)
    assert data["games"] == 6
    assert sum(s["win_rate"] for s in data["seats"].values()) == pytest.approx(1.0, abs=1e-3)
    for s in data["seats"].values():
        assert {"win_rate", "mean_score", "parts"} <= set(s)
    for s in data["strategies"].values():
        assert {"win_rate", "mean_score"} <= set(s)
    assert out.with_suffix(".csv").read_text().startswith("game,seed,seat,strategy,total")
    text = table(summary)
    assert "win%" in text and "cooperative" in text
    assert data["bot_errors"] == 0


def test_simulation_output_is_byte_identical(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    simulate("classroom-lite", 3, 9, "mix", out=a)
    simulate("classroom-lite", 3, 9, "mix", jobs=2, out=b)
    assert a.read_bytes() == b.read_bytes()
    assert a.with_suffix(".csv").read_bytes() == b.with_suffix(".csv").read_bytes()


def test_mix_gives_every_seat_every_strategy(lite_scenario: Scenario) -> None:
    seen: dict[str, set[str]] = {s: set() for s in lite_scenario.seat_ids}
    for i in range(9):
        for seat, name in assign(lite_scenario, "mix", 1, i).items():
            seen[seat].add(name)
    assert all(v == set(NAMES) for v in seen.values())



def test_a_floor_makes_refining_at_home_pay_for_a_member_with_spare_ore(
    ministerial_scenario: Scenario,
) -> None:
    """Australia mines far more lithium than it refines. At spot, a refinery does not repay
    its cost within the game; valued at a club floor, it does, and the higher the floor the
    more of its spare ore the bot would refine (the advisor uses the same orders)."""
    from game.bots.common import Ctx
    from game.bots.orders import _pays_back

    def worth_building(floor_pct: int) -> int:
        g = Game.new(ministerial_scenario, 3, baseline=False,
                     controllers={"AUS": "bot:cooperative"})
        g.apply(FACILITATOR, Start())
        if floor_pct:
            g.state.forge.floors["lithium:refined"] = 15 * floor_pct // 100
        g.apply(FACILITATOR, Advance())  # to the orders phase
        return _pays_back(Ctx(g.view("AUS"), 3, "cooperative"), "lithium")

    assert worth_building(0) == 0 < worth_building(120) < worth_building(150)
