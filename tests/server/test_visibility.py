"""What becomes public (docs/rules.md, section 2), over the real socket: a signed deal's note
reaches its two parties and the facilitator, and no frame a spectator or a third seat
receives carries it, while the game runs, once the deal is signed, or after the game has
ended (pushes, patches, answers to hello, resumes). The end does reveal every seat's
objectives, spectators included."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.server.helpers import (
    WS,
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

NOTE = "CANARY-DEAL-NOTE-USA-AUS"
WAIT = 30  # seconds: generous, for a busy machine


def _ended(ws: WS) -> Any:
    return lambda m: m.get("type") == "state" and (ws.view or {}).get("phase") == "ended"


async def test_no_spectator_or_third_seat_frame_carries_a_signed_deal_note():
    user = await db(make_user)()
    game = await db(make_game)(user)
    tokens = {}
    for seat, name in (("USA", "Ann"), ("AUS", "Bob"), ("CHN", "Cy")):
        _, tokens[seat] = await db(join)(game, seat, name)
    f = await facilitator(game.code, user)
    usa, aus = await player(game.code, tokens["USA"]), await player(game.code, tokens["AUS"])
    chn = await player(game.code, tokens["CHN"], patches=True)
    watchers = [await spectator(game.code), await spectator(game.code, patches=True)]
    assert (await f.control("start"))["type"] == "ack"

    offer = {"type": "propose_deal", "to": "AUS", "note": NOTE, "clauses": [
        {"type": "payment", "payer": "USA", "payee": "AUS", "amount": 1}]}
    proposed = await usa.action(offer)
    assert proposed["type"] == "ack", proposed
    await aus.state_at(proposed["seq"], timeout=WAIT)
    assert aus.view is not None
    (deal,) = [d["id"] for d in aus.view["proposals"] if d["note"] == NOTE]
    signed = await aus.action({"type": "accept_deal", "deal": deal})
    assert signed["type"] == "ack", signed
    for ws in (usa, aus, chn, *watchers):
        await ws.state_at(signed["seq"], timeout=WAIT)
    assert (await f.control("end"))["type"] == "ack"
    for ws in (usa, aus, chn, f, *watchers):
        await ws.until(_ended(ws), timeout=WAIT)

    # after the end: a new spectator (its hello's whole view) and one resuming from the
    # start (every event since), and the third seat again
    late = await spectator(game.code)
    resumed = await connect(game.code)
    mid = await resumed.send("hello", {"role": "spectator", "last_seq": 0})
    assert (await resumed.reply(mid, timeout=WAIT))["type"] == "welcome"
    await resumed.until(lambda m: m.get("type") == "state", timeout=WAIT)
    chn_again = await player(game.code, tokens["CHN"], last_seq=0)
    watchers += [late, resumed]

    for ws in (usa, aus, chn, chn_again, f, *watchers):
        await ws.drain()
    # the parties and the facilitator do get it: the search below would find it
    for ws in (usa, aus, f):
        assert NOTE in json.dumps(ws.frames)
    for ws in (chn, chn_again, *watchers):
        assert NOTE not in json.dumps(ws.frames)
        assert ws.view is not None and ws.view["phase"] == "ended"
        (listed,) = [d for d in ws.view["deals"] if d["id"] == deal]
        assert listed["status"] in ("active", "completed") and "note" not in listed
        # ...while the end makes every seat's objectives public, for the debrief
        shown = {s: [o["text"] for o in score["objective_list"]]
                 for s, score in ws.view["scores"].items()}
        assert all(t.startswith(f"CANARY-OBJ-{s}") for s in shown for t in shown[s]), shown
        assert set(shown) == {"USA", "AUS", "CHN"}
    for ws in (usa, aus, chn, chn_again, f, *watchers):
        await ws.close()
