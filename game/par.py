"""Par: each country's points above 100 count so that a strong result is worth the same
for every country at the table, whatever the scenario.

Why: the parts and the objectives measure what a seat did against its own no-deal game,
but countries do not have the same room to do things. A miner with one buyer, a consumer
that the scripted controls hit, a seat with no minerals at all: their best games gain fewer
points than a refiner in the middle of every trade, and with the winner being the highest
total, a hand-set weight for each seat would only hold on the boards it was set on. So the
room itself is measured, by the same rules for any scenario: the built-in bots play
`PAR_GAMES` games of it (the `mix` of cooperative, hawk and passive seats, fixed seeds),
and a country's **par** is the mean of the best `PAR_TOP_PCT`% of the gains above 100 it
made when its bots played to win (cooperative or hawk). A seat's points above (or below)
100 are then multiplied by `median par / its par`: a strong game scores alike for every
country. 100 stays "as good as doing nothing" (the factor only stretches the distance from
it, so doing nothing still scores at most 100 and a worse game stays below 100), and the
factors on money span at most `MAX_RATIO` times (the money that moves a total by 10 points
differs by no more across seats, scoring.money_per_10_points).

Where the measured factors spread wider than that, a seat's **money** factor (on the share of
its distance from 100 that is prosperity's) is held to the 5x window, and its **points**
factor (on the rest: security, sustainability, reputation, objectives) is set so that its par
still counts like the median: a $M is worth within 5x to every country, and a country with
almost no room to gain money still scores a strong game like the others. Every other seat's
two factors are one and the same.

The factors depend only on the scenario and the engine's rules and bots: computed once
per scenario content (cached here), or read from `fixtures/par/` for the shipped scenarios
(`python -m game.par --write` refreshes them; a test fails when one is stale).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from game.scenario import Scenario

# with the mix, each seat plays to win in 240 of them: a factor's sampling error is about
# 4% (at 90 games it was 8%, enough to take a seat out of its win-rate band)
PAR_GAMES = 360
PAR_SEED = 7001
PAR_TOP_PCT = 40  # the mean of a seat's best 40% of gains: the games it could win
MAX_RATIO = 5  # largest factor / smallest factor
UNIT = 1000  # factors are per mille: 1000 = x1
FINE = UNIT * 1_000_000  # money x FINE // factor: $M per +10 points in millionths
# bump when the rules or the bots change what games score, so stored pars are recomputed
PAR_VERSION = 5
PAR_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "par"

MIN_FACTOR, MAX_FACTOR = UNIT // 25, 25 * UNIT  # a points factor's bounds: as par's floor's

Factors = dict[str, int]


class Par(msgspec.Struct, frozen=True):
    """A board's factors, per mille: `points` on each seat's distance from 100, and `money`
    on the share of it that is prosperity's, only for the seats where the money window made
    the two differ (any other seat's money counts like its other points)."""

    points: Factors
    money: Factors = msgspec.field(default_factory=dict)


def money_factor(found: Par, seat: str) -> int:
    """The factor on the seat's money: its own where the window set one, else its points'."""
    return found.money.get(seat, found.points.get(seat, UNIT))


NONE = Par({})  # scores without par, as the par games themselves do
_cache: dict[str, Par] = {}  # digest -> factors: a pure function's memo


def digest(scenario: Scenario) -> str:
    """The scenario's content and the par rules' version: what the factors depend on."""
    raw = msgspec.json.encode(scenario, order="deterministic")
    return hashlib.sha256(b"par%d:" % PAR_VERSION + raw).hexdigest()[:32]


def of(scenario: Scenario) -> Par:
    """The board's factors, computed once per scenario content."""
    key = digest(scenario)
    found = _cache.get(key)
    if found is None:
        found = _cache[key] = compute(scenario)
    return found


def factors_of(scenario: Scenario) -> Factors:
    """Each seat's points factor (per mille)."""
    return dict(of(scenario).points)


def remember(scenario: Scenario, factors: Par) -> None:
    """Take factors computed elsewhere (a stored file, a parent process)."""
    _cache[digest(scenario)] = factors


def compute(scenario: Scenario) -> Par:
    """Play the par games and turn each seat's gains into its factors."""
    from game.scoring import money_per_10_points, money_share
    from game.simulate import assign, game_seed, play

    gains: dict[str, list[tuple[int, int]]] = {s: [] for s in scenario.seat_ids}
    for i in range(PAR_GAMES):
        strategies = assign(scenario, "mix", PAR_SEED, i)
        game, _ = play(scenario, game_seed(PAR_SEED, i), strategies, par=NONE)
        for seat, score in game.state.scores.items():
            if strategies[seat] != "passive":
                country = scenario.country(seat)
                gains[seat].append((score.total - 100, money_share(country, score.parts)))
    return factors(gains, {s: money_per_10_points(scenario, s) for s in scenario.seat_ids})


def factors(gains: Mapping[str, list[tuple[int, int]]], money: Mapping[str, int]) -> Par:
    """Per mille factors from each seat's games it played to win: (its gain above 100, the
    share of that gain that is prosperity's, in milli-points).

    par = the mean of a seat's best PAR_TOP_PCT% gains (milli-points); factor = the median
    positive par / the seat's par. A par at or below 0 (the seat gains nothing even at its
    best) counts as a 25th of the median. `money` is each seat's $M per +10 points before
    par (scoring.money_per_10_points; 0 where prosperity has no weight): if the $M per +10
    points after par would span more than MAX_RATIO, they are held to a window of that
    ratio (`_window`); a seat outside it gets its money factor from the window and its
    points factor from `_points_factor`."""
    pars: dict[str, int] = {}
    tops: dict[str, list[tuple[int, int]]] = {}
    for seat, xs in gains.items():
        tops[seat] = top = sorted(xs)[len(xs) * (100 - PAR_TOP_PCT) // 100:]
        pars[seat] = sum(g for g, _ in top) * UNIT // len(top) if top else 0
    positive = sorted(p for p in pars.values() if p > 0)
    if not positive:
        return Par({s: UNIT for s in pars})
    median = positive[(len(positive) - 1) // 2]
    floor = max(1, median // 25)
    out = {s: max(1, median * UNIT // max(p, floor)) for s, p in pars.items()}
    # $M per +10 points after par, for the seats that count money, in millionths of a $M
    # (so a small money measure is not rounded to nothing before the window is placed)
    per10 = {s: money[s] * FINE // f for s, f in out.items() if money.get(s, 0) > 0}
    measured = dict(out)

    def hold(lo: int) -> Factors:
        """The money factors of the seats outside the window from `lo`."""
        hi = _top(lo)
        return {s: max(1, -(-money[s] * FINE // min(hi, max(lo, v))))
                for s, v in per10.items() if not lo <= v <= hi}

    def strain(lo: int) -> Fraction:
        """How much further from par holding them puts the held seats' best games."""
        worse = Fraction(1)
        for s, m in hold(lo).items():
            held = _off_par(tops[s], median, m, _points_factor(tops[s], median, m))
            worse *= max(Fraction(1), held / _off_par(tops[s], median, measured[s], measured[s]))
        return worse

    lo = _window(sorted(per10.values()), strain)
    held = hold(lo) if lo else {}
    for s, m in held.items():
        out[s] = _points_factor(tops[s], median, m)
    return Par(out, {s: m for s, m in held.items() if m != out[s]})


def _points_factor(top: list[tuple[int, int]], median: int, money_factor: int) -> int:
    """The factor on a seat's points other than money's that makes its best games, with its
    money held to `money_factor`, count the median par: (median - money's) / the rest, all
    in the mean of its best games, within [MIN_FACTOR, MAX_FACTOR]. Where the rest is
    nothing or a loss, it follows money's (stretching a loss would make the best games
    worse)."""
    money, rest = _split(top)
    if rest <= 0:
        return money_factor
    wanted = median * len(top) * UNIT - money * money_factor  # milli-points x per mille
    return max(MIN_FACTOR, min(MAX_FACTOR, wanted // rest))


def _split(top: list[tuple[int, int]]) -> tuple[int, int]:
    """Money's share and the rest of the best games' gains, summed, in milli-points."""
    money = sum(m for _, m in top)
    return money, sum(g for g, _ in top) * UNIT - money


def _off_par(top: list[tuple[int, int]], median: int, money_factor: int, factor: int) -> Fraction:
    """How far (a ratio, 1 = not at all) the seat's best games, counted with these two
    factors, are from the median par (1 for a seat with no such games)."""
    if not top:
        return Fraction(1)
    money, rest = _split(top)
    got = max(max(1, median // 25), (rest * factor + money * money_factor) // (len(top) * UNIT))
    return Fraction(max(got, median), min(got, median))


def _window(values: list[int], strain: Callable[[int], Fraction]) -> int:
    """The low end of the MAX_RATIO-wide window (less a per mille rounding margin) for
    `values` (sorted), or 0 if they all fit. First, the windows that keep the seats' best
    games nearest their par (`strain(lo)`: the product of how much further from the median
    holding puts each held seat's, once its other points make up what they can); of those,
    the one that moves the values outside it least in all (the product of the ratios each
    is moved by); and where several do (one seat far out at each end: moving the window
    trades one's move for the other's), the one in the middle of them, favouring neither
    end.

    Why: a seat pulled away from its par wins far more or less often than its share. A
    seat whose room is all money (classroom-lite variant 6's Japan) cannot make up a held
    money factor, so the window holds the seats that can; among windows that strain no
    one, as few seats are moved, and by as little, as can be: a lone outlier is moved
    alone, not the whole table towards it, and two outliers at opposite ends both give
    way."""
    if not values or values[-1] <= _top(values[0]):
        return 0
    candidates = sorted({*values, *(max(1, -(-v * 100 // (99 * MAX_RATIO))) for v in values)})
    strains = {lo: strain(lo) for lo in candidates}
    least_strain = min(strains.values())
    fair = [lo for lo in candidates if strains[lo] * 100 <= least_strain * 101]  # but rounding
    costs = [(lo, _moved(values, lo)) for lo in fair]
    least = min(c for _, c in costs)
    tied = [lo for lo, c in costs if c * 1000 <= least * 1001]  # equal but for rounding
    return math.isqrt(tied[0] * tied[-1])  # the middle of them (geometrically)


def _top(lo: int) -> int:
    return MAX_RATIO * lo * 99 // 100


def _moved(values: list[int], lo: int) -> Fraction:
    """The product of the ratios by which the window [lo, _top(lo)] moves each value."""
    hi = _top(lo)
    out = Fraction(1)
    for v in values:
        if v < lo:
            out *= Fraction(lo, v)
        elif v > hi:
            out *= Fraction(v, hi)
    return out


def apply(total: int, factor: int, money: int = 0, money_factor: int | None = None) -> int:
    """A total with its distance from 100 multiplied by the factor, and the `money` share of
    it (milli-points: scoring.money_share) by `money_factor` where that differs: a gain
    rounded down, a loss rounded away from 100, and a game better (or worse) than doing
    nothing stays so whatever the two factors do to its parts."""
    gain = total - 100
    rest = gain * UNIT - money
    scaled = rest * factor + money * (factor if money_factor is None else money_factor)
    if gain >= 0:
        return 100 + max(0, scaled // UNIT**2)
    return 100 + min(-1, scaled // UNIT**2)


# ---- the stored factors of the shipped scenarios ----------------------------------------------
def stored_path(scenario_path: Path) -> Path:
    return PAR_DIR / scenario_path.name


def read_stored(scenario: Scenario, scenario_path: Path) -> bool:
    """Prime the cache from the stored file, if it is there and current."""
    path = stored_path(scenario_path)
    if not path.is_file():
        return False
    doc = json.loads(path.read_text())
    if doc.get("digest") != digest(scenario):
        return False
    remember(scenario, Par(doc["factors"], doc.get("money", {})))
    return True


def write_stored(scenario: Scenario, scenario_path: Path) -> Path:
    path = stored_path(scenario_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    found = of(scenario)
    doc = {"scenario": scenario.id, "digest": digest(scenario), "games": PAR_GAMES,
           "seed": PAR_SEED, "top_pct": PAR_TOP_PCT, "factors": found.points,
           "money": found.money}
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    from game.scenario import parse_scenario
    from game.simulate import SCENARIO_DIR, scenario_path

    p = argparse.ArgumentParser(prog="python -m game.par", description=__doc__.split("\n")[0])
    p.add_argument("--scenario", action="append", help="name or path (default: all shipped)")
    p.add_argument("--write", action="store_true", help="store them in fixtures/par/")
    args = p.parse_args(argv)
    paths = ([scenario_path(s) for s in args.scenario] if args.scenario
             else sorted(SCENARIO_DIR.glob("*.json")))
    out = {}
    for path in paths:
        scenario = parse_scenario(path.read_bytes(), require_action=False)
        f = of(scenario)
        out[scenario.id] = {"factors": f.points, "money": f.money}
        print(scenario.id, " ".join(f"{s}:{v / UNIT:.2f}" + (
            f"(${f.money[s] / UNIT:.2f})" if s in f.money else "") for s, v in f.points.items()))
        if args.write:
            print("  wrote", write_stored(scenario, path))
    print(json.dumps(out, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
