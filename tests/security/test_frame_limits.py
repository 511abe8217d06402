"""The server's own bound on WebSocket messages, as `make run` starts it (uvicorn
--ws-max-size): a message over 64 KiB never reaches the application (the connection is
closed with 1009, "message too big"), and the server goes on serving others."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.server import procs


@pytest.fixture
def echo_server(tmp_path):  # type: ignore[no-untyped-def]
    port = procs.free_port()
    env = {"FORGE_ECHO": "1", "FORGE_CLOCK": "0", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
           "ALLOWED_HOSTS": "127.0.0.1"}
    proc = procs.start_server(port, {**env, "REDIS_URL": ""},
                              log=tmp_path / "server.log")
    yield port
    procs.stop(proc)


def test_the_server_refuses_oversize_messages(echo_server):
    port = echo_server

    async def run() -> tuple[str, str]:
        url = f"ws://127.0.0.1:{port}/ws/echo/"
        async with connect(url, origin=f"http://127.0.0.1:{port}", compression=None) as ws:
            await ws.send("x" * (procs.MAX_MESSAGE + 1024))
            try:
                outcome = f"echoed {len(await asyncio.wait_for(ws.recv(), 5))}"
            except ConnectionClosed as exc:
                outcome = f"closed {exc.rcvd.code if exc.rcvd else None}"
        async with connect(url, origin=f"http://127.0.0.1:{port}", compression=None) as ws:
            await ws.send("y" * 1000)
            return outcome, await asyncio.wait_for(ws.recv(), 5)

    outcome, echoed = asyncio.run(run())
    assert outcome == "closed 1009"
    assert echoed == "y" * 1000
