"""The briefing quiz on the server (negotiation/briefing.py): the player page sends control
op `quiz` {question, right} at each answer; the Player row keeps, per question, the tries
and whether it is right; the facilitator's roster (asked and pushed) shows how far each
person is, live; the answer that makes all three right passes the quiz and briefs the
person with the questions right at the first try. Bad input gets stable error codes;
every frame matches docs/protocol/schema.json."""

from __future__ import annotations

import pytest

from negotiation import briefing, errors
from negotiation.models import Player
from tests.server.helpers import db, facilitator, join, make_game, make_user, player, spectator
from tests.server.schema_check import check_client, check_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def _mine(roster: dict, pk: int) -> dict:
    return next(p for p in roster["players"] if p["id"] == pk)


async def test_the_quiz_is_recorded_answer_by_answer_and_passing_it_briefs():
    user = await db(make_user)()
    game = await db(make_game)(user)
    ann, token = await db(join)(game, "USA", "Ann")
    f = await facilitator(game.code, user)
    a = await player(game.code, token)
    before = await f.control("roster")
    assert _mine(before["result"], ann.pk)["quiz"] is None

    msg = {"id": "q1", "type": "control", "payload": {"op": "quiz", "question": 0, "right": False}}
    assert check_client(msg) == []
    await a.comm.send_json_to(msg)
    ack = await a.reply("q1")
    assert ack["type"] == "ack" and check_server(ack) == []
    assert ack["result"] == {"quiz": {"right": 0, "of": 3, "passed": False, "first_try": 0,
                                      "wrong": 1}, "briefed": None}
    pushed = await f.until(lambda m: m.get("type") == "roster"
                           and (_mine(m, ann.pk).get("quiz") or {}).get("wrong") == 1)
    assert check_server(pushed) == []

    for q, right in ((0, True), (1, True), (0, False)):  # a right answer stays right
        r = await a.control("quiz", question=q, right=right)
        assert r["type"] == "ack", r
    assert r["result"]["quiz"] == {"right": 2, "of": 3, "passed": False, "first_try": 1,
                                   "wrong": 1}
    assert (await db(Player.objects.get)(pk=ann.pk)).briefed is None  # not yet passed

    done = await a.control("quiz", question=2, right=True)
    assert done["result"] == {"quiz": {"right": 3, "of": 3, "passed": True, "first_try": 2,
                                       "wrong": 1}, "briefed": 2}
    row = await db(Player.objects.get)(pk=ann.pk)
    assert row.briefed == 2
    assert row.quiz == {"tries": [2, 1, 1], "right": [True, True, True]}
    asked = await f.control("roster")
    mine = _mine(asked["result"], ann.pk)
    assert mine["briefed"] == 2 and mine["quiz"]["passed"] and check_server(asked) == []
    for ws in (a, f):
        await ws.close()


async def test_only_a_seats_person_answers_and_bad_answers_are_refused():
    user = await db(make_user)()
    game = await db(make_game)(user)
    ann, token = await db(join)(game, "USA", "Ann")
    f = await facilitator(game.code, user)
    a = await player(game.code, token)
    s = await spectator(game.code)
    assert (await f.control("quiz", question=0, right=True))["code"] == "forbidden"
    assert (await s.control("quiz", question=0, right=True))["code"] == "forbidden"
    for bad in ({"question": 3, "right": True}, {"question": -1, "right": True},
                {"question": True, "right": True}, {"question": "0", "right": True},
                {"question": 0, "right": 1}, {"question": 0}, {"right": True}):
        err = await a.control("quiz", **bad)
        assert err["type"] == "error" and err["code"] == "bad_request", (bad, err)
        assert check_server(err) == []
    row = await db(Player.objects.get)(pk=ann.pk)
    assert row.quiz == {} and row.briefed is None
    await f.control("remove", player=ann.pk)  # a removed person is refused
    with pytest.raises(errors.ServiceError) as exc:
        await db(briefing.answer)(game.pk, "player", ann.pk, {"question": 0, "right": True})
    assert exc.value.code == "forbidden"
    for ws in (f, s):
        await ws.close()


async def test_the_summary_counts_first_tries_and_wrong_answers():
    assert briefing.summary({}) is None
    assert briefing.summary({"tries": [1, 3, 0], "right": [True, True, False]}) == {
        "right": 2, "of": 3, "passed": False, "first_try": 1, "wrong": 2}
