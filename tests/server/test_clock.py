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
    before = timezone.now()
    actions.apply_action(game.pk, FACILITATOR, {"type": "rewind"}, sender="f:1")
    game.refresh_from_db()
    # the phase's 100 s again, from the rewind (however long the machine took to do it)
    assert before + timedelta(seconds=100) <= game.deadline <= timezone.now() + \
        timedelta(seconds=100)


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


# ---- a game the clock cannot advance (issue 9: no state can jam a game) ---------------------
@pytest.fixture(autouse=True)
def _no_failures_left():
    clock.forget_failures()  # ids are reused from one test's database to the next
    yield
    clock.forget_failures()


def _broken_advance(game, actor, action):
    raise RuntimeError("simulated fault while ending the phase")


def _alerts(kept):
    return [m for _g, m in kept if m["type"] == "game.alert"]


def test_a_failing_advance_is_logged_once_reported_once_and_retried_later(monkeypatch, caplog):
    from game import engine
    from game.actions import Advance
    from negotiation.realtime import broadcast

    game = _started(negotiation_seconds=60, orders_seconds=3600)
    other = _started(negotiation_seconds=60, orders_seconds=3600)
    start = game.deadline + timedelta(seconds=1)
    monkeypatch.setitem(engine.HANDLERS, Advance, _broken_advance)
    caplog.set_level("INFO", logger="negotiation.clock")
    with broadcast.held() as kept:
        for i in range(40):  # 20 s of ticks every half second, as the server's loop runs
            assert clock.tick(start + timedelta(seconds=i / 2)) == []
    records = [r for r in caplog.records if r.name == "negotiation.clock"]
    # one line per game (the other game fails too, at its own deadline), not one per tick
    assert sorted(r.args[0] for r in records) == sorted([game.pk, other.pk]), \
        [r.getMessage() for r in records]
    assert all(r.levelname == "ERROR" and r.exc_info is not None for r in records)
    assert "simulated fault" in caplog.text
    alerts = _alerts(kept)
    assert sorted(a["game"] for a in alerts) == sorted([game.pk, other.pk])
    alert = next(a for a in alerts if a["game"] == game.pk)
    assert alert["code"] == clock.ALERT_ADVANCE_FAILED and alert["message"]
    assert "simulated fault" not in alert["message"]  # the facilitator gets no internals
    game.refresh_from_db()
    assert game.version == 1 and game.phase == "negotiation" and game.deadline is not None

    # after the pause it tries again: one line, no traceback, no second alert
    caplog.clear()
    with broadcast.held() as kept:
        assert clock.tick(start + clock.RETRY_FIRST + timedelta(seconds=1)) == []
        assert clock.tick(start + clock.RETRY_FIRST + timedelta(seconds=2)) == []
    records = [r for r in caplog.records if r.name == "negotiation.clock"]
    assert [(r.levelname, r.exc_info) for r in records] == [("WARNING", None)] * 2  # two games
    assert _alerts(kept) == []

    # the cause goes: still backing off (doubled pause) until the pause has passed...
    monkeypatch.undo()
    later = start + clock.RETRY_FIRST + timedelta(seconds=2)
    assert clock.tick(later) == []
    # ...or at once for a game whose version changes (the facilitator pauses and resumes)
    actions.apply_action(other.pk, FACILITATOR, {"type": "pause"}, sender="f:1")
    actions.apply_action(other.pk, FACILITATOR, {"type": "resume"}, sender="f:1")
    Game.objects.filter(pk=other.pk).update(deadline=later - timedelta(seconds=1))
    assert clock.tick(later) == [other.pk]
    assert clock.tick(later + 3 * clock.RETRY_FIRST) == [game.pk]
    for row in (game, other):
        row.refresh_from_db()
        assert row.phase == "orders"
    assert clock.failing_games() == {}


def test_a_changed_game_is_retried_at_once_and_only_a_new_failure_is_reported(monkeypatch,
                                                                           caplog):
    from game import engine
    from game.actions import Advance
    from negotiation.realtime import broadcast

    game = _started(negotiation_seconds=60, orders_seconds=3600)
    now = game.deadline + timedelta(seconds=1)
    monkeypatch.setitem(engine.HANDLERS, Advance, _broken_advance)
    caplog.set_level("INFO", logger="negotiation.clock")

    def lines(level):  # type: ignore[no-untyped-def]
        return [r for r in caplog.records if r.name == "negotiation.clock"
                and r.levelname == level]

    with broadcast.held() as kept:
        clock.tick(now)
        assert clock.failing_games() == {game.pk: 1}
        # the facilitator changes the game: tried again at once, the same fault is one line
        actions.apply_action(game.pk, FACILITATOR, {"type": "fire_card", "card_id": "c2"},
                             sender="f:1")
        clock.tick(now)
        clock.tick(now)
        assert clock.failing_games() == {game.pk: 2}
        assert len(lines("ERROR")) == 1 and len(lines("WARNING")) == 1
        assert len(_alerts(kept)) == 1
        # a different fault is news: logged with its traceback and reported again

        def other_fault(game, actor, action):  # type: ignore[no-untyped-def]
            raise OverflowError("another fault")

        monkeypatch.setitem(engine.HANDLERS, Advance, other_fault)
        actions.apply_action(game.pk, FACILITATOR, {"type": "fire_card", "card_id": "c3"},
                             sender="f:1")
        clock.tick(now)
        clock.tick(now)
    assert len(lines("ERROR")) == 2 and len(_alerts(kept)) == 2
    assert str(lines("ERROR")[-1].exc_info[1]) == "another fault"
    monkeypatch.undo()
    assert clock.tick(now + clock.RETRY_MAX) == [game.pk]
