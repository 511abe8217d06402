"""Real daphne processes for the multi-process, fault and limit tests: started on free
ports with the flags `make run` uses, stopped by their own pid."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DAPHNE = str(Path(sys.executable).with_name("daphne"))
MAX_MESSAGE = 65536
DAPHNE_FLAGS = ["--websocket-max-message-size", str(MAX_MESSAGE),
                "--websocket-max-frame-size", str(MAX_MESSAGE)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_daphne(port: int, env: dict[str, str], cpu: int | None = None,
                 log: Path | None = None) -> subprocess.Popen[bytes]:
    cmd = [DAPHNE, "-b", "127.0.0.1", "-p", str(port), *DAPHNE_FLAGS,
           "negotiation.asgi:application"]
    if cpu is not None and _has_taskset():
        cmd = ["taskset", "-c", str(cpu), *cmd]
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, stdout=out,
                            stderr=subprocess.STDOUT)
    wait_port(port, proc)
    return proc


def _has_taskset() -> bool:
    return subprocess.run(["which", "taskset"], capture_output=True).returncode == 0


def wait_port(port: int, proc: subprocess.Popen[bytes] | None = None, timeout: float = 20
              ) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"daphne exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {port}")


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
