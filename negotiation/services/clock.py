"""Phase deadlines: stored on the Game row, so they survive restarts and every server
process sees the same one; ended by applying the engine's `Advance(round, phase)` as the
facilitator, exactly once.

Exactly once, three ways over: the row lock (`skip_locked` on PostgreSQL, so a second
process simply skips a game the first is ending), the deadline re-checked under the lock,
and the engine refusing a stale `Advance` (STALE_PHASE) if all else failed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from game import FACILITATOR, RuleError
from game.actions import Action, Advance, Rewind
from negotiation.errors import BAD_REQUEST, CONFLICT, NOT_FOUND, ServiceError
from negotiation.models import Game
from negotiation.realtime import broadcast

log = logging.getLogger("negotiation.clock")

MAX_PHASE_SECONDS = 4 * 3600


def phase_seconds(row: Game, phase: str) -> float:
    opts = row.options or {}
    key = f"{phase}_seconds"
    value = opts.get(key)
    if value is None:
        from negotiation import scenarios

        value = getattr(scenarios.get(row.scenario_id), key, 300)
    return float(value)


def follow_engine(row: Game, game: Any, before: tuple[int, str, bool], action: Action) -> bool:
    """Move the row's status and clock after an applied action; True if the clock moved."""
    st = game.state
    now = timezone.now()
    changed = False
    round_phase_moved = (st.round, st.phase) != before[:2]
    if st.phase == "ended":
        row.status, row.deadline, row.paused_remaining = Game.ENDED, None, None
        changed = True
    elif st.phase == "lobby":
        row.status = Game.LOBBY
    else:
        if st.paused and not before[2]:
            left = (row.deadline - now).total_seconds() if row.deadline else None
            row.paused_remaining = max(0.0, left) if left is not None else None
            row.deadline = None
            changed = True
        if round_phase_moved or isinstance(action, Rewind):
            seconds = phase_seconds(row, st.phase)
            if st.paused:
                row.paused_remaining, row.deadline = seconds, None
            else:
                row.deadline, row.paused_remaining = now + timedelta(seconds=seconds), None
            changed = True
        elif not st.paused and before[2]:
            left = row.paused_remaining if row.paused_remaining is not None else \
                phase_seconds(row, st.phase)
            row.deadline, row.paused_remaining = now + timedelta(seconds=left), None
            changed = True
        row.status = Game.PAUSED if st.paused else Game.RUNNING
    row.round, row.phase = st.round, st.phase
    return changed


def extend(game_id: int, seconds: float) -> dict[str, Any]:
    """Add (or, negative, remove) time from the current phase; paused games keep it frozen."""
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or \
            abs(seconds) > MAX_PHASE_SECONDS:
        raise ServiceError(BAD_REQUEST, f"seconds must be a number within ±{MAX_PHASE_SECONDS}")
    with transaction.atomic():
        row = Game.objects.select_for_update().filter(pk=game_id).first()
        if row is None:
            raise ServiceError(NOT_FOUND, "no such game")
        now = timezone.now()
        if row.status == Game.PAUSED and row.paused_remaining is not None:
            row.paused_remaining = max(0.0, row.paused_remaining + seconds)
        elif row.status == Game.RUNNING and row.deadline is not None:
            row.deadline = max(now, row.deadline + timedelta(seconds=seconds))
        else:
            raise ServiceError(CONFLICT, "no phase is running")
        row.save(update_fields=["deadline", "paused_remaining", "updated"])
        broadcast.clock(row.pk)
        return state(row)


def state(row: Game, now: datetime | None = None) -> dict[str, Any]:
    """What the clock looks like to everyone (deadlines are public)."""
    now = now or timezone.now()
    if row.deadline is not None:
        remaining = max(0.0, (row.deadline - now).total_seconds())
    else:
        remaining = row.paused_remaining
    return {
        "status": row.status,
        "round": row.round,
        "phase": row.phase,
        "deadline": row.deadline.isoformat() if row.deadline else None,
        "remaining_ms": None if remaining is None else int(remaining * 1000),
        "paused": row.status == Game.PAUSED,
        "server_time": now.isoformat(),
    }


def due_games(now: datetime | None = None, limit: int = 50) -> list[int]:
    now = now or timezone.now()
    return list(Game.objects.filter(status=Game.RUNNING, deadline__lte=now)
                .order_by("deadline").values_list("pk", flat=True)[:limit])


def fire_deadline(game_id: int, now: datetime | None = None) -> int | None:
    """End the phase of a game whose deadline has passed; the new version, or None if
    another process got there first (or the deadline moved)."""
    from negotiation.services.actions import apply_locked

    now = now or timezone.now()
    skip = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        qs = Game.objects.select_for_update(skip_locked=True) if skip else \
            Game.objects.select_for_update()
        row = qs.filter(pk=game_id).first()
        if row is None or row.status != Game.RUNNING or row.deadline is None \
                or row.deadline > now:
            return None
        try:
            applied = apply_locked(row, FACILITATOR, Advance(round=row.round, phase=row.phase),
                                   sender="clock", client_msg_id=f"deadline@{row.version}")
        except RuleError as exc:
            # STALE_PHASE or a paused/ended engine: the row was behind; never skip a phase.
            log.warning("game %s: deadline refused by the engine: %s", game_id, exc)
            row.deadline = None
            row.save(update_fields=["deadline", "updated"])
            return None
        return applied.seq


def tick(now: datetime | None = None) -> list[int]:
    """One pass of the clock: end every due phase. Returns the games it advanced."""
    fired = []
    for game_id in due_games(now):
        try:
            if fire_deadline(game_id, now) is not None:
                fired.append(game_id)
        except Exception:
            log.exception("game %s: ending the phase failed", game_id)
    return fired
