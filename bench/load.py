"""Load on the production topology (issue 12): tests/topology.py's PostgreSQL cluster,
redis-server and N server processes behind nginx (TLS, WebSockets, a game's sockets on one
process), all on this machine, driven over loopback through the proxy.

G games, each with 8 seat connections and 10 spectators; every seat acts open loop (it
never waits for its ack) at an interval chosen for a target total rate (`--rate`), times
U(0.8, 1.2). Its actions are proposals and withdrawals of its own open proposals, so every
acknowledged action must be a row of the action log: `lost` counts acked actions missing
from the log plus log rows never acked (compared after the drain). `errors` counts error
answers, lost connections and actions sent in the window that were never answered.

Measured for actions sent inside the window: send -> the sender's ack; send -> the moment
the last other connection of that game holds a state at or after the action's seq. CPU
(server processes, PostgreSQL, Redis, nginx, this load generator) inside the window; peak
RSS of each server process over the run; and, before any action, CPU per connection
opened (handshake, hello, first view) and per connection held idle.

    .venv/bin/python bench/load.py                   # the goal shape: 100 games, 1,800
                                                     # connections, 200 actions/s, 2 processes
    .venv/bin/python bench/load.py --quick           # 20 games, 8 s measured
    .venv/bin/python bench/load.py --knee            # per 1 and 2 processes: the highest rate
                                                     # with ack p99 <= 150 ms, broadcast p99
                                                     # <= 500 ms and no errors

The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.server import Clients, Conn, percentile  # noqa: E402
from tests.topology import Topology  # noqa: E402

SCENARIO = "ministerial-2026"
GOALS = {"errors": 0, "lost": 0, "ack_ms_p99": 50, "broadcast_ms_p99": 150}
KNEE = {"ack_ms_p99": 150, "broadcast_ms_p99": 500}


class Load(Clients):
    def __init__(self, topo: Topology, games: list[dict[str, Any]], seats: int,
                 spectators: int) -> None:
        super().__init__()
        self.topo = topo
        self.tables: list[list[Conn]] = []
        for gi, g in enumerate(games):
            conns = [Conn(gi, s) for s in g["tokens"]][:seats] + \
                [Conn(gi, None) for _ in range(spectators)]
            names = [c.seat for c in conns if c.seat]
            for c in conns:
                c.others = [s for s in names if s != c.seat]  # type: ignore[misc]
            self.tables.append(conns)
        self.games = games
        self.readers: list[asyncio.Task[None]] = []

    @property
    def conns(self) -> list[Conn]:
        return [c for t in self.tables for c in t]

    async def connect_all(self) -> None:
        from websockets.asyncio.client import connect

        sem = asyncio.Semaphore(32)
        ctx = self.topo.ssl_context()

        async def one(c: Conn) -> None:
            g = self.games[c.game]
            hello: dict[str, Any] = {"role": "player", "token": g["tokens"][c.seat]} \
                if c.seat else {"role": "spectator"}
            hello["patches"] = True  # as the consoles ask
            async with sem:
                c.ws = await connect(self.topo.ws_url(g["code"]), origin=self.topo.base_url,  # type: ignore[arg-type]
                                     compression=None, max_size=2**22, ping_interval=None,
                                     open_timeout=60, ssl=ctx)
                await c.ws.send(json.dumps({"id": "hello", "type": "hello",
                                            "payload": hello}))
                self.readers.append(asyncio.ensure_future(self.reader(c)))
                # the first view, so connecting is finished before the next one starts
                while not c.arrivals:
                    await asyncio.sleep(0.01)

        await asyncio.gather(*(one(c) for c in self.conns))

    def next_action(self, c: Conn) -> dict[str, Any]:
        c.n += 1
        return self.deal_action(c, c.others)

    async def sender(self, c: Conn, interval: float, start: float, until: float) -> None:
        await asyncio.sleep(max(0.0, start - time.perf_counter()) +
                            random.uniform(0, interval))  # spread the seats' phases
        while time.perf_counter() < until and not self.stop:
            mid = f"{c.game}-{c.seat}-{c.n + 1}"
            action = self.next_action(c)
            self.sent[mid] = (c.game, time.perf_counter())
            try:
                await c.ws.send(json.dumps({"id": mid, "type": "action",
                                            "payload": {"action": action}}))
            except Exception as exc:
                self.errors.append(f"send failed: {exc!r}")
                return
            await asyncio.sleep(interval * random.uniform(0.8, 1.2))

    async def close(self) -> None:
        self.stop = True
        for c in self.conns:
            if c.ws is not None:
                await c.ws.close()
        await asyncio.gather(*self.readers, return_exceptions=True)


class Sampler:
    """CPU seconds and peak RSS of the topology's processes, sampled on a thread."""

    def __init__(self, topo: Topology) -> None:
        self.topo = topo
        self.peak_rss = [0.0] * len(topo.servers)
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def groups(self) -> dict[str, list[psutil.Process]]:
        def tree(pid: int) -> list[psutil.Process]:
            p = psutil.Process(pid)
            return [p, *p.children(recursive=True)]

        assert self.topo.pg is not None and self.topo.redis is not None
        pg_pid = int((self.topo.pg.data / "postmaster.pid").read_text().split()[0])
        return {"servers": [psutil.Process(s.pid) for s in self.topo.servers],
                "postgres": tree(pg_pid),
                "redis": [psutil.Process(self.topo.redis.proc.pid)],  # type: ignore[union-attr]
                "nginx": tree(self.topo.nginx.proc.pid),  # type: ignore[union-attr]
                "loadgen": [psutil.Process()]}

    def cpu(self) -> dict[str, float]:
        """CPU seconds so far of each group: its processes alive now, plus (for a tree's
        root: postmaster, nginx's master) the children it has reaped, so a PostgreSQL
        backend that ended inside the window still counts."""
        out: dict[str, float] = {}
        for name, procs in self.groups().items():
            total = 0.0
            for i, p in enumerate(procs):
                with contextlib.suppress(psutil.NoSuchProcess):
                    t = p.cpu_times()
                    total += t.user + t.system
                    if i == 0 and name in ("postgres", "nginx"):
                        total += t.children_user + t.children_system
            out[name] = total
        return out

    def _run(self) -> None:
        procs = [psutil.Process(s.pid) for s in self.topo.servers]
        while not self._stop.wait(0.5):
            for i, p in enumerate(procs):
                with contextlib.suppress(psutil.NoSuchProcess):
                    self.peak_rss[i] = max(self.peak_rss[i], p.memory_info().rss / 2**20)

    def __enter__(self) -> Sampler:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self.thread.join()


