"""The per-process cache of live engine games, and rebuilding a game from its log.

A cached game is trusted only at the version it says it is at. When the database is
ahead (another process applied actions), the missing log rows are applied on top; when
anything is odd (cache ahead of the database after a failed commit, a replay error), the
game is rebuilt from the latest snapshot and the log tail. The log is the truth.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import msgspec
from django.db import transaction

from game import Game as EngineGame
from game import decode_action
from negotiation import scenarios
from negotiation.models import ActionLog, Game, Snapshot

RECENT = 256  # events kept in memory per game for resumes; older ones come from the log


@dataclass
class Loaded:
    game: EngineGame
    version: int
    committed: int = -1  # the highest version known to be committed
    # (seq, actor, events as dicts) for the latest actions, oldest first
    recent: deque[tuple[int, str, list[dict[str, Any]]]] = field(
        default_factory=lambda: deque(maxlen=RECENT))


_cache: dict[int, Loaded] = {}
_locks: dict[int, threading.RLock] = {}
_guard = threading.Lock()


def lock(game_id: int) -> threading.RLock:
    """Held around any use of a cached engine game: apply mutates it in place."""
    with _guard:
        lk = _locks.get(game_id)
        if lk is None:
            lk = _locks[game_id] = threading.RLock()
        return lk


def drop(game_id: int) -> None:
    with _guard:
        _cache.pop(game_id, None)


def clear() -> None:
    with _guard:
        _cache.clear()


def peek(game_id: int) -> Loaded | None:
    return _cache.get(game_id)


def committed(game_id: int, entry: Loaded, version: int) -> None:
    if _cache.get(game_id) is entry and entry.committed < version:
        entry.committed = version


def new_engine(row: Game) -> EngineGame:
    return EngineGame.new(scenarios.get(row.scenario_id), row.seed, **row.engine_options)


def events_to_dicts(events: list[Any]) -> list[dict[str, Any]]:
    return [msgspec.to_builtins(e) for e in events]


def replay_rows(game: EngineGame, rows: Any) -> None:
    for r in rows:
        game.apply(r.actor, decode_action(r.payload))
        if game.state.seq != r.seq:
            raise RuntimeError(f"log row {r.seq} replayed to seq {game.state.seq}")


def rebuild(row: Game, upto: int | None = None) -> EngineGame:
    """The game at version `upto` (default: the row's version) from snapshot + log tail."""
    target = row.version if upto is None else upto
    snap = (Snapshot.objects.filter(game_id=row.pk, seq__lte=target)
            .order_by("-seq").only("seq", "blob").first())
    if snap is not None:
        game = EngineGame.from_snapshot(scenarios.get(row.scenario_id), bytes(snap.blob))
    else:
        game = new_engine(row)
    # A plain query, not .iterator(): the tail after a snapshot is short (one is taken
    # every FORGE_SNAPSHOT_EVERY actions and at each round), and a load may run inside an
    # apply's pipeline (sql.pipelined), where PostgreSQL's server-side cursors cannot.
    tail = (ActionLog.objects.filter(game_id=row.pk, seq__gt=game.state.seq, seq__lte=target)
            .only("seq", "actor", "payload").order_by("seq"))
    replay_rows(game, tail)
    if game.state.seq != target:
        raise RuntimeError(f"game {row.pk}: log ends at {game.state.seq}, expected {target}")
    return game


def rebuild_from_log(row: Game) -> EngineGame:
    """Scenario + seed + the whole log, ignoring snapshots: the proof that the log is enough."""
    game = new_engine(row)
    replay_rows(game, ActionLog.objects.filter(game_id=row.pk).order_by("seq").iterator())
    return game


def load(row: Game) -> Loaded:
    """The engine game at `row.version`; call with lock(row.pk) held."""
    entry = _cache.get(row.pk)
    # Outside a transaction the row was read as committed; inside one it may be our own
    # uncommitted write, and on_commit (see actions.apply_locked) marks it later.
    settled = not transaction.get_connection().in_atomic_block
    if entry is not None and entry.version == row.version:
        if settled:
            entry.committed = max(entry.committed, row.version)
        return entry
    if entry is not None and entry.version < row.version:
        rows = list(ActionLog.objects.filter(game_id=row.pk, seq__gt=entry.version,
                                             seq__lte=row.version).order_by("seq"))
        if len(rows) == row.version - entry.version:
            try:
                for r in rows:
                    entry.game.apply(r.actor, decode_action(r.payload))
                    entry.recent.append((r.seq, r.actor, r.events))
                if entry.game.state.seq == row.version:
                    entry.version = row.version
                    if settled:
                        entry.committed = row.version
                    return entry
            except Exception:  # any surprise means: rebuild from the truth
                pass
    game = rebuild(row)
    entry = Loaded(game=game, version=row.version, committed=row.version if settled else -1)
    for r in (ActionLog.objects.filter(game_id=row.pk, seq__gt=max(0, row.version - RECENT))
              .order_by("seq").only("seq", "actor", "events")):
        entry.recent.append((r.seq, r.actor, r.events))
    with _guard:
        _cache[row.pk] = entry
    return entry


def reset() -> None:
    """Forget every cached game (tests, whose databases are emptied between cases)."""
    with _guard:
        _cache.clear()
        _locks.clear()
