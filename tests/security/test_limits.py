"""What one person, one seat and one game may ask of the server (issue 9): limits shared
across all of a person's sockets, sockets per person and per game capped, repeats that
change nothing cost no version, and a person's right to act re-checked on every message,
whatever became of the broadcast that announced a change."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from negotiation.models import ActionLog, Game, Player
from negotiation.realtime import hub, watch
from tests.server.helpers import WS, connect, db, facilitator, join, player, spectator, started_game

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def _pings(sockets: list[WS], each: int) -> list[str]:
    """Send `each` pings on every socket at once; the answers' types."""
    ids = [[await ws.send("ping") for _ in range(each)] for ws in sockets]
    return [(await ws.reply(mid))["type"] for ws, mids in zip(sockets, ids, strict=True)
            for mid in mids]


async def test_one_person_on_many_sockets_shares_one_budget(settings: Any) -> None:
    settings.FORGE_PERSON_RATE = (0.5, 6)  # 6 at once, then one every 2 s
    settings.FORGE_MAX_PERSON_SOCKETS = 8
    _user, game, _pl, token, f = await started_game()
    sockets = [await player(game.code, token) for _ in range(4)]
    answers = await _pings(sockets, 4)  # 16 messages from one person
    assert answers.count("pong") <= 6 + 1  # its budget, whatever the number of sockets
    assert answers.count("error") >= 9
    refused = [m for ws in sockets for m in ws.frames if m.get("type") == "error"]
    assert {m["code"] for m in refused} == {"rate_limited"} and all(m["id"] for m in refused)
    other = await db(join)(game, "AUS", "Bo")
    bo = await player(game.code, other[1])  # someone else is not slowed down
    assert await _pings([bo], 4) == ["pong"] * 4
    for ws in [*sockets, bo, f]:
        await ws.close()


async def test_a_delegation_shares_its_seat_budget(settings: Any) -> None:
    settings.FORGE_SEAT_RATE = (0.5, 6)
    _user, game, _pl, ann_token, f = await started_game()
    _bo, bo_token = await db(join)(game, "USA", "Bo")  # two people, one seat
    ann, bo = await player(game.code, ann_token), await player(game.code, bo_token)
    answers = await _pings([ann, bo], 5)
    assert answers.count("pong") <= 6 + 1
    for ws in (ann, bo, f):
        await ws.close()


async def test_a_persons_oldest_socket_gives_way(settings: Any) -> None:
    settings.FORGE_MAX_PERSON_SOCKETS = 2
    _user, game, _pl, token, f = await started_game()
    first = await player(game.code, token)
    second = await player(game.code, token)
    third = await player(game.code, token)
    await first.drain()
    assert first.closed_code == 4409  # replaced: the person opened a newer one
    assert (await second.reply(await second.send("ping")))["type"] == "pong"
    assert (await third.reply(await third.send("ping")))["type"] == "pong"
    for ws in (second, third, f):
        await ws.close()


async def test_a_game_takes_so_many_connections(settings: Any) -> None:
    settings.FORGE_MAX_GAME_CONNECTIONS = 3
    _user, game, _pl, _token, f = await started_game()
    watchers = [await spectator(game.code) for _ in range(2)]
    late = await connect(game.code)
    answer = await late.reply(await late.send("hello", {"role": "spectator"}))
    assert answer["type"] == "error" and answer["code"] == "unavailable"
    await late.drain()
    assert late.closed_code == 1013  # try again later
    assert len(hub.current().connections(game.pk)) == 3
    for ws in [*watchers, f]:
        await ws.close()


async def test_saying_ready_twice_costs_no_version() -> None:
    _user, game, _pl, token, f = await started_game()
    ws = await player(game.code, token)
    first = await ws.action({"type": "ready"})
    await ws.state_at(first["seq"])
    rows = await db(ActionLog.objects.filter(game=game).count)()
    again = [await ws.action({"type": "ready"}) for _ in range(5)]
    assert [a["seq"] for a in again] == [first["seq"]] * 5
    assert all(a["type"] == "ack" and not a["duplicate"] for a in again)
    assert await db(ActionLog.objects.filter(game=game).count)() == rows
    assert (await db(Game.objects.get)(pk=game.pk)).version == first["seq"]
    await ws.drain()
    assert not [m for m in ws.frames[-5:] if m.get("type") == "state"
                and m["seq"] > first["seq"]]
    for w in (ws, f):
        await w.close()


async def test_a_seat_a_bot_plays_refuses_its_people() -> None:
    _user, game, _pl, token, f = await started_game()
    ws = await player(game.code, token)
    swap = await f.control("swap", seat="USA", controller="bot:passive")
    assert swap["type"] == "ack"
    refused = await ws.action({"type": "ready", "ready": False}, msg_id="after-swap")
    assert refused["type"] == "error" and refused["code"] == "conflict"
    said = await ws.reply(await ws.send("chat", {"room": "plenary", "text": "still me"}))
    assert said["type"] == "error" and said["code"] == "conflict"
    assert not await db(ActionLog.objects.filter(game=game, client_msg_id="after-swap").exists)()
    for w in (ws, f):
        await w.close()


async def test_a_removed_person_is_refused_even_if_the_kick_never_arrived() -> None:
    _user, game, pl, token, f = await started_game()
    ws = await player(game.code, token)
    # Removed in another process, whose kick message this one never got: only the
    # database says so.
    await db(Player.objects.filter(pk=pl.pk).update)(revoked=True)
    refused = await ws.action({"type": "ready"}, msg_id="after-removal")
    assert refused["type"] == "error" and refused["code"] == "forbidden"
    said = await ws.reply(await ws.send("chat", {"room": "plenary", "text": "hello?"}))
    assert said["type"] == "error" and said["code"] == "forbidden"
    assert not await db(ActionLog.objects.filter(game=game,
                                                 client_msg_id="after-removal").exists)()
    for w in (ws, f):
        await w.close()


async def test_a_settings_change_is_pushed_once() -> None:
    _user, game, _pl, _token, f = await started_game()
    watcher = await spectator(game.code)
    ack = await f.control("settings", settings={"school_mode": True})
    assert ack["type"] == "ack"
    for _ in range(2):  # the watcher runs too (it heals lost broadcasts)
        await asyncio.sleep(0.1)
        watch.heal(await db(watch.read_state)([game.pk]))
    await watcher.drain(0.5)
    pushed = [m for m in watcher.frames if m.get("type") == "settings"]
    assert len(pushed) == 1 and pushed[0]["school_mode"] is True
    for w in (watcher, f):
        await w.close()


async def test_an_alert_reaches_the_facilitator_only() -> None:
    user, game, _pl, token, _f = await started_game()
    await _f.close()
    fac = await facilitator(game.code, user)
    ws = await player(game.code, token)
    hub.current().deliver({"type": "game.alert", "game": game.pk, "code": "advance_failed",
                           "message": "the phase could not end"})
    note = await fac.until(lambda m: m.get("type") == "notice")
    assert note == {"type": "notice", "kind": "alert", "code": "advance_failed",
                    "message": "the phase could not end"}
    await ws.drain()
    assert not [m for m in ws.frames if m.get("type") == "notice"]
    for w in (ws, fac):
        await w.close()