def measure(load: Load, sampler: Sampler, rate: float, warmup: float, window: float,
            drain: float) -> dict[str, Any]:
    """One open-loop phase at `rate` actions/s over the open connections."""
    seats = [c for c in load.conns if c.seat]
    interval = len(seats) / rate
    load.sent.clear()
    load.acks.clear()
    errors0 = len(load.errors)

    async def run() -> tuple[float, float, dict[str, float], dict[str, float]]:
        t0 = time.perf_counter() + 0.5
        lo, hi = t0 + warmup, t0 + warmup + window
        cpu: dict[str, dict[str, float]] = {}

        async def cpu_at(when: float, key: str) -> None:
            await asyncio.sleep(max(0.0, when - time.perf_counter()))
            cpu[key] = await asyncio.to_thread(sampler.cpu)

        await asyncio.gather(cpu_at(lo, "lo"), cpu_at(hi, "hi"),
                             *(load.sender(c, interval, t0, hi) for c in seats))
        await asyncio.sleep(drain)
        return lo, hi, cpu["lo"], cpu["hi"]

    lo, hi, c0, c1 = asyncio.get_event_loop().run_until_complete(run())
    ack_ms, bcast_ms, unanswered, _ = load.latencies(load.tables, lo, hi)
    n = len(ack_ms)
    cpu_ms = {k: round(1000 * (c1[k] - c0[k]) / max(n, 1), 3) for k in c0}
    return {
        "rate_target": rate, "actions_measured": n,
        "actions_per_s": round(n / window, 1),
        "ack_ms_p50": round(percentile(ack_ms, 50), 2),
        "ack_ms_p99": round(percentile(ack_ms, 99), 2),
        "broadcast_ms_p50": round(percentile(bcast_ms, 50), 2),
        "broadcast_ms_p99": round(percentile(bcast_ms, 99), 2),
        "errors": len(load.errors) - errors0 + unanswered,
        "error_kinds": sorted(set(load.errors[errors0:]))[:5],
        "cpu_ms_per_action": cpu_ms["servers"],
        "pg_cpu_ms_per_action": cpu_ms["postgres"],
        "redis_cpu_ms_per_action": cpu_ms["redis"],
        "nginx_cpu_ms_per_action": cpu_ms["nginx"],
        "loadgen_cpu_ms_per_action": cpu_ms["loadgen"],
        "servers_cpu_pct": round(100 * (c1["servers"] - c0["servers"]) / window, 1),
        "machine_cpu_pct": round(100 * sum(c1[k] - c0[k] for k in c0) / window
                                 / (os.cpu_count() or 1), 1),
    }


