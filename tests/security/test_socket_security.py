"""Attacks over the socket: cross-site origins, forged and foreign tokens, a seat acting
for another, oversize and flooding messages, client-chosen handler types, and hidden
information on every frame a connection receives."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.testing import WebsocketCommunicator
from django.core import signing

from negotiation import tokens
from negotiation.asgi import application
from negotiation.models import ActionLog
from tests.server.helpers import (
    ORIGIN,
    WAIT,
    connect,
    db,
    facilitator,
    join,
    make_game,
    make_user,
    player,
    spectator,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.mark.parametrize("headers", [
    [(b"origin", b"https://evil.example")],
    [],  # no Origin at all
    [(b"origin", b"null")],
    [(b"origin", b"http://localhost.evil.example")],
])
async def test_cross_site_origins_are_refused_before_accept(headers):
    game = await db(make_game)()
    comm = WebsocketCommunicator(application, f"/ws/v1/games/{game.code}/", headers=headers)
    ok, _ = await comm.connect(timeout=5)
    assert ok is False


async def test_the_allowed_origin_is_accepted():
    game = await db(make_game)()
    ws = await connect(game.code, headers=[ORIGIN])
    assert (await ws.reply(await ws.send("ping")))["type"] == "pong"
    await ws.close()


async def test_forged_tampered_foreign_and_expired_tokens_are_refused():
    game = await db(make_game)()
    other = await db(make_game)()
    pl, good = await db(join)(game, "USA", "Ann")
    _, foreign = await db(join)(other, "USA", "Eve")
    forged = signing.dumps({"g": game.pk, "p": pl.pk, "t": "guess"}, salt="forge.player-token.v1",
                           key="not-the-secret")
    guessed = tokens.mint(game.pk, pl.pk, "guessed-token-id")  # right key, wrong id
    tampered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    for token in (forged, guessed, tampered, foreign, "", "x" * 600, 12345):
        ws = await connect(game.code)
        msg = await ws.reply(await ws.send("hello", {"role": "player", "token": token}))
        assert msg["type"] == "error" and msg["code"] in ("forbidden", "unauthorized"), token
        msg = await ws.reply(await ws.send("action", {"action": {"type": "ready"}}))
        assert msg["code"] == "unauthorized"
        await ws.close()
    assert await db(ActionLog.objects.count)() == 0


async def test_a_seat_cannot_act_for_another_seat():
    user = await db(make_user)()
    game = await db(make_game)(user)
    _, usa = await db(join)(game, "USA", "Ann")
    _, aus = await db(join)(game, "AUS", "Bob")
    f = await facilitator(game.code, user)
    await f.control("start")
    a, b = await player(game.code, usa), await player(game.code, aus)
    offer = {"type": "propose_deal", "to": "AUS", "clauses": [
        {"type": "payment", "payer": "AUS", "payee": "USA", "amount": 50}]}
    await a.action(offer)
    # USA tries to accept its own offer on AUS's behalf, naming AUS wherever it can
    for bad in ({"type": "accept_deal", "deal": "D1"},
                {"type": "accept_deal", "deal": "D1", "seat": "AUS"},
                {"type": "accept_deal", "deal": "D1", "actor": "AUS"}):
        msg = await a.action(bad)
        assert msg["type"] == "error" and msg["code"] in ("not_recipient", "bad_action")
    mid = await a.send("action", {"action": {"type": "ready"}, "seat": "AUS"})
    assert (await a.reply(mid))["type"] == "ack"  # extra payload keys are ignored
    rows = await db(lambda: list(ActionLog.objects.filter(game=game)
                                 .values_list("actor", flat=True)))()
    assert rows == ["facilitator", "USA", "USA"]
    for ws in (a, b, f):
        await ws.close()


async def test_oversize_messages_are_refused_without_effect():
    game = await db(make_game)()
    ws = await connect(game.code)
    big = json.dumps({"id": "big", "type": "ping", "payload": {"x": "y" * 20000}})
    await ws.comm.send_to(text_data=big)
    msg = await ws.until(lambda m: m["type"] == "error")
    assert msg["code"] == "too_large"
    multibyte = json.dumps({"id": "mb", "type": "ping", "payload": {"x": "é" * 9000}},
                           ensure_ascii=False)  # under the limit in characters, not bytes
    await ws.comm.send_to(text_data=multibyte)
    assert (await ws.until(lambda m: m["type"] == "error"))["code"] == "too_large"
    await ws.comm.send_to(bytes_data=b"\x00" * 10)
    assert (await ws.until(lambda m: m["type"] == "error"))["code"] == "bad_message"
    assert (await ws.reply(await ws.send("ping")))["type"] == "pong"
    await ws.close()


async def test_deeply_nested_json_is_a_clean_error():
    game = await db(make_game)()
    ws = await connect(game.code)
    await ws.comm.send_to(text_data='{"id": "d", "type": "ping", "payload": ' +
                          "[" * 3000 + "]" * 3000 + "}")
    msg = await ws.until(lambda m: m["type"] == "error")
    assert msg["code"] in ("bad_json", "too_large", "bad_message")
    assert (await ws.reply(await ws.send("ping")))["type"] == "pong"
    await ws.close()


async def test_flooding_is_rate_limited_per_connection(settings):
    settings.FORGE_RATE_PER_SECOND = 1
    settings.FORGE_RATE_BURST = 5
    game = await db(make_game)()
    ws = await connect(game.code)
    for i in range(12):
        await ws.send("ping", msg_id=f"f{i}")
    codes, refused = [], []
    for _ in range(12):
        m = await ws.recv()
        codes.append(m["type"] if m["type"] == "pong" else m["code"])
        if m["type"] == "error":
            refused.append(m["id"])
    assert codes.count("pong") == 5 and codes.count("rate_limited") == 7
    # Each refusal names the frame it refused, so the client knows what to send again.
    assert refused == [f"f{i}" for i in range(5, 12)]
    await ws.comm.send_to(text_data='{"type": "ping", "id": 7}')
    assert (await ws.recv())["id"] is None  # no valid id to name
    other = await connect(game.code)  # other connections are unaffected
    assert (await other.reply(await other.send("ping")))["type"] == "pong"
    await ws.close()
    await other.close()


@pytest.mark.parametrize("kind", ["game.version", "game_kick", "websocket.disconnect",
                                  "_private", "on_hello", "state"])
async def test_clients_cannot_name_internal_handlers(kind):
    game = await db(make_game)()
    ws = await connect(game.code)
    msg = await ws.reply(await ws.send(kind, {"player": 1, "version": 99}))
    assert msg["code"] == "unknown_type"
    await ws.close()


async def test_hello_times_out(settings):
    settings.FORGE_HELLO_TIMEOUT = 0.2
    game = await db(make_game)()
    ws = await connect(game.code)
    msg = await ws.recv()
    assert msg["code"] == "unauthorized"
    out = await ws.comm.receive_output(timeout=WAIT)
    assert out == {"type": "websocket.close", "code": 4401}


async def test_no_frame_to_another_seat_or_a_spectator_carries_a_secret():
    """Canaries in each seat's objectives, in a private proposal's note and in a pair chat:
    record every frame each connection receives across a played round (pushes, replies,
    resumes, errors) and grep them."""
    user = await db(make_user)()
    game = await db(make_game)(user)  # CHN is an empty human seat: the offer stays open
    _, usa = await db(join)(game, "USA", "Ann")
    _, aus = await db(join)(game, "AUS", "Bob")
    f = await facilitator(game.code, user)
    a, b, s = await player(game.code, usa), await player(game.code, aus), \
        await spectator(game.code)
    await f.control("start")
    offer = {"type": "propose_deal", "to": "CHN", "note": "CANARY-NOTE-USA-CHN", "clauses": [
        {"type": "payment", "payer": "USA", "payee": "CHN", "amount": 1}]}
    await a.action(offer)
    await a.reply(await a.send("chat", {"room": "pair:CHN|USA", "text": "CANARY-CHAT-USA-CHN"}))
    await a.action({"type": "accept_deal", "deal": "D404"})  # an error path
    await a.action({"type": "submit_orders", "orders": {"env_standard": 3}})  # wrong phase
    for ws in (a, b):
        await ws.action({"type": "ready"})
    await f.control("advance")
    orders = await a.action({"type": "submit_orders", "orders": {"sell": [
        {"mineral": "li", "form": "ore", "qty": 1, "limit": 7777}]}})
    for ws in (b, s, f):  # every connection has had the push of the orders' version
        await ws.state_at(orders["seq"])
    b2 = await player(game.code, aus, last_seq=0)  # a resume replays events
    s2 = await spectator(game.code)
    await asyncio.sleep(0.3)
    for ws in (a, b, s, b2, s2, f):
        await ws.drain()
    seen = {name: json.dumps(ws.frames) for name, ws in
            (("usa", a), ("aus", b), ("spec", s), ("aus2", b2), ("spec2", s2), ("fac", f))}
    assert "CANARY-OBJ-USA" in seen["usa"] and "CANARY-NOTE-USA-CHN" in seen["usa"]
    assert "CANARY-OBJ-AUS" in seen["fac"] and "7777" in seen["fac"]
    for name in ("aus", "aus2"):
        for canary in ("CANARY-OBJ-USA", "CANARY-OBJ-CHN", "CANARY-NOTE-USA-CHN",
                       "CANARY-CHAT-USA-CHN", "7777"):
            assert canary not in seen[name], (name, canary)
    for name in ("spec", "spec2"):
        for canary in ("CANARY-OBJ", "CANARY-NOTE", "CANARY-CHAT", "7777"):
            assert canary not in seen[name], (name, canary)
    for ws in (a, b, s, b2, s2, f):
        await ws.close()
