"""Server benchmark (issue 4, "Speed"): one server process (uvicorn as `make run` starts
it; `--server daphne` to compare) pinned to CPU 0, the load on CPU 1. 20 games, each with
8 seat connections and 5 spectators; every seat sends a real game action every
500 ms x U(0.8, 1.2), open loop (it does not wait for its ack).
5 s warm-up, 30 s measured, 5 s drain; then the same shape against a bare Channels echo
consumer in the same server process.

Measures, for actions sent inside the window: send -> the sender's ack (sent after the
commit), and send -> the moment the last other connection of that game holds a state at
or after that action's seq. Prints a table, then one JSON line.

    .venv/bin/python bench/server.py            # the embedded defaults (SQLite, in-memory)
    .venv/bin/python bench/server.py --services # PostgreSQL + Redis on 127.0.0.1
    .venv/bin/python bench/server.py --quick    # a short smoke run

Besides latency it reports the server's CPU inside the measured window
(`server_cpu_pct_window`, and `server_cpu_ms_per_action`: the figure to watch when
optimising, as it hardly depends on the rest of the machine's load).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import msgspec
import psutil
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
DAPHNE = str(Path(PY).with_name("daphne"))
SCENARIO = "ministerial-2026"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


# ---- what the load generator decodes (only the fields it needs) -------------------------
class _Proposal(msgspec.Struct):
    id: str
    proposer: str
    status: str


class _View(msgspec.Struct):
    proposals: list[_Proposal] | None = None


class _Msg(msgspec.Struct):
    type: str
    id: str | None = None
    seq: int | None = None
    code: str | None = None
    view: _View | None = None
    patch: _View | None = None  # the clients take patches, as the consoles do


_decode = msgspec.json.Decoder(_Msg).decode


def percentile(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))
    return xs[k]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---- server setup --------------------------------------------------------------------------
def server_env(args: argparse.Namespace, tmp: Path) -> dict[str, str]:
    env = {**os.environ, "DEBUG": "0", "FORGE_ECHO": "1",
           "FORGE_LOG": os.environ.get("FORGE_LOG", "WARNING"),
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "FORGE_RATE_PER_SECOND": "50",
           "FORGE_RATE_BURST": "100",
           "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH"))
                                         if p)}
    if args.services:
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.pg_db}"
        env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
        env["FORGE_LAYER_PREFIX"] = f"forge-bench-{os.getpid()}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        env.pop("REDIS_URL", None)
    return env


SETUP = r"""
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from game import FACILITATOR
from negotiation.services import actions, games
n_games, n_seats, seconds = (int(a) for a in sys.argv[1:4])
scenario = sys.argv[4]
user, _ = get_user_model().objects.get_or_create(username="bench")
out = []
for g in range(n_games):
    row = games.create_game(user, scenario, {"negotiation_seconds": seconds,
                                          "orders_seconds": seconds}, seed=g + 1)
    seats = list(row.seats.values_list("seat_id", flat=True))[:n_seats]
    tokens = {s: games.join(row.code, f"bench-{s}", s)[1] for s in seats}
    actions.apply_action(row.pk, FACILITATOR, {"type": "start"}, sender="bench")
    out.append({"code": row.code, "tokens": tokens})
