"""Applying an action: the one path by which any game changes (players, facilitator,
clock, bots alike).

One transaction: lock the game row, check the sender's idempotency id, apply with the
engine, append to the log, bump the version, move the clock, maybe snapshot; commit;
only then broadcast "game G is at version N". A RuleError changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from game import Action, RuleError, decode_action
from game.actions import SetController, action_to_dict, action_type
from game.schema import created
from negotiation.errors import CONFLICT, FORBIDDEN, NOT_FOUND, ServiceError
from negotiation.models import ActionLog, Game, Seat
from negotiation.realtime import broadcast
from negotiation.services import clock, loading, sql


@dataclass(frozen=True)
class Applied:
    seq: int
    duplicate: bool = False
    events: tuple[dict[str, Any], ...] = ()
    unchanged: bool = False  # the action would have changed nothing: no new version
    # what the action created ({"deal", "version"}, {"motion"}, {"dispute"}), for the ack
    created: dict[str, Any] | None = None

    @property
    def changed(self) -> bool:
        return not (self.duplicate or self.unchanged)


lock_game = sql.lock_game

# One request to apply: (game id, actor, payload, sender, client message id).
Request = tuple[int, str, "dict[str, Any] | Action", str, "str | None"]


def apply_action(game_id: int, actor: str, payload: dict[str, Any] | Action, *,
                 sender: str, client_msg_id: str | None = None) -> Applied:
    """Apply one action for `actor` (a seat or FACILITATOR), sent by `sender`.

    A repeat of (sender, client_msg_id) returns the first answer and changes nothing.
    Raises RuleError (engine refusal) or ServiceError; neither changes anything.
    """
    result = apply_batch([(game_id, actor, payload, sender, client_msg_id)])[0]
    if isinstance(result, BaseException):
        raise result
    return result


def apply_batch(requests: list[Request]) -> list[Applied | BaseException]:
    """Apply requests in one transaction (group commit): one BEGIN, one read of the games'
    rows, one look-up of the senders' ids and removals, one INSERT of all the log rows, one
    UPDATE per game and one COMMIT -- and one hop to the database thread -- for all of
    them. Each result is an Applied or the RuleError/ServiceError that refused it (a
    refusal writes nothing, so it never spoils the others). Broadcasts go out after the
    commit, in order. Every action of every sender takes this path: the lane's batches,
    the clock's and the bots' single actions alike.

    If anything unexpected fails, nothing of the batch is committed and each request of a
    batch is applied again on its own, so only the culprit fails."""
    try:
        return _apply_all(requests)
    except Exception as exc:
        if len(requests) == 1:
            return [_duplicate_race(requests[0], exc)]
        return [apply_batch([r])[0] for r in requests]


def _apply_all(requests: list[Request]) -> list[Applied | BaseException]:
    results: list[Applied | BaseException] = []
    touched: set[int] = set()
    try:
        with transaction.atomic(), sql.pipelined():
            rows, seen, removed = sql.lock_and_look_up(
                sorted({r[0] for r in requests}),
                {(g, s, m) for g, _a, _p, s, m in requests if m},
                {r[3] for r in requests})
            log_rows: list[sql.LogRow] = []
            for game_id, actor, payload, sender, msg_id in requests:
                try:
                    action = payload if not isinstance(payload, dict) else decode_action(payload)
                    row = rows.get(game_id)
                    if row is None:
                        raise ServiceError(NOT_FOUND, f"no game {game_id}")
                    prev = seen.get((game_id, sender, msg_id)) if msg_id else None
                    if prev is not None:
                        results.append(Applied(seq=prev, duplicate=True))
                        continue
                    if sender in removed:
                        raise ServiceError(FORBIDDEN, gettext("you were removed from this game"))
                    touched.add(game_id)
                    applied = apply_locked(row, actor, action, sender=sender,
                                           client_msg_id=msg_id, log_rows=log_rows)
                    if msg_id and applied.changed:
                        seen[(game_id, sender, msg_id)] = applied.seq
                    results.append(applied)
                except (RuleError, ServiceError) as exc:
                    results.append(exc)
            if log_rows:
                now = timezone.now()
                sql.insert_logs(log_rows, now)
                for game_id in sorted({r[0] for r in log_rows}):
                    sql.save_game(rows[game_id], now)
    except Exception:
        for game_id in touched:  # the cache may hold versions that were never committed
            loading.drop(game_id)
        raise
    return results


def _duplicate_race(request: Request, exc: Exception) -> Applied | BaseException:
    """A lone request that failed: if it lost a race to a duplicate of itself (two
    processes, one (sender, id), on a database without row locks), the first's answer."""
    game_id, _actor, _payload, sender, msg_id = request
    if isinstance(exc, IntegrityError) and msg_id is not None:
        prev = ActionLog.objects.filter(game_id=game_id, sender=sender,
                                        client_msg_id=msg_id).only("seq").first()
        if prev is not None:
            return Applied(seq=prev.seq, duplicate=True)
    return exc


