"""Paired experiments: does the model tell the story the article tells?

    python -m game.experiments [--only re_control,forge_hawk,...] [--games 300] [--seed 1]
        [--scenario ministerial-2026] [--jobs 1] [--list]

Each experiment plays the same games twice, game for game: same seeds, same bots in the same
seats, one thing changed (a control card live or blanked, FORGE cut to its chair, a floor
forced, deals barred, a prompt answered one way or the other). For each measure it prints
the mean in each arm and the mean paired difference with its standard error (the standard
deviation of the per-game differences over the square root of the number of pairs), and
ends with one JSON line holding every figure, so a script can read the last line.

Everything an experiment changes is done through the scenario data (a card pinned to a
round, or the same card with its effects blanked so the deck stays identical), through the
public actions (a deal proposed and accepted as players would), or through a rule the bots
obey (an action refused before it reaches the engine): the engine itself is not touched.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from multiprocessing import Pool
from typing import Any

import msgspec

from game import par
from game.actions import (
    AcceptDeal,
    Action,
    CounterDeal,
    ProposeDeal,
    RespondPrompt,
    SubmitOrders,
)
from game.clauses import Invest, Supply
from game.engine import Game
from game.errors import RuleError
from game.orders import MarketOrder, Orders, StockpileOrder
from game.scenario import Scenario, load_scenario
from game.simulate import assign, game_seed, play, scenario_path

RE = "rare_earths"
LI = "lithium"
TARGETS = ("USA", "JPN", "EU")  # whom China's rare-earth control card names
CONTROL_CARD = "china_re_controls"

Measures = dict[str, float | None]
Transform = Callable[[Scenario], Scenario]


# ---- what an arm may change ---------------------------------------------------------------
@dataclass(frozen=True)
class Arm:
    """One side of a pair: the scenario as changed, bot overrides and scripted actions."""

    name: str
    transforms: tuple[Transform, ...] = ()
    bots: dict[str, str] = field(default_factory=dict)  # seat -> strategy, over the rotation
    all_bots: str = ""  # every seat plays this strategy
    script: tuple[tuple[int, str, Callable[[Game], None]], ...] = ()  # (round, phase, do)
    setup: Callable[[Game], None] | None = None  # after creation, before the start
    no_deals: bool = False
    # seats that play cooperative in a game where the rotation deals them the hawk
    not_hawk: tuple[str, ...] = ()


@dataclass(frozen=True)
class Experiment:
    name: str
    story: str
    treatment: Arm
    reference: Arm
    measures: tuple[str, ...]
    expect: str = ""  # the figure the issue asks for, in words


def pin_card(card_id: str, rnd: int, live: bool) -> Transform:
    """The card comes up in round `rnd` in both arms; in the reference arm it is blank (no
    effects, no prompt), so the shuffled deck and every other draw stay the same. A card the
    scenario scripts in `rnd` swaps rounds with it (the first card scripted for a round is
    the one drawn, so without the swap the pinned card would never come up)."""

    def tf(sc: Scenario) -> Scenario:
        old = next(c.round for c in sc.cards if c.id == card_id)
        cards = []
        for c in sc.cards:
            if c.id != card_id and c.round == rnd:
                c = msgspec.structs.replace(c, round=old)
            if c.id == card_id:
                c = msgspec.structs.replace(c, round=rnd)
                if not live:
                    c = msgspec.structs.replace(c, effects=(), prompt=None,
                                                title=c.title + " (blank)")
            cards.append(c)
        return msgspec.structs.replace(sc, cards=tuple(cards))

    return tf


def cut_forge(sc: Scenario) -> Scenario:
    """FORGE cut to its chair: the other founders start outside the club."""
    chair = sc.forge.chair
    countries = tuple(msgspec.structs.replace(c, forge_member=c.id == chair)
                      for c in sc.countries)
    return msgspec.structs.replace(sc, countries=countries,
                                   forge=msgspec.structs.replace(sc.forge, members=(chair,)))


def force_floor(mineral: str, form: str, pct: int) -> Callable[[Game], None]:
    def setup(game: Game) -> None:
        ref = game.scenario.mineral(mineral).ref_price(form)  # type: ignore[arg-type]
        game.state.forge.floors[f"{mineral}:{form}"] = ref * pct // 100

    return setup


def answer(seat: str, card: str, option: str) -> Callable[[Game], None]:
    """The seat answers the card's prompt with `option` before its bot can."""

    def do(game: Game) -> None:
        for p in game.state.prompts:
            if p.seat == seat and p.card == card and p.status == "open":
                game.apply(seat, RespondPrompt(p.id, option))

    return do


