"""Whole games of bots, many at once, to measure a scenario's balance.

    python -m game.simulate --scenario ministerial-2026 --games 1000 --seed 1 \
        [--bots cooperative,hawk,passive|mix] [--jobs N] [--out results.json]

Each game gets its own seed from (--seed, game number) and, with `mix`, a deterministic
assignment of strategies to seats that rotates so every seat plays every strategy about
equally often. Results are collected in game order whatever --jobs is, and floats are
rounded before printing, so the same seed gives byte-identical output.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from multiprocessing import Pool
from pathlib import Path
from time import process_time
from typing import Any

from game import par
from game.actions import FACILITATOR, Action, Advance, Start
from game.bots import STRATEGIES, act
from game.engine import Game
from game.errors import RuleError
from game.par import Par
from game.rng import shuffled
from game.scenario import PARTS, Scenario, load_scenario
from game.scoring import winners, world_outcome

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "scenarios"
MAX_PASSES = 8  # turns around the table per phase before the facilitator's clock runs out
NAMES = tuple(STRATEGIES)


# ---- one game --------------------------------------------------------------------------
def game_seed(seed: int, index: int) -> int:
    return seed * 100_003 + index


def assign(scenario: Scenario, bots: str, seed: int, index: int) -> dict[str, str]:
    """Strategies per seat. A list is cycled over the seats in order. `mix` works in
    blocks of as many games as there are strategies: each block shuffles the seats by the
    seed, deals the strategies round-robin, and rotates them one step per game, so every
    seat plays every strategy exactly once per block, with different company each block."""
    seats = list(scenario.seat_ids)
    if bots != "mix":
        names = [b.strip() for b in bots.split(",") if b.strip()]
        return {s: names[i % len(names)] for i, s in enumerate(seats)}
    block, turn = divmod(index, len(NAMES))
    _, order = shuffled(game_seed(seed, block) & ((1 << 64) - 1), seats)
    return {s: NAMES[(i + turn) % len(NAMES)] for i, s in enumerate(order)}


def play(scenario: Scenario, seed: int, strategies: dict[str, str],
         timings: list[float] | None = None, *,
         refuse: Callable[[Action], bool] | None = None,
         on_phase: Callable[[Game], None] | None = None,
         on_round: Callable[[Game], None] | None = None,
         setup: Callable[[Game], None] | None = None,
         par: Par | None = None) -> tuple[Game, int]:
    """Play one game to the end; return it and the number of bot actions the engine refused
    (a bot bug: it must stay 0). With `timings`, each act() call's CPU seconds are appended.

    The hooks serve paired experiments (game.experiments): `setup` changes the new game
    before it starts, `on_phase` runs at the start of every phase (before the bots act),
    `on_round` after every resolution, and a bot action for which `refuse` is true is
    dropped before it reaches the engine (a rule the experiment imposes, such as no deals)."""
    controllers = {s: f"bot:{strategies[s]}" for s in scenario.seat_ids}
    game = Game.new(scenario, seed, controllers=controllers, par=par)
    if setup is not None:
        setup(game)
    game.apply(FACILITATOR, Start())
    errors = 0
    seats = list(scenario.seat_ids)
    resolved = 0
    while not game.is_over:
        key = (game.state.round, game.state.phase)
        if on_phase is not None:
            on_phase(game)
        for _ in range(MAX_PASSES):
            acted, refused = _pass(game, seats, key, timings, refuse)
            errors += refused
            if not acted or _moved(game, key):
                break
        if not game.is_over and not _moved(game, key):
            game.apply(FACILITATOR, Advance(key[0], key[1]))
        if on_round is not None and len(game.state.reports) > resolved:
            resolved = len(game.state.reports)
            on_round(game)
    return game, errors


def _moved(game: Game, key: tuple[int, str]) -> bool:
    return game.is_over or (game.state.round, game.state.phase) != key


def _pass(game: Game, seats: list[str], key: tuple[int, str],
          timings: list[float] | None,
          refuse: Callable[[Action], bool] | None = None) -> tuple[bool, int]:
    """Each seat in order takes its turn; returns (anything applied, actions refused)."""
    acted, refused = False, 0
    for seat in seats:
        if _moved(game, key):
            break
        if timings is None:
            actions = act(game, seat)
        else:
            t0 = process_time()
            actions = act(game, seat)
            timings.append(process_time() - t0)
        for action in actions:
            if _moved(game, key):
                break
            if refuse is not None and refuse(action):
                continue
            try:
                game.apply(seat, action)
                acted = True
            except RuleError:
                refused += 1
    return acted, refused


def result(game: Game, index: int, seed: int, strategies: dict[str, str],
           errors: int) -> dict[str, Any]:
    scores = game.state.scores
    return {
        "game": index,
        "seed": seed,
        "strategies": strategies,
        "totals": {s: scores[s].total for s in scores},
        "parts": {s: dict(scores[s].parts) for s in scores},
        "objectives": {s: dict(scores[s].objectives) for s in scores},
        "winners": winners(game),  # a tie at the top shares the win
        "world": world_outcome(game),
        "signed": sum(1 for d in game.state.deals.values()
                      if d.status in ("active", "completed", "breached")),
        "errors": errors,
    }


# ---- many games --------------------------------------------------------------------------
_WORKER: dict[str, Any] = {}


def _init(path: str, bots: str, seed: int, factors: Par | None = None) -> None:
    scenario = load_scenario(path)
    if factors is not None:  # the parent computed the par factors once for every worker
        par.remember(scenario, factors)
    _WORKER.update(scenario=scenario, bots=bots, seed=seed)


def _one(index: int) -> dict[str, Any]:
    scenario: Scenario = _WORKER["scenario"]
    strategies = assign(scenario, _WORKER["bots"], _WORKER["seed"], index)
    seed = game_seed(_WORKER["seed"], index)
    game, errors = play(scenario, seed, strategies)
    return result(game, index, seed, strategies, errors)


def scenario_path(name: str) -> Path:
    path = Path(name)
    return path if path.suffix == ".json" else SCENARIO_DIR / f"{name}.json"


def run_games(scenario: str, games: int, seed: int, bots: str = "mix", jobs: int = 1,
              progress: bool = False) -> list[dict[str, Any]]:
    """Per-game results in game order (the same for any number of jobs)."""
    path = str(scenario_path(scenario))
    bar = _bar(games, progress)
    out: list[dict[str, Any]] = []
    if jobs <= 1:
        _init(path, bots, seed)
        for r in map(_one, range(games)):
            out.append(r)
            bar.update(1)
    else:
        factors = par.of(load_scenario(path))
        with Pool(jobs, initializer=_init, initargs=(path, bots, seed, factors)) as pool:
            for r in pool.imap(_one, range(games), chunksize=max(1, min(8, games // jobs))):
                out.append(r)
                bar.update(1)
    bar.close()
    return out


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _bar(total: int, show: bool) -> Any:
    if not show:
        return _NoBar()
    from tqdm import tqdm  # type: ignore[import-untyped]

    return tqdm(total=total, file=sys.stderr, unit="game", dynamic_ncols=True)


# ---- the summary -------------------------------------------------------------------------
def _mean(xs: Sequence[float]) -> float:
    return round(sum(xs) / len(xs), 4) if xs else 0.0


def _sd(xs: Sequence[float]) -> float:
    if len(xs) < 2:
        return 0.0
    mu = sum(xs) / len(xs)
    return round(math.sqrt(sum((x - mu) ** 2 for x in xs) / (len(xs) - 1)), 4)


def summarise(results: list[dict[str, Any]], scenario: str, seed: int,
              bots: str) -> dict[str, Any]:
    seats = list(results[0]["totals"]) if results else []
    n = len(results)
    return {
        "scenario": scenario,
        "seed": seed,
        "bots": bots,
        "games": n,
        "bot_errors": sum(r["errors"] for r in results),
        "deals_signed_mean": _mean([r["signed"] for r in results]),
        "seats": {s: _seat_summary(results, s) for s in seats},
        "strategies": _strategy_summary(results),
        "versus": _versus(results),
        "world": _world(results),
    }


def _seat_summary(results: list[dict[str, Any]], seat: str) -> dict[str, Any]:
    totals = [r["totals"][seat] for r in results]
    by_strategy: dict[str, list[int]] = {}
    for r in results:
        by_strategy.setdefault(r["strategies"][seat], []).append(r["totals"][seat])
    return {
        "win_rate": _mean([_share(r, seat) for r in results]),
        "mean_score": _mean(totals),
        "sd_score": _sd(totals),
        "parts": {p: _mean([r["parts"][seat][p] for r in results]) for p in PARTS},
        "parts_sd": {p: _sd([r["parts"][seat][p] for r in results]) for p in PARTS},
        "by_strategy": {k: _mean(v) for k, v in sorted(by_strategy.items())},
        "objectives": {o: _mean([1 if r["objectives"][seat][o] else 0 for r in results])
                       for o in sorted(results[0]["objectives"][seat])},
        "part_max": max((v for r in results for v in r["parts"][seat].values()), default=0),
    }


def _strategy_summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Per strategy: the chance that a seat playing it wins, and its mean score."""
    played: dict[str, int] = {}
    wins: dict[str, float] = {}
    scores: dict[str, list[int]] = {}
    for r in results:
        for seat, name in r["strategies"].items():
            played[name] = played.get(name, 0) + 1
            scores.setdefault(name, []).append(r["totals"][seat])
            wins[name] = wins.get(name, 0) + _share(r, seat)
    return {k: {"win_rate": round(wins.get(k, 0) / played[k], 4),
                "games_won": round(wins.get(k, 0), 2), "mean_score": _mean(scores[k])}
            for k in sorted(played)}


