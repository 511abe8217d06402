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

from game import Action, RuleError, decode_action
from game.actions import SetController, action_to_dict
from negotiation.errors import NOT_FOUND, ServiceError
from negotiation.models import ActionLog, Game, Seat, Snapshot
from negotiation.services import broadcast, clock, loading, sql


@dataclass(frozen=True)
class Applied:
    seq: int
    duplicate: bool = False
    events: tuple[dict[str, Any], ...] = ()


lock_game = sql.lock_game


def apply_action(game_id: int, actor: str, payload: dict[str, Any] | Action, *,
                 sender: str, client_msg_id: str | None = None) -> Applied:
    """Apply one action for `actor` (a seat or FACILITATOR), sent by `sender`.

    A repeat of (sender, client_msg_id) returns the first answer and changes nothing.
    Raises RuleError (engine refusal) or ServiceError; neither changes anything.
    """
    action = payload if not isinstance(payload, dict) else decode_action(payload)
    try:
        with transaction.atomic():
            row = lock_game(game_id)
            if row is None:
                raise ServiceError(NOT_FOUND, f"no game {game_id}")
            if client_msg_id is not None:
                prev = sql.previous_seq(row.pk, sender, client_msg_id)
                if prev is not None:
                    return Applied(seq=prev, duplicate=True)
            return apply_locked(row, actor, action, sender=sender, client_msg_id=client_msg_id)
    except IntegrityError:
        # Only a duplicate (sender, id) racing on a database without row locks gets here.
        prev = ActionLog.objects.filter(game_id=game_id, sender=sender,
                                        client_msg_id=client_msg_id).only("seq").first()
        if prev is None:
            raise
        return Applied(seq=prev.seq, duplicate=True)


def apply_locked(row: Game, actor: str, action: Action, *, sender: str,
                 client_msg_id: str | None = None) -> Applied:
    """Apply inside a transaction that already holds the row lock (clock, bots, services).

    The engine lock is held only while the engine works (microseconds), not across the
    database writes, so connections can keep rendering the last committed version; they
    never render this one before its commit (`Loaded.committed`, set on commit)."""
    with loading.lock(row.pk):
        loaded = loading.load(row)
        game = loaded.game
        before = (game.state.round, game.state.phase, game.state.paused)
        try:
            events = game.apply(actor, action)
        except RuleError:
            raise
        except Exception:
            loading.drop(row.pk)
            raise
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
        now = timezone.now()
        sql.insert_log(row.pk, seq, actor, sender, action_to_dict(action), ev, client_msg_id,
                       now)
        row.version = seq
        sql.save_game(row, now)
        if controller is not None:
            Seat.objects.filter(game=row, seat_id=controller[0]).update(controller=controller[1])
        if blob is not None:
            Snapshot.objects.update_or_create(game=row, seq=seq, defaults={"blob": blob})
    except BaseException:
        loading.drop(row.pk)
        raise
    # Renders trust the cache only up to what has committed; if the commit fails, the
    # next load finds the row behind the cache and rebuilds from the log.
    transaction.on_commit(lambda: loading.committed(row.pk, loaded, seq))
    broadcast.version(row.pk, seq, clock=clock_changed)
    return Applied(seq=seq, events=tuple(ev))


def _new_controller(game: Any, action: Action) -> tuple[str, str] | None:
    if not isinstance(action, SetController):
        return None
    return action.seat, game.state.seats[action.seat].controller