def apply_batch_held(requests: list[Request]
                     ) -> tuple[list[Applied | BaseException], list[tuple[int, dict[str, Any]]]]:
    """`apply_batch`, keeping its broadcasts for the caller to publish after answering."""
    with broadcast.held() as kept:
        results = apply_batch(requests)
    return results, kept


def apply_locked(row: Game, actor: str, action: Action, *, sender: str,
                 client_msg_id: str | None = None, log_rows: list[sql.LogRow] | None = None
                 ) -> Applied:
    """Apply inside a transaction that already holds the row lock (clock, bots, services).

    The engine lock is held only while the engine works (microseconds), not across the
    database writes, so connections can keep rendering the last committed version; they
    never render this one before its commit (`Loaded.committed`, set on commit)."""
    with loading.lock(row.pk):
        loaded = loading.load(row)
        game = loaded.game
        before = (game.state.round, game.state.phase, game.state.paused)
        seat = game.state.seats.get(actor)
        if sender.startswith("p:") and seat is not None and seat.controller != "human":
            raise ServiceError(CONFLICT, gettext("a bot plays this seat now"))
        try:
            events = game.apply(actor, action)
        except RuleError:
            raise
        except Exception:
            loading.drop(row.pk)
            raise
        if game.state.seq == row.version:  # changed nothing: no version, no log row
            return Applied(seq=row.version, unchanged=True)
        try:
            seq = game.state.seq
            ev = loading.events_to_dicts(events)
            clock_changed = clock.follow_engine(row, game, before, action)
            controller = _new_controller(game, action)
            blob = game.snapshot() if (seq % settings.FORGE_SNAPSHOT_EVERY == 0
                                       or before[0] != game.state.round
                                       or game.is_over) else None
        except BaseException:
            loading.drop(row.pk)
            raise
        loaded.version = seq
        loaded.recent.append((seq, actor, ev))
    try:
        row.version = seq
        if log_rows is not None:  # a batch: the caller writes the log and the row once
            log_rows.append((row.pk, seq, actor, sender, action_to_dict(action), ev,
                             client_msg_id))
        else:
            now = timezone.now()
            sql.insert_log(row.pk, seq, actor, sender, action_to_dict(action), ev,
                           client_msg_id, now)
            sql.save_game(row, now)
        if controller is not None:
            Seat.objects.filter(game=row, seat_id=controller[0]).update(controller=controller[1])
        if blob is not None:
            sql.save_snapshot(row.pk, seq, blob, timezone.now())
    except BaseException:
        loading.drop(row.pk)
        raise
    # Renders trust the cache only up to what has committed; if the commit fails, the
    # next load finds the row behind the cache and rebuilds from the log.
    transaction.on_commit(lambda: loading.committed(row.pk, loaded, seq))
    broadcast.version(row.pk, seq, clock=clock_changed)
    return Applied(seq=seq, events=tuple(ev), created=created(action_type(action), ev))


def _new_controller(game: Any, action: Action) -> tuple[str, str] | None:
    if not isinstance(action, SetController):
        return None
    return action.seat, game.state.seats[action.seat].controller
