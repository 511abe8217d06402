"""The JSON Schemas in docs/protocol/schema.json describe what the server really sends and
what clients send: every frame of a played round (all roles, errors, chat, controls,
resumes) is checked against them."""

from __future__ import annotations

import pytest

from tests.server.helpers import db, facilitator, join, make_game, make_user, player, spectator
from tests.server.schema_check import check_client, check_server

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_schema_tells_messages_apart():
    assert check_client({"id": "a", "type": "ping"}) == []
    ready = {"action": {"type": "ready"}}
    assert check_client({"id": "a", "type": "action", "payload": ready}) == []
    assert check_client({"id": "a", "type": "action", "payload": {}})
    assert check_client({"id": "a b", "type": "ping"})
    assert check_server({"type": "ack", "id": "a", "seq": 3, "duplicate": False}) == []
    assert check_server({"type": "ack", "id": "a", "sneaky": 1})
    assert check_server({"type": "error", "id": None, "code": "bad_json", "message": "x"}) == []


@pytest.mark.asyncio
async def test_every_frame_of_a_round_matches_the_schema():
    user = await db(make_user)()
    game = await db(make_game)(user, bots={"CHN": "passive"})
    pl, usa = await db(join)(game, "USA", "Ann")
    _, aus = await db(join)(game, "AUS", "Bob")
    f = await facilitator(game.code, user)
    a, b, s = await player(game.code, usa), await player(game.code, aus), \
        await spectator(game.code)
    sent = []

    async def send(ws, kind, payload):  # type: ignore[no-untyped-def]
        msg = {"id": f"s{len(sent)}", "type": kind, "payload": payload}
        sent.append(msg)
        await ws.comm.send_json_to(msg)
        return await ws.reply(msg["id"])

    await send(f, "control", {"op": "start"})
    await send(a, "action", {"action": {"type": "propose_deal", "to": "AUS", "clauses": [
        {"type": "payment", "payer": "USA", "payee": "AUS", "amount": 1}]}})
    await send(b, "action", {"action": {"type": "accept_deal", "deal": "D1"}})
    await send(b, "action", {"action": {"type": "accept_deal", "deal": "D1"}})  # error
    await send(a, "chat", {"room": "pair:AUS|USA", "text": "psst"})
    await send(b, "chat", {"room": "plenary", "text": "hello"})
    await send(b, "report", {"message": 1, "reason": "test"})
    await send(a, "legal", {})
    await send(a, "sync", {"last_seq": 1})
    await send(s, "ping", {})
    await send(a, "advice", {})  # error: advisor_off
    await send(f, "control", {"op": "settings", "settings": {"advisor": True}})
    await send(a, "advice", {})
    await db(join)(game, "AUS", "Cal")  # a roster push to the facilitator
    await send(f, "control", {"op": "hide_message", "message": 2})
    for op in ({"op": "pause"}, {"op": "extend", "seconds": 30}, {"op": "resume"},
               {"op": "preview_card"}, {"op": "roster"}, {"op": "announce", "text": "hi"},
               {"op": "mute", "player": pl.pk},
               {"op": "settings", "settings": {"school_mode": False}},
               {"op": "advance"}, {"op": "remove", "player": pl.pk}):
        await send(f, "control", op)
    for ws in (a, b, s, f):
        await ws.drain()
    for msg in sent:
        assert check_client(msg) == [], msg
    kinds = set()
    for ws in (a, b, s, f):
        for frame in ws.frames:
            kinds.add(frame["type"])
            assert check_server(frame) == [], (frame["type"], check_server(frame))
    assert kinds >= {"welcome", "ack", "error", "state", "clock", "chat", "settings", "notice",
                     "pong", "roster"}
    advised = [fr for fr in a.frames if fr["type"] == "ack" and isinstance(fr.get("result"), dict)
               and "offers" in fr["result"]]
    assert advised and check_server(advised[0]) == []
    from tests.server.schema_check import errors
    assert errors(advised[0]["result"], {"$ref": "#/$defs/advice_result"}) == []
    for ws in (b, s, f):
        await ws.close()
