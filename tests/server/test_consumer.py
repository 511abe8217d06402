"""The WebSocket protocol end to end through the real ASGI application (origin check,
session auth, consumer, services, channel layer): hello, ack after commit, per-viewer
pushes, resume, idempotent resends, and stable error codes."""

from __future__ import annotations

import json

import pytest

from negotiation.models import ActionLog
from tests.server.helpers import (
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


async def _table(**options):
    user = await db(make_user)()
    game = await db(make_game)(user, **options)
    _, usa = await db(join)(game, "USA", "Ann")
    _, aus = await db(join)(game, "AUS", "Bob")
    return user, game, usa, aus


async def test_hello_welcome_then_clock_state_for_each_role():
    user, game, usa, _ = await _table()
    p = await player(game.code, usa)
    welcome = next(f for f in p.frames if f["type"] == "welcome")
    assert welcome["role"] == "player" and welcome["you"]["seat"] == "USA"
    assert welcome["protocol"] == 1 and welcome["game"]["code"] == game.code
    kinds = [f["type"] for f in p.frames]
    assert kinds.index("clock") < kinds.index("state")
    assert p.view["viewer"] == "USA" and p.view["me"]["seat"] == "USA"
    s = await spectator(game.code)
    assert s.view["viewer"] == "spectator" and "me" not in s.view and "private" not in s.view
    f = await facilitator(game.code, user)
    assert f.view["viewer"] == "facilitator" and set(f.view["private"]) == {"USA", "AUS", "CHN"}
    for ws in (p, s, f):
        await ws.close()


async def test_an_action_is_acked_after_commit_and_everyone_gets_their_own_view():
    user, game, usa, aus = await _table()
    f = await facilitator(game.code, user)
    a, b, s = await player(game.code, usa), await player(game.code, aus), \
        await spectator(game.code)
    ack = await f.control("start")
    assert ack["type"] == "ack" and ack["seq"] == 1 and ack["duplicate"] is False
    assert await db(ActionLog.objects.filter(game=game, seq=1).exists)()
    for ws in (a, b, s, f):
        st = await ws.state_at(1)
        assert st["view"]["phase"] == "negotiation"
        assert any(e["kind"] == "round_started" for e in st["events"])
    offer = {"type": "propose_deal", "to": "AUS", "note": "SECRET-NOTE", "clauses": [
        {"type": "payment", "payer": "USA", "payee": "AUS", "amount": 5}]}
    ack = await a.action(offer)
    assert ack["type"] == "ack" and ack["seq"] == 2
    sa, sb, ss = await a.state_at(2), await b.state_at(2), await s.state_at(2)
    assert [d["note"] for d in sa["view"]["proposals"]] == ["SECRET-NOTE"]
    assert [d["note"] for d in sb["view"]["proposals"]] == ["SECRET-NOTE"]
    assert "SECRET-NOTE" not in json.dumps(ss)
    for ws in (a, b, s, f):
        await ws.close()


async def test_resend_with_the_same_id_gets_the_same_ack_and_no_second_effect():
    user, game, usa, _ = await _table()
    f = await facilitator(game.code, user)
    await f.control("start")
    a = await player(game.code, usa)
    first = await a.action({"type": "ready"}, msg_id="same-1")
    again = await a.action({"type": "ready"}, msg_id="same-1")
    assert first["seq"] == again["seq"] == 2
    assert (first["duplicate"], again["duplicate"]) == (False, True)
    assert await db(ActionLog.objects.filter(game=game).count)() == 2
    await a.close()
    await f.close()


async def test_resume_sends_the_missed_events_in_order_or_a_resync():
    user, game, usa, aus = await _table()
    f = await facilitator(game.code, user)
    await f.control("start")
    b = await player(game.code, aus)
    seen = (await b.state_at(1))["seq"]
    await b.close()
    a = await player(game.code, usa)
    offer = {"type": "propose_deal", "to": "CHN", "clauses": [
        {"type": "payment", "payer": "USA", "payee": "CHN", "amount": 1}]}
    await a.action(offer)  # USA-CHN: AUS must not see it
    await a.action({"type": "ready"})
    b2 = await player(game.code, aus, last_seq=seen)
    st = next(x for x in b2.frames if x["type"] == "state")
    assert st["seq"] == 3 and st["resync"] is False
    assert [e["seq"] for e in st["events"]] == sorted(e["seq"] for e in st["events"])
    assert all(e["seq"] > seen for e in st["events"])
    assert any(e["kind"] == "ready" for e in st["events"])
    assert not any("CHN" in (e.get("to") or []) for e in st["events"])
    b3 = await player(game.code, aus, last_seq=999)  # from the future: resync
    st3 = next(x for x in b3.frames if x["type"] == "state")
    assert st3["resync"] is True and st3["events"] == [] and st3["seq"] == 3
    for ws in (a, b2, b3, f):
        await ws.close()


@pytest.mark.parametrize("raw, code", [
    ("not json", "bad_json"),
    ("[1, 2]", "bad_message"),
    ('{"type": "ping"}', "bad_message"),
    ('{"id": "x", "type": "fly"}', "unknown_type"),
    ('{"id": "x", "type": "ping", "payload": []}', "bad_message"),
    ('{"id": "x", "type": "ping", "extra": 1}', "bad_message"),
    ('{"id": "' + "x" * 65 + '", "type": "ping"}', "bad_message"),
    ('{"id": "x", "type": "action", "payload": {}}', "unauthorized"),
])
async def test_bad_envelopes_get_stable_codes_and_the_socket_stays_open(raw, code):
    game = await db(make_game)()
    ws = await connect(game.code)
    await ws.comm.send_to(text_data=raw)
    msg = await ws.until(lambda m: m["type"] == "error")
    assert msg["code"] == code
    mid = await ws.send("ping")
    assert (await ws.reply(mid))["type"] == "pong"
    await ws.close()


async def test_engine_refusals_pass_through_with_their_codes():
    _user, game, usa, _ = await _table()
    a = await player(game.code, usa)
    for action, code in [({"type": "ready"}, "wrong_phase"),
                         ({"type": "start"}, "not_facilitator"),
                         ({"type": "warp"}, "unknown_action"),
                         ({"type": "accept_deal"}, "bad_action")]:
        msg = await a.action(action)
        assert (msg["type"], msg["code"]) == ("error", code), msg
    mid = await a.send("action", {"action": "ready"})
    assert (await a.reply(mid))["code"] == "bad_message"
    assert await db(ActionLog.objects.count)() == 0
    await a.close()


async def test_legal_actions_on_request():
    user, game, usa, _ = await _table()
    f = await facilitator(game.code, user)
    await f.control("start")
    a = await player(game.code, usa)
    msg = await a.reply(await a.send("legal"))
    assert msg["type"] == "ack" and "propose_deal" in msg["result"]["kinds"]
    s = await spectator(game.code)
    assert (await s.reply(await s.send("legal")))["code"] == "forbidden"
    for ws in (a, f, s):
        await ws.close()


async def test_unknown_game_code_closes_with_not_found():
    ws = await connect("NOSUCH")
    msg = await ws.recv()
    assert msg["type"] == "error" and msg["code"] == "not_found"
    out = await ws.comm.receive_output(timeout=WAIT)
    assert out["type"] == "websocket.close" and out["code"] == 4404
