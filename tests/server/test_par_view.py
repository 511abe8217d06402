"""A seat's par over the real socket: its own view's `me` carries its par factor and the $M
that add 10 points to its total (the figures the player's page shows), computed by the
engine for this scenario; no frame another seat or a spectator receives, in play or after
the end, whole views or patches, carries that seat's `me` (the end makes the scores, and
so each seat's par, public: `scores[seat].par`)."""

from __future__ import annotations

from typing import Any

import pytest

from game import par
from game.scoring import money_per_10_points
from negotiation import scenarios
from tests.server.helpers import (
    SCENARIO,
    WAIT,
    db,
    facilitator,
    join,
    make_game,
    make_user,
    player,
    spectator,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def _mes(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every `me` in the frames, in whole views and patches."""
    out = []
    for f in frames:
        if f.get("type") == "state":
            me = (f.get("view") or f.get("patch") or {}).get("me")
            if me is not None:
                out.append(me)
    return out


def _keys(x: Any, key: str) -> list[Any]:
    """Every value of `key` anywhere in a JSON value."""
    if isinstance(x, dict):
        return [v for k, v in x.items() if k == key] + [y for v in x.values()
                                                        for y in _keys(v, key)]
    if isinstance(x, list):
        return [y for v in x for y in _keys(v, key)]
    return []


async def test_the_seat_sees_its_own_par_and_nobody_sees_anothers():
    scenario = scenarios.get(SCENARIO)
    factors = par.factors_of(scenario)
    per10 = {s: money_per_10_points(scenario, s, par.money_factor(par.of(scenario), s))
             for s in scenario.seat_ids}
    # the test means something only if the seats' figures differ
    assert len(set(factors.values())) == len(factors) and len(set(per10.values())) == len(per10)
    assert factors["USA"] != par.UNIT or factors["AUS"] != par.UNIT

    user = await db(make_user)()
    game = await db(make_game)(user)
    _, usa_token = await db(join)(game, "USA", "Ann")
    _, aus_token = await db(join)(game, "AUS", "Bob")
    f = await facilitator(game.code, user)
    usa = await player(game.code, usa_token)
    aus = await player(game.code, aus_token, patches=True)
    watchers = [await spectator(game.code), await spectator(game.code, patches=True)]
    assert (await f.control("start"))["type"] == "ack"
    for _ in range(2):  # a round resolves: every view and patch is pushed again
        assert (await f.control("advance"))["type"] == "ack"
    assert (await f.control("end"))["type"] == "ack"
    late = await spectator(game.code)  # a whole view after the end
    for ws in (usa, aus, f, *watchers, late):
        if (ws.view or {}).get("phase") != "ended":
            await ws.until(lambda m, ws=ws: m.get("type") == "state"
                           and (ws.view or {}).get("phase") == "ended", timeout=WAIT)
        await ws.drain()

    # the seat's own view: its par and its $M per 10 points, from the engine
    assert usa.view is not None and usa.view["me"]["seat"] == "USA"
    assert usa.view["me"]["par"] == factors["USA"]
    assert usa.view["me"]["money_per_10_points"] == per10["USA"] > 0
    assert aus.view is not None and aus.view["me"]["par"] == factors["AUS"]
    assert aus.view["me"]["money_per_10_points"] == per10["AUS"]
    # the facilitator sees every seat's
    assert f.view is not None
    assert {s: p["par"] for s, p in f.view["private"].items()} == factors

    # each player only ever received its own `me`, and no `private`
    for ws, seat in ((usa, "USA"), (aus, "AUS")):
        mes = _mes(ws.frames)
        assert mes and {m.get("seat", seat) for m in mes} == {seat}
        assert not [fr for fr in ws.frames if _keys(fr, "private")]
        assert set(_keys(ws.frames, "money_per_10_points")) == {per10[seat]}
        assert set(_keys(ws.frames, "par_money")) == {par.money_factor(par.of(scenario), seat)}
    # a spectator, never a `me`, a `private` or a seat's $M per 10 points
    for ws in (*watchers, late):
        assert ws.view is not None and "me" not in ws.view and "private" not in ws.view
        assert not _mes(ws.frames) and not _keys(ws.frames, "private")
        assert not _keys(ws.frames, "money_per_10_points") and not _keys(ws.frames, "par_money")
        # ...while the end's public scores carry each seat's factor
        assert {s: x["par"] for s, x in ws.view["scores"].items()} == factors
    for ws in (usa, aus, f, *watchers, late):
        await ws.close()
