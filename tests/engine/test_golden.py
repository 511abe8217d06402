"""Golden replays: recorded whole games whose final scores are checked exactly.

A change to the rules or the scenario data that moves any score fails here; if the change
is intended, re-record with `python -m tests.engine.test_golden --write` and say so in the
commit.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest

from game import Game, decode_action, load_scenario
from game.actions import action_to_dict
from game.scoring import ranking
from tests.engine.invariants import check_conservation

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
GAMES = {"ministerial-2026": 1, "classroom-lite": 2}


def _summary(game: Game) -> dict[str, Any]:
    return {
        "scores": {s: msgspec.to_builtins(v) for s, v in game.state.scores.items()},
        "ranking": ranking(game),
        "state_sha256": hashlib.sha256(game.state_bytes()).hexdigest(),
    }


@pytest.mark.parametrize("name", sorted(GAMES))
def test_golden_replay(name: str) -> None:
    recorded = json.loads((GOLDEN / f"{name}.json").read_text())
    scenario = load_scenario(ROOT / "fixtures" / "scenarios" / f"{name}.json")
    log = [(actor, decode_action(action)) for actor, action in recorded["log"]]
    game = Game.replay(scenario, recorded["seed"], log)
    assert game.is_over
    check_conservation(game)
    summary = _summary(game)
    assert summary["scores"] == recorded["scores"]
    assert summary["ranking"] == recorded["ranking"]
    assert summary["state_sha256"] == recorded["state_sha256"]


def write() -> None:
    sys.path.insert(0, str(ROOT))
    from bench.workload import record_game

    for name, seed in GAMES.items():
        scenario = load_scenario(ROOT / "fixtures" / "scenarios" / f"{name}.json")
        game, log = record_game(scenario, seed)
        doc = {"scenario": name, "seed": seed,
               "log": [[actor, action_to_dict(action)] for actor, action in log], **_summary(game)}
        (GOLDEN / f"{name}.json").write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
        print(f"wrote {name}: {len(log)} actions, winner {doc['ranking'][0]}")


if __name__ == "__main__" and "--write" in sys.argv:
    write()
