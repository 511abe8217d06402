"""A real FORGE server for the browser tests: uvicorn in a subprocess on a free port, with
the flags `make run` uses and the embedded defaults (SQLite file, in-memory channel
layer), which a test may stop and start again on the same port and database."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.server import procs

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
# The facilitator account setup_game.py creates in the test database.
USERNAME = "facilitator"
PASSWORD = "forge-browser-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ForgeServer:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.db = workdir / "forge.sqlite3"
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = workdir / "server.log"
        env = {k: v for k, v in os.environ.items()
               if k not in ("REDIS_URL", "DATABASE_URL", "FORGE_CLOCK")}
        env.update({
            "DJANGO_SETTINGS_MODULE": "negotiation.settings",
            "DATABASE_URL": f"sqlite:///{self.db}",
            "FORGE_WATCH_INTERVAL": "1",
            "FORGE_LOG": "WARNING",
            "PYTHONUNBUFFERED": "1",
        })
        self.env = env

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def manage(self, *args: str) -> str:
        out = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=self.env,
                             capture_output=True, text=True, timeout=120)
        if out.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stderr}")
        return out.stdout

    def migrate(self) -> None:
        self.manage("migrate", "--noinput", "-v", "0")

    def new_game(self, *args: str) -> dict[str, object]:
        out = subprocess.run([PY, "-m", "tests.browser.setup_game", *args], cwd=ROOT,
                             env=self.env, capture_output=True, text=True, timeout=120)
        if out.returncode:
            raise RuntimeError(f"setup_game failed:\n{out.stderr}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    def apply(self, code: str, action: str) -> dict[str, object]:
        return self.new_game("--apply", code, action)

    def start(self) -> None:
        assert self.proc is None or self.proc.poll() is not None
        logf = open(self.log, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(procs.server_command(self.port), cwd=ROOT, env=self.env,
                                     stdout=logf, stderr=subprocess.STDOUT)
        logf.close()
        end = time.monotonic() + 30
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited:\n{self.log.read_text()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start listening")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