def lost(topo: Topology, load: Load) -> int:
    """Acked actions missing from the log (or at another seq) + log rows never acked."""
    assert topo.pg is not None
    ids = [g["id"] for g in load.games]
    rows = topo.pg.query("SELECT client_msg_id, seq FROM negotiation_actionlog "
                         "WHERE game_id = ANY(%s) AND sender LIKE 'p:%%'", ids)
    logged = {m: s for m, s in rows}
    acked = {m: seq for m, (_t, seq) in load.all_acks.items()}  # type: ignore[attr-defined]
    return sum(1 for m, s in acked.items() if logged.get(m) != s) + \
        sum(1 for m in logged if m not in acked)


def session(args: argparse.Namespace, processes: int, rates: list[float],
            stop_at_knee: bool) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A topology of `processes` server processes, the connections, then one measured
    phase per rate (until a phase misses the knee's bounds, with stop_at_knee)."""
    with tempfile.TemporaryDirectory(prefix="forge-load-") as tmpdir, \
            Topology(Path(tmpdir), processes=processes, server=args.server, pg_fsync=True,
                     env={"FORGE_LOG": "WARNING"}) as topo:
        t = time.perf_counter()
        games = topo.setup_games(args.games, scenario=SCENARIO, seats=args.seats,
                                 negotiation_seconds=7200, orders_seconds=7200)
        print(f"  {args.games} games made in {time.perf_counter() - t:.1f} s", flush=True)
        load = Load(topo, games, args.seats, args.spectators)
        load.all_acks = {}  # type: ignore[attr-defined]
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            import uvloop  # the generator needs all the speed it can get

            loop.close()
            loop = uvloop.new_event_loop()
            asyncio.set_event_loop(loop)
        except ImportError:
            pass
        phases: list[dict[str, Any]] = []
        with Sampler(topo) as sampler:
            c0, t0 = sampler.cpu(), time.perf_counter()
            loop.run_until_complete(load.connect_all())
            c1, t1 = sampler.cpu(), time.perf_counter()
            loop.run_until_complete(asyncio.sleep(args.idle))
            c2, t2 = sampler.cpu(), time.perf_counter()
            nconn = len(load.conns)
            base = {
                "connections": nconn,
                "connect_s": round(t1 - t0, 1),
                "cpu_ms_per_connection_opened": round(
                    1000 * (c1["servers"] - c0["servers"]) / nconn, 3),
                "cpu_ms_per_connection_idle_s": round(
                    1000 * (c2["servers"] - c1["servers"]) / nconn / (t2 - t1), 4),
                "connections_per_process": [
                    s.log.read_text(errors="replace").count("[accepted]")
                    for s in topo.servers],
            }
            print(f"  {nconn} connections in {base['connect_s']} s, per process "
                  f"{base['connections_per_process']}", flush=True)
            for rate in rates:
                fig = measure(load, sampler, rate, args.warmup, args.measure, args.drain)
                load.all_acks.update(load.acks)  # type: ignore[attr-defined]
                phases.append(fig)
                ok = fig["errors"] == 0 and fig["ack_ms_p99"] <= KNEE["ack_ms_p99"] and \
                    fig["broadcast_ms_p99"] <= KNEE["broadcast_ms_p99"]
                print(f"  {processes} proc  rate {rate:>6.0f}/s  got {fig['actions_per_s']:>6}/s"
                      f"  ack p50/p99 {fig['ack_ms_p50']}/{fig['ack_ms_p99']} ms"
                      f"  bcast p99 {fig['broadcast_ms_p99']} ms  errors {fig['errors']}"
                      f"  servers {fig['servers_cpu_pct']}%  machine {fig['machine_cpu_pct']}%"
                      f"  cpu/action {fig['cpu_ms_per_action']} ms", flush=True)
                if stop_at_knee and not ok:
                    break
            loop.run_until_complete(load.close())
            base["peak_rss_mb"] = [round(x, 1) for x in sampler.peak_rss]
        loop.close()
        base["lost"] = lost(topo, load)
        return base, phases


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--games", type=int, default=100)
    ap.add_argument("--seats", type=int, default=8)
    ap.add_argument("--spectators", type=int, default=10)
    ap.add_argument("--rate", type=float, default=200, help="target actions/s in all")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--server", choices=("uvicorn", "daphne"), default="uvicorn")
    ap.add_argument("--warmup", type=float, default=5)
    ap.add_argument("--measure", type=float, default=30)
    ap.add_argument("--drain", type=float, default=5)
    ap.add_argument("--idle", type=float, default=3,
                    help="seconds with every connection open and no action (CPU per idle "
                         "connection)")
    ap.add_argument("--quick", action="store_true", help="20 games, 2 s warm-up, 8 s measured")
    ap.add_argument("--knee", action="store_true",
                    help="per 1 and 2 processes, step the rate up (10 s phases) to the "
                         "highest with ack p99 <= 150 ms, broadcast p99 <= 500 ms, 0 errors")
    args = ap.parse_args()
    if args.quick:
        args.games, args.warmup, args.measure, args.drain, args.idle = 20, 2, 8, 3, 2
    random.seed(1)
    print(f"FORGE load bench: {args.games} games x ({args.seats} seats + {args.spectators} "
          f"spectators) through nginx, server {args.server}", flush=True)
    if args.knee:
        args.warmup, args.measure, args.drain = 3, 10, 3
        rates = [args.rate * f for f in (1, 1.5, 2, 3, 4, 5, 6, 8)]
        knees: dict[str, Any] = {}
        for procs in (1, 2):
            base, phases = session(args, procs, rates, stop_at_knee=True)
            good = [p for p in phases if p["errors"] == 0
                    and p["ack_ms_p99"] <= KNEE["ack_ms_p99"]
                    and p["broadcast_ms_p99"] <= KNEE["broadcast_ms_p99"]]
            knees[str(procs)] = {"knee_actions_per_s": max((p["actions_per_s"] for p in good),
                                                           default=0.0),
                                 "phases": phases, "lost": base["lost"],
                                 "peak_rss_mb": base["peak_rss_mb"]}
            print(f"  knee with {procs} process(es): {knees[str(procs)]['knee_actions_per_s']}"
                  " actions/s", flush=True)
        print(json.dumps({"games": args.games,
                          "connections": args.games * (args.seats + args.spectators),
                          "knee": {k: v["knee_actions_per_s"] for k, v in knees.items()},
                          "detail": knees}))
        return
    base, phases = session(args, args.processes, [args.rate], stop_at_knee=False)
    fig = phases[0]
    result = {"games": args.games, "connections": base["connections"],
              "processes": args.processes, "server": args.server, **fig,
              "lost": base["lost"], "peak_rss_mb_per_process": base["peak_rss_mb"],
              "connections_per_process": base["connections_per_process"],
              "cpu_ms_per_connection_opened": base["cpu_ms_per_connection_opened"],
              "cpu_ms_per_connection_idle_s": base["cpu_ms_per_connection_idle_s"],
              "connect_s": base["connect_s"],
              "host_load_avg_1m": round(os.getloadavg()[0], 2)}
    met = {k: (result[k] <= v) for k, v in GOALS.items()}
    result["goals_met"] = all(met.values())
    missed = ", ".join(k for k, ok in met.items() if not ok)
    print(f"  goals {GOALS}: {'met' if result['goals_met'] else 'NOT met: ' + missed}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
