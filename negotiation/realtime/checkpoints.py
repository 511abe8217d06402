"""SQLite's write-ahead-log checkpoints, done mostly on a thread of their own.

SQLite checkpoints inside whichever commit takes the log past 1000 pages: under the
benchmark's load that was one commit every 0.4 s that copied ~4 MB of log into the
database file, 5 ms instead of 0.6, while every sender queued behind it on the apply lane
waited too. Here a server process (background.py starts this) copies the log
across every INTERVAL seconds with PASSIVE checkpoints, which neither wait for nor block
the writer or the readers. The commit's own checkpoint still runs, and must: only one
that finds the log fully copied with no write in between lets the next write start the
log again from the top (with writes every few ms this thread never would, and the log
would grow without end). But it now has only the last few pages to copy.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import connection, connections

log = logging.getLogger("negotiation.realtime.checkpoints")

INTERVAL = 0.1  # seconds
RETRY_S = 5.0  # after a failed checkpoint
_thread: threading.Thread | None = None


def start() -> bool:
    """Checkpoint on a daemon thread, for a file-backed SQLite default database; True if
    running."""
    global _thread
    db = connections["default"]
    if db.vendor != "sqlite" or db.is_in_memory_db():
        return False
    if _thread is None:
        _thread = threading.Thread(target=_run, name="forge-checkpoints", daemon=True)
        _thread.start()
    return True


def _run() -> None:
    wait = INTERVAL
    while True:
        time.sleep(wait)
        try:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            wait = INTERVAL
        except Exception:
            # e.g. a full disk: say so, but not ten times a second (the commits' own
            # checkpoints still keep the log bounded meanwhile)
            log.warning("WAL checkpoint failed; retrying in %s s", RETRY_S, exc_info=True)
            connection.close()
            wait = RETRY_S
