"""The worked example of docs/rules.md, replayed: section 10, "Worked example: classroom-lite,
round 1 (seed 1)", and section 9's "Illustration" (the EU after round 1 of that example).

The doc says every figure there comes from running the engine; this test plays the same
actions and checks the figures a change to the rules would move, so the doc cannot go stale
silently. The expected values are literals copied from the doc: when a rule change moves
one, re-run the example and change the doc and this test together.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from game import par, scoring
from game.actions import FACILITATOR, AcceptDeal, Advance, ProposeDeal, Ready, Start, SubmitOrders
from game.clauses import Supply
from game.engine import Game
from game.orders import MarketOrder, Orders
from game.scenario import load_scenario

SCENARIO = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios" / "classroom-lite.json"

# ---- section 10, as the doc states it --------------------------------------------------------
MINED = {"AUS": {"lithium": 32, "rare_earths": 3}, "CHN": {"lithium": 21, "rare_earths": 28},
         "USA": {"rare_earths": 5}, "COD": {"cobalt": 22}}
REFINED = {"CHN": {"lithium": 70, "cobalt": 23, "rare_earths": 36}, "USA": {"rare_earths": 1},
           "EU": {"cobalt": 2}, "JPN": {"cobalt": 1}, "COD": {"cobalt": 1}}

# step 4: market -> (price, volume, trades as (seller, buyer, lots))
MARKETS = {
    "lithium:ore": (10, 36, {("AUS", "CHN", 12), ("ROW", "CHN", 24)}),
    "lithium:refined": (16, 24, {("CHN", "USA", 8), ("CHN", "EU", 7), ("ROW", "EU", 1),
                                 ("ROW", "JPN", 8)}),
    "cobalt:ore": (34, 22, {("COD", "CHN", 15), ("ROW", "CHN", 7)}),
    "cobalt:refined": (60, 5, {("CHN", "USA", 2), ("CHN", "EU", 1), ("CHN", "JPN", 2)}),
    "rare_earths:ore": (36, 8, {("USA", "CHN", 4), ("AUS", "CHN", 3), ("ROW", "CHN", 1)}),
    "rare_earths:refined": (80, 10, {("CHN", "USA", 2), ("CHN", "EU", 3), ("CHN", "JPN", 4),
                                     ("CHN", "ROW", 1)}),
}

# steps 5-7
FUND = 70
OUTPUT = {"USA": 1040, "CHN": 8650, "EU": 1140, "JPN": 1340, "AUS": 0, "COD": 0}
STANDARD_COST = {"USA": 10, "CHN": 123, "EU": 5, "JPN": 2, "AUS": 19, "COD": 0}

# seat -> (start, after deals, after markets, end)
TREASURIES = {
    "USA": (1200, 1200, 936, 1961),
    "CHN": (1500, 1420, 1364, 9891),
    "EU": (1000, 1000, 572, 1702),
    "JPN": (900, 900, 332, 1665),
    "AUS": (400, 480, 708, 684),
    "COD": (200, 200, 710, 710),
}

# score after round 1: seat -> (prosperity, security, sustainability, reputation,
# objective points, par factor per mille, total)
SCORES = {
    "USA": (100, 100, 100, 100, 0, 725, 100),
    "CHN": (101, 100, 100, 100, 0, 565, 100),
    "EU": (102, 100, 100, 100, 0, 594, 100),
    "JPN": (101, 100, 100, 100, 0, 2401, 100),
    "AUS": (97, 100, 100, 100, 0, 1000, 98),
    "COD": (96, 100, 100, 100, 0, 1239, 96),
}

# the sentence under the score table: seat -> (raw prosperity, revalued baseline)
PROSPERITY = {"AUS": (314, 404), "COD": (606, 774), "CHN": (8370, 8314)}
AUS_NO_DEAL_PROSPERITY = 308  # before revaluing: + 96 for its 32 lots at 10, not 7
COD_TOTAL_BEFORE_PAR = 97

# ---- section 9's Illustration: the EU after round 1 ------------------------------------------
EU_RAW = {"prosperity": 678, "security": 7939, "sustainability": 0, "reputation": 5000}
EU_BASELINE = {"prosperity": 634, "security": 7939, "sustainability": 0, "reputation": 5000}
EU_NO_DEAL_PROSPERITY = 666  # at the no-deal prices; revalued: - 32
EU_STOCK = -24  # 2 cobalt ore short of its start, at 12
EU_SECURITY_TERMS = (10000, -(8245 // 4))
EU_PROSPERITY_SCALE = 1732  # 866 $M x 10 x 2/10
EU_PARTS = {"prosperity": 102, "security": 100, "sustainability": 100, "reputation": 100}
EU_WEIGHTED = 100  # 100.4 rounded down
EU_PAR = 594
EU_TOTAL = 100

PARTS = ("prosperity", "security", "sustainability", "reputation")


@pytest.fixture(scope="module")
def game() -> Game:
    """Round 1 as section 10 plays it."""
    g = Game.new(load_scenario(SCENARIO), 1)
    g.apply(FACILITATOR, Start())
    assert g.state.card_title == "The Ministerial: Project Vault funded"
    events = g.apply("AUS", ProposeDeal(to="CHN", rounds=2, clauses=(
        Supply(seller="AUS", buyer="CHN", mineral="lithium", form="ore", qty=10, price=8),)))
    deal = events[0].data["deal"]
    assert deal == "D1"
    g.apply("CHN", AcceptDeal(deal=deal))
    for seat in g.state.seats:
        g.apply(seat, Ready())
    assert g.state.phase == "orders"
    g.apply("COD", SubmitOrders(orders=Orders(
        sell=(MarketOrder(mineral="cobalt", form="ore", qty=15, limit=20),))))
    g.apply(FACILITATOR, Advance())
    assert len(g.state.reports) == 1
    return g


def test_mining_deal_and_refining(game: Game) -> None:
    seats = game.state.seats
    for seat, mined in MINED.items():
        assert {m: q for m, q in seats[seat].stats.mined.items() if q} == mined, seat
    for seat, refined in REFINED.items():
        assert {m: q for m, q in seats[seat].stats.refined_out.items() if q} == refined, seat
    assert seats["CHN"].stats.money["deal:D1"] == -80
    assert seats["AUS"].stats.money["deal:D1"] == 80
    assert game.state.deals["D1"].rounds_done == 1


def test_the_market_table(game: Game) -> None:
    report = game.state.reports[0]
    trades: dict[str, set[tuple[str, str, int]]] = {k: set() for k in MARKETS}
    for private in report.private.values():
        for f in private["fills"]:
            trades[f"{f['mineral']}:{f['form']}"].add((f["seller"], f["buyer"], f["qty"]))
            assert f["price"] == MARKETS[f"{f['mineral']}:{f['form']}"][0]
    for key, (price, volume, fills) in MARKETS.items():
        assert report.public["prices"][key] == price, key
        assert report.public["volumes"][key] == volume, key
        assert trades[key] == fills, key


def test_steps_5_to_7_and_the_treasuries(game: Game) -> None:
    st = game.state
    assert st.forge.fund == FUND
    assert st.seats["USA"].stockpile_budget == 150
    for seat, s in st.seats.items():
        assert s.stats.output_value == OUTPUT[seat], seat
        assert s.stats.standard_cost == STANDARD_COST[seat], seat
        assert s.stats.met == s.stats.demand, seat
        flows = s.stats.money
        after_deals = s.start_treasury + sum(v for k, v in flows.items() if k.startswith("deal:"))
        after_markets = after_deals + flows.get("market", 0)
        assert (s.start_treasury, after_deals, after_markets, s.treasury) == TREASURIES[seat]
    china = st.reports[0].private["CHN"]
    assert len(china["fills"]) == 16
    assert [(d["due"], d["qty"], d["price"]) for d in china["deliveries"]] == [(10, 10, 8)]
    assert st.seats["AUS"].holdings["lithium"].ore == 10


def _objective_points(game: Game, seat: str) -> int:
    s, country, score = game.state.seats[seat], game.scenario.country(seat), game.state.scores[seat]
    base = scoring.revalued_prosperity(game.state.baseline[seat][0],
                                       scoring.spot_prices(game, seat))
    points = scoring.objective_points(country)
    return sum(scoring.objective_bonus(game, s, o, points[o.id], score.objectives[o.id], base)
               for o in country.objectives)


def test_the_score_table_after_round_1(game: Game) -> None:
    for seat, expected in SCORES.items():
        score = game.state.scores[seat]
        got = (*(score.parts[p] for p in PARTS), _objective_points(game, seat), score.par,
               score.total)
        assert got == expected, seat
        assert game.state.score_history[seat][0].total == score.total


def test_the_sentence_under_the_score_table(game: Game) -> None:
    for seat, (raw, base) in PROSPERITY.items():
        s = game.state.seats[seat]
        baseline = game.state.baseline[seat][0]
        revalued = scoring.revalued_prosperity(baseline, scoring.spot_prices(game, seat))
        got = scoring.raw_parts(s, scoring.output_values(game.scenario),
                                scoring.stock_basis(game.scenario, seat))["prosperity"]
        assert (got, revalued["prosperity"]) == (raw, base), seat
        if seat == "AUS":
            assert revalued["prosperity"] - revalued["prosperity:prices"] == \
                AUS_NO_DEAL_PROSPERITY
    cod = game.state.scores["COD"]
    weights = game.scenario.country("COD").weights
    weighted = sum(weights.get(p, 0) * cod.parts[p] for p in PARTS) // sum(
        weights.get(p, 0) for p in PARTS)
    assert weighted == COD_TOTAL_BEFORE_PAR
    assert par.apply(weighted, cod.par) == SCORES["COD"][-1]


def test_the_eu_illustration_of_section_9(game: Game) -> None:
    eu = game.state.seats["EU"]
    values = scoring.output_values(game.scenario)
    stock = scoring.stock_basis(game.scenario, "EU")
    assert scoring.raw_parts(eu, values, stock) == EU_RAW
    assert scoring.stock_value(eu, stock) == EU_STOCK
    assert scoring.security_parts(eu, values) == EU_SECURITY_TERMS
    base = scoring.revalued_prosperity(game.state.baseline["EU"][0],
                                       scoring.spot_prices(game, "EU"))
    assert {p: base[p] for p in PARTS} == EU_BASELINE
    assert base["prosperity"] - base["prosperity:prices"] == EU_NO_DEAL_PROSPERITY
    scales = scoring.part_scales(game.scenario, "EU")
    assert scales["prosperity"] == EU_PROSPERITY_SCALE
    parts = {p: scoring.part_score(EU_RAW[p], EU_BASELINE[p], scales[p]) for p in PARTS}
    assert parts == EU_PARTS == game.state.scores["EU"].parts
    weights = game.scenario.country("EU").weights
    assert [weights.get(p, 0) for p in PARTS] == [2, 2, 4, 2]
    weighted = sum(weights[p] * parts[p] for p in PARTS) // 10
    assert weighted == EU_WEIGHTED
    assert _objective_points(game, "EU") == 0
    assert game.state.scores["EU"].par == EU_PAR
    assert par.apply(weighted, EU_PAR) == EU_TOTAL == game.state.scores["EU"].total
