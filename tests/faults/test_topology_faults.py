"""Faults in the production topology (tests/topology.py: nginx terminating TLS in front of
two uvicorn processes on a PostgreSQL cluster and a redis-server of this module's own),
every client going through the proxy:

- a server process killed with SIGKILL mid-negotiation: its clients reconnect through the
  proxy to the other process, resume from their last seq, resend what was not acked (same
  ids); nothing acked is lost; the phase deadline fires exactly once;
- Redis killed and restarted mid-game: the processes recover without restarting, pushes
  between them resume within seconds;
- PostgreSQL stopped and started mid-game: actions meanwhile are refused with the
  retryable `unavailable`, never half-applied; service resumes by itself;
- the whole topology restarted: every game continues from its log, its timer included.

Each compares the action log with what the clients were acked: every ack has its row
(with the acked seq), no row lacks its ack, the seqs run 1..version without a gap.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import random
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from tests.server.helpers import services_only
from tests.topology import ProxyClient, Topology

pytestmark = [services_only]

OTHER = {"USA": "AUS", "AUS": "CHN", "CHN": "USA"}
SEATS = tuple(OTHER)


@pytest.fixture(scope="module")
def topo(tmp_path_factory):  # type: ignore[no-untyped-def]
    # The watcher (which re-reads versions and heals a dropped broadcast) every 10 s, not
    # 2: three pushes in a row that arrive within 2.5 s came through Redis, not the watcher.
    t = Topology(Path(tmp_path_factory.mktemp("topology")), processes=2,
                 env={"FORGE_WATCH_INTERVAL": "10", "FORGE_CLOCK_INTERVAL": "0.2"})
    t.start()
    try:
        yield t
    finally:
        t.stop()


@pytest.fixture
def up(topo):  # type: ignore[no-untyped-def]
    topo.ensure_up()
    topo.set_sticky(True)
    return topo


# ---- clients that act open loop and survive faults -----------------------------------------
class Driver:
    """One seat acting open loop through the proxy: every action with its own id; an
    `unavailable` answer is sent again (same id) later; after a lost connection it
    reconnects through the proxy (hello with its last seq) and resends every action
    without an answer, same ids. Every action it sends changes the game (a proposal, or
    the withdrawal of one of its own open proposals), so each ack must have a log row."""

    def __init__(self, client: ProxyClient, seat: str) -> None:
        self.c, self.seat = client, seat
        self.actions: dict[str, dict[str, Any]] = {}
        self.outstanding: set[str] = set()
        self.retry: set[str] = set()
        self.acked: dict[str, int] = {}
        self.refused: dict[str, str] = {}
        self.unavailable = 0
        self.reconnects = 0
        self.resumed: list[dict[str, Any]] = []  # the first state after each reconnect
        self.withdrawing: set[str] = set()
        self.n = 0

    def next_action(self) -> dict[str, Any]:
        self.n += 1
        if self.n % 4 == 0 and self.c.states:
            mine = [p["id"] for p in self.c.view().get("proposals") or []
                    if p["proposer"] == self.seat and p["status"] == "proposed"
                    and p["id"] not in self.withdrawing]
            if mine:
                self.withdrawing.add(mine[0])
                return {"type": "withdraw_deal", "deal": mine[0]}
        to = OTHER[self.seat]
        return {"type": "propose_deal", "to": to, "clauses": [
            {"type": "payment", "payer": self.seat, "payee": to, "amount": 1}]}

    def collect(self) -> None:
        for mid in list(self.outstanding):
            reply = self.c.replies.get(mid)
            if reply is None:
                continue
            if reply["type"] == "ack":
                self.acked[mid] = reply["seq"]
                self.outstanding.discard(mid)
            elif reply.get("code") in ("unavailable", "rate_limited"):  # nothing applied
                self.unavailable += reply["code"] == "unavailable"
                del self.c.replies[mid]
                self.retry.add(mid)
            else:
                self.refused[mid] = reply.get("code") or repr(reply)
                self.outstanding.discard(mid)

    async def _send(self, mid: str) -> None:
        with contextlib.suppress(Exception):  # the connection is going: resent later
            await self.c.send("action", {"action": self.actions[mid]}, mid)

    async def ensure_connected(self) -> None:
        if self.c.connected:
            return
        before = len(self.c.states)
        await self.c.reopen(timeout=60)
        self.reconnects += 1
        await self.c.wait_for(lambda c: len(c.states) > before, 20)
        self.resumed.append(self.c.states[before])
        for mid in sorted(self.outstanding):
            self.retry.discard(mid)
            await self._send(mid)

    async def resend(self, most: int = 2) -> None:
        """Send again the oldest of the refused-for-now actions (a few at a time: a client
        that retries everything at once only meets the rate limit)."""
        order = {mid: i for i, mid in enumerate(self.actions)}
        for mid in sorted(self.retry, key=order.__getitem__)[:most]:
            self.retry.discard(mid)
            await self._send(mid)

    async def run(self, seconds: float, interval: float = 0.15) -> None:
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while loop.time() < end:
            self.collect()
            await self.ensure_connected()
            if self.retry:  # retries first; no new action until they are through
                await self.resend()
                await asyncio.sleep(interval * random.uniform(0.8, 1.2))
                continue
            mid = f"{self.seat}-act-{self.n + 1}"  # never like the client's own hello ids
            self.actions[mid] = self.next_action()
            self.outstanding.add(mid)
            await self._send(mid)
            await asyncio.sleep(interval * random.uniform(0.8, 1.2))

    async def settle(self, timeout: float = 60) -> None:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            self.collect()
            if not self.outstanding:
                return
            if loop.time() > end:
                raise AssertionError(f"{self.seat}: no answer to {sorted(self.outstanding)}")
            await self.ensure_connected()
            await self.resend()
            await asyncio.sleep(0.15)


def seat_clients(topo: Topology, game: dict[str, Any]) -> dict[str, ProxyClient]:
    return {s: topo.client(game["code"], {"role": "player", "token": game["tokens"][s]},
                           name=s) for s in SEATS}


async def reconnect_if_closed(clients: list[ProxyClient]) -> None:
    for c in clients:
        if not c.connected:
            await c.reopen(timeout=60)


def check_log(topo: Topology, game_id: int, drivers: list[Driver]) -> list[tuple[Any, ...]]:
    """Every ack has its row with the acked seq; no row of a player lacks its ack; the
    seqs run 1..version; what was refused left no row."""
    rows = topo.log_rows(game_id)
    version = topo.game_row(game_id)["version"]
    assert [r[0] for r in rows] == list(range(1, version + 1))
    from_players = {r[2]: r[0] for r in rows if r[1].startswith("p:")}
    acked = {mid: seq for d in drivers for mid, seq in d.acked.items()}
    assert len(from_players) == len([r for r in rows if r[1].startswith("p:")])
    missing = {m: s for m, s in acked.items() if from_players.get(m) != s}
    unacked = {m: s for m, s in from_players.items() if m not in acked}
    assert not missing, f"acked but not in the log (or at another seq): {missing}"
    assert not unacked, f"in the log but never acked: {unacked}"
    refused = {mid for d in drivers for mid in d.refused}
    assert not refused & set(from_players)
    # the log stores what was sent
    sent = {mid: a for d in drivers for mid, a in d.actions.items()}
    for _seq, _sender, mid, payload in rows:
        if mid in sent:
            assert payload["type"] == sent[mid]["type"]
    return rows


def clock_rows(topo: Topology, game_id: int) -> list[tuple[dt.datetime, dict[str, Any]]]:
    assert topo.pg is not None
    return [(r[0], r[1]) for r in topo.pg.query(
        "SELECT created, payload FROM negotiation_actionlog WHERE game_id = %s "
        "AND sender = 'clock' ORDER BY seq", game_id)]


def accepted(topo: Topology, code: str) -> list[int]:
    """How many of the game's WebSockets each server process has accepted so far (from
    uvicorn's log of the handshakes it accepted)."""
    mark = f'"WebSocket /ws/v1/games/{code}/" [accepted]'
    return [s.log.read_text(errors="replace").count(mark) if s.log.exists() else 0
            for s in topo.servers]


