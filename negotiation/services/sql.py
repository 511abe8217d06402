"""The four statements every action runs, written out by hand.

Building a query through the ORM costs about a millisecond of Python here, ten times what
the database then takes to run it, and applying an action runs four of them on the one
database thread every commit goes through. Everything else uses the ORM.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from django.db import connection

from negotiation.models import ActionLog, Game

_json = msgspec.json.Encoder().encode
_GAME = Game._meta.db_table
_LOG = ActionLog._meta.db_table


def lock_game(game_id: int, skip_locked: bool = False) -> Game | None:
    """The game row, locked for this transaction where the database has row locks (on
    SQLite the IMMEDIATE transaction already holds the only write lock)."""
    sql = f"SELECT * FROM {_GAME} WHERE id = %s"
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
        if skip_locked and connection.features.has_select_for_update_skip_locked:
            sql += " SKIP LOCKED"
    rows = list(Game.objects.raw(sql, [game_id]))
    return rows[0] if rows else None


def previous_seq(game_id: int, sender: str, client_msg_id: str) -> int | None:
    with connection.cursor() as c:
        c.execute(f"SELECT seq FROM {_LOG} WHERE game_id = %s AND sender = %s "
                  "AND client_msg_id = %s", [game_id, sender, client_msg_id])
        row = c.fetchone()
    return None if row is None else int(row[0])


def _dt(value: datetime | None) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def insert_log(game_id: int, seq: int, actor: str, sender: str, payload: dict[str, Any],
               events: list[dict[str, Any]], client_msg_id: str | None, now: datetime) -> None:
    with connection.cursor() as c:
        c.execute(f"INSERT INTO {_LOG} (game_id, seq, actor, sender, payload, events, "
                  "client_msg_id, created) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                  [game_id, seq, actor, sender, _json(payload).decode(),
                   _json(events).decode(), client_msg_id, _dt(now)])


def save_game(row: Game, now: datetime) -> None:
    """Write the fields an action moves (version, status and the clock)."""
    with connection.cursor() as c:
        c.execute(f"UPDATE {_GAME} SET version = %s, status = %s, round = %s, phase = %s, "
                  "deadline = %s, paused_remaining = %s, updated = %s WHERE id = %s",
                  [row.version, row.status, row.round, row.phase, _dt(row.deadline),
                   row.paused_remaining, _dt(now), row.pk])
