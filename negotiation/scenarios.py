"""Scenario files by id, parsed once per process: a scenario is immutable data, and every
game on it shares the parsed object."""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings

from game import Scenario, load_scenario
from negotiation.errors import ServiceError


def _dirs() -> list[Path]:
    return [Path(d) for d in settings.FORGE_SCENARIO_DIRS]


def available() -> list[str]:
    ids: list[str] = []
    for d in _dirs():
        if d.is_dir():
            ids += sorted(p.stem for p in d.glob("*.json"))
    return list(dict.fromkeys(ids))


@functools.lru_cache(maxsize=32)
def _load(path: str, mtime: float) -> Scenario:
    return load_scenario(path)


def get(scenario_id: str) -> Scenario:
    if not scenario_id or "/" in scenario_id or scenario_id.startswith("."):
        raise ServiceError("not_found", f"no scenario {scenario_id!r}")
    for d in _dirs():
        path = d / f"{scenario_id}.json"
        if path.is_file():
            return _load(str(path), path.stat().st_mtime)
    raise ServiceError("not_found", f"no scenario {scenario_id!r}")
