"""Phase deadlines: stored on the Game row, so they survive restarts and every server
process sees the same one; ended by applying the engine's `Advance(round, phase)` as the
facilitator, exactly once.

Exactly once, three ways over: the row lock (`skip_locked` on PostgreSQL, so a second
process simply skips a game the first is ending), the deadline re-checked under the lock,
and the engine refusing a stale `Advance` (STALE_PHASE) if all else failed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

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
            raise ServiceError(NOT_FOUND, gettext("no such game"))
        now = timezone.now()
        if row.status == Game.PAUSED and row.paused_remaining is not None:
            row.paused_remaining = max(0.0, row.paused_remaining + seconds)
        elif row.status == Game.RUNNING and row.deadline is not None:
            row.deadline = max(now, row.deadline + timedelta(seconds=seconds))
        else:
            raise ServiceError(CONFLICT, gettext("no phase is running"))
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
    return [pk for pk, _version in _due(now, limit)]


def _due(now: datetime | None, limit: int) -> list[tuple[int, int]]:
    now = now or timezone.now()
    return list(Game.objects.filter(status=Game.RUNNING, deadline__lte=now)
                .order_by("deadline").values_list("pk", "version")[:limit])


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


# ---- a game the clock cannot advance -------------------------------------------------------
# When ending a phase fails with anything but a rule (a bug, a state the snapshot cannot
# hold, ...), the failure is logged once with its traceback and reported once to the game's
# facilitator (`broadcast.alert`). This process then leaves the game alone until its version
# changes (the facilitator rewound, say, or fixed a seat) or a pause has passed; a retry that
# fails again in the same way is one log line without the traceback and no new report, and
# at the same version it doubles the pause, up to RETRY_MAX. A different failure is logged
# and reported afresh. The deadline stays, so the phase ends as soon as the cause is gone.
# (Memory is per process: with N server processes, a failure is reported at most N times.)
ALERT_ADVANCE_FAILED = "advance_failed"
RETRY_FIRST = timedelta(seconds=30)
RETRY_MAX = timedelta(minutes=10)
_REMEMBERED = 1000  # failing games remembered at once; the oldest is forgotten first


@dataclass
class _Failure:
    version: int
    retry_at: datetime
    pause: timedelta
    signature: str
    attempts: int = 1


_failures: dict[int, _Failure] = {}


def forget_failures() -> None:
    """Forget every failure (tests, whose databases reuse game ids)."""
    _failures.clear()


def failing_games() -> dict[int, int]:
    """{game id: the version it last failed at} for the games this process backs off."""
    return {game_id: f.version for game_id, f in _failures.items()}


def _failed(game_id: int, version: int, now: datetime, exc: Exception) -> None:
    signature = f"{type(exc).__name__}: {exc}"[:300]
    known = _failures.get(game_id)
    if known is not None and known.signature == signature:
        known.pause = min(known.pause * 2, RETRY_MAX) if known.version == version \
            else RETRY_FIRST
        known.version, known.retry_at = version, now + known.pause
        known.attempts += 1
        log.warning("game %s: ending the phase failed again at version %s (%s, attempt %s); "
                    "next try in %ss or when the game changes", game_id, version,
                    type(exc).__name__, known.attempts, int(known.pause.total_seconds()))
        return
    _failures.pop(game_id, None)
    _failures[game_id] = _Failure(version, now + RETRY_FIRST, RETRY_FIRST, signature)
    while len(_failures) > _REMEMBERED:
        del _failures[next(iter(_failures))]
    log.error("game %s: ending the phase failed at version %s; next try in %ss or when the "
              "game changes", game_id, version, int(RETRY_FIRST.total_seconds()),
              exc_info=exc)
    try:
        broadcast.alert(game_id, ALERT_ADVANCE_FAILED,
                        f"The clock could not end this phase ({type(exc).__name__}). It will "
                        "try again; rewinding the phase or ending the game may help.")
    except Exception:  # the report is a courtesy: it must not break the clock
        log.warning("game %s: could not alert the facilitator", game_id, exc_info=True)


def tick(now: datetime | None = None) -> list[int]:
    """One pass of the clock: end every due phase. Returns the games it advanced."""
    now = now or timezone.now()
    fired = []
    for game_id, version in _due(now, 50):
        known = _failures.get(game_id)
        if known is not None and known.version == version and now < known.retry_at:
            continue
        try:
            if fire_deadline(game_id, now) is not None:
                fired.append(game_id)
        except Exception as exc:
            _failed(game_id, version, now, exc)
            continue
        if _failures.pop(game_id, None) is not None:
            log.info("game %s: the clock advances it again", game_id)
    return fired