def lynas_deal(investor: str, host: str, capacity: int) -> Callable[[Game], None]:
    """A Lynas-style deal signed in round 1: the investor pays for rare-earth refining in the
    host and takes all its output at the reference price for the rest of the game."""

    def do(game: Game) -> None:
        m = game.scenario.mineral(RE)
        clause = Invest(investor=investor, host=host, amount=capacity * m.capex_refine,
                        mineral=RE, kind="refine", capacity=capacity, delay=1,
                        offtake_bp=10000, offtake_price=m.ref_price_refined)
        rounds = game.state.rounds - game.state.round + 1
        before = set(game.state.deals)
        game.apply(investor, ProposeDeal(host, (clause,), rounds, "experiment: prepared"))
        (deal,) = set(game.state.deals) - before
        game.apply(host, AcceptDeal(deal))

    return do


def stockpile_orders(seat: str, mineral: str, stock: int, release: int,
                     ) -> Callable[[Game], None]:
    """The seat's orders for this round, submitted before its bot's (which then keeps them):
    the default buys for every mineral (its refined shortfall at 150% of the reference, ore
    for idle refineries), plus `stock` extra lots of `mineral` bought and put into the
    strategic stockpile (Project Vault's budget reimburses them), or `release` lots drawn
    from it; default sells."""

    def do(game: Game) -> None:
        s = game.state.seats[seat]
        buys = []
        for m in game.scenario.minerals:
            h, cap = s.holdings[m.id], s.capacity[m.id]
            extra = stock - release if m.id == mineral else 0
            need = s.demand.get(m.id, 0) - h.refined + extra
            if need > 0:
                buys.append(MarketOrder(m.id, "refined", need, m.ref_price_refined * 3 // 2))
            ore = cap.refine - h.ore - cap.mine
            if ore > 0:
                buys.append(MarketOrder(m.id, "ore", ore, m.ref_price_ore * 3 // 2))
        pile = (StockpileOrder(mineral, buy=stock, release=release),)
        game.apply(seat, SubmitOrders(Orders(buy=tuple(buys), stockpile=pile)))

    return do


def supply_deal(seller: str, buyer: str, qty: int) -> Callable[[Game], None]:
    """A supply deal signed now for the rest of the game: `qty` refined rare-earth lots a
    round at the reference price (the first delivery, before the seller holds refined
    stock, may fall short: the rules' usual first-round breach)."""

    def do(game: Game) -> None:
        m = game.scenario.mineral(RE)
        clause = Supply(seller=seller, buyer=buyer, mineral=RE, form="refined", qty=qty,
                        price=m.ref_price_refined)
        rounds = game.state.rounds - game.state.round + 1
        before = set(game.state.deals)
        game.apply(buyer, ProposeDeal(seller, (clause,), rounds, "experiment: prepared"))
        (deal,) = set(game.state.deals) - before
        game.apply(seller, AcceptDeal(deal))

    return do


def _refuse_deals(action: Action) -> bool:
    return isinstance(action, (ProposeDeal, CounterDeal, AcceptDeal))


# ---- the experiments ------------------------------------------------------------------------
def _control(name: str, story: str, *, prepared: str = "", no_deals: bool = False,
             alone: bool = False, vault: bool = False, build: bool = False,
             rnd: int = 3) -> Experiment:
    script: tuple[tuple[int, str, Callable[[Game], None]], ...] = ()
    if prepared:  # the seat signed for 2 lots a round of Australian refined rare earths
        script = ((1, "negotiation", supply_deal("AUS", prepared, 2)),)
    if build:
        script = ((1, "negotiation", lynas_deal("USA", "AUS", 3)),)
    if vault:  # stock 3 extra lots a round before the shock, draw 3 a round during it
        script = tuple((r, "orders", stockpile_orders("USA", RE, 3 if r < rnd else 0,
                                                      3 if r >= rnd else 0))
                       for r in range(1, rnd + 2))
    club: tuple[Transform, ...] = (cut_forge,) if alone else ()
    # alone, the targets play passive in both arms: a bot would sign the frameworks on the
    # board (the US-Australia one with a supply deal), so "unprepared" would mean prepared
    # by its bot; what preparation the arm has is then only what the harness scripts.
    # And China never plays the hawk: a hawk China sets its own rare-earth controls from
    # round 1 in both arms, on every target that has signed nothing, so the blank arm is
    # not a world without the control and the card changes nothing (a third of the games)
    bots = {s: "passive" for s in TARGETS} if alone else {}
    not_hawk = ("CHN",) if alone else ()
    arms = [Arm(label, (*club, pin_card(CONTROL_CARD, rnd, live)), bots=bots, script=script,
                no_deals=no_deals, not_hawk=not_hawk)
            for label, live in (("control live", True), ("control blank", False))]
    return Experiment(name, story, arms[0], arms[1],
                      ("targets_re_price", "targets_re_bought", "targets_re_shortage",
                       "chn_re_export_revenue", "chn_re_export_price", "world_re_price",
                       "chn_re_refined_held",
                       "USA_security", "JPN_security", "EU_security", "targets_security",
                       "USA_re_shortage", "JPN_re_shortage", "EU_re_shortage",
                       "USA_total", "targets_total", "USA_re_china_objective",
                       "EU_re_china_objective", "re_shared", "script_failed"))


EXPERIMENTS: dict[str, Experiment] = {
    e.name: e for e in (
        _control("re_control", "China's rare-earth control (rounds 3-4) cuts the targets off, "
                 "raises what they pay and costs China export revenue; an unprepared target's "
                 "security part falls"),
        _control("re_control_prepared", "The same control, with the US prepared: in round 1 "
                 "it signed for 2 lots a round of Australian (Lynas) refined rare earths",
                 prepared="USA"),
        _control("re_control_alone", "The control on targets outside any club (FORGE cut to "
                 "its chair in both arms): no club stockpile to share, no deal signed by the "
                 "harness: the unprepared target. In every *_alone experiment the targets play "
                 "passive and China never the hawk (its own controls would be in both arms)",
                 alone=True),
        _control("re_control_alone_prepared", "The control on targets outside any club, the US "
                 "prepared by a supply deal signed in round 1 for 2 lots a round of Australian "
                 "(Lynas) refined rare earths: its security loss should be at most half of "
                 "re_control_alone's", alone=True, prepared="USA"),
        _control("re_control_alone_prepared_jpn", "The control on targets outside any club, "
                 "Japan prepared by a supply deal signed in round 1 for 2 lots a round of "
                 "Australian (Lynas) refined rare earths, as Japan financed Lynas after 2010: "
                 "its security loss should be at most half of re_control_alone's",
                 alone=True, prepared="JPN"),
        _control("re_control_alone_build", "The control on targets outside any club, the US "
                 "having financed 3 lots of new Australian refining in round 1 (with rare "
                 "earths' 4-round lead time it cannot run before the shock: preparation by "
                 "building starts too late in a five-month game)", alone=True, build=True),
        _control("re_control_alone_vault", "The control on targets outside any club, the US "
                 "prepared by Project Vault: 3 extra lots a round stocked in rounds 1-2, 3 "
                 "drawn a round in rounds 3-4 (both arms); its security loss should be at "
                 "most half of re_control_alone's", alone=True, vault=True),
        _control("re_control_no_deals", "The same control with deals barred in both arms: "
                 "compare its cost to the targets with re_control (deals as a hedge)",
                 no_deals=True),
        Experiment(
            "forge_hawk", "Under a hawkish China, FORGE makes its members more secure: the "
            "club (stockpile releases to short members, matching priority, floors) against "
            "the same seeds with the club cut to its chair",
            Arm("FORGE as founded", bots={"CHN": "hawk"}),
            Arm("FORGE cut to chair", (cut_forge,), bots={"CHN": "hawk"}),
            ("founders_re_shortage", "founders_shortage_value", "founders_security",
             "founders_money", "founders_total", "re_shared")),
        Experiment(
            "li_floor", "A lithium floor at 120% brings refining investment outside China, at "
            "a cost to consumers",
            Arm("floor 120%", setup=force_floor(LI, "refined", 120)),
            Arm("no floor"),
            ("out_china_li_refine_capacity", "out_china_li_refine_running",
             "members_li_price", "world_li_price", "li_floor_at_end")),
        Experiment(
            "concentration", "Concentration eases only slowly: China's share of rare-earth "
            "refining in all-cooperative play, round by round",
            Arm("all cooperative", all_bots="cooperative"),
            Arm("all passive", all_bots="passive"),
            ("chn_re_share_r1", "chn_re_share_last", "chn_re_share_max_fall_per_round",
             "chn_re_capacity_share_last", "chn_re_capacity_max_fall_per_round")),
        Experiment(
            "ghana_local", "Ghana's value-added bargain is a trade-off: approve Ewoyaa with a "
            "local-refining clause, or as it stands",
            Arm("approve with local refining",
                script=tuple((r, "negotiation", answer("GHA", "ghana_ewoyaa", "approve_local"))
                             for r in (1, 2, 3))),
            Arm("approve as it stands",
                script=tuple((r, "negotiation", answer("GHA", "ghana_ewoyaa", "approve"))
                             for r in (1, 2, 3))),
            ("GHA_money", "GHA_total")),
    )
}


# ---- one game -------------------------------------------------------------------------------
class _Recorder:
    """Figures read after each resolution that the end state no longer holds."""

    def __init__(self) -> None:
        self.refined: list[dict[str, int]] = []  # per round: seat -> RE lots refined so far
        self.capacity: list[dict[str, int]] = []  # per round: seat -> RE refining capacity

    def __call__(self, game: Game) -> None:
        seats = game.state.seats.values()
        self.refined.append({s.id: s.stats.refined_out.get(RE, 0) for s in seats})
        self.capacity.append({s.id: s.capacity[RE].refine for s in seats if RE in s.capacity})


def strategies_of(scenario: Scenario, arm: Arm, seed: int, index: int) -> dict[str, str]:
    """The arm's bots in game `index`: the mixed rotation, then the arm's overrides."""
    if arm.all_bots:
        return {s: arm.all_bots for s in scenario.seat_ids}
    strategies = assign(scenario, "mix", seed, index)
    for s in arm.not_hawk:
        if strategies.get(s) == "hawk":
            strategies[s] = "cooperative"
    strategies.update(arm.bots)
    return strategies


def play_arm(scenario: Scenario, arm: Arm, seed: int, index: int,
             factors: par.Par | None = None) -> Measures:
    """One game of an arm. Both arms score with the par factors of the experiment's own
    scenario (`factors`, by default computed from it), not of the arm's changed one: par
    is measured from a scenario's content, so a blanked card or a club cut to its chair
    would give each arm its own factors, and the bots, which price a $M from them, would
    play differently in the two arms for a reason the experiment did not choose."""
    if factors is None:
        factors = par.of(scenario)
    sc = scenario
    for tf in arm.transforms:
        sc = tf(sc)
    strategies = strategies_of(scenario, arm, seed, index)
    scripted = {(r, ph): do for r, ph, do in arm.script}
    done: set[tuple[int, str]] = set()
    failed: list[str] = []

    def on_phase(game: Game) -> None:
        key = (game.state.round, game.state.phase)
        do = scripted.get(key)
        if do is not None and key not in done:
            done.add(key)
            try:
                do(game)
            except RuleError as exc:  # not possible in this game: counted, the bots play on
                failed.append(str(exc))

    recorder = _Recorder()
    game, _ = play(sc, game_seed(seed, index), strategies,
                   refuse=_refuse_deals if arm.no_deals else None,
                   on_phase=on_phase, on_round=recorder, setup=arm.setup,
                   par=factors)
    out = measure(game, recorder, scenario)
    out["script_failed"] = float(len(failed))
    return out


def _bought(game: Game, seats: Sequence[str], mineral: str, form: str, rounds: range,
            seller: str = "") -> tuple[int, int]:
    """(lots, value) the seats received by spot fills and deal deliveries in those rounds;
    with `seller`, only what that seat sold (to anyone, value net of tariff)."""
    lots = value = 0
    for rep in game.state.reports:
        if rep.round not in rounds:
            continue
        for seat in (seller,) if seller else seats:
            priv = rep.private.get(seat, {})
            for row in priv.get("fills", []) + priv.get("deliveries", []):
                if row["mineral"] != mineral or row["form"] != form:
                    continue
                if seller and row["seller"] == seller and row["buyer"] != seller:
                    lots += row["qty"]
                    value += row["qty"] * row["price"] - row.get("tariff", 0)
                elif not seller and row["buyer"] == seat:
                    lots += row["qty"]
                    value += row["qty"] * row["price"]
    return lots, value


def _shortage(game: Game, seats: Sequence[str], mineral: str, rounds: range) -> int:
    return sum(q for s in seats
               for i, q in enumerate(game.state.seats[s].stats.shortage.get(mineral, []))
               if i + 1 in rounds)


def _shortage_value(game: Game, seats: Sequence[str]) -> int:
    values = {m.id: m.output_value for m in game.scenario.minerals}
    return sum(q * values[m] for s in seats
               for m, qs in game.state.seats[s].stats.shortage.items() for q in qs)


def _mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def measure(game: Game, rec: _Recorder, scenario: Scenario) -> Measures:
    st = game.state
    window = range(3, 5)
    out: Measures = {}
    lots, value = _bought(game, TARGETS, RE, "refined", window)
    out["targets_re_bought"] = lots
    out["targets_re_price"] = value / lots if lots else None
    out["targets_re_shortage"] = _shortage(game, TARGETS, RE, window)
    lots, value = _bought(game, (), RE, "refined", window, seller="CHN")
    out["chn_re_export_revenue"] = value
    out["chn_re_export_price"] = value / lots if lots else None
    held = [rep.private.get("CHN", {}).get("holdings", {}).get(RE, {}).get("refined", 0)
            for rep in st.reports if rep.round in window]
    out["chn_re_refined_held"] = _mean(held) if held else None  # the glut, after each round
    prices = st.prices.get(f"{RE}:refined", [])
    out["world_re_price"] = _mean([p for i, p in enumerate(prices) if i + 1 in window and p])
    for s in TARGETS:
        out[f"{s}_re_shortage"] = _shortage(game, (s,), RE, window)
    for s in (*TARGETS, "GHA"):
        if s in st.scores:
            out[f"{s}_security"] = st.scores[s].parts["security"]
            out[f"{s}_total"] = st.scores[s].total
            out[f"{s}_money"] = st.seats[s].treasury - st.seats[s].start_treasury
    out["targets_security"] = _mean([st.scores[s].parts["security"] for s in TARGETS])
    out["targets_total"] = _mean([st.scores[s].total for s in TARGETS])
    for seat, objective in (("USA", "usa_re_china"), ("EU", "eu_crma")):
        met = st.scores[seat].objectives.get(objective)
        out[f"{seat}_re_china_objective"] = None if met is None else float(met)
    founders = [s for s in scenario.forge.members if s != scenario.forge.chair]
    out["founders_re_shortage"] = _shortage(game, founders, RE, range(1, st.rounds + 1))
    out["founders_shortage_value"] = _shortage_value(game, founders)
    out["founders_security"] = _mean([st.scores[s].parts["security"] for s in founders])
    out["founders_total"] = _mean([st.scores[s].total for s in founders])
    out["founders_money"] = sum(st.seats[s].treasury - st.seats[s].start_treasury
                                for s in founders)
    out["re_shared"] = sum(row["qty"] for rep in st.reports
                           for row in rep.public.get("forge", {}).get("shared", [])
                           if row["mineral"] == RE)
    # capacity at the end of the game is what the seats own: running, or paid for and being
    # built (queued for commissioning included), since prosperity counts a plant at its cost
    # arrived or not (the issue: "capacity still counts at the end of the game, its value to
    # the seat"); what already runs is reported beside it
    li_running = sum(
        s.capacity[LI].refine for s in st.seats.values() if s.id != "CHN" and LI in s.capacity)
    out["out_china_li_refine_running"] = li_running
    out["out_china_li_refine_capacity"] = li_running + sum(
        p.delta for p in st.pending if p.seat != "CHN" and p.mineral == LI
        and p.kind == "refine" and p.delta > 0)
    members = list(st.forge.members)
    lots, value = _bought(game, members, LI, "refined", range(1, st.rounds + 1))
    out["members_li_price"] = value / lots if lots else None
    out["world_li_price"] = _mean([p for p in st.prices.get(f"{LI}:refined", []) if p])
    out["li_floor_at_end"] = float(f"{LI}:refined" in st.forge.floors)
    shares = []
    prev: dict[str, int] = {}
    for row in rec.refined:
        this = {s: q - prev.get(s, 0) for s, q in row.items()}
        total = sum(this.values())
        shares.append(100 * this.get("CHN", 0) / total if total else 0.0)
        prev = row
    caps = [100 * row.get("CHN", 0) / max(1, sum(row.values())) for row in rec.capacity]
    if shares:
        out["chn_re_share_r1"] = shares[0]
        out["chn_re_share_last"] = shares[-1]
        out["chn_re_share_max_fall_per_round"] = max(
            (a - b for a, b in pairwise(shares)), default=0.0)
        # capacity: China's share of the table's rare-earth refining capacity, from the start
        start = sc_share(scenario)
        out["chn_re_capacity_share_last"] = caps[-1]
        out["chn_re_capacity_max_fall_per_round"] = max(
            (a - b for a, b in pairwise([start, *caps])), default=0.0)
    return out


def sc_share(scenario: Scenario) -> float:
    """China's share of rare-earth refining capacity as the scenario starts."""
    caps = {c.id: c.minerals[RE].refine for c in scenario.countries if RE in c.minerals}
    return 100 * caps.get("CHN", 0) / max(1, sum(caps.values()))


# ---- many games, paired ---------------------------------------------------------------------
_W: dict[str, Any] = {}


def _init(path: str, seed: int) -> None:
    scenario = load_scenario(path)  # with the shipped scenarios' stored par factors
    _W.update(scenario=scenario, seed=seed, par=par.of(scenario))


def _pair(job: tuple[str, int]) -> tuple[Measures, Measures]:
    name, index = job
    e = EXPERIMENTS[name]
    sc, seed, factors = _W["scenario"], _W["seed"], _W["par"]
    return (play_arm(sc, e.treatment, seed, index, factors),
            play_arm(sc, e.reference, seed, index, factors))


def run(name: str, scenario: str, games: int, seed: int, jobs: int = 1) -> dict[str, Any]:
    path = str(scenario_path(scenario))
    jobs_list = [(name, i) for i in range(games)]
    if jobs <= 1:
        _init(path, seed)
        pairs = list(map(_pair, jobs_list))
    else:
        with Pool(jobs, initializer=_init, initargs=(path, seed)) as pool:
            pairs = pool.map(_pair, jobs_list, chunksize=max(1, games // (4 * jobs)))
    e = EXPERIMENTS[name]
    return {"experiment": name, "story": e.story, "scenario": scenario, "games": games,
            "seed": seed, "treatment": e.treatment.name, "reference": e.reference.name,
            "measures": {m: paired(pairs, m) for m in e.measures}}


def paired(pairs: Sequence[tuple[Measures, Measures]], key: str) -> dict[str, float]:
    """Means per arm and the mean paired difference ± its standard error, over the games in
    which both arms define the measure."""
    xs = [(a[key], b[key]) for a, b in pairs
          if a.get(key) is not None and b.get(key) is not None]
    n = len(xs)
    if not n:
        return {"n": 0}
    ta = [float(a) for a, _ in xs]  # type: ignore[arg-type]
    rb = [float(b) for _, b in xs]  # type: ignore[arg-type]
    d = [a - b for a, b in zip(ta, rb, strict=True)]
    mean_d = _mean(d)
    sd = math.sqrt(sum((x - mean_d) ** 2 for x in d) / (n - 1)) if n > 1 else 0.0
    out = {"n": n, "treatment": round(_mean(ta), 3), "reference": round(_mean(rb), 3),
           "diff": round(mean_d, 3), "se": round(sd / math.sqrt(n), 3)}
    mb = _mean(rb)
    if mb:
        out["pct"] = round(100 * mean_d / mb, 2)
        out["pct_se"] = round(100 * sd / math.sqrt(n) / abs(mb), 2)
    return out


def table(res: dict[str, Any]) -> str:
    lines = [f"{res['experiment']}: {res['story']}",
             f"  {res['games']} paired games of {res['scenario']}, seed {res['seed']}; "
             f"A = {res['treatment']}, B = {res['reference']}",
             f"  {'measure':<34}{'n':>5}{'A':>11}{'B':>11}{'A - B':>11}{'± se':>9}{'%':>9}"]
    for m, f in res["measures"].items():
        if not f["n"]:
            lines.append(f"  {m:<34}{0:>5}")
            continue
        pct = f"{f['pct']:+.1f}" if "pct" in f else ""
        lines.append(f"  {m:<34}{f['n']:>5}{f['treatment']:>11.2f}{f['reference']:>11.2f}"
                     f"{f['diff']:>+11.2f}{f['se']:>9.2f}{pct:>9}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m game.experiments", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scenario", default="ministerial-2026")
    p.add_argument("--games", type=int, default=60)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--only", default="", help="comma list of: " + ", ".join(EXPERIMENTS))
    p.add_argument("--list", action="store_true")
    a = p.parse_args(argv)
    if a.list:
        for e in EXPERIMENTS.values():
            print(f"{e.name}: {e.story}")
        return 0
    names = [n.strip() for n in a.only.split(",") if n.strip()] or list(EXPERIMENTS)
    unknown = [n for n in names if n not in EXPERIMENTS]
    if unknown:
        p.error(f"unknown experiment(s) {', '.join(unknown)}; --list shows them")
    results = []
    for n in names:
        res = run(n, a.scenario, a.games, a.seed, a.jobs)
        results.append(res)
        print(table(res), flush=True)
        print(flush=True)
    sys.stdout.write(json.dumps({"experiments": results}, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
