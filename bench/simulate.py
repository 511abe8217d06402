"""Benchmark: whole bot games per second on one core, and the time of one bot decision.

    .venv/bin/python bench/simulate.py [--games 40] [--scenario ministerial-2026]

Prints figures, then as its last line one JSON object with `games_per_s` (one core,
ministerial-2026, strategies `mix`) and `bot_decision_ms_median` (the median time of one
`act()` call for one seat in one phase). Games per second are measured in process CPU
time, so other work on a shared machine does not count against the figure; wall time is
printed too. Goals: ≥ 10 games/s and ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from game.scenario import load_scenario
from game.simulate import assign, game_seed, play, scenario_path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--games", type=int, default=40)
    ap.add_argument("--scenario", default="ministerial-2026")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    scenario = load_scenario(scenario_path(a.scenario))
    play(scenario, game_seed(a.seed, 10_000), assign(scenario, "mix", a.seed, 0))  # warm up
    t0, c0 = time.perf_counter(), time.process_time()
    errors = 0
    for i in range(a.games):
        _, e = play(scenario, game_seed(a.seed, i), assign(scenario, "mix", a.seed, i))
        errors += e
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    timings: list[float] = []
    for i in range(min(10, a.games)):
        play(scenario, game_seed(a.seed, i), assign(scenario, "mix", a.seed, i), timings)
    ms = sorted(t * 1000 for t in timings)
    games_per_s = a.games / cpu
    print(f"{a.scenario}: {a.games} games in {cpu:.2f} s CPU ({elapsed:.2f} s wall) on one "
          f"core = {games_per_s:.1f} games/s ({1000 * cpu / a.games:.0f} ms/game); "
          f"bot errors {errors}")
    print(f"act() calls: {len(timings)} in 10 games; median {statistics.median(ms):.2f} ms, "
          f"p90 {ms[int(0.9 * (len(ms) - 1))]:.2f} ms, max {ms[-1]:.2f} ms")
    print(json.dumps({"games_per_s": round(games_per_s, 1),
                      "bot_decision_ms_median": round(statistics.median(ms), 2),
                      "scenario": a.scenario, "games": a.games, "bot_errors": errors}))


if __name__ == "__main__":
    main()
