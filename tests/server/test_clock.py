"""The clock: deadlines stored on the row end phases with nobody connected, exactly once,
freeze on pause, move with extend/shorten, and reset on rewind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from game import FACILITATOR
from negotiation.errors import ServiceError
from negotiation.models import ActionLog, Game
from negotiation.services import actions, clock
from tests.server.helpers import make_game

pytestmark = pytest.mark.django_db(transaction=True)


def _started(**options):
    game = make_game(**options)
    actions.apply_action(game.pk, FACILITATOR, {"type": "start"}, sender="f:1")
    game.refresh_from_db()
    return game


def test_start_sets_the_deadline_from_the_options():
    before = timezone.now()
    game = _started(negotiation_seconds=120, orders_seconds=30)
    assert game.status == Game.RUNNING and game.phase == "negotiation"
    left = (game.deadline - before).total_seconds()
    assert 119 <= left <= 121


def test_a_due_deadline_ends_the_phase_once():
    game = _started(negotiation_seconds=60, orders_seconds=300)
    later = game.deadline + timedelta(seconds=1)
    assert clock.tick(later) == [game.pk]
    game.refresh_from_db()
    assert (game.round, game.phase, game.version) == (1, "orders", 2)
    row = ActionLog.objects.get(game=game, seq=2)
    assert row.payload == {"type": "advance", "round": 1, "phase": "negotiation"}
    assert row.sender == "clock"
    # the same instant again: the new deadline is in the future, nothing happens
    assert clock.tick(later) == []
    # even if asked directly, the old deadline cannot fire twice
    assert clock.fire_deadline(game.pk, later) is None
    assert ActionLog.objects.filter(game=game).count() == 2


def test_a_stale_row_is_refused_by_the_engine_not_skipped():
    game = _started()
    # pretend the row lags behind the engine (it cannot, but the engine guards anyway)
    actions.apply_action(game.pk, FACILITATOR, {"type": "advance"}, sender="f:1")
    Game.objects.filter(pk=game.pk).update(phase="negotiation",
                                           deadline=timezone.now() - timedelta(seconds=1))
    assert clock.fire_deadline(game.pk) is None
    game.refresh_from_db()
    assert game.version == 2 and game.deadline is None


def test_pause_freezes_the_remaining_time_and_resume_restores_it():
    game = _started(negotiation_seconds=100)
    actions.apply_action(game.pk, FACILITATOR, {"type": "pause"}, sender="f:1")
    game.refresh_from_db()
    assert game.status == Game.PAUSED and game.deadline is None
    assert 98 <= game.paused_remaining <= 100
    assert clock.tick(timezone.now() + timedelta(days=1)) == []  # paused: never fires
    clock.extend(game.pk, 50)
    game.refresh_from_db()
    assert 148 <= game.paused_remaining <= 150
    actions.apply_action(game.pk, FACILITATOR, {"type": "resume"}, sender="f:1")
    game.refresh_from_db()
    assert game.status == Game.RUNNING and game.paused_remaining is None
    left = (game.deadline - timezone.now()).total_seconds()
    assert 147 <= left <= 150


def test_extend_and_shorten_a_running_phase():
    game = _started(negotiation_seconds=100)
    d0 = game.deadline
    clock.extend(game.pk, 30)
    game.refresh_from_db()
    assert game.deadline - d0 == timedelta(seconds=30)
    clock.extend(game.pk, -10_000 + 1)  # never before now
    game.refresh_from_db()
    assert game.deadline <= timezone.now()
    assert clock.tick() == [game.pk]
    for bad in ("10", None, True, 10**9):
        with pytest.raises(ServiceError):
            clock.extend(game.pk, bad)


def test_rewind_restarts_the_phase_timer():
    game = _started(negotiation_seconds=100)
    clock.extend(game.pk, -90)
    actions.apply_action(game.pk, FACILITATOR, {"type": "rewind"}, sender="f:1")
    game.refresh_from_db()
    assert (game.deadline - timezone.now()).total_seconds() > 95


def test_deadlines_survive_a_restart_because_they_are_stored():
    game = _started(negotiation_seconds=1)
    from negotiation.services import loading

    loading.reset()  # a new process: no memory of anything
    assert clock.tick(timezone.now() + timedelta(seconds=2)) == [game.pk]
    game.refresh_from_db()
    assert game.phase == "orders"


def test_end_clears_the_clock_and_status():
    game = _started()
    actions.apply_action(game.pk, FACILITATOR, {"type": "end_game"}, sender="f:1")
    game.refresh_from_db()
    assert game.status == Game.ENDED and game.deadline is None
    assert clock.tick(timezone.now() + timedelta(days=1)) == []
