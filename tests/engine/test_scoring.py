"""Scores: raw parts, scaling against the no-deal baseline, objectives, ranking, world outcome."""

from __future__ import annotations

import pytest

from game import par, scoring
from game.actions import FACILITATOR, Advance, Start
from game.clauses import Payment, Supply
from game.effects import ForceControl
from game.engine import Game
from game.scenario import Objective, Scenario
from game.state import Score, Seat
from tests.engine.conftest import negotiation_phase, orders_phase, play_out, sign


def seat_of(game: Game, seat: str) -> Seat:
    return game.state.seats[seat]


# ---- scaling -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "base", "scale", "expected"),
    [
        (1000, 1000, 1000, 100),  # as good as doing nothing
        (2000, 1000, 1000, 200),  # twice as good
        (500, 1000, 1000, 50),
        (9000, 1000, 1000, 300),  # clamped
        (-5000, 1000, 1000, 0),
        (20, 10, 1000, 101),  # the scale, not the size of the baseline, sets the step
        (0, -2000, 1000, 300),  # clamped
    ],
)
def test_part_score_scales_against_the_baseline(raw: int, base: int, scale: int,
                                                expected: int) -> None:
    assert scoring.part_score(raw, base, scale) == expected


@pytest.mark.parametrize("name", ["ministerial_scenario", "lite_scenario"])
def test_the_money_worth_ten_points_differs_at_most_fivefold(
    name: str, request: pytest.FixtureRequest
) -> None:
    """Fair by construction: the $M that move a total by +10 points come from a table-wide
    money measure (starting treasury within half to twice the table's mean), never from a
    seat's own baseline, and the par factors (game.par) are held so that, with them, they
    still differ across seats by at most 5x."""
    scenario: Scenario = request.getfixturevalue(name)
    factors = par.of(scenario)
    per_10 = [scoring.money_per_10_points(scenario, c.id, par.money_factor(factors, c.id))
              for c in scenario.countries if c.weights.get("prosperity")]
    assert min(per_10) > 0 and max(per_10) <= 5 * min(per_10)
    for c in scenario.countries:
        scales = scoring.part_scales(scenario, c.id)
        assert {k: v for k, v in scales.items() if k != "prosperity"} == scoring.PART_SCALE


def test_objective_points_are_the_same_for_every_seat(ministerial_scenario: Scenario) -> None:
    for c in ministerial_scenario.countries:
        points = scoring.objective_points(c)
        assert sum(points.values()) == scoring.OBJECTIVE_POINTS
        assert set(points) == {o.id for o in c.objectives}


# ---- raw parts -----------------------------------------------------------------------------
def test_prosperity_is_treasury_gain_which_already_holds_output(tiny_game: Game) -> None:
    use = seat_of(tiny_game, "USE")
    use.treasury = 560
    use.stats.output_value = 90  # paid into the treasury by industry, not counted twice
    assert scoring.prosperity(use) == 60


