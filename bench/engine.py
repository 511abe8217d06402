"""Engine benchmark: apply throughput over a realistic action mix, round resolution time on
ministerial-2026 with every seat active, and full-game replay time.

Prints a table, then one JSON line: {"apply_per_s", "round_resolution_ms", "replay_game_ms"}.
Goals (issue 2): apply_per_s >= 20000, round_resolution_ms <= 20, replay_game_ms <= 200.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.workload import record_game
from game import Game, load_scenario
from game.actions import Advance, Start

SCENARIO = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios" / "ministerial-2026.json"
RUNS = 7


def main() -> None:
    scenario = load_scenario(SCENARIO)
    _, log = record_game(scenario, seed=1)
    apply_rates, resolutions, replays = [], [], []
    for _ in range(RUNS):
        game = Game.new(scenario, 1)
        spent, count = 0.0, 0
        for actor, action in log:
            resolving = game.state.phase == "orders"
            started = time.perf_counter()
            game.apply(actor, action)
            elapsed = time.perf_counter() - started
            if resolving and game.state.phase != "orders":  # the action that ended the phase
                resolutions.append(elapsed * 1000)
            elif not isinstance(action, (Advance, Start)):
                spent += elapsed
                count += 1
        apply_rates.append(count / spent)
        started = time.perf_counter()
        Game.replay(scenario, 1, log)
        replays.append((time.perf_counter() - started) * 1000)
    figures = {
        "apply_per_s": round(statistics.median(apply_rates)),
        "round_resolution_ms": round(statistics.median(resolutions), 2),
        "replay_game_ms": round(statistics.median(replays), 1),
        "actions_in_game": len(log),
        "seats": len(scenario.countries),
    }
    print(f"scenario ministerial-2026, {len(log)} actions per game, {RUNS} runs")
    print(f"  apply (non-phase actions): {figures['apply_per_s']:>10,} actions/s  (goal >= 20,000)")
    print(f"  round resolution:          {figures['round_resolution_ms']:>10} ms      (goal <= 20)")
    print(f"  replay whole game:         {figures['replay_game_ms']:>10} ms      (goal <= 200)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