def _share(r: dict[str, Any], seat: str) -> float:
    """The seat's share of the game's win: 1, 1/k for k seats tied at the top, or 0."""
    return 1 / len(r["winners"]) if seat in r["winners"] else 0


def _versus(results: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """How often a seat playing A outscored a seat playing B in the same game."""
    beat: dict[tuple[str, str], int] = {}
    met: dict[tuple[str, str], int] = {}
    for r in results:
        items = list(r["strategies"].items())
        for sa, a in items:
            for sb, b in items:
                if sa == sb:
                    continue
                met[a, b] = met.get((a, b), 0) + 1
                if r["totals"][sa] > r["totals"][sb]:
                    beat[a, b] = beat.get((a, b), 0) + 1
    out: dict[str, dict[str, float]] = {}
    for (a, b), m in sorted(met.items()):
        out.setdefault(a, {})[b] = round(beat.get((a, b), 0) / m, 4)
    return out


def _world(results: list[dict[str, Any]]) -> dict[str, Any]:
    worlds = [r["world"] for r in results]
    if not worlds:
        return {}
    minerals = sorted(worlds[0]["shortages"])
    return {
        "demand_met_bp": _mean([w["demand_met_bp"] for w in worlds]),
        "output_value": _mean([w["output_value"] for w in worlds]),
        "shortage_lots": {m: _mean([sum(w["shortages"][m]) for w in worlds]) for m in minerals},
        "final_prices": {k: _mean([w["prices"][k][-1] for w in worlds
                                   if w["prices"].get(k) and w["prices"][k][-1]])
                         for k in sorted(worlds[0]["prices"])},
    }


# ---- printing and files --------------------------------------------------------------------
def table(summary: dict[str, Any]) -> str:
    n_seats = len(summary["seats"]) or 1
    lines = [f"{summary['scenario']}: {summary['games']} games, seed {summary['seed']}, "
             f"bots {summary['bots']}; fair share {100 / n_seats:.1f}%; "
             f"bot errors {summary['bot_errors']}; deals signed per game "
             f"{summary['deals_signed_mean']:.1f}", ""]
    head = f"{'seat':<6}{'win%':>7}{'score':>8}{'sd':>6}"
    head += "".join(f"{p[:6]:>10}" for p in PARTS)
    head += "".join(f"{n[:6]:>9}" for n in NAMES)
    lines.append(head)
    for seat, s in summary["seats"].items():
        row = f"{seat:<6}{100 * s['win_rate']:>7.1f}{s['mean_score']:>8.1f}{s['sd_score']:>6.0f}"
        row += "".join(f"{s['parts'][p]:>5.0f}±{s['parts_sd'][p]:<4.0f}" for p in PARTS)
        row += "".join(f"{s['by_strategy'].get(n, 0):>9.1f}" for n in NAMES)
        lines.append(row)
    lines += ["", f"{'strategy':<12}{'win%':>7}{'won':>6}{'score':>8}   beats (share of pairs)"]
    for name, s in summary["strategies"].items():
        vs = summary["versus"].get(name, {})
        beats = "  ".join(f"{k} {100 * v:.0f}%" for k, v in vs.items())
        lines.append(f"{name:<12}{100 * s['win_rate']:>7.1f}{s['games_won']:>6}"
                     f"{s['mean_score']:>8.1f}   {beats}")
    lines.append(band_line(summary["seats"], LOW_BP, HIGH_BP))
    met = sum(v for s in summary["seats"].values() for v in s["objectives"].values())
    lines.append(f"highest part score {max(s['part_max'] for s in summary['seats'].values())}"
                 f"; objectives met per game {met:.2f}")
    coop_wins = sum(1 for s in summary["seats"].values()
                    if s["by_strategy"].get("cooperative", 0) > s["by_strategy"].get("passive", 0))
    lines.append(f"cooperative beats passive in mean score for {coop_wins}/{n_seats} seats")
    w = summary["world"]
    if w:
        lines += ["", f"world: demand met {w['demand_met_bp'] / 100:.1f}%, output value "
                  f"{w['output_value']:.0f} $M; shortages (lots/game) " +
                  ", ".join(f"{m} {v:.1f}" for m, v in w["shortage_lots"].items())]
    return "\n".join(lines)


# the bands, in bp of the fair share 1/n: every board, and pooled over variants
LOW_BP, HIGH_BP = 3300, 30000
POOL_LOW_BP, POOL_HIGH_BP = 5000, 20000


def band_line(seats: dict[str, Any], low_bp: int, high_bp: int) -> str:
    """`band [lo%, hi%]: k/n seats in; out: SEAT win%` for win rates against the fair share."""
    n = len(seats) or 1
    lo, hi = low_bp / 10000 / n, high_bp / 10000 / n
    out = [f"{k} {100 * s['win_rate']:.1f}" for k, s in seats.items()
           if not lo - 1e-9 <= s["win_rate"] <= hi + 1e-9]
    inside = len(seats) - len(out)
    return (f"band [{100 * lo:.1f}%, {100 * hi:.1f}%]: {inside}/{len(seats)} seats in" +
            (f"; out: {', '.join(out)}" if out else ""))


def pool(paths: list[Path]) -> str:
    """Win rates pooled over several runs' JSON summaries (variants of one scenario: the same
    seats), weighted by games, against the pooled band [0.5/n, 2/n]."""
    wins: dict[str, float] = {}
    games = 0
    for path in paths:
        summary = json.loads(path.read_text())
        for seat, s in summary["seats"].items():
            wins[seat] = wins.get(seat, 0.0) + s["win_rate"] * summary["games"]
        games += summary["games"]
    seats = {k: {"win_rate": v / max(1, games)} for k, v in wins.items()}
    rows = "  ".join(f"{k} {100 * s['win_rate']:.1f}" for k, s in seats.items())
    return (f"pooled over {len(paths)} runs, {games} games: {rows}\n" +
            band_line(seats, POOL_LOW_BP, POOL_HIGH_BP))


def write_outputs(summary: dict[str, Any], results: list[dict[str, Any]], out: Path) -> Path:
    """The summary as JSON, and one CSV row per seat per game beside it."""
    out.write_text(json.dumps(summary, sort_keys=True, indent=2) + "\n")
    path = out.with_suffix(".csv")
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["game", "seed", "seat", "strategy", "total", *PARTS, "winner"])
        for row in _csv_rows(results):
            w.writerow(row)
    return path


