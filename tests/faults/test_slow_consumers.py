"""One client that never reads cannot stall a game (issue 9): with 1 and with 200
spectators that said hello and then stopped reading, everyone else's news arrives as fast
as without them, the server drops the stuck sockets within 10 s, and its memory comes back.

Against a real uvicorn process (the project's server, as `make run` starts it) on this
pass's backend: SQLite and the in-memory layer, or PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path
from typing import Any

import pytest

from tests.faults.stuck import Server, Stuck, server_for_this_pass
from tests.server.helpers import on_services
from tests.server.wsclient import Client

pytestmark = pytest.mark.django_db(transaction=True)

ACTIONS = 40  # per measurement
PACE_S = 0.05  # an action every 50 ms: 20 a second, far above a class's pace
STALL_S = 3.0  # the server's FORGE_SEND_STALL_SECONDS for this test (default 5)
CLOSED_WITHIN_S = 10.0


@pytest.fixture
def server(tmp_path: Path, request: pytest.FixtureRequest) -> Any:
    services = None
    if on_services():
        from tests.server.test_two_processes import server_env

        services = server_env()
    # Generous message rates: this test is about slow readers, not fast writers.
    with server_for_this_pass(tmp_path, services, FORGE_PERSON_RATE="200",
                              FORGE_RATE_PER_SECOND="200",
                              FORGE_SEND_STALL_SECONDS=str(STALL_S)) as s:
        yield s


async def _latencies(driver: Client, readers: list[Client], n: int) -> list[float]:
    """Per action: from sending it to every reader holding its version (ms)."""
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        ack = await driver.action({"type": "ready", "ready": driver.ready_next})  # type: ignore[attr-defined]
        assert ack["type"] == "ack", ack
        driver.ready_next = not driver.ready_next  # type: ignore[attr-defined]
        await asyncio.gather(*(r.wait_seq(ack["seq"], timeout=20) for r in readers))
        out.append(1000 * (time.perf_counter() - t0))
        await asyncio.sleep(PACE_S * (1 + (i % 3)) / 2)
    return out


async def _until_dropped(server: Server, stuck: list[Stuck], driver: Client,
                         readers: list[Client]) -> list[float]:
    """Keep the game moving until the server has closed every stuck socket; the
    latencies meanwhile."""
    ports = {s.local_port for s in stuck}
    started = time.monotonic()
    out: list[float] = []
    while server.established(ports):
        assert time.monotonic() - started < CLOSED_WITHIN_S + 20, "stuck sockets never closed"
        out += await _latencies(driver, readers, 2)
    return out


def _connect_stuck(server: Server, code: str, n: int) -> list[Stuck]:
    return [Stuck(server.port, code, {"role": "spectator"}) for _ in range(n)]


def test_readers_that_stop_reading_cannot_stall_the_room(server: Server) -> None:
    game = server.new_game("--scenario", "ministerial-2026", "--start")
    code = str(game["code"])
    seats = ["USA", "CHN", "AUS"]
    tokens = {s: server.join(code, s, f"Player {s}") for s in seats}
    figures: dict[str, Any] = {}

    async def run() -> None:
        driver = Client(server.port, code, {"role": "player", "token": tokens["USA"],
                                            "patches": True}, name="usa")
        driver.ready_next = True  # type: ignore[attr-defined]
        readers = [driver] + [
            Client(server.port, code, {"role": "player", "token": tokens[s], "patches": True},
                   name=s) for s in seats[1:]] + [
            Client(server.port, code, {"role": "spectator", "patches": p}, name=f"spec{i}")
            for i, p in enumerate((True, True, False))]
        for r in readers:
            await r.open()
        await _latencies(driver, readers, 10)  # warm up: views cached, pages faulted in
        base = await _latencies(driver, readers, ACTIONS)
        figures["base_ms_p50"] = statistics.median(base)

        for label, n in (("stuck1", 1), ("stuck200", 200), ("again200", 200)):
            if n == 200:
                figures[f"{label}_rss_before_mb"] = round(server.rss_mb(), 1)
            stuck = await asyncio.to_thread(_connect_stuck, server, code, n)
            held = server.established({s.local_port for s in stuck})
            assert held == n  # all connected and said hello
            t_stuck = time.monotonic()
            # From their hello until the server has dropped them all: the kernel's and the
            # server's buffers fill (the server cannot tell a slow reader from a stuck one
            # before that), then they stall, then they are closed.
            lat = await _until_dropped(server, stuck, driver, readers)
            figures[f"{label}_closed_after_s"] = round(time.monotonic() - t_stuck, 2)
            figures[f"{label}_ms_p50"] = statistics.median(lat)
            for s in stuck:
                s.close()
            await asyncio.sleep(0.5)
            figures[f"{label}_rss_after_mb"] = round(server.rss_mb(), 1)
            assert figures[f"{label}_closed_after_s"] <= CLOSED_WITHIN_S, figures

        # The others' news was not held up by the stuck ones: within 2x of the run without
        # them (measured before and after, as the machine may be busy with other work; and
        # 10 ms for that noise: the base is a few ms). Before, they waited for the 2 s
        # watcher: 2,010 ms.
        figures["base_after_ms_p50"] = statistics.median(
            await _latencies(driver, readers, ACTIONS))
        base = (figures["base_ms_p50"] + figures["base_after_ms_p50"]) / 2
        for label in ("stuck1", "stuck200", "again200"):
            assert figures[f"{label}_ms_p50"] <= 2 * base + 10, figures

        # Nobody who reads was dropped, and everyone holds the latest version.
        last = await driver.action({"type": "ready", "ready": driver.ready_next})  # type: ignore[attr-defined]
        for r in readers:
            await r.wait_seq(last["seq"])
            assert not r.closed_codes, (r.name, r.closed_codes)
        for r in readers:
            await r.close()

    try:
        asyncio.run(run())
    finally:
        print("slow consumers:", figures, flush=True)
    # What 200 stuck sockets cost is bounded (the outbox, the transport's buffer and the
    # kernel's are capped, and all of it is freed when the socket is dropped: before, 200
    # never-read sockets held 548 MB of kernel buffers and +33 MB of server memory that
    # was never returned), and it is reused, not leaked: a second 200 costs next to nothing.
    first = figures["stuck200_rss_after_mb"] - figures["stuck200_rss_before_mb"]
    second = figures["again200_rss_after_mb"] - figures["again200_rss_before_mb"]
    assert first <= 24, figures
    assert second <= 5, figures
