"""The WAL checkpointer (negotiation/realtime/checkpoints.py), on a real SQLite file in a process of
its own: it copies the log into the database while the writer never checkpoints, and with
the writer's own checkpoints left on, the log stays bounded under nonstop commits."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.server.procs import ROOT

SCRIPT = r"""
import json, os, sys, time
import django
django.setup()
from django.db import connection, transaction
from negotiation.realtime import checkpoints

path = connection.settings_dict["NAME"]
wal, writer_checkpoints, commits = path + "-wal", sys.argv[1] == "on", int(sys.argv[2])
with connection.cursor() as c:
    c.execute("CREATE TABLE t (x BLOB)")
    if not writer_checkpoints:
        c.execute("PRAGMA wal_autocheckpoint=0")
    c.execute("PRAGMA journal_mode")
    mode = c.fetchone()[0]
db_before = os.path.getsize(path)
assert checkpoints.start()
largest_wal = 0
for i in range(commits):
    with transaction.atomic(), connection.cursor() as c:
        c.execute("INSERT INTO t VALUES (randomblob(3000))")
    largest_wal = max(largest_wal, os.path.getsize(wal))
    if not writer_checkpoints:
        time.sleep(0.001)
time.sleep(4 * checkpoints.INTERVAL)
print(json.dumps({"mode": mode, "db_before": db_before, "db_after": os.path.getsize(path),
                  "largest_wal": largest_wal}))
"""


def _run(tmp_path, writer_checkpoints: str, commits: int) -> dict:  # type: ignore[no-untyped-def]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "negotiation.settings",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'wal.sqlite3'}", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", SCRIPT, writer_checkpoints, str(commits)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_thread_copies_the_log_into_the_database(tmp_path):
    got = _run(tmp_path, "off", 300)
    assert got["mode"] == "wal"
    # ~300 rows of 3 KB: without a checkpoint the database file would not have grown.
    assert got["db_after"] - got["db_before"] > 300 * 3000 * 0.9


def test_the_log_stays_bounded_under_nonstop_commits(tmp_path):
    got = _run(tmp_path, "on", 4000)
    # 4000 commits of a 3 KB row each write ~12 MB of log; the log restarts from the top
    # after the writer's checkpoints, so it never holds much more than 1000 pages.
    assert got["largest_wal"] < 1500 * 4096, got
    assert got["db_after"] - got["db_before"] > 4000 * 3000 * 0.9