def test_security_is_demand_met_less_a_quarter_of_the_exposed_demand(
    tiny_game: Game,
) -> None:
    use = seat_of(tiny_game, "USE")
    use.stats.demand_by = {"li": 6, "re": 4}
    use.stats.shortage = {"li": [1, 1], "re": [0, 0]}  # 8 of 10 lots met
    use.stats.sources = {"li": {"REF": 4, "ROW": 2}, "re": {"REF": 2, "MIN": 2}}
    # nothing secured ahead of the market: all of the demand is exposed
    assert scoring.security(use) == 8000 - 10000 // 4
    # deals: from MIN they count; from REF, the largest supplier, they do not
    use.stats.secured = {"re": {"MIN": 2, "REF": 2}}
    use.stats.refined_out = {"li": 1}  # own refining counts
    assert scoring.security(use) == 8000 - (7 * 10000 // 10) // 4


def test_a_cut_off_does_not_flatter_security(tiny_game: Game) -> None:
    """Buying less from the seat that cut you off lowers no measure of exposure."""
    use = seat_of(tiny_game, "USE")
    use.stats.demand_by = {"li": 10}
    use.stats.shortage = {"li": [0]}
    use.stats.sources = {"li": {"REF": 8, "ROW": 2}}
    before = scoring.security(use)
    use.stats.shortage = {"li": [4]}
    use.stats.sources = {"li": {"REF": 4, "ROW": 2}}
    assert scoring.security(use) == before - 4000


def test_the_rest_of_the_world_is_not_a_single_supplier(tiny_game: Game) -> None:
    use = seat_of(tiny_game, "USE")
    use.stats.sources = {"li": {"ROW": 9, "REF": 1}}
    assert scoring.largest_supplier(use) == "REF"
    use.stats.sources = {"li": {"ROW": 9}}
    assert scoring.largest_supplier(use) == ""


def test_no_demand_counts_as_fully_met(tiny_game: Game) -> None:
    assert scoring.security(seat_of(tiny_game, "MIN")) == 10000


def test_sustainability_is_traceable_trade_weighted_by_the_clause_level(
    tiny_game: Game,
) -> None:
    use = seat_of(tiny_game, "USE")
    use.stats.standard_sum = 6  # the standard alone scores nothing
    assert scoring.sustainability(use) == 0
    use.stats.traded, use.stats.traceable = 6, 3 * 3  # 3 of 6 lots under a level-3 clause
    assert scoring.sustainability(use) == 5000
    use.stats.traceable = 3 * 1  # the same lots under a level-1 clause count a third
    assert scoring.sustainability(use) == 5000 // 3


def test_reputation_counts_a_thousand_a_point(tiny_game: Game) -> None:
    assert scoring.reputation(seat_of(tiny_game, "USE")) == 5000


# ---- objectives ----------------------------------------------------------------------------
def obj(**kw: object) -> Objective:
    return Objective(id="o", text="", **kw)  # type: ignore[arg-type]


def test_max_import_share_is_judged_on_supply_secured_outside_the_other(
    tiny_game: Game,
) -> None:
    use = seat_of(tiny_game, "USE")
    o = obj(kind="max_import_share", mineral="li", other="REF", share_bp=5000)
    assert scoring.objective_met(tiny_game, use, o)  # nothing needed yet
    use.stats.demand_by = {"li": 10}
    use.stats.sources = {"li": {"ROW": 10}}  # bought on the spot market: nothing secured
    assert not scoring.objective_met(tiny_game, use, o)
    use.stats.secured = {"li": {"REF": 9, "MIN": 4}}  # deals: only MIN's count
    use.stats.refined_out = {"li": 1}  # own refining counts
    assert scoring.objective_met(tiny_game, use, o)
    use.stats.secured = {"li": {"REF": 9, "MIN": 3}}
    assert not scoring.objective_met(tiny_game, use, o)


def test_security_weighs_lots_by_their_value(tiny_game: Game) -> None:
    use = seat_of(tiny_game, "USE")
    use.stats.demand_by = {"li": 10, "re": 10}
    use.stats.shortage = {"li": [0], "re": [5]}
    use.stats.refined_out = {"li": 10, "re": 10}  # all secured at home: nothing exposed
    assert scoring.security(use) == 7500  # 15 of 20 lots
    # a rare-earth lot is worth 9 lithium lots: the 5 short are 450 of 1,000 value
    assert scoring.security(use, {"li": 10, "re": 90}) == 10000 - 10000 * 450 // 1000


def test_home_refining_share(tiny_game: Game) -> None:
    m = seat_of(tiny_game, "MIN")
    o = obj(kind="home_refining_share", mineral="li", share_bp=3000)
    assert not scoring.objective_met(tiny_game, m, o)  # nothing mined
    m.stats.mined, m.stats.refined_home = {"li": 10}, {"li": 3}
    assert scoring.objective_met(tiny_game, m, o)
    m.stats.refined_home = {"li": 2}
    assert not scoring.objective_met(tiny_game, m, o)


def test_world_refining_share(tiny_game: Game) -> None:
    ref, use = seat_of(tiny_game, "REF"), seat_of(tiny_game, "USE")
    o = obj(kind="world_refining_share", mineral="li", share_bp=7000)
    assert not scoring.objective_met(tiny_game, ref, o)
    ref.stats.refined_out, use.stats.refined_out = {"li": 7}, {"li": 3}
    assert scoring.objective_met(tiny_game, ref, o)
    use.stats.refined_out = {"li": 4}
    assert not scoring.objective_met(tiny_game, ref, o)


def test_no_shortage(tiny_game: Game) -> None:
    use = seat_of(tiny_game, "USE")
    o = obj(kind="no_shortage", mineral="re")
    use.stats.shortage = {"re": [0, 0]}
    assert scoring.objective_met(tiny_game, use, o)
    use.stats.shortage = {"re": [0, 1]}
    assert not scoring.objective_met(tiny_game, use, o)


def test_treasury_gain_and_forge_member(tiny_game: Game) -> None:
    use = seat_of(tiny_game, "USE")
    gain = obj(kind="treasury_gain", amount=50)
    assert not scoring.objective_met(tiny_game, use, gain)
    use.treasury += 50
    assert scoring.objective_met(tiny_game, use, gain)
    assert scoring.objective_met(tiny_game, use, obj(kind="forge_member"))
    assert not scoring.objective_met(tiny_game, seat_of(tiny_game, "REF"),
                                     obj(kind="forge_member"))


def test_signed_deal_needs_the_mineral_and_a_wanted_clause(tiny_scenario: Scenario) -> None:
    g = negotiation_phase(tiny_scenario)
    o = obj(kind="signed_deal", mineral="li", clauses=("supply",))
    use = seat_of(g, "USE")
    sign(g, "USE", "REF", Payment(payer="USE", payee="REF", amount=1))
    sign(g, "USE", "REF", Supply(seller="REF", buyer="USE", mineral="re", form="refined",
                                 qty=1, price=1))
    assert not scoring.objective_met(g, use, o)
    deal = sign(g, "USE", "REF", Supply(seller="REF", buyer="USE", mineral="li",
                                        form="refined", qty=1, price=1))
    assert scoring.objective_met(g, use, o)
    deal.status = "cancelled"
    assert not scoring.objective_met(g, use, o)
    deal.status = "breached"
    assert scoring.objective_met(g, use, o)


# ---- totals, baseline, ranking -------------------------------------------------------------
def test_total_is_the_weighted_mean_plus_bonuses(tiny_game: Game) -> None:
    st = tiny_game.state
    use = st.seats["USE"]
    use.stats.shortage = {"re": [0]}
    st.baseline = {sid: [scoring.raw_parts(s)] for sid, s in st.seats.items()}
    use.reputation = 10  # reputation has no weight for USE
    scoring.update_scores(tiny_game)
    score = st.scores["USE"]
    assert score.parts == {"prosperity": 100, "security": 100, "sustainability": 100,
                           "reputation": 200}
    # use_ref (nothing imported) and use_short are met, use_deal is not
    assert score.objectives == {"use_ref": True, "use_short": True, "use_deal": False}
    points = scoring.objective_points(tiny_game.scenario.country("USE"))
    assert points == {"use_ref": 12, "use_short": 12, "use_deal": 6}  # 30 shared 20:20:10
    assert score.total == 100 + 12 + 12


def test_doing_nothing_scores_one_hundred_in_every_part(tiny_scenario: Scenario,
                                                       lite_scenario: Scenario) -> None:
    for scenario in (scoring.calm(tiny_scenario), scoring.calm(lite_scenario)):
        g = play_out(Game.new(scenario, 5))
        for score in g.state.scores.values():
            assert set(score.parts.values()) == {100}


def test_an_unprepared_target_of_a_control_scores_below_the_calm_baseline(
    lite_scenario: Scenario,
) -> None:
    """classroom-lite's round-2 card forces China's rare-earth control on the US, Japan and
    the EU; the baseline is the world without it, so doing nothing through it costs them."""
    g = play_out(Game.new(lite_scenario, 5))
    card = next(c for c in lite_scenario.cards if c.id == "china_re_controls")
    targets = next(e for e in card.effects if isinstance(e, ForceControl)).targets
    short = [t for t in targets if sum(g.state.seats[t].stats.shortage["rare_earths"])]
    assert short
    for t in short:
        assert g.state.scores[t].parts["security"] < 100


def test_baseline_is_the_raw_parts_of_a_default_game_without_forced_controls(
    lite_scenario: Scenario,
) -> None:
    """The better, part by part, of the calm no-deal game and the no-deal game as dealt."""
    baseline = scoring.compute_baseline(lite_scenario, 3, lite_scenario.rounds)
    calm_game = play_out(Game.new(scoring.calm(lite_scenario), 3, baseline=False))
    dealt = play_out(Game.new(lite_scenario, 3, baseline=False))
    values = scoring.output_values(lite_scenario)
    for sid, parts in baseline.items():
        stock = scoring.stock_basis(lite_scenario, sid)
        a = scoring.raw_parts(calm_game.state.seats[sid], values, stock)
        b = scoring.raw_parts(dealt.state.seats[sid], values, stock)
        assert {k: v for k, v in parts[-1].items() if k in a} == \
            {k: max(a[k], b[k]) for k in a if k != "prosperity"}
        # prosperity keeps each world's own, chosen once the game's prices are known: a
        # world revalued at its own prices is itself
        assert (parts[-1]["@0:prosperity"], parts[-1]["@1:prosperity"]) == \
            (a["prosperity"], b["prosperity"])
        for world, own in ((calm_game, a), (dealt, b)):
            prices = scoring.spot_prices(world, sid)
            revalued = scoring.revalued_prosperity(parts[-1], prices)["prosperity"]
            assert revalued >= own["prosperity"]
        assert all(parts[-1][f"obj:{o.id}"] == 0
                   for o in lite_scenario.country(sid).objectives)
    assert all(len(parts) == lite_scenario.rounds for parts in baseline.values())
    assert baseline == scoring.compute_baseline(lite_scenario, 3, lite_scenario.rounds)
    calm = scoring.calm(lite_scenario)
    assert [c.id for c in calm.cards] == [c.id for c in lite_scenario.cards]
    assert not any(isinstance(e, ForceControl) for c in calm.cards for e in c.effects)


def test_mid_game_scores_compare_with_the_baseline_at_the_same_round(
    lite_scenario: Scenario,
) -> None:
    g = Game.new(lite_scenario, 3)
    g.apply(FACILITATOR, Start())
    g.apply(FACILITATOR, Advance())
    g.apply(FACILITATOR, Advance())  # one default round resolved
    assert len(g.state.reports) == 1
    assert all(set(s.parts.values()) == {100} for s in g.state.scores.values())


def test_new_game_carries_its_baseline(tiny_scenario: Scenario) -> None:
    g = Game.new(tiny_scenario, 1, rounds=2)
    assert set(g.state.baseline) == {"MIN", "REF", "USE"}
    assert g.state.baseline == scoring.compute_baseline(tiny_scenario, 1, 2)


def test_ranking_by_total_then_seat_order(tiny_game: Game) -> None:
    tiny_game.state.scores = {
        "MIN": Score({}, {}, 120), "REF": Score({}, {}, 150), "USE": Score({}, {}, 120)
    }
    assert scoring.ranking(tiny_game) == ["REF", "MIN", "USE"]


def test_world_outcome_sums_the_table(tiny_scenario: Scenario) -> None:
    g = play_out(orders_phase(tiny_scenario))
    out = scoring.world_outcome(g)
    seats = g.state.seats.values()
    demand = sum(s.stats.demand for s in seats)
    assert out["demand_met_bp"] == sum(s.stats.met for s in seats) * 10000 // demand
    assert out["output_value"] == sum(s.stats.output_value for s in seats)
    assert out["prices"] == g.state.prices
    assert len(out["shortages"]["li"]) == tiny_scenario.rounds
    assert sum(out["shortages"]["li"]) == sum(sum(s.stats.shortage["li"]) for s in seats)


# ---- fair by construction: doing nothing, the standard, the loader -------------------------
@pytest.mark.parametrize("name", ["ministerial_scenario", "lite_scenario"])
def test_an_all_passive_table_scores_at_most_100_and_meets_nothing(
    name: str, request: pytest.FixtureRequest
) -> None:
    scenario: Scenario = request.getfixturevalue(name)
    for seed in (1, 2):
        g = play_out(Game.new(scenario, seed))
        for score in g.state.scores.values():
            assert max(score.parts.values()) <= 100
            assert not any(score.objectives.values())


def test_standard_three_alone_lowers_or_keeps_the_total(ministerial_scenario: Scenario) -> None:
    """Raising the standard costs 2% of production value per step each round and scores
    nothing by itself: it pays only through traceable trade and FORGE."""
    from game.actions import SubmitOrders
    from game.orders import Orders

    for seat in ("COD", "IDN", "USA", "CHN"):  # standards 0, 0, 2, 1
        plain = play_out(Game.new(ministerial_scenario, 4, rounds=1))

        def raise_it(g: Game, seat: str = seat) -> None:
            g.apply(seat, SubmitOrders(Orders(env_standard=3)))

        raised = play_out(Game.new(ministerial_scenario, 4, rounds=1), raise_it)
        assert raised.state.scores[seat].total <= plain.state.scores[seat].total
        produces = ministerial_scenario.country(seat).minerals.values()
        if any(cm.mine or cm.refine for cm in produces):
            assert raised.state.seats[seat].treasury < plain.state.seats[seat].treasury


def test_standard_three_alone_gains_nothing_even_where_money_counts_least(
    ministerial_scenario: Scenario,
) -> None:
    """Where the money window sets a seat's money apart (game.par), its other points may
    count far more than its money; the standard still cannot buy points with money, as it
    adds no other point on its own. The most lopsided factors par can give: money x0.04,
    the rest x25."""
    from game.actions import SubmitOrders
    from game.orders import Orders

    for seat in ("COD", "IDN", "USA", "CHN"):
        lopsided = par.Par({seat: par.MAX_FACTOR}, {seat: par.MIN_FACTOR})
        plain = play_out(Game.new(ministerial_scenario, 4, rounds=1, par=lopsided))

        def raise_it(g: Game, seat: str = seat) -> None:
            g.apply(seat, SubmitOrders(Orders(env_standard=3)))

        raised = play_out(Game.new(ministerial_scenario, 4, rounds=1, par=lopsided), raise_it)
        assert raised.state.scores[seat].total <= plain.state.scores[seat].total
        ours = {p: v for p, v in raised.state.scores[seat].parts.items() if p != "prosperity"}
        assert ours == {p: v for p, v in plain.state.scores[seat].parts.items()
                        if p != "prosperity"}


def test_the_loader_refuses_an_objective_met_by_doing_nothing(tiny_dict: dict[str, object],
                                                             ) -> None:
    import json

    from game.errors import ScenarioError
    from game.scenario import parse_scenario

    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(tiny_dict))
    assert "countries[" in info.value.message and ".objectives[" in info.value.message
    assert "no-deal" in info.value.message