print(json.dumps(out))
"""


def prepare(args: argparse.Namespace, env: dict[str, str]) -> list[dict[str, Any]]:
    if args.services:
        subprocess.run(["psql", PG_ADMIN, "-q", "-c", f"DROP DATABASE IF EXISTS {args.pg_db}",
                        "-c", f"CREATE DATABASE {args.pg_db}"], check=True,
                       capture_output=True)
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True)
    run = subprocess.run([PY, "-c", SETUP, str(args.games), str(args.seats), "3600", SCENARIO],
                         cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "negotiation.settings"},
                         check=True, capture_output=True, text=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def server_command(kind: str, port: int) -> list[str]:
    if kind == "uvicorn":  # as `make run` starts it
        return [str(Path(PY).with_name("uvicorn")), "--host", "127.0.0.1", "--port", str(port),
                "--loop", "uvloop", "--http", "httptools", "--ws", "websockets-sansio",
                "--ws-max-size", "65536", "--ws-per-message-deflate", "false",
                "--lifespan", "on", "--timeout-graceful-shutdown", "5", "--no-access-log",
                "--log-level", "warning", "negotiation.asgi:application"]
    return [DAPHNE, "-b", "127.0.0.1", "-p", str(port), "-v", "0",
            "--websocket-max-message-size", "65536", "--websocket-max-frame-size", "65536",
            "negotiation.asgi:application"]


def start_server(env: dict[str, str], port: int, log: Path, kind: str = "uvicorn"
                 ) -> subprocess.Popen[bytes]:
    cmd = server_command(kind, port)
    if _taskset():
        cmd = ["taskset", "-c", "0", *cmd]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=open(log, "wb"),  # noqa: SIM115
                            stderr=subprocess.STDOUT)
    end = time.monotonic() + 30
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"{kind} exited; see {log}") from None
            time.sleep(0.1)
    raise RuntimeError(f"{kind} did not start")


def _taskset() -> bool:
    return subprocess.run(["which", "taskset"], capture_output=True).returncode == 0


# ---- the load --------------------------------------------------------------------------------
class Conn:
    def __init__(self, game: int, seat: str | None) -> None:
        self.game, self.seat = game, seat
        self.ws: Any = None
        self.arrivals: list[tuple[int, float]] = []  # (seq, time) of each state
        self.open_deal: str | None = None
        self.withdrawing: set[str] = set()
        self.n = 0
        self.others: list[str] = []  # the other seats of its game


class Clients:
    """The load generator's connections: what they sent, what came back (this bench's and
    bench/load.py's)."""

    def __init__(self) -> None:
        self.sent: dict[str, tuple[int, float]] = {}  # msg id -> (game, time)
        self.acks: dict[str, tuple[float, int]] = {}  # msg id -> (time, seq)
        self.errors: list[str] = []
        self.stop = False

    async def reader(self, c: Conn) -> None:
        try:
            async for raw in c.ws:
                now = time.perf_counter()
                m = _decode(raw)
                if m.type == "state" and m.seq is not None:
                    c.arrivals.append((m.seq, now))
                    part = m.view if m.view is not None else m.patch
                    if c.seat and part is not None and part.proposals is not None:
                        mine = [p.id for p in part.proposals
                                if p.proposer == c.seat and p.status == "proposed"
                                and p.id not in c.withdrawing]
                        c.open_deal = mine[0] if mine else None
                elif m.type == "ack" and m.id in self.sent:
                    self.acks[m.id] = (now, m.seq or 0)
                elif m.type == "error":
                    self.errors.append(f"{m.code}")
        except Exception as exc:
            if not self.stop:
                self.errors.append(f"connection lost: {exc!r}")

    def latencies(self, tables: list[list[Conn]], lo: float, hi: float
                  ) -> tuple[list[float], list[float], int, dict[int, list[float]]]:
        """For the actions sent in [lo, hi): ms from send to the sender's ack, ms from send
        until every other connection of its game holds a state at or after its seq, how
        many were never answered (no ack, or a connection never got the state), and the
        ack ms by 5 s slice of the window (drift or spikes?)."""
        ack_ms: list[float] = []
        bcast_ms: list[float] = []
        slices: dict[int, list[float]] = {}
        missing = 0
        arrivals = {id(c): ([s for s, _ in c.arrivals], [t for _, t in c.arrivals])
                    for t in tables for c in t}
        for mid, (gi, sent) in self.sent.items():
            if not lo <= sent < hi:
                continue
            if mid not in self.acks:
                missing += 1
                continue
            t_ack, seq = self.acks[mid]
            ack_ms.append((t_ack - sent) * 1000)
            slices.setdefault(int((sent - lo) // 5), []).append(ack_ms[-1])
            sender_seat = mid.split("-")[1]
            last = 0.0
            for c in tables[gi]:
                if c.seat == sender_seat:
                    continue
                seqs, times = arrivals[id(c)]
                k = bisect.bisect_left(seqs, seq)
                if k == len(seqs):
                    missing += 1
                    last = float("nan")
                    break
                last = max(last, times[k])
            if last == last:
                bcast_ms.append((last - sent) * 1000)
        return ack_ms, bcast_ms, missing, slices

    @staticmethod
    def deal_action(c: Conn, others: list[str]) -> dict[str, Any]:
        """Withdraw the seat's open proposal if it has one, else propose a small payment:
        every such action is accepted, so every ack is a row of the log."""
        if c.open_deal is not None:
            deal, c.open_deal = c.open_deal, None
            c.withdrawing.add(deal)
            return {"type": "withdraw_deal", "deal": deal}
        to = random.choice(others)
        return {"type": "propose_deal", "to": to, "rounds": 1, "clauses": [
            {"type": "payment", "payer": c.seat, "payee": to, "amount": 1}]}


class Load(Clients):
    def __init__(self, args: argparse.Namespace, port: int) -> None:
        super().__init__()
        self.args, self.port = args, port
        self.window = (0.0, 0.0)
        self.window_cpu_s = float("nan")

    async def open(self, c: Conn, code: str, hello: dict[str, Any]) -> None:
        c.ws = await connect(f"ws://127.0.0.1:{self.port}/ws/v1/games/{code}/",
                             origin=f"http://127.0.0.1:{self.port}",  # type: ignore[arg-type]
                             compression=None, max_size=2**22, ping_interval=None,
                             open_timeout=30)
        await c.ws.send(json.dumps({"id": "hello", "type": "hello", "payload": hello}))

    def next_action(self, c: Conn, others: list[str]) -> dict[str, Any]:
        c.n += 1
        if c.n % 3 == 0:
            return {"type": "ready", "ready": c.n % 2 == 0}
        return self.deal_action(c, others)

    async def sender(self, c: Conn, others: list[str], until: float) -> None:
        while time.perf_counter() < until and not self.stop:
            await asyncio.sleep(0.5 * random.uniform(0.8, 1.2))
            mid = f"{c.game}-{c.seat}-{c.n}"
            action = self.next_action(c, others)
            self.sent[mid] = (c.game, time.perf_counter())
            try:
                await c.ws.send(json.dumps({"id": mid, "type": "action",
                                            "payload": {"action": action}}))
            except Exception as exc:
                self.errors.append(f"send failed: {exc!r}")
                return


async def run_game_load(args: argparse.Namespace, port: int, games: list[dict[str, Any]],
                        server: psutil.Process | None = None
                        ) -> tuple[Load, list[list[Conn]]]:
    load = Load(args, port)
    tables: list[list[Conn]] = []
    sem = asyncio.Semaphore(50)

    async def opened(c: Conn, code: str, hello: dict[str, Any]) -> Conn:
        async with sem:
            await load.open(c, code, hello)
        return c

    tasks = []
    for gi, g in enumerate(games):
        conns = [Conn(gi, seat) for seat in g["tokens"]] + \
            [Conn(gi, None) for _ in range(args.spectators)]
        tables.append(conns)
        for c in conns:
            hello = {"role": "player", "token": g["tokens"][c.seat]} if c.seat else \
                {"role": "spectator"}
            if not args.full_views:
                hello["patches"] = True
            tasks.append(opened(c, g["code"], hello))
    await asyncio.gather(*tasks)
    readers = [asyncio.ensure_future(load.reader(c)) for t in tables for c in t]
    await asyncio.sleep(1)
    t0 = time.perf_counter()
    load.window = (t0 + args.warmup, t0 + args.warmup + args.measure)
    senders = []
    for conns in tables:
        seats = [c.seat for c in conns if c.seat]
        for c in conns:
            if c.seat:
                others = [s for s in seats if s != c.seat]
                senders.append(asyncio.ensure_future(
                    load.sender(c, others, load.window[1])))  # type: ignore[arg-type]

    async def window_cpu() -> None:  # the server's CPU time inside the measured window
        if server is None:
            return
        await asyncio.sleep(max(0.0, load.window[0] - time.perf_counter()))
        c0 = cpu_of(server)
        await asyncio.sleep(max(0.0, load.window[1] - time.perf_counter()))
        load.window_cpu_s = cpu_of(server) - c0

    await asyncio.gather(window_cpu(), *senders)
    await asyncio.sleep(args.drain)
    load.stop = True
    for t in tables:
        for c in t:
            await c.ws.close()
    await asyncio.gather(*readers, return_exceptions=True)
    return load, tables


def game_figures(load: Load, tables: list[list[Conn]]) -> dict[str, Any]:
    ack_ms, bcast_ms, missing, slices = load.latencies(tables, *load.window)
    return {"ack": ack_ms, "bcast": bcast_ms, "missing": missing,
            "ack_p99_by_5s": [round(percentile(slices[k], 99), 1) for k in sorted(slices)]}


async def run_echo_load(args: argparse.Namespace, port: int) -> list[float]:
    rtts: list[float] = []
    stop = time.perf_counter() + 1 + args.warmup + args.measure
    lo, hi = time.perf_counter() + 1 + args.warmup, stop
    conns = []
    sem = asyncio.Semaphore(50)

    async def opened() -> Any:
        async with sem:
            return await connect(f"ws://127.0.0.1:{port}/ws/echo/",
                                 origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
                                 compression=None, ping_interval=None, open_timeout=30)

    conns = await asyncio.gather(*[opened() for _ in range(args.games *
                                                          (args.seats + args.spectators))])
    senders_ = conns[: args.games * args.seats]
    pending: dict[str, float] = {}

    async def read(ws: Any) -> None:
        try:
            async for raw in ws:
                mid = json.loads(raw)["id"]
                t = pending.pop(mid, None)
                if t is not None and lo <= t < hi:
                    rtts.append((time.perf_counter() - t) * 1000)
        except Exception:
            pass

    async def send(i: int, ws: Any) -> None:
        n = 0
        while time.perf_counter() < stop:
            await asyncio.sleep(0.5 * random.uniform(0.8, 1.2))
            n += 1
            mid = f"e{i}-{n}"
            pending[mid] = time.perf_counter()
            await ws.send(json.dumps({"id": mid, "type": "action", "payload": {"action": {
                "type": "propose_deal", "to": "AUS", "clauses": [
                    {"type": "payment", "payer": "USA", "payee": "AUS", "amount": 1}]}}}))

    readers = [asyncio.ensure_future(read(ws)) for ws in conns]
    await asyncio.gather(*[send(i, ws) for i, ws in enumerate(senders_)])
    await asyncio.sleep(min(args.drain, 2))
    for ws in conns:
        await ws.close()
    await asyncio.gather(*readers, return_exceptions=True)
    return rtts


def cpu_of(proc: psutil.Process) -> float:
    t = proc.cpu_times()
    return float(t.user + t.system)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--games", type=int, default=20)
    ap.add_argument("--seats", type=int, default=8)
    ap.add_argument("--spectators", type=int, default=5)
    ap.add_argument("--warmup", type=float, default=5)
    ap.add_argument("--measure", type=float, default=30)
    ap.add_argument("--drain", type=float, default=5)
    ap.add_argument("--quick", action="store_true", help="2 s warm-up, 8 s measured, 3 s drain")
    ap.add_argument("--services", action="store_true", help="PostgreSQL + Redis on 127.0.0.1")
    ap.add_argument("--pg-db", default="forge_bench")
    ap.add_argument("--full-views", action="store_true",
                    help="clients ask for whole views in every push (no patches)")
    ap.add_argument("--server", choices=("uvicorn", "daphne"), default="uvicorn",
                    help="the ASGI server to run: uvicorn as `make run` starts it (default),"
                         " or daphne for comparison")
    args = ap.parse_args()
    if args.quick:
        args.warmup, args.measure, args.drain = 2, 8, 3
    if hasattr(os, "sched_setaffinity") and _taskset() and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})
    random.seed(1)
    with tempfile.TemporaryDirectory(prefix="forge-bench-") as tmpdir:
        tmp = Path(tmpdir)
        env = server_env(args, tmp)
        games = prepare(args, env)
        port = free_port()
        server = start_server(env, port, tmp / "server.log", args.server)
        ps = psutil.Process(server.pid)
        try:
            me = psutil.Process()
            cpu0, mine0, wall0 = cpu_of(ps), cpu_of(me), time.perf_counter()
            load, tables = asyncio.run(run_game_load(args, port, games, ps))
            wall = time.perf_counter() - wall0
            cpu_pct = 100 * (cpu_of(ps) - cpu0) / wall
            load_cpu_pct = 100 * (cpu_of(me) - mine0) / wall
            rss_mb = ps.memory_info().rss / 2**20
            figs = game_figures(load, tables)
            echo = asyncio.run(run_echo_load(args, port))
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        log_tail = (tmp / "server.log").read_text(errors="replace").strip().splitlines()[-5:]
        if os.environ.get("FORGE_BENCH_LOG"):  # keep the server's log for a look afterwards
            Path(os.environ["FORGE_BENCH_LOG"]).write_text(
                (tmp / "server.log").read_text(errors="replace"))
    sent = sum(1 for _g, t in load.sent.values() if load.window[0] <= t < load.window[1])
    result = {
        "backend": "postgresql+redis" if args.services else "sqlite+inmemory",
        "server": args.server,
        "patches": not args.full_views,
        "games": args.games, "seat_connections": args.games * args.seats,
        "spectator_connections": args.games * args.spectators,
        "measured_s": args.measure, "actions_measured": sent,
        "actions_per_s": round(sent / args.measure, 1),
        "action_ack_ms_p50": round(percentile(figs["ack"], 50), 2),
        "action_ack_ms_p99": round(percentile(figs["ack"], 99), 2),
        "broadcast_ms_p50": round(percentile(figs["bcast"], 50), 2),
        "broadcast_ms_p99": round(percentile(figs["bcast"], 99), 2),
        "errors": len(load.errors) + figs["missing"],
        "server_cpu_pct": round(cpu_pct, 1),
        "server_cpu_pct_window": round(100 * load.window_cpu_s / args.measure, 1),
        "server_cpu_ms_per_action": round(1000 * load.window_cpu_s / max(sent, 1), 3),
        "server_rss_mb": round(rss_mb, 1),
        "loadgen_cpu_pct": round(load_cpu_pct, 1),
        "host_load_avg_1m": round(os.getloadavg()[0], 2),
        "echo_ms_p50": round(percentile(echo, 50), 2),
        "echo_ms_p99": round(percentile(echo, 99), 2),
    }
    result["ack_p99_over_echo_p99"] = round(result["action_ack_ms_p99"] /
                                            max(result["echo_ms_p99"], 1e-9), 2)
    kinds = statistics.multimode(load.errors) if load.errors else []
    print(f"FORGE server bench ({result['backend']}): {args.games} games x ({args.seats} seats"
          f" + {args.spectators} spectators), {args.measure:.0f} s measured")
    print(f"  actions measured      {sent} ({result['actions_per_s']}/s)")
    print(f"  ack ms p50 / p99      {result['action_ack_ms_p50']} / {result['action_ack_ms_p99']}"
          f"   (goal: p99 <= 4 x echo p99)")
    print(f"  broadcast ms p50/p99  {result['broadcast_ms_p50']} / {result['broadcast_ms_p99']}"
          f"   (goal: p99 <= 100)")
    print(f"  ack p99 per 5 s       {figs['ack_p99_by_5s']}")
    print(f"  echo ms p50 / p99     {result['echo_ms_p50']} / {result['echo_ms_p99']}")
    print(f"  errors                {result['errors']} {kinds[:3]}")
    print(f"  server cpu in window  {result['server_cpu_pct_window']}%"
          f" ({result['server_cpu_ms_per_action']} ms per action)")
    print(f"  server cpu / rss      {result['server_cpu_pct']}% / {result['server_rss_mb']} MB"
          f"   (load generator {result['loadgen_cpu_pct']}%,"
          f" host load {result['host_load_avg_1m']})")
    if result["errors"]:
        print("  server log tail:", *log_tail, sep="\n    ")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
