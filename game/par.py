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
factors span at most `MAX_RATIO` times (the money that moves a total by 10 points differs
by no more across seats, scoring.money_per_10_points).

The factors depend only on the scenario and the engine's rules and bots: computed once
per scenario content (cached here), or read from `fixtures/par/` for the shipped scenarios
(`python -m game.par --write` refreshes them; a test fails when one is stale).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
from collections.abc import Mapping
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
PAR_VERSION = 4
PAR_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "par"

Factors = dict[str, int]
_cache: dict[str, Factors] = {}  # digest -> factors: a pure function's memo


def digest(scenario: Scenario) -> str:
    """The scenario's content and the par rules' version: what the factors depend on."""
    raw = msgspec.json.encode(scenario, order="deterministic")
    return hashlib.sha256(b"par%d:" % PAR_VERSION + raw).hexdigest()[:32]


def factors_of(scenario: Scenario) -> Factors:
    """Each seat's par factor (per mille), computed once per scenario content."""
    key = digest(scenario)
    found = _cache.get(key)
    if found is None:
        found = _cache[key] = compute(scenario)
    return dict(found)


def remember(scenario: Scenario, factors: Mapping[str, int]) -> None:
    """Take factors computed elsewhere (a stored file, a parent process)."""
    _cache[digest(scenario)] = dict(factors)


def compute(scenario: Scenario) -> Factors:
    """Play the par games and turn each seat's gains into its factor."""
    from game.scoring import money_per_10_points
    from game.simulate import assign, game_seed, play

    gains: dict[str, list[int]] = {s: [] for s in scenario.seat_ids}
    for i in range(PAR_GAMES):
        strategies = assign(scenario, "mix", PAR_SEED, i)
        game, _ = play(scenario, game_seed(PAR_SEED, i), strategies, par={})
        for seat, score in game.state.scores.items():
            if strategies[seat] != "passive":
                gains[seat].append(score.total - 100)
    return factors(gains, {s: money_per_10_points(scenario, s) for s in scenario.seat_ids})


def factors(gains: Mapping[str, list[int]], money: Mapping[str, int]) -> Factors:
    """Per mille factors from each seat's gains in the games it played to win.

    par = the mean of a seat's best PAR_TOP_PCT% gains (milli-points); factor = the median
    positive par / the seat's par. A par at or below 0 (the seat gains nothing even at its
    best) counts as a 25th of the median. `money` is each seat's $M per +10 points before
    par (scoring.money_per_10_points; 0 where prosperity has no weight): if the $M per +10
    points after par would span more than MAX_RATIO, they are held to the window of that
    ratio that moves them least (`_window`), and the factors of the seats outside it
    follow."""
    pars: dict[str, int] = {}
    for seat, xs in gains.items():
        top = sorted(xs)[len(xs) * (100 - PAR_TOP_PCT) // 100:]
        pars[seat] = sum(top) * UNIT // len(top) if top else 0
    positive = sorted(p for p in pars.values() if p > 0)
    if not positive:
        return {s: UNIT for s in pars}
    median = positive[(len(positive) - 1) // 2]
    floor = max(1, median // 25)
    out = {s: max(1, median * UNIT // max(p, floor)) for s, p in pars.items()}
    # $M per +10 points after par, for the seats that count money, in millionths of a $M
    # (so a small money measure is not rounded to nothing before the window is placed)
    per10 = {s: money[s] * FINE // f for s, f in out.items() if money.get(s, 0) > 0}
    lo = _window(sorted(per10.values()))
    if lo:
        hi = MAX_RATIO * lo * 99 // 100  # a margin for the per mille rounding
        for s, v in per10.items():
            if not lo <= v <= hi:
                out[s] = max(1, -(-money[s] * FINE // min(hi, max(lo, v))))
    return out


def _window(values: list[int]) -> int:
    """The low end of the MAX_RATIO-wide window (less a per mille rounding margin) for
    `values` (sorted), or 0 if they all fit: the window that moves the values outside it
    least in all (the product of the ratios each is moved by), and where several do (one
    seat far out at each end: moving the window trades one's move for the other's), the
    one in the middle of them, favouring neither end.

    Why: when the measured factors spread wider than the money figure allows, as few
    seats as possible should be moved, and by as little as possible, from what their play
    showed; a seat pulled far from its par wins far more or less often than its share. A
    lone outlier (a country with almost no room to gain) is moved alone, not the whole
    table towards it; two outliers at opposite ends both give way."""
    if not values or values[-1] <= _top(values[0]):
        return 0
    candidates = sorted({*values, *(max(1, -(-v * 100 // (99 * MAX_RATIO))) for v in values)})
    costs = [(lo, _moved(values, lo)) for lo in candidates]
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


def apply(total: int, factor: int) -> int:
    """A total with its distance from 100 multiplied by the factor: a gain rounded down, a
    loss rounded away from 100, so a worse game than doing nothing stays below 100."""
    gain = total - 100
    if gain >= 0:
        return 100 + gain * factor // UNIT
    return 100 - -(gain * factor // UNIT)


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
    remember(scenario, doc["factors"])
    return True


def write_stored(scenario: Scenario, scenario_path: Path) -> Path:
    path = stored_path(scenario_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"scenario": scenario.id, "digest": digest(scenario), "games": PAR_GAMES,
           "seed": PAR_SEED, "top_pct": PAR_TOP_PCT, "factors": factors_of(scenario)}
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
        f = factors_of(scenario)
        out[scenario.id] = f
        print(scenario.id, " ".join(f"{s}:{v / UNIT:.2f}" for s, v in f.items()))
        if args.write:
            print("  wrote", write_stored(scenario, path))
    print(json.dumps(out, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
