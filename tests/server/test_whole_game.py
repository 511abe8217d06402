"""Whole games: bots alone through the services and the background step, and people
(scripted WebSocket clients) with a bot, to the end; the log rebuilds both."""

from __future__ import annotations

import asyncio

import pytest

from game import FACILITATOR
from negotiation.models import Game
from negotiation.realtime import background
from negotiation.services import actions, bots, games
from tests.server.helpers import db, facilitator, join, make_game, make_user, player, spectator

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