def saw_own_events(d: Driver) -> None:
    """A seat resumed from its last seq: it holds the event of every one of its acked
    actions (sent while connected, or in the catch-up after reconnecting)."""
    seen = {e[0] for e in d.c.events()}
    lost = sorted(seq for seq in d.acked.values() if seq not in seen)
    assert not lost, f"{d.seat} never received the events at seqs {lost}"


def increasing(c: ProxyClient) -> None:
    seqs = [s["seq"] for s in c.states]
    assert seqs == sorted(seqs), c.name


# ---- the faults ----------------------------------------------------------------------------
def test_a_server_killed_mid_negotiation(up: Topology) -> None:
    topo = up
    game = topo.setup_games(1, negotiation_seconds=14, orders_seconds=600)[0]
    deadline = topo.game_row(game["id"])["deadline"]

    async def run() -> tuple[list[Driver], list[ProxyClient], int]:
        seats = seat_clients(topo, game)
        spectators = [topo.client(game["code"], {"role": "spectator"}, name=f"spec{i}")
                      for i in range(2)]
        for c in [*seats.values(), *spectators]:
            await c.open()
        counts = accepted(topo, game["code"])
        owner = max(range(len(counts)), key=lambda i: counts[i])
        # sticky: the game's five sockets all reached one process
        assert counts[owner] == 5 and sum(counts) == 5, counts
        drivers = [Driver(c, s) for s, c in seats.items()]

        async def kill_soon() -> None:
            await asyncio.sleep(1.5)
            topo.servers[owner].stop(signal.SIGKILL)

        await asyncio.gather(kill_soon(), *(d.run(4.0) for d in drivers))
        for d in drivers:
            await d.settle()
        await reconnect_if_closed(spectators)
        # the deadline ends negotiation in the surviving process
        for c in [*seats.values(), *spectators]:
            await c.wait_for(lambda x: x.states and x.view()["phase"] == "orders", 60)
        # one more version after the phase changed, so every process has ticked past it
        ack = await seats["USA"].action({"type": "submit_orders", "orders": {}}, "USA-orders")
        assert ack["type"] == "ack", ack
        drivers[0].acked["USA-orders"] = ack["seq"]
        for c in [*seats.values(), *spectators]:
            await c.wait_seq(ack["seq"], 20)
        return drivers, spectators, owner

    drivers, spectators, owner = asyncio.run(run())
    assert not topo.servers[owner].alive
    assert all(d.reconnects >= 1 for d in drivers), [d.reconnects for d in drivers]
    assert all(d.acked for d in drivers)
    # only a late proposal may meet the phase's end; nothing else is refused
    assert {code for d in drivers for code in d.refused.values()} <= {"wrong_phase"}
    rows = check_log(topo, game["id"], drivers)
    fired = clock_rows(topo, game["id"])
    assert [p["phase"] for _t, p in fired] == ["negotiation"], fired  # exactly once
    assert fired[0][0] >= deadline  # not early
    for d in drivers:
        saw_own_events(d)
        increasing(d.c)
        # resumed from its last seq: a catch-up, not a fresh view
        assert d.resumed and not any(s["resync"] for s in d.resumed), d.resumed
    for c in spectators:
        increasing(c)
        assert c.last_seq == rows[-1][0]
    assert topo.verify_log(game["id"])