def test_a_market_with_no_trade_records_no_price(tiny_scenario: Scenario) -> None:
    g = play_out(orders_phase(tiny_scenario))
    st = g.state
    seen = 0
    for report in st.reports:
        for key, price in report.public["prices"].items():
            assert (price == 0) == (report.public["volumes"][key] == 0)
            seen += price == 0
    assert seen  # the tiny board has markets nobody trades in


# ---- the debrief's breakdown ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["classroom-lite", "ministerial-2026"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_breakdown_adds_up_to_every_part_over_whole_bot_games(name: str, seed: int) -> None:
    """Every seat's items add up to each part minus 100 and to the objective bonus; money is
    fully accounted for (no `other` in prosperity), and deals name the partner."""
    from game.scenario import load_scenario
    from game.simulate import assign, play, scenario_path
    from game.views import view

    sc = load_scenario(scenario_path(name))
    g, errors = play(sc, seed, assign(sc, "mix", seed, 0))
    assert errors == 0
    scores = view(g, "spectator")["scores"]
    for sid, s in scores.items():
        bd = s["breakdown"]
        assert set(bd) == {*s["parts"], "objectives", "par"}
        for part, points in s["parts"].items():
            assert sum(i["points"] for i in bd[part]) == points - 100, (sid, part, bd[part])
            assert all(i["points"] for i in bd[part])
            rounding = [i["points"] for i in bd[part] if i["source"] == "rounding"]
            assert all(abs(p) <= len(bd[part]) for p in rounding)
        assert not any(i["source"] == "other" for i in bd["prosperity"])
        weights = sc.country(sid).weights
        w = sum(weights.get(p, 0) for p in s["parts"])
        weighted = sum(weights.get(p, 0) * v for p, v in s["parts"].items()) // w
        unscaled = weighted + sum(i["points"] for i in bd["objectives"])
        # the par item takes the rest: what the seat's factor did to the distance from 100
        assert unscaled + sum(i["points"] for i in bd["par"]) == s["total"]
        assert s["total"] == par.apply(unscaled, s["par"]) and s["par"] == g.state.par[sid]
        assert all(i["points"] and i["factor"] == s["par"] for i in bd["par"])
        for item in bd["prosperity"] + bd["sustainability"]:
            if item["source"] == "deal":
                d = g.state.deals[item["deal"]]
                assert sid in (d.a, d.b) and item["partner"] == d.other(sid)


def test_the_breakdown_names_a_deals_money_and_a_breach(tiny_scenario: Scenario) -> None:
    """A payment under a deal shows as that deal's prosperity item for both parties; a
    breach as a reputation item; only once the game has ended."""
    from game.views import view

    g = Game.new(tiny_scenario, 1)
    g.apply(FACILITATOR, Start())
    deal = sign(g, "REF", "USE", Payment(payer="REF", payee="USE", amount=100),
                Supply(seller="REF", buyer="USE", mineral="re", form="refined", qty=5,
                       price=0))
    assert "scores" not in view(g, "spectator")
    play_out(g)
    bd = {sid: s["breakdown"] for sid, s in view(g, "spectator")["scores"].items()}
    use = [i for i in bd["USE"]["prosperity"] if i.get("deal") == deal.id]
    ref = [i for i in bd["REF"]["prosperity"] if i.get("deal") == deal.id]
    assert use and use[0]["points"] > 0 and use[0]["partner"] == "REF"
    assert ref and ref[0]["points"] < 0 and ref[0]["partner"] == "USE"
    breach = [i for i in bd["REF"]["reputation"] if i["source"] == "breach"]
    assert breach and breach[0]["deal"] == deal.id and breach[0]["points"] < 0
