"""The four statements every action runs, written out by hand.

Building a query through the ORM costs about a millisecond of Python here, ten times what
the database then takes to run it, and applying an action runs four of them on the one
database thread every commit goes through. Even Django's cursor wrapper costs several
times the query, so these go to the driver's own cursor, inside the same connection and
transaction (`atomic` still begins and commits it). Everything else uses the ORM.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import ExitStack, closing, contextmanager
from datetime import datetime
from typing import Any

import msgspec
from django.db import DEFAULT_DB_ALIAS, connections

from negotiation.models import ActionLog, Game, Player, Snapshot

_json = msgspec.json.Encoder().encode
_GAME = Game._meta.db_table
_LOG = ActionLog._meta.db_table
_SNAP = Snapshot._meta.db_table
_PLAYER = Player._meta.db_table


class _Raw:
    """The database connection's own DB-API cursor, with the statement written for the
    driver's parameter style (SQLite's "?"), worked out once per statement."""

    _KEEP = 256  # statements whose text is kept (IN lists of many lengths are not)

    def __init__(self) -> None:
        self.sql: dict[tuple[str, str], str] = {}

    def start(self, sql: str, params: list[Any]) -> Any:
        """Run it; the open cursor, for the caller to fetch from and close. (In a
        pipeline, `pipelined`, the statement is only queued: fetching waits for it.)"""
        conn = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: the proxy costs per use
        conn.ensure_connection()
        key = (conn.vendor, sql)
        text = self.sql.get(key)
        if text is None:
            text = sql.replace("%s", "?") if conn.vendor == "sqlite" else sql
            if len(self.sql) < self._KEEP:
                self.sql[key] = text
        cursor = conn.connection.cursor()
        try:
            cursor.execute(text, params)
        except BaseException:
            cursor.close()
            raise
        return cursor

    def __call__(self, sql: str, params: list[Any]) -> None:
        """Run a statement that returns no rows."""
        self.start(sql, params).close()

    def one(self, sql: str, params: list[Any]) -> Any:
        """Run a query; its first row (None if none)."""
        with closing(self.start(sql, params)) as cursor:
            return cursor.fetchone()

    def rows(self, sql: str, params: list[Any]) -> list[Any]:
        """Run a query; all its rows."""
        with closing(self.start(sql, params)) as cursor:
            return cursor.fetchall()  # type: ignore[no-any-return]


_raw = _Raw()

# The Game columns an action reads or writes, with each column's converters (what the
# ORM's compiler would apply), worked out once per database; other fields are deferred
# (loaded if ever read).
_GAME_FIELDS = ("id", "scenario_id", "seed", "options", "status", "version", "round", "phase",
                "deadline", "paused_remaining", "bots_version")
_GAME_READ: dict[tuple[str, bool], tuple[str, list[str], list[list[Any]]]] = {}


def _game_read(conn: Any, skip_locked: bool) -> tuple[str, list[str], list[list[Any]]]:
    key = (conn.alias, skip_locked)
    hit = _GAME_READ.get(key)
    if hit is None:
        fields = [Game._meta.get_field(name) for name in _GAME_FIELDS]
        qn = conn.ops.quote_name
        sql = f"SELECT {', '.join(qn(f.column) for f in fields)} FROM {_GAME} WHERE id = %s"
        if conn.features.has_select_for_update:
            sql += " FOR UPDATE"
            if skip_locked and conn.features.has_select_for_update_skip_locked:
                sql += " SKIP LOCKED"
        converters = [conn.ops.get_db_converters(f.get_col(_GAME)) + f.get_db_converters(conn)
                      for f in fields]
        hit = _GAME_READ[key] = (sql, [f.attname for f in fields], converters)
    return hit


def lock_game(game_id: int, skip_locked: bool = False) -> Game | None:
    """The game row, locked for this transaction where the database has row locks (on
    SQLite the IMMEDIATE transaction already holds the only write lock)."""
    conn = connections[DEFAULT_DB_ALIAS]
    sql, names, converters = _game_read(conn, skip_locked)
    row = _raw.one(sql, [game_id])
    return None if row is None else _game_from(conn, names, converters, row)


def _game_from(conn: Any, names: list[str], converters: list[list[Any]], row: Any) -> Game:
    """A Game from its raw row, with the converters the ORM would apply."""
    values = list(row)
    for i, convs in enumerate(converters):
        for conv in convs:
            values[i] = conv(values[i], None, conn)
    return Game.from_db(conn.alias, names, values)  # type: ignore[no-any-return]


Key = tuple[int, str, str]  # (game id, sender, client message id)


def lock_and_look_up(game_ids: list[int], keys: set[Key], senders: Collection[str] = ()
                     ) -> tuple[dict[int, Game], dict[Key, int], set[str]]:
    """The games' rows, locked (as `lock_game`) in id order, which every batch uses, so two
    batches never wait for each other in a circle; the seqs already given to these
    (game, sender, client message id); and which of these senders ("p:<player id>") the
    facilitator has removed. In a pipeline the queries go out in one round trip, and the
    look-ups still run after the locks are held (statements run in order)."""
    conn = connections[DEFAULT_DB_ALIAS]
    sql, names, converters = _game_read(conn, False)
    if len(game_ids) > 1:
        marks = ", ".join(["%s"] * len(game_ids))
        sql = sql.replace("WHERE id = %s", f"WHERE id IN ({marks}) ORDER BY id")
    with ExitStack() as stack:
        games = stack.enter_context(closing(_raw.start(sql, game_ids)))
        seqs = stack.enter_context(closing(_raw.start(*_seqs_query(keys)))) if keys else None
        players = sorted({int(s[2:]) for s in senders if s.startswith("p:")})
        revoked = stack.enter_context(closing(_raw.start(
            f"SELECT id FROM {_PLAYER} WHERE revoked AND id IN "
            f"({', '.join(['%s'] * len(players))})", players))) if players else None
        rows = [_game_from(conn, names, converters, row) for row in games.fetchall()]
        found = seqs.fetchall() if seqs is not None else []
        gone = {f"p:{pk}" for (pk,) in revoked.fetchall()} if revoked is not None else set()
    return ({g.pk: g for g in rows},
            {(g, s, m): int(seq) for g, s, m, seq in found if (g, s, m) in keys}, gone)


def _seqs_query(keys: set[Key]) -> tuple[str, list[Any]]:
    games = sorted({k[0] for k in keys})
    senders = sorted({k[1] for k in keys})
    ids = sorted({k[2] for k in keys})
    # all three columns, so the lookup stays on the (game, sender, id) unique index
    # instead of reading every log row of the games
    marks = [", ".join(["%s"] * len(x)) for x in (games, senders, ids)]
    return (f"SELECT game_id, sender, client_msg_id, seq FROM {_LOG} WHERE game_id IN "
            f"({marks[0]}) AND sender IN ({marks[1]}) AND client_msg_id IN ({marks[2]})",
            [*games, *senders, *ids])


@contextmanager
def pipelined() -> Iterator[None]:
    """On PostgreSQL, the statements inside go out without waiting for each other's answers
    (psycopg's pipeline mode): a query waits when its rows are fetched, and whatever is
    still queued goes in one round trip when the block ends. Applying an action was six
    round trips on the one lane every commit takes (BEGIN, lock, look-up, insert, update,
    commit); it is three. An error may surface at the end of the block rather than at its
    statement; either way the transaction fails as a whole. Enter it inside `atomic`
    (psycopg syncs a pipeline to change the transaction mode).

    On every database, the driver's errors inside come out as Django's (IntegrityError and
    the rest), as they would from the ORM: the hand-written statements bypass its cursor."""
    conn = connections[DEFAULT_DB_ALIAS]
    with conn.wrap_database_errors:
        if conn.vendor != "postgresql":
            yield
            return
        conn.ensure_connection()
        with conn.connection.pipeline():
            yield


def _dt(value: datetime | None) -> Any:
    return connections[DEFAULT_DB_ALIAS].ops.adapt_datetimefield_value(value)


def insert_log(game_id: int, seq: int, actor: str, sender: str, payload: dict[str, Any],
               events: list[dict[str, Any]], client_msg_id: str | None, now: datetime) -> None:
    _raw(f"INSERT INTO {_LOG} (game_id, seq, actor, sender, payload, events, "
         "client_msg_id, created) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
         [game_id, seq, actor, sender, _json(payload).decode(), _json(events).decode(),
          client_msg_id, _dt(now)])


# (game id, seq, actor, sender, payload, events, client message id)
LogRow = tuple[int, int, str, str, dict[str, Any], list[dict[str, Any]], "str | None"]


def insert_logs(rows: list[LogRow], now: datetime) -> None:
    """Several log rows in one INSERT (a batch of actions, in order)."""
    created = _dt(now)
    for start in range(0, len(rows), 100):  # well under every driver's parameter limit
        chunk = rows[start:start + 100]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
        params: list[Any] = []
        for game_id, seq, actor, sender, payload, events, client_msg_id in chunk:
            params += [game_id, seq, actor, sender, _json(payload).decode(),
                       _json(events).decode(), client_msg_id, created]
        _raw(f"INSERT INTO {_LOG} (game_id, seq, actor, sender, payload, events, "
             f"client_msg_id, created) VALUES {values}", params)


def save_game(row: Game, now: datetime) -> None:
    """Write the fields an action moves (version, status and the clock)."""
    _raw(f"UPDATE {_GAME} SET version = %s, status = %s, round = %s, phase = %s, "
         "deadline = %s, paused_remaining = %s, updated = %s WHERE id = %s",
         [row.version, row.status, row.round, row.phase, _dt(row.deadline),
          row.paused_remaining, _dt(now), row.pk])


def save_snapshot(game_id: int, seq: int, blob: bytes, now: datetime) -> None:
    """The game's snapshot at `seq`, in one statement (the ORM's update_or_create took a
    savepoint and two queries, several milliseconds on the one database thread)."""
    _raw(f"INSERT INTO {_SNAP} (game_id, seq, blob, created) VALUES (%s, %s, %s, %s) "
         "ON CONFLICT (game_id, seq) DO UPDATE SET blob = excluded.blob",
         [game_id, seq, blob, _dt(now)])