def test_redis_restarted_mid_game(up: Topology) -> None:
    topo = up
    assert topo.redis is not None
    topo.set_sticky(False)  # round robin: one game's sockets on both processes
    pids = [s.pid for s in topo.servers]
    game = topo.setup_games(1, negotiation_seconds=600)[0]

    async def run() -> tuple[list[Driver], list[ProxyClient], list[float]]:
        seats = seat_clients(topo, game)
        spectators = [topo.client(game["code"], {"role": "spectator"}, name=f"spec{i}")
                      for i in range(3)]
        everyone = [*seats.values(), *spectators]
        for c in everyone:
            await c.open()
        counts = accepted(topo, game["code"])
        assert min(counts) >= 1 and sum(counts) == 6, counts  # both processes serve it
        drivers = [Driver(c, s) for s, c in seats.items()]
        restarted = asyncio.get_running_loop().create_future()

        async def restart_redis() -> None:
            await asyncio.sleep(1.5)
            topo.redis.stop(signal.SIGKILL)  # type: ignore[union-attr]
            await asyncio.sleep(2.0)
            await asyncio.to_thread(topo.redis.start)  # type: ignore[union-attr]
            restarted.set_result(time.monotonic())

        await asyncio.gather(restart_redis(), *(d.run(5.0) for d in drivers))
        for d in drivers:
            await d.settle()
        await reconnect_if_closed(everyone)
        # pushes between the processes resume within seconds: three actions in a row,
        # each on every socket within 2.5 s. The watcher runs every 10 s, so it could
        # bring at most one of three consecutive probes that fast: the layer is back.
        lags: list[float] = []
        loop = asyncio.get_running_loop()
        end = loop.time() + 40
        streak = 0
        while streak < 3:
            assert loop.time() < end, f"pushes did not resume: lags {lags}"
            sender = drivers[len(lags) % 3]
            t0 = time.monotonic()
            mid = f"{sender.seat}-probe-{len(lags)}"
            sender.actions[mid] = sender.next_action()
            reply = await sender.c.request("action", {"action": sender.actions[mid]}, mid)
            assert reply["type"] == "ack", reply
            sender.acked[mid] = reply["seq"]
            try:
                for c in everyone:
                    await c.wait_seq(reply["seq"], timeout=3)
            except AssertionError:
                pass
            lag = time.monotonic() - t0
            lags.append(lag)
            streak = streak + 1 if lag < 2.5 else 0
        head = max(c.last_seq or 0 for c in everyone)
        for c in everyone:
            await c.wait_seq(head, 20)
        return drivers, everyone, lags

    try:
        drivers, everyone, _lags = asyncio.run(run())
    finally:
        topo.set_sticky(True)
    # the processes recovered without restarting
    assert [s.pid for s in topo.servers] == pids and all(s.alive for s in topo.servers)
    assert not any(d.refused for d in drivers), [d.refused for d in drivers]
    rows = check_log(topo, game["id"], drivers)
    for c in everyone:
        increasing(c)
        assert c.last_seq == rows[-1][0]
    for d in drivers:
        saw_own_events(d)


