"""The experiments harness: paired arms differ only in what the experiment changes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from game import experiments, par
from game.effects import ForceControl
from game.engine import Game
from game.scenario import Scenario
from game.simulate import assign, play
from game.state import Pending


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
    game, _ = play(sc, 1, {s: "passive" for s in sc.seat_ids}, par=par.NONE)  # no par games
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


def _played(sc: Scenario, arm: experiments.Arm, index: int = 0) -> Game:
    """One game of an arm as play_arm plays it (transforms, bots, script), returned whole."""
    strategies = experiments.strategies_of(sc, arm, 1, index)
    factors = par.of(sc)  # the experiment's own scenario's, as play_arm uses
    for tf in arm.transforms:
        sc = tf(sc)
    scripted = {(r, ph): do for r, ph, do in arm.script}

    def on_phase(game: Game) -> None:
        do = scripted.pop((game.state.round, game.state.phase), None)
        if do is not None:
            do(game)

    game, _ = play(sc, index + 1, strategies, on_phase=on_phase, setup=arm.setup,
                   par=factors)
    return game


SIGNED = ("active", "completed", "breached", "upgraded")


@pytest.mark.parametrize("name", ["re_control_alone", "re_control_alone_prepared_jpn"])
def test_an_unprepared_target_signs_nothing_the_harness_did_not_script(
    ministerial_scenario: Scenario, name: str,
) -> None:
    """The targets' bots would sign the frameworks on the board (US-Australia with a supply
    deal), so an 'unprepared' target was prepared by its bot; alone, they play passive, in
    both arms, and the only deal a target has is the one the prepared arm scripts."""
    e = experiments.EXPERIMENTS[name]
    for arm in (e.treatment, e.reference):
        assert all(arm.bots[s] == "passive" for s in experiments.TARGETS)
        for index in range(3):  # the mix's China: cooperative, hawk (cooperative here), passive
            game = _played(ministerial_scenario, arm, index)
            signed = [d for d in game.state.deals.values() if d.status in SIGNED
                      and {d.a, d.b} & set(experiments.TARGETS)]
            if name == "re_control_alone":
                assert signed == []
            else:
                assert [sorted((d.a, d.b)) for d in signed] == [["AUS", "JPN"]]


def test_capacity_at_the_end_counts_what_is_being_built(
    ministerial_scenario: Scenario,
) -> None:
    """Prosperity counts a plant at its cost, arrived or not: the lithium-floor measure of
    capacity at the end counts refining paid for and still being built (or queued for
    commissioning), and reports what already runs beside it."""
    rec = experiments._Recorder()
    game, _ = play(ministerial_scenario, 1, {s: "passive" for s in ministerial_scenario.seat_ids},
                   on_round=rec)
    before = experiments.measure(game, rec, ministerial_scenario)
    game.state.pending.append(Pending(seat="AUS", mineral="lithium", kind="refine", delta=3,
                                      due_round=game.state.rounds + 1))
    game.state.pending.append(Pending(seat="CHN", mineral="lithium", kind="refine", delta=5,
                                      due_round=game.state.rounds + 1))
    after = experiments.measure(game, rec, ministerial_scenario)
    assert after["out_china_li_refine_running"] == before["out_china_li_refine_running"]
    assert after["out_china_li_refine_capacity"] == before["out_china_li_refine_capacity"] + 3


def test_both_arms_score_with_the_experiments_own_par_factors(
    ministerial_scenario: Scenario, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Par is measured from a scenario's content: a blanked card would give the blank arm its
    own factors, and the bots, pricing a $M from them, would play differently in the two arms.
    Both arms' games carry the factors the experiment passes (the shipped scenario's)."""
    seen: list[dict[str, int]] = []
    real = experiments.play

    def spy(*args: Any, **kw: Any) -> tuple[Game, int]:
        game, errors = real(*args, **kw)
        seen.append(dict(game.state.par))
        return game, errors

    monkeypatch.setattr(experiments, "play", spy)
    factors = {s: 900 + 10 * i for i, s in enumerate(ministerial_scenario.seat_ids)}
    e = experiments.EXPERIMENTS["re_control_alone"]
    for arm in (e.treatment, e.reference):
        experiments.play_arm(ministerial_scenario, arm, 1, 0, par.Par(factors))
    assert seen == [factors, factors]
