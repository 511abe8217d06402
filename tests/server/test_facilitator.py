"""Facilitator controls over the socket: timer, swap human/bot, remove, mute, announce,
fire and preview cards, rewind, fork, settings; only the game's facilitator may."""

from __future__ import annotations

import pytest

from negotiation.models import ActionLog, Game, ModerationLog, Player
from tests.server.helpers import (
    WAIT,
    db,
    facilitator,
    join,
    make_game,
    make_user,
    player,
    spectator,
    started_game,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_controls_are_for_the_facilitator_of_this_game_only():
    _user, game, _pl, token, f = await started_game()
    other = await db(make_user)("other")
    a = await player(game.code, token)
    assert (await a.control("pause"))["code"] == "forbidden"
    s = await spectator(game.code)
    assert (await s.control("end"))["code"] == "forbidden"
    from tests.server.helpers import ORIGIN, connect, session_cookie
    ws = await connect(game.code, headers=[ORIGIN, (b"cookie",
                                                    await db(session_cookie)(other))])
    msg = await ws.reply(await ws.send("hello", {"role": "facilitator"}))
    assert msg["code"] == "forbidden"
    ws2 = await connect(game.code)
    msg = await ws2.reply(await ws2.send("hello", {"role": "facilitator"}))
    assert msg["code"] == "unauthorized"
    assert await db(ActionLog.objects.filter(game=game).count)() == 1
    for w in (a, s, ws, ws2, f):
        await w.close()


async def test_pause_extend_resume_and_the_clock_push():
    import time

    sent = time.monotonic()  # the game starts after this: its 100 s run from later

    def spent_ms() -> int:  # the most the clock can have run since the start (+ rounding)
        return int((time.monotonic() - sent) * 1000) + 50

    _user, _game, _pl, _t, f = await started_game(negotiation_seconds=100)
    await f.control("pause")
    clk = await f.until(lambda m: m["type"] == "clock" and m["paused"])
    assert 100_000 - spent_ms() <= clk["remaining_ms"] <= 100_000
    ack = await f.control("extend", seconds=60)
    assert ack["type"] == "ack" and ack["result"]["remaining_ms"] >= 160_000 - spent_ms()
    await f.control("resume")
    clk = await f.until(lambda m: m["type"] == "clock" and m["status"] == "running")
    assert clk["deadline"] is not None and clk["remaining_ms"] >= 160_000 - spent_ms()
    assert (await f.control("extend", seconds="lots"))["code"] == "bad_request"
    await f.close()


async def test_swap_a_seat_between_a_person_and_a_bot_and_back():
    _user, game, _pl, _t, f = await started_game()
    ack = await f.control("swap", seat="AUS", controller="bot:passive")
    assert ack["type"] == "ack"
    assert await db(lambda: game.seats.get(seat_id="AUS").controller)() == "bot:passive"
    st = await f.state_at(ack["seq"])
    assert st["view"]["seats"]["AUS"]["controller"] == "bot"
    ack = await f.control("swap", seat="AUS", controller="human")
    assert await db(lambda: game.seats.get(seat_id="AUS").controller)() == "human"
    bad = await f.control("swap", seat="AUS", controller="bot:genius")
    assert bad["type"] == "error" and bad["code"] == "bad_action"
    await f.close()


async def test_remove_a_person_closes_their_socket_and_revokes_the_token():
    _user, game, pl, token, f = await started_game()
    a = await player(game.code, token)
    ack = await f.control("remove", player=pl.pk)
    assert ack["type"] == "ack"
    notice = await a.until(lambda m: m["type"] == "notice")
    assert notice["kind"] == "removed"
    out = await a.comm.receive_output(timeout=WAIT)
    assert out == {"type": "websocket.close", "code": 4403}
    assert await db(lambda: Player.objects.get(pk=pl.pk).revoked)()
    from tests.server.helpers import connect
    again = await connect(game.code)
    msg = await again.reply(await again.send("hello", {"role": "player", "token": token}))
    assert msg["code"] == "forbidden"
    acts = await db(lambda: list(ModerationLog.objects.filter(game=game)
                                 .values_list("act", flat=True)))()
    assert "remove" in acts
    await again.close()
    await f.close()


async def test_preview_fire_and_rewind_cards():
    _user, game, _pl, token, f = await started_game()
    prev = await f.control("preview_card")
    assert prev["type"] == "ack" and prev["result"]["card"]["id"] in ("c2", "c3")
    a = await player(game.code, token)
    assert "preview" not in str(a.frames)  # never broadcast
    fired = await f.control("fire_card", card_id=prev["result"]["card"]["id"])
    st = await a.state_at(fired["seq"])
    assert st["view"]["card"]["id"] == prev["result"]["card"]["id"]
    written = await f.control("fire_card", title="Strike at the port", text="Shipping halts.")
    st = await a.state_at(written["seq"])
    assert st["view"]["card"]["title"] == "Facilitator's card" or \
        "Strike" in str(st["events"])
    rew = await f.control("rewind")
    st = await a.state_at(rew["seq"])
    assert st["view"]["card"]["id"] == "c1"
    await a.close()
    await f.close()


async def test_fork_from_a_past_round_makes_a_paused_new_game():
    _user, game, _pl, _t, f = await started_game()
    await f.control("advance")
    await f.control("advance")  # resolves round 1, round 2 begins
    ack = await f.control("fork", round=1)
    assert ack["type"] == "ack", ack
    code = ack["result"]["game"]
    new = await db(Game.objects.get)(code=code)
    assert new.parent_id == game.pk and new.status == Game.PAUSED
    assert (new.round, new.phase) == (1, "negotiation")
    from negotiation.services import games
    assert await db(games.verify_log)(new.pk)
    assert (await f.control("fork", round=7))["code"] == "bad_request"
    await f.close()


async def test_settings_spectator_delay_and_school_mode():
    _user, game, _pl, token, f = await started_game()
    ack = await f.control("settings", settings={"school_mode": True})
    assert ack["result"]["school_mode"] is True
    a = await player(game.code, token)
    msg = await a.reply(await a.send("chat", {"room": "plenary", "text": "hi"}))
    assert msg["code"] == "chat_disabled"
    bad = await f.control("settings", settings={"rounds": 1})
    assert bad["code"] == "bad_request"
    await a.close()
    await f.close()


async def test_spectators_see_public_moves_only_after_the_delay():
    import asyncio

    delay = 2
    user = await db(make_user)()
    game = await db(make_game)(user, spectator_delay=delay)
    _, token = await db(join)(game, "USA", "Ann")
    f = await facilitator(game.code, user)
    s = await spectator(game.code)
    a = await player(game.code, token)
    loop = asyncio.get_running_loop()
    sent = loop.time()  # the start commits after this, so its news is due to spectators
    ack = await f.control("start")  # no earlier than `sent + delay`
    await a.state_at(ack["seq"])  # players are not delayed
    await asyncio.sleep(0.4)
    await s.drain(0.1)
    early = [m["seq"] for m in s.frames if m["type"] == "state" and m["seq"] >= ack["seq"]]
    # Everything the spectator holds arrived before now; if now is still within the delay
    # (always, unless this process was held up for seconds), none of it may be the start.
    if loop.time() - sent < delay:
        assert not early, early
    st = await s.state_at(ack["seq"])
    assert loop.time() - sent >= delay
    assert st["view"]["phase"] == "negotiation"
    for ws in (f, s, a):
        await ws.close()


async def test_the_facilitators_view_lists_the_deck_with_titles():
    _user, game, _pl, token, f = await started_game()
    st = f.view
    assert st is not None and st["deck"], st
    assert [c["id"] for c in st["deck_cards"]] == st["deck"]
    assert all(c["title"] and c["title"] != c["id"] for c in st["deck_cards"])
    a = await player(game.code, token)
    assert "deck_cards" not in a.view and "deck_cards" not in (await spectator(game.code)).view
    await a.close()
    await f.close()


async def test_the_roster_is_pushed_to_the_facilitator_on_join_mute_and_remove():
    _user, game, pl, _token, f = await started_game()
    s = await spectator(game.code)
    newcomer, _ = await db(join)(game, "AUS", "Bob")
    msg = await f.until(lambda m: m["type"] == "roster"
                        and any(p["id"] == newcomer.pk for p in m["players"]))
    assert {p["name"]: p["seat"] for p in msg["players"]} == {"Ann": "USA", "Bob": "AUS"}
    await f.control("mute", player=pl.pk)
    msg = await f.until(lambda m: m["type"] == "roster"
                        and any(p["id"] == pl.pk and p["muted"] for p in m["players"]))
    await f.control("remove", player=newcomer.pk)
    msg = await f.until(lambda m: m["type"] == "roster"
                        and any(p["id"] == newcomer.pk and p["revoked"] for p in m["players"]))
    await s.drain(0.2)
    assert not any(fr["type"] == "roster" for fr in s.frames)  # facilitators only
    await s.close()
    await f.close()
