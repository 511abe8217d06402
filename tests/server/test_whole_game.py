"""Whole games: bots alone through the services and the background step, and people
(scripted WebSocket clients) with a bot, to the end; the log rebuilds both."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from game import FACILITATOR
from negotiation.models import Game
from negotiation.realtime import background
from negotiation.services import actions, bots, games
from tests.server.helpers import (
    db,
    facilitator,
    join,
    make_game,
    make_user,
    on_services,
    player,
    spectator,
)
from tests.topology import SERVERS, Topology

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_all_bot_game_plays_to_the_end_through_the_services():
    seats = ("USA", "CHN", "EU", "JPN", "AUS", "COD")
    strategies = ("cooperative", "hawk", "passive")
    game = make_game(scenario="classroom-lite",
                     bots={s: strategies[i % 3] for i, s in enumerate(seats)})
    actions.apply_action(game.pk, FACILITATOR, {"type": "start"}, sender="f:1")
    for _ in range(200):
        background.step()
        game.refresh_from_db()
        if game.status == Game.ENDED:
            break
    assert game.status == Game.ENDED and game.phase == "ended"
    assert game.version > 10
    assert games.verify_log(game.pk)
    assert bots.pending_games() == []


@pytest.mark.asyncio
async def test_people_and_a_bot_play_a_whole_game_over_websockets():
    user = await db(make_user)()
    game = await db(make_game)(user, bots={"CHN": "cooperative"})
    _, usa_token = await db(join)(game, "USA", "Ann")
    _, aus_token = await db(join)(game, "AUS", "Bob")
    f = await facilitator(game.code, user)
    usa, aus = await player(game.code, usa_token), await player(game.code, aus_token)
    proj = await spectator(game.code)
    assert (await f.control("start"))["type"] == "ack"
    for rnd in (1, 2):
        await usa.until(lambda m, r=rnd: m["type"] == "state"
                        and (m["view"]["round"], m["view"]["phase"]) == (r, "negotiation"))
        offer = {"type": "propose_deal", "to": "AUS", "clauses": [
            {"type": "payment", "payer": "USA", "payee": "AUS", "amount": 1}]}
        ack = await usa.action(offer)
        assert ack["type"] == "ack", ack
        st = await aus.until(lambda m: m["type"] == "state" and any(
            p["status"] == "proposed" for p in m["view"].get("proposals", [])))
        deal = next(p["id"] for p in st["view"]["proposals"] if p["status"] == "proposed")
        assert (await aus.action({"type": "accept_deal", "deal": deal}))["type"] == "ack"
        for ws in (usa, aus):
            assert (await ws.action({"type": "ready"}))["type"] == "ack"
        # the bot is ready too (it acts after each version), so orders begin
        await usa.until(lambda m, r=rnd: m["type"] == "state"
                        and (m["view"]["round"], m["view"]["phase"]) == (r, "orders"), 10)
        for ws in (usa, aus):
            assert (await ws.action({"type": "submit_orders", "orders": {}}))["type"] == "ack"
            assert (await ws.action({"type": "ready"}))["type"] == "ack"
    end = await proj.until(lambda m: m["type"] == "state" and m["view"]["phase"] == "ended", 10)
    assert set(end["view"]["scores"]) == {"USA", "AUS", "CHN"}
    assert any(e["kind"] == "game_over" for e in end["events"]) or end["resync"]
    row = await db(Game.objects.get)(pk=game.pk)
    assert row.status == Game.ENDED
    assert await db(games.verify_log)(game.pk)
    # every client saw the seqs it was sent in increasing order
    for ws in (usa, aus, proj, f):
        seqs = [m["seq"] for m in ws.frames if m["type"] == "state"]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    for ws in (usa, aus, proj, f):
        await ws.close()
    await asyncio.sleep(0)


# ---- the same game through the production topology, under each server the project supports
@pytest.fixture(params=SERVERS)
def served(request, tmp_path):  # type: ignore[no-untyped-def]
    """nginx in front of real server processes (tests/topology.py): on the services pass
    two processes on a PostgreSQL cluster and a redis-server of their own; on the embedded
    pass one process on SQLite and the in-memory layer."""
    if on_services():
        topo = Topology(tmp_path, processes=2, server=request.param)
    else:
        topo = Topology(tmp_path, processes=1, server=request.param, backend="embedded")
    with topo:
        yield topo


@pytest.mark.django_db(transaction=False)
def test_people_and_a_bot_play_a_whole_game_through_the_proxy(served):
    """Two people and a bot to the end over wss:// through nginx, the server under test
    being uvicorn or daphne; clients spread over the processes (one game's sockets land on
    one process through the proxy, so the second process meets this game through its
    clock, its bots and the Redis layer)."""
    topo = served
    game = topo.setup_games(1, start=False, bots={"CHN": "cooperative"},
                            negotiation_seconds=600, orders_seconds=600)[0]
    offer = {"type": "propose_deal", "to": "AUS", "clauses": [
        {"type": "payment", "payer": "USA", "payee": "AUS", "amount": 1}]}

    def phase_is(rnd: int, phase: str):  # type: ignore[no-untyped-def]
        return lambda c: c.states and (c.view()["round"], c.view()["phase"]) == (rnd, phase)

    async def play() -> dict[str, Any]:
        f = topo.client(game["code"], {"role": "facilitator"}, cookie=game["cookie"],
                        name="fac")
        usa = topo.client(game["code"], {"role": "player", "token": game["tokens"]["USA"]},
                          name="usa")
        aus = topo.client(game["code"], {"role": "player", "token": game["tokens"]["AUS"]},
                          name="aus")
        proj = topo.client(game["code"], {"role": "spectator"}, name="proj")
        everyone = (f, usa, aus, proj)
        for c in everyone:
            await c.open()
        assert (await f.request("control", {"op": "start"}))["type"] == "ack"
        for rnd in (1, 2):
            await usa.wait_for(phase_is(rnd, "negotiation"), 20)
            assert (await usa.action(offer))["type"] == "ack"
            await aus.wait_for(lambda c: c.states and any(
                p["status"] == "proposed" for p in c.view().get("proposals", [])), 20)
            deal = next(p["id"] for p in aus.view()["proposals"] if p["status"] == "proposed")
            assert (await aus.action({"type": "accept_deal", "deal": deal}))["type"] == "ack"
            for c in (usa, aus):
                assert (await c.action({"type": "ready"}))["type"] == "ack"
            # the bot is ready too (it acts after each version), so orders begin
            await usa.wait_for(phase_is(rnd, "orders"), 20)
            for c in (usa, aus):
                ack = await c.action({"type": "submit_orders", "orders": {}})
                assert ack["type"] == "ack", ack
                assert (await c.action({"type": "ready"}))["type"] == "ack"
        await proj.wait_for(lambda c: c.states and c.view()["phase"] == "ended", 20)
        end = proj.view()
        for c in everyone:
            await c.close()
        return {"end": end, "clients": everyone}

    out = asyncio.run(play())
    assert set(out["end"]["scores"]) == {"USA", "AUS", "CHN"}
    assert topo.verify_log(game["id"])
    for c in out["clients"]:  # every client saw the seqs it was sent in increasing order
        seqs = [s["seq"] for s in c.states]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs), c.name
    # the proxy served the static files too (WhiteNoise, behind nginx, over HTTPS)
    status, headers, body = topo.get("/static/admin/css/base.css")
    assert status == 200 and body and "max-age" in headers.get("cache-control", "")
