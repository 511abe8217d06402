"""The hand-written statements (negotiation/services/sql.py) on the database in use (SQLite
in the first pass of `make test`, PostgreSQL in the second, where they run pipelined)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from game import FACILITATOR
from negotiation.models import ActionLog
from negotiation.services import actions, sql
from tests.server.helpers import join, make_game, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_driver_error_in_a_pipelined_block_is_djangos_and_undoes_the_block():
    game = make_game(make_user())
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic(), sql.pipelined():
        sql.insert_log(game.pk, 1, "USA", "p:1", {"type": "ready"}, [], "same", now)
        sql.insert_log(game.pk, 2, "USA", "p:1", {"type": "ready"}, [], "same", now)
    assert not ActionLog.objects.filter(game=game).exists()
    assert not connection.in_atomic_block


def test_lock_and_look_up_reads_rows_and_seen_ids_together():
    user = make_user()
    a, b = make_game(user), make_game(user, seed=8)
    actions.apply_action(a.pk, FACILITATOR, {"type": "start"}, sender="f", client_msg_id="x")
    (gone, _), (kept, _) = join(a, "USA", "Gone"), join(a, "AUS", "Kept")
    gone.revoked = True
    gone.save()
    with transaction.atomic(), sql.pipelined():
        rows, seen, removed = sql.lock_and_look_up(
            [a.pk, b.pk, 10**9], {(a.pk, "f", "x"), (a.pk, "f", "y"), (b.pk, "f", "x")},
            {"f", f"p:{gone.pk}", f"p:{kept.pk}"})
    assert sorted(rows) == [a.pk, b.pk]
    assert (rows[a.pk].version, rows[b.pk].version) == (1, 0)
    assert seen == {(a.pk, "f", "x"): 1}
    assert removed == {f"p:{gone.pk}"}


def test_a_repeated_id_is_answered_as_a_duplicate_however_it_is_found():
    game = make_game(make_user())
    first = actions.apply_action(game.pk, FACILITATOR, {"type": "start"}, sender="f",
                                 client_msg_id="m1")
    again = actions.apply_action(game.pk, FACILITATOR, {"type": "start"}, sender="f",
                                 client_msg_id="m1")
    batch = actions.apply_batch([(game.pk, FACILITATOR, {"type": "pause"}, "f", "m1"),
                                 (game.pk, FACILITATOR, {"type": "pause"}, "f", "m2")])
    assert (first.seq, first.duplicate) == (1, False)
    assert (again.seq, again.duplicate) == (1, True)
    assert [(r.seq, r.duplicate) for r in batch] == [(1, True), (2, False)]  # type: ignore[union-attr]
    assert ActionLog.objects.filter(game=game).count() == 2
