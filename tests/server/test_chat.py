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


# ---- text and ids checked before any database sees them (issue 9: alike on both backends) ---
HOSTILE_TEXT = ["a\x00b", "\x00", "ESC\x1b[2J", "bell\x07", "cr\rlf", "del\x7f", "c1\x85c1",
                "", "   ", "x" * 1001, 5, None, ["x"], {"t": "x"}]


def _counts(game):  # type: ignore[no-untyped-def]
    return (ChatMessage.objects.filter(game=game).count(),
            ModerationLog.objects.filter(game=game).count())


async def test_chat_text_reasons_and_announcements_are_checked_before_the_database():
    from game import FACILITATOR
    from negotiation.errors import BAD_REQUEST, ServiceError
    from negotiation.services import chat, facilitator

    user = await db(make_user)()
    game = await db(make_game)(user)
    pu, _ = await db(join)(game, "USA", "Ann")

    def run() -> None:
        player = type(pu).objects.select_related("seat").get(pk=pu.pk)
        ok = chat.post(game, sender="USA", room="plenary", text="  fine\n\tindented  ",
                       player=player, name="Ann")
        assert ok.text == "fine\n\tindented"  # surrounding whitespace goes; lines stay
        before = _counts(game)
        for text in HOSTILE_TEXT:
            for call in (
                lambda t=text: chat.post(game, sender="USA", room="plenary", text=t,
                                         player=player, name="Ann"),
                lambda t=text: chat.post(game, sender=FACILITATOR, room="pair:AUS|USA",
                                         text=t, name="Facilitator"),
                lambda t=text: facilitator.announce(game, t, "f:1"),
            ):
                with pytest.raises(ServiceError) as info:
                    call()
                assert info.value.code == BAD_REQUEST, text
        for reason in ["why\x00", "x" * 201, 7, None]:
            with pytest.raises(ServiceError) as info:
                chat.report(game, ok.pk, "AUS", by="p:2", reason=reason)
            assert info.value.code == BAD_REQUEST, reason
        assert _counts(game) == before
        chat.report(game, ok.pk, "AUS", by="p:2", reason="rude,\nand off topic")
        assert ModerationLog.objects.get(game=game, act="report").detail == \
            {"reason": "rude,\nand off topic"}

    await db(run)()


async def test_rooms_and_ids_from_clients_are_bounded():
    from game import FACILITATOR
    from negotiation.errors import BAD_REQUEST, BAD_ROOM, NOT_FOUND, ServiceError
    from negotiation.services import chat, facilitator

    user = await db(make_user)()
    game = await db(make_game)(user)
    pu, _ = await db(join)(game, "USA", "Ann")

    def run() -> None:
        player = type(pu).objects.select_related("seat").get(pk=pu.pk)
        before = _counts(game)
        long_pair = "pair:AUS|USA" + "Z" * 5000  # the 5,000-character room
        for sender, room in [(FACILITATOR, long_pair), (FACILITATOR, "pair:A" * 900 + "|B"),
                             (FACILITATOR, "pair:AUS|ZZZ"), (FACILITATOR, "x" * 5000),
                             ("USA", long_pair), ("USA", "pair:USA|" + "Z" * 5000)]:
            with pytest.raises(ServiceError) as info:
                chat.post(game, sender=sender, room=room, text="hi", name="x",
                          player=player if sender == "USA" else None)
            assert info.value.code == BAD_ROOM and len(info.value.message) < 200
        for bad_id in [10**30, 2**63, -1, 0, True, "1", 1.0, None]:
            for call in (lambda i=bad_id: chat.report(game, i, "AUS", by="p:2"),
                         lambda i=bad_id: chat.hide(game, i, "f:1"),
                         lambda i=bad_id: facilitator.remove_player(game, i, "f:1"),
                         lambda i=bad_id: facilitator.set_muted(game, i, True, "f:1")):
                with pytest.raises(ServiceError) as info:
                    call()
                assert info.value.code == BAD_REQUEST, bad_id
        for call in (lambda: chat.report(game, 2**63 - 1, "AUS", by="p:2"),
                     lambda: chat.hide(game, 2**63 - 1, "f:1")):
            with pytest.raises(ServiceError) as info:
                call()
            assert info.value.code == NOT_FOUND
        assert chat.history(game.pk, "USA", after=10**30) == []
        assert _counts(game) == before
        assert not type(pu).objects.filter(pk=pu.pk, revoked=True).exists()

    await db(run)()


@pytest.mark.parametrize("name", ["Ann\x00", "\x1b[31mAnn", "Ann\nBob", "Ann\tB", "Ann\x7f",
                                  "Ann\x9b", "x" * 41, "", "   ", 42, None])
async def test_a_display_name_is_one_printable_line(name):
    from negotiation.errors import BAD_REQUEST, ServiceError
    from negotiation.models import Player
    from negotiation.services import games

    game = await db(make_game)()
    with pytest.raises(ServiceError) as info:
        await db(games.join)(game.code, name, "USA")
    assert info.value.code == BAD_REQUEST
    assert await db(Player.objects.filter(game=game).count)() == 0
    player, _token = await db(games.join)(game.code, "  Ann Éloïse \u2014 \U0001f600 ", "USA")
    assert player.name == "Ann Éloïse \u2014 \U0001f600"
