"""The briefing before round 1 (negotiation/briefing.py): a seat's person says they are
briefed with the `control` op `briefed`; the Player row keeps how many quiz questions
they got right at the first try, and the facilitator's roster (asked and pushed) shows it.
Only a player may send it, with 0-3; every frame matches docs/protocol/schema.json."""

from __future__ import annotations

import pytest

from negotiation import briefing, errors
from negotiation.models import Player
from tests.server.helpers import db, facilitator, join, make_game, make_user, player, spectator
from tests.server.schema_check import check_client, check_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_a_briefed_player_shows_in_the_facilitators_roster():
    user = await db(make_user)()
    game = await db(make_game)(user)
    pl, token = await db(join)(game, "USA", "Ann")
    f = await facilitator(game.code, user)
    a = await player(game.code, token)
    before = await f.control("roster")
    assert [p["briefed"] for p in before["result"]["players"]] == [None]

    msg = {"id": "b1", "type": "control", "payload": {"op": "briefed", "first_try": 2}}
    assert check_client(msg) == []
    await a.comm.send_json_to(msg)
    ack = await a.reply("b1")
    assert ack["type"] == "ack" and ack["result"] == {"briefed": 2}, ack
    assert (await db(Player.objects.get)(pk=pl.pk)).briefed == 2
    pushed = await f.until(lambda m: m.get("type") == "roster"
                           and m["players"][0].get("briefed") == 2)
    assert check_server(pushed) == []
    asked = await f.control("roster")
    assert asked["result"]["players"][0]["briefed"] == 2
    assert check_server(asked) == [] and check_server(ack) == []

    again = await a.control("briefed", first_try=3)  # a second go replaces the number
    assert again["result"] == {"briefed": 3}
    for ws in (a, f):
        await ws.close()


async def test_only_a_player_is_briefed_and_only_with_0_to_3():
    user = await db(make_user)()
    game = await db(make_game)(user)
    pl, token = await db(join)(game, "USA", "Ann")
    f = await facilitator(game.code, user)
    a = await player(game.code, token)
    s = await spectator(game.code)
    assert (await f.control("briefed", first_try=3))["code"] == "forbidden"
    assert (await s.control("briefed", first_try=3))["code"] == "forbidden"
    for bad in (4, -1, True, "3", None):
        err = await a.control("briefed", first_try=bad)
        assert err["code"] == "bad_request", (bad, err)
        assert check_server(err) == []
    assert (await db(Player.objects.get)(pk=pl.pk)).briefed is None
    # a player may not use any other control
    assert (await a.control("roster"))["code"] == "forbidden"
    await f.control("remove", player=pl.pk)  # a removed person is refused (their socket closes)
    with pytest.raises(errors.ServiceError) as exc:
        await db(briefing.mark)(game.pk, "player", pl.pk, {"first_try": 1})
    assert exc.value.code == "forbidden"
    for ws in (f, s):
        await ws.close()
