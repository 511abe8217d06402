"""Clients that say hello and then never read again (a phone in a pocket, a frozen tab, a
hostile script), on plain blocking sockets with a tiny receive buffer, so the server's
frames pile up on its side; and the real server processes the fault tests talk to."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from websockets.client import ClientProtocol
from websockets.protocol import State
from websockets.uri import parse_uri

from tests.server import procs

PY = sys.executable


class Stuck:
    """A WebSocket that completed its handshake and hello and reads nothing after."""

    def __init__(self, port: int, code: str, hello: dict[str, Any]) -> None:
        url = f"ws://127.0.0.1:{port}/ws/v1/games/{code}/"
        self.proto = ClientProtocol(parse_uri(url))
        request = self.proto.connect()
        request.headers["Origin"] = f"http://127.0.0.1:{port}"
        self.proto.send_request(request)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.settimeout(10)
        self.sock.connect(("127.0.0.1", port))
        self.local_port = self.sock.getsockname()[1]
        self.sock.sendall(b"".join(self.proto.data_to_send()))
        while self.proto.state is State.CONNECTING:
            self.proto.receive_data(self.sock.recv(1))  # byte by byte: no frame is read
        if self.proto.handshake_exc is not None:
            raise self.proto.handshake_exc
        self.proto.send_text(json.dumps({"id": "h", "type": "hello",
                                         "payload": hello}).encode())
        self.sock.sendall(b"".join(self.proto.data_to_send()))

    def close(self) -> None:
        self.sock.close()


class Server:
    """One uvicorn process, as `make run` starts it, on the database of this test pass:
    a fresh SQLite file on the embedded defaults, or the pass's PostgreSQL and Redis."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.port = procs.free_port()
        self.log = workdir / "server.log"
        self.env = {**{k: v for k, v in os.environ.items()
                       if k not in ("REDIS_URL", "DATABASE_URL")}, **env}
        self.proc: subprocess.Popen[bytes] | None = None

    def run(self, *args: str) -> str:
        out = subprocess.run([PY, *args], cwd=procs.ROOT, env=self.env, capture_output=True,
                             text=True, timeout=180)
        if out.returncode:
            raise RuntimeError(f"{' '.join(args)} failed:\n{out.stderr[-3000:]}")
        return out.stdout

    def new_game(self, *args: str) -> dict[str, Any]:
        out = self.run("-m", "tests.browser.setup_game", *args)
        return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]

    def join(self, code: str, seat: str, name: str) -> str:
        body = json.dumps({"code": code, "seat": seat, "name": name}).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/join/", data=body,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())["token"]  # type: ignore[no-any-return]

    def start(self) -> None:
        self.proc = procs.start_server(self.port, self.env, log=self.log)

    def stop(self) -> None:
        if self.proc is not None:
            procs.stop(self.proc)

    def established(self, local_ports: set[int]) -> int:
        """How many of these client sockets the server still holds open (by the clients'
        port numbers, from the kernel's table of the server's connections)."""
        import psutil

        assert self.proc is not None
        held = 0
        for conn in psutil.Process(self.proc.pid).net_connections(kind="tcp"):
            if conn.raddr and conn.raddr.port in local_ports and \
                    conn.status == psutil.CONN_ESTABLISHED:
                held += 1
        return held

    def rss_mb(self) -> float:
        import psutil

        assert self.proc is not None
        return float(psutil.Process(self.proc.pid).memory_info().rss) / 2**20


@contextmanager
def server_for_this_pass(workdir: Path, services_env: dict[str, str] | None,
                         **extra: str) -> Iterator[Server]:
    if services_env is not None:
        env = dict(services_env)
    else:
        env = {"DATABASE_URL": f"sqlite:///{workdir / 'forge.sqlite3'}"}
    env.update({"DJANGO_SETTINGS_MODULE": "negotiation.settings", "FORGE_LOG": "WARNING",
                "ALLOWED_HOSTS": "127.0.0.1,localhost", "PYTHONUNBUFFERED": "1", **extra})
    server = Server(workdir, env)
    if services_env is None:
        server.run("manage.py", "migrate", "--noinput", "-v", "0")
    server.start()
    try:
        yield server
    finally:
        server.stop()