def _csv_share(r: dict[str, Any], seat: str) -> int | float:
    share = _share(r, seat)
    return int(share) if share in (0, 1) else round(share, 4)


def _csv_rows(results: list[dict[str, Any]]) -> Iterator[list[Any]]:
    for r in results:
        for seat, total in r["totals"].items():
            yield [r["game"], r["seed"], seat, r["strategies"][seat], total,
                   *(r["parts"][seat][p] for p in PARTS), _csv_share(r, seat)]


def simulate(scenario: str, games: int, seed: int, bots: str = "mix", jobs: int = 1,
             out: Path | None = None, progress: bool = False) -> dict[str, Any]:
    """The API the command, the Django wrapper and the tests share."""
    check_bots(bots)
    results = run_games(scenario, games, seed, bots, jobs, progress)
    summary = summarise(results, scenario, seed, bots)
    found = par.of(load_scenario(str(scenario_path(scenario))))
    summary["par"], summary["par_money"] = dict(found.points), dict(found.money)
    if out is not None:
        write_outputs(summary, results, out)
    return summary


def check_bots(bots: str) -> None:
    if bots == "mix":
        return
    unknown = [b for b in bots.split(",") if b.strip() not in STRATEGIES]
    if unknown or not bots.strip():
        raise ValueError(f"--bots takes 'mix' or a list of {', '.join(NAMES)}")


def add_arguments(p: Any) -> None:
    """Shared with `manage.py simulate`, so both take the same options."""
    p.add_argument("--scenario", default="ministerial-2026")
    p.add_argument("--games", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--bots", default="mix", help="mix, or a comma list of " + ",".join(NAMES))
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--out", default="")
    p.add_argument("--no-progress", action="store_true")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m game.simulate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    parser.add_argument("--pool", nargs="+", default=None, metavar="JSON",
                        help="print win rates pooled over these --out summaries and stop")
    a = parser.parse_args(argv)
    if a.pool:
        print(pool([Path(x) for x in a.pool]))
        return 0
    try:
        summary = simulate(a.scenario, a.games, a.seed, a.bots, a.jobs,
                           Path(a.out) if a.out else None, progress=not a.no_progress)
    except ValueError as exc:
        parser.error(str(exc))
    print(table(summary))
    return 1 if summary["bot_errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
