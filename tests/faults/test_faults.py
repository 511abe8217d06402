"""Faults with real processes: a server killed mid-game (the game goes on in the other,
and no acknowledged action is lost), and Redis restarted under live connections (clients
recover by resume and the per-process watcher)."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time

import pytest

from negotiation.models import ActionLog, Game
from tests.server import procs
from tests.server.helpers import join, make_game, make_user, services_only, session_cookie
from tests.server.test_two_processes import server_env
from tests.server.wsclient import Client

pytestmark = [services_only, pytest.mark.django_db(transaction=True)]


def _clients(game, ports, cookie, tokens):  # type: ignore[no-untyped-def]
    pa, pb = ports
    return {
        "fac": Client(pb, game.code, {"role": "facilitator"}, cookie=cookie, name="fac"),
        "usa": Client(pa, game.code, {"role": "player", "token": tokens["USA"]}, name="usa"),
        "aus": Client(pb, game.code, {"role": "player", "token": tokens["AUS"]}, name="aus"),
        "spa": Client(pa, game.code, {"role": "spectator"}, name="spa"),
    }


def test_a_killed_server_loses_no_acknowledged_action(tmp_path):
    user = make_user()
    game = make_game(user, negotiation_seconds=600)
    tokens = {s: join(game, s, s)[1] for s in ("USA", "AUS")}
    cookie = session_cookie(user).decode()
    ports = [procs.free_port(), procs.free_port()]
    servers = [procs.start_server(p, server_env(), log=tmp_path / f"d{i}.log")
               for i, p in enumerate(ports)]
    acked: dict[str, int] = {}

    async def run() -> dict[str, Client]:
        c = _clients(game, ports, cookie, tokens)
        for cl in c.values():
            await cl.open()
        await c["fac"].request("control", {"op": "start"})
        # USA (on A) toggles ready open-loop while A is killed mid-stream
        pending = {f"usa-ready-{i}": {"type": "ready", "ready": i % 2 == 0} for i in range(40)}
        for i, (mid, action) in enumerate(pending.items()):
            try:
                await c["usa"].send("action", {"action": action}, mid)
            except Exception:
                break
            if i == 15:
                servers[0].send_signal(signal.SIGKILL)
            await asyncio.sleep(0.02)
        await c["usa"].wait_for(lambda x: x.closed_codes, 10)
        # reconnect to B with the last seq seen, resend everything not acked, same ids
        await c["usa"].open(port=ports[1])
        for mid, action in pending.items():
            if mid not in c["usa"].replies:
                reply = await c["usa"].action(action, msg_id=mid)
                assert reply["type"] == "ack", reply
        for mid in pending:
            reply = c["usa"].replies[mid]
            assert reply["type"] == "ack"
            acked[mid] = reply["seq"]
        await c["spa"].wait_for(lambda x: x.closed_codes, 10)
        await c["spa"].open(port=ports[1])
        # the game goes on in B
        ack = await c["aus"].action({"type": "ready"})
        assert ack["type"] == "ack"
        for cl in c.values():
            await cl.wait_seq(ack["seq"])
        for cl in c.values():
            await cl.close()
        return c

    try:
        c = asyncio.run(run())
    finally:
        for s in servers:
            procs.stop(s)
    rows = {r.client_msg_id: r.seq
            for r in ActionLog.objects.filter(game=game, client_msg_id__startswith="usa-ready-")}
    assert rows == acked and len(rows) == 40  # every ack is in the log, exactly once
    row = Game.objects.get(pk=game.pk)
    seqs = list(ActionLog.objects.filter(game=game).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, row.version + 1))
    # the spectator who moved servers has every public event, in order, without a gap
    spa_seqs = [s["seq"] for s in c["spa"].states]
    assert spa_seqs == sorted(spa_seqs) and c["spa"].last_seq == row.version


def test_clients_recover_after_redis_restarts(tmp_path):
    rport = procs.free_port()
    redis_cmd = ["redis-server", "--port", str(rport), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no"]
    redis = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL)
    procs.wait_port(rport)
    env = {**server_env(), "REDIS_URL": f"redis://127.0.0.1:{rport}/0",
           "FORGE_WATCH_INTERVAL": "1"}
    user = make_user()
    game = make_game(user, negotiation_seconds=600)
    tokens = {s: join(game, s, s)[1] for s in ("USA", "AUS")}
    cookie = session_cookie(user).decode()
    ports = [procs.free_port(), procs.free_port()]
    servers = [procs.start_server(p, env, log=tmp_path / f"d{i}.log")
               for i, p in enumerate(ports)]

    async def run() -> None:
        nonlocal redis
        c = _clients(game, ports, cookie, tokens)
        for cl in c.values():
            await cl.open()
        ack = await c["fac"].request("control", {"op": "start"})
        for cl in c.values():
            await cl.wait_seq(ack["seq"])
        redis.send_signal(signal.SIGKILL)
        redis.wait(timeout=5)
        # actions still commit (the database is the truth) while Redis is down
        down = await c["usa"].action({"type": "ready"})
        assert down["type"] == "ack"
        redis = subprocess.Popen(redis_cmd, stdout=subprocess.DEVNULL)
        procs.wait_port(rport)
        after = await c["aus"].action({"type": "ready", "ready": False})
        assert after["type"] == "ack"
        for cl in c.values():
            if cl.closed_codes:  # a socket that died reconnects and resumes
                await cl.open()
            await cl.wait_seq(after["seq"], timeout=20)
        for cl in c.values():
            assert [s["seq"] for s in cl.states] == sorted(s["seq"] for s in cl.states)
            await cl.close()

    try:
        asyncio.run(run())
    finally:
        for s in servers:
            procs.stop(s)
        redis.send_signal(signal.SIGTERM)
        try:
            redis.wait(timeout=5)
        except subprocess.TimeoutExpired:
            redis.kill()
    time.sleep(0)
