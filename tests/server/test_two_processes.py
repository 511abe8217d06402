"""Two server processes sharing PostgreSQL and Redis: the clients of one game, split
across them, see the same events in the same order, and a phase deadline fires once."""

from __future__ import annotations

import asyncio
import os
import time

import pytest
from django.db import connection

from negotiation.models import ActionLog, Game
from tests.server import procs
from tests.server.helpers import DATA, join, make_game, make_user, services_only, session_cookie
from tests.server.wsclient import Client

pytestmark = [services_only, pytest.mark.django_db(transaction=True)]


def server_env() -> dict[str, str]:
    s = connection.settings_dict
    return {
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}",
        "REDIS_URL": os.environ["REDIS_URL"],
        "FORGE_LAYER_PREFIX": os.environ.get("FORGE_LAYER_PREFIX", "forge"),
        "FORGE_EXTRA_SCENARIOS": str(DATA),
        "FORGE_CLOCK": "1", "FORGE_CLOCK_INTERVAL": "0.2", "FORGE_WATCH_INTERVAL": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "DEBUG": "0",
    }


@pytest.fixture
def two_servers(tmp_path):  # type: ignore[no-untyped-def]
    started = []
    ports = [procs.free_port(), procs.free_port()]
    try:
        for i, port in enumerate(ports):
            started.append(procs.start_server(port, server_env(), log=tmp_path / f"d{i}.log"))
        yield ports, started, tmp_path
    finally:
        for p in started:
            procs.stop(p)


def test_clients_split_across_two_processes_see_the_same_events_in_order(two_servers):
    (pa, pb), _procs, _logs = two_servers
    user = make_user()
    game = make_game(user, negotiation_seconds=2, orders_seconds=600)
    tokens = {seat: join(game, seat, seat.title())[1] for seat in ("USA", "AUS", "CHN")}
    cookie = session_cookie(user).decode()

    async def play() -> dict[str, Client]:
        c = {
            "fac": Client(pa, game.code, {"role": "facilitator"}, cookie=cookie, name="fac"),
            "usa": Client(pa, game.code, {"role": "player", "token": tokens["USA"]}, name="usa"),
            "aus": Client(pb, game.code, {"role": "player", "token": tokens["AUS"]}, name="aus"),
            "chn": Client(pb, game.code, {"role": "player", "token": tokens["CHN"]}, name="chn"),
            "spa": Client(pa, game.code, {"role": "spectator"}, name="spa"),
            "spb": Client(pb, game.code, {"role": "spectator"}, name="spb"),
        }
        for cl in c.values():
            await cl.open()
        # The welcome comes first and the state answering the hello after it: wait for that
        # state too, or on a busy server it may be rendered after the start (a whole view
        # with no events), and this client would miss events the others see.
        for cl in c.values():
            await cl.wait_for(lambda x: x.states)
        assert all(cl.states[0]["seq"] == 0 for cl in c.values())
        assert (await c["fac"].request("control", {"op": "start"}))["type"] == "ack"
        offer = {"type": "propose_deal", "to": "AUS", "clauses": [
            {"type": "payment", "payer": "USA", "payee": "AUS", "amount": 1}]}
        await c["usa"].action(offer)
        await c["aus"].wait_for(lambda x: x.states and x.view().get("proposals"))
        sends = [c["aus"].action({"type": "accept_deal", "deal": "D1"}),
                 c["chn"].action({"type": "ready"}),
                 c["usa"].action({"type": "ready", "ready": False})]
        acks = await asyncio.gather(*sends)
        assert all(a["type"] == "ack" for a in acks), acks
        # the 2 s deadline ends negotiation in one of the two processes, once
        for cl in c.values():
            await cl.wait_for(lambda x: x.states and x.view()["phase"] == "orders", 20)
        head = max(cl.last_seq or 0 for cl in c.values())
        for cl in c.values():
            await cl.wait_seq(head)
        await asyncio.sleep(1.5)  # several clock ticks in both processes
        for cl in c.values():
            await cl.close()
        return c

    c = asyncio.run(play())
    row = Game.objects.get(pk=game.pk)
    clock_rows = list(ActionLog.objects.filter(game=game, sender="clock"))
    assert len(clock_rows) == 1 and clock_rows[0].payload["phase"] == "negotiation"
    assert row.phase == "orders" and row.version == max(cl.last_seq for cl in c.values())
    # the two spectators, one on each process, saw identical event streams
    assert c["spa"].events() == c["spb"].events() and c["spa"].events()
    # everyone saw public events in the same order, and seqs only ever increased
    public = [e for e in c["spa"].events()]
    for name, cl in c.items():
        seqs = [s["seq"] for s in cl.states]
        assert seqs == sorted(seqs), name
        mine = [e for e in cl.events() if e in set(public)]
        assert mine == [e for e in public if e in set(mine)], name
        assert {e[0] for e in mine} >= {e[0] for e in public if e[0] > (cl.states[0]["seq"])}
    log_seqs = list(ActionLog.objects.filter(game=game).order_by("seq")
                    .values_list("seq", flat=True))
    assert log_seqs == list(range(1, row.version + 1))


def test_a_deadline_fires_once_with_nobody_connected(two_servers):
    _ports, _procs, _logs = two_servers
    game = make_game(negotiation_seconds=1, orders_seconds=1, rounds=1)
    from game import FACILITATOR
    from negotiation.services import actions

    actions.apply_action(game.pk, FACILITATOR, {"type": "start"}, sender="f:1")
    end = time.monotonic() + 20
    while time.monotonic() < end:
        game.refresh_from_db()
        if game.status == Game.ENDED:
            break
        time.sleep(0.2)
    assert game.status == Game.ENDED
    rows = list(ActionLog.objects.filter(game=game, sender="clock").order_by("seq")
                .values_list("payload", flat=True))
    assert [r["phase"] for r in rows] == ["negotiation", "orders"]