def test_postgresql_restarted_mid_game(up: Topology) -> None:
    topo = up
    assert topo.pg is not None
    game = topo.setup_games(1, negotiation_seconds=600)[0]
    times: dict[str, float] = {}

    async def run() -> tuple[list[Driver], ProxyClient]:
        seats = seat_clients(topo, game)
        spectator = topo.client(game["code"], {"role": "spectator"}, name="spec")
        for c in [*seats.values(), spectator]:
            await c.open()
        drivers = [Driver(c, s) for s, c in seats.items()]

        async def restart_pg() -> None:
            await asyncio.sleep(1.5)
            await asyncio.to_thread(topo.pg.stop, "fast")  # type: ignore[union-attr]
            times["down"] = time.monotonic()
            await asyncio.sleep(2.5)
            await asyncio.to_thread(topo.pg.start)  # type: ignore[union-attr]
            times["up"] = time.monotonic()

        await asyncio.gather(restart_pg(), *(d.run(6.0) for d in drivers))
        for d in drivers:
            await d.settle()
        times["settled"] = time.monotonic()
        await reconnect_if_closed([spectator])
        head = max(d.c.last_seq or 0 for d in drivers)
        await spectator.wait_seq(head, 20)
        return drivers, spectator

    drivers, spectator = asyncio.run(run())
    # actions while the database was down were refused with the retryable code...
    assert sum(d.unavailable for d in drivers) >= 1
    assert not any(d.refused for d in drivers), [d.refused for d in drivers]
    assert not any(f.get("code") == "server_error" for d in drivers for f in d.c.frames)
    # ...and, sent again, all acked once it was back, without restarting anything
    assert all(s.alive for s in topo.servers)
    assert times["settled"] - times["up"] < 30
    rows = check_log(topo, game["id"], drivers)
    assert spectator.last_seq == rows[-1][0]
    assert topo.verify_log(game["id"])  # the log replays to the stored state


