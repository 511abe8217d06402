"""Real server processes for the multi-process, fault and limit tests: uvicorn started on
free ports with the flags `make run` uses (SERVER_FLAGS), stopped by their own pid."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UVICORN = str(Path(sys.executable).with_name("uvicorn"))
ASGI_APP = "negotiation.asgi:application"
MAX_MESSAGE = 65536
# The same as the Makefile's `run` target: uvloop, the sans-I/O websockets protocol, a
# 64 KiB bound on incoming messages, no compression, the clock started by ASGI lifespan.
SERVER_FLAGS = ["--loop", "uvloop", "--http", "httptools", "--ws", "websockets-sansio",
                "--ws-max-size", str(MAX_MESSAGE), "--ws-per-message-deflate", "false",
                "--lifespan", "on", "--timeout-graceful-shutdown", "5", "--no-access-log"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_command(port: int, host: str = "127.0.0.1") -> list[str]:
    return [UVICORN, "--host", host, "--port", str(port), *SERVER_FLAGS, ASGI_APP]


def start_server(port: int, env: dict[str, str], cpu: int | None = None,
                 log: Path | None = None) -> subprocess.Popen[bytes]:
    cmd = server_command(port)
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
            raise RuntimeError(f"the server exited with {proc.returncode}")
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
