"""Chat: plenary for all, pair rooms for their two seats (and the facilitator) only,
announcements from the facilitator, mute, report and hide; all stored and logged."""

from __future__ import annotations

import pytest

from negotiation.models import ChatMessage, ModerationLog
from tests.server.helpers import db, facilitator, join, make_game, make_user, player, spectator

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def _people():
    user = await db(make_user)()
    game = await db(make_game)(user)
    pu, tu = await db(join)(game, "USA", "Ann")
    _, ta = await db(join)(game, "AUS", "Bob")
    _, tc = await db(join)(game, "CHN", "Cy")
    f = await facilitator(game.code, user)
    return user, game, pu, f, await player(game.code, tu), await player(game.code, ta), \
        await player(game.code, tc), await spectator(game.code)


async def test_pair_rooms_reach_only_their_seats_and_the_facilitator():
    _user, game, _pu, f, usa, aus, chn, spec = await _people()
    ack = await usa.reply(await usa.send("chat", {"room": "pair:AUS|USA",
                                                  "text": "CANARY-PAIR"}))
    assert ack["type"] == "ack"
    for ws in (aus, f, usa):
        msg = await ws.until(lambda m: m["type"] == "chat")
        assert msg["messages"][0]["text"] == "CANARY-PAIR"
    await usa.reply(await usa.send("chat", {"room": "plenary", "text": "hello all"}))
    for ws in (chn, spec):
        msg = await ws.until(lambda m: m["type"] == "chat")
        assert [m["text"] for m in msg["messages"]] == ["hello all"]
        assert "CANARY-PAIR" not in str(ws.frames)
    bad = await chn.reply(await chn.send("chat", {"room": "pair:AUS|USA", "text": "x"}))
    assert bad["code"] == "bad_room"
    bad = await chn.reply(await chn.send("chat", {"room": "announce", "text": "x"}))
    assert bad["code"] == "bad_room"
    bad = await spec.reply(await spec.send("chat", {"room": "plenary", "text": "x"}))
    assert bad["code"] == "forbidden"
    # a late joiner's history has the same filter
    from tests.server.helpers import join as join_
    _, t2 = await db(join_)(game, "CHN", "Dee")
    late = await player(game.code, t2)
    await late.until(lambda m: m["type"] == "chat")
    texts = [m["text"] for f_ in late.frames if f_["type"] == "chat" for m in f_["messages"]]
    assert texts == ["hello all"]
    for ws in (f, usa, aus, chn, spec, late):
        await ws.close()


async def test_announce_mute_report_and_hide_are_logged():
    _user, game, pu, f, usa, aus, chn, spec = await _people()
    await f.control("announce", text="Five minutes left")
    for ws in (usa, spec):
        msg = await ws.until(lambda m: m["type"] == "chat")
        assert msg["messages"][0]["room"] == "announce"
    await f.control("mute", player=pu.pk)
    msg = await usa.reply(await usa.send("chat", {"room": "plenary", "text": "hey"}))
    assert msg["code"] == "muted"
    await f.control("unmute", player=pu.pk)
    ack = await usa.reply(await usa.send("chat", {"room": "plenary", "text": "rude"}))
    mid = ack["message"]
    rep = await aus.reply(await aus.send("report", {"message": mid, "reason": "rude"}))
    assert rep["type"] == "ack"
    assert await db(lambda: ChatMessage.objects.get(pk=mid).reported)()
    await f.control("hide_message", message=mid)
    acts = await db(lambda: list(ModerationLog.objects.filter(game=game)
                                 .values_list("act", flat=True)))()
    assert acts == ["announce", "mute", "unmute", "report", "hide"]
    bad = await chn.reply(await chn.send("report", {"message": 10**6}))
    assert bad["code"] == "not_found"
    for ws in (f, usa, aus, chn, spec):
        await ws.close()


async def test_a_resent_chat_message_is_stored_once():
    _user, game, _pu, f, usa, aus, chn, spec = await _people()
    a1 = await usa.reply(await usa.send("chat", {"room": "plenary", "text": "once"}, "c-1"))
    a2 = await usa.reply(await usa.send("chat", {"room": "plenary", "text": "once"}, "c-1"))
    assert a1["message"] == a2["message"]
    assert await db(ChatMessage.objects.filter(game=game).count)() == 1
    for ws in (f, usa, aus, chn, spec):
        await ws.close()


async def test_hiding_a_message_reaches_clients_that_already_have_it():
    _user, game, _pu, f, usa, aus, chn, spec = await _people()
    ack = await usa.reply(await usa.send("chat", {"room": "plenary", "text": "SPAM-SPAM"}))
    pair = await usa.reply(await usa.send("chat", {"room": "pair:AUS|USA", "text": "private"}))
    for ws in (aus, chn, spec, f):
        await ws.until(lambda m: m["type"] == "chat"
                       and any(x["id"] == ack["message"] for x in m["messages"]))
    assert (await f.control("hide_message", message=ack["message"]))["type"] == "ack"

    def hidden(ws):  # type: ignore[no-untyped-def]
        return ws.until(lambda m: m["type"] == "chat" and m["messages"][0]["hidden"])

    for ws in (usa, aus, chn, spec):
        m = (await hidden(ws))["messages"]
        assert [(x["id"], x["hidden"], x["text"]) for x in m] == [(ack["message"], True, "")]
    m = (await hidden(f))["messages"]
    assert [(x["id"], x["text"]) for x in m] == [(ack["message"], "SPAM-SPAM")]
    # A pair message hidden: only its two seats (and the facilitator) are told.
    def has_pair(m):  # type: ignore[no-untyped-def]
        return m["type"] == "chat" and any(x["id"] == pair["message"] for x in m["messages"])

    if not any(has_pair(fr) for fr in aus.frames):
        await aus.until(has_pair)
    await f.control("hide_message", message=pair["message"])
    for ws in (usa, aus):
        m = (await hidden(ws))["messages"]
        assert m[0]["id"] == pair["message"] and m[0]["text"] == ""
    await chn.drain(0.3)
    await spec.drain(0.3)
    for ws in (chn, spec):
        assert not any(x["id"] == pair["message"] for fr in ws.frames if fr["type"] == "chat"
                       for x in fr["messages"])
    # A newcomer's history never holds it.
    late = await spectator(game.code)
    await late.drain(0.3)
    assert "SPAM-SPAM" not in str(late.frames)
    for ws in (f, usa, aus, chn, spec, late):
        await ws.close()