def test_the_whole_topology_restarted(up: Topology) -> None:
    topo = up
    games = topo.setup_games(2, negotiation_seconds=25, orders_seconds=600)
    deadlines = {g["id"]: topo.game_row(g["id"])["deadline"] for g in games}
    before: dict[int, int] = {}
    took: dict[str, float] = {}

    async def run() -> tuple[dict[int, list[Driver]], dict[int, ProxyClient]]:
        drivers: dict[int, list[Driver]] = {}
        spectators: dict[int, ProxyClient] = {}
        for g in games:
            seats = seat_clients(topo, g)
            spectators[g["id"]] = topo.client(g["code"], {"role": "spectator"}, name="spec")
            for c in [*seats.values(), spectators[g["id"]]]:
                await c.open()
            drivers[g["id"]] = [Driver(c, s) for s, c in seats.items()]
        everyone = [d for ds in drivers.values() for d in ds]
        await asyncio.gather(*(d.run(2.0) for d in everyone))
        for d in everyone:
            await d.settle()
        for g in games:
            before[g["id"]] = topo.game_row(g["id"])["version"]
            await spectators[g["id"]].wait_seq(before[g["id"]], 20)
        took.update(await asyncio.to_thread(topo.restart_all))
        took["deadline_left_s"] = min(
            (d - dt.datetime.now(dt.UTC)).total_seconds() for d in deadlines.values())
        # everyone comes back through the proxy and plays on
        await asyncio.gather(*(d.run(2.0) for d in everyone))
        for d in everyone:
            await d.settle()
        await reconnect_if_closed(list(spectators.values()))
        for g in games:
            for c in [*(d.c for d in drivers[g["id"]]), spectators[g["id"]]]:
                await c.wait_for(lambda x: x.states and x.view()["phase"] == "orders", 60)
        return drivers, spectators

    drivers, spectators = asyncio.run(run())
    for g in games:
        ds = drivers[g["id"]]
        assert all(d.reconnects >= 1 for d in ds)
        assert {code for d in ds for code in d.refused.values()} <= {"wrong_phase"}
        rows = check_log(topo, g["id"], ds)
        # the game continued from its log: the versions after the restart follow on
        assert max(seq for d in ds for seq in d.acked.values()) > before[g["id"]], took
        for d in ds:
            assert d.resumed[0]["seq"] >= before[g["id"]] and not d.resumed[0]["resync"]
            saw_own_events(d)
            increasing(d.c)
        # its timer too: the deadline set before the restart fired once, not early
        fired = clock_rows(topo, g["id"])
        assert [p["phase"] for _t, p in fired] == ["negotiation"], fired
        assert fired[0][0] >= deadlines[g["id"]]
        assert spectators[g["id"]].last_seq >= rows[-1][0] - 1 >= 0
        assert topo.verify_log(g["id"])
