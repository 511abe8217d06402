"""State patches (hello `patches: true`): after the first whole view, a push may carry only
the view's top-level keys that changed since the connection's last version. Merged on
the client's copy they must give exactly the view a whole-view connection gets, version
by version, for a seat and for a spectator; a hello or sync always gets the whole view."""

from __future__ import annotations

import json

import pytest

from tests.server.helpers import db, facilitator, join, make_game, make_user, player, spectator
from tests.server.schema_check import check_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_patched_views_are_the_whole_views():
    user = await db(make_user)()
    game = await db(make_game)(user)
    _, usa = await db(join)(game, "USA", "Ann")
    _, usa2 = await db(join)(game, "USA", "Ada")  # the same delegation, whole views
    _, aus = await db(join)(game, "AUS", "Bob")
    f = await facilitator(game.code, user)
    await f.control("start")
    a = await player(game.code, usa, patches=True)
    whole = await player(game.code, usa2)
    b = await player(game.code, aus)
    sp, sw = await spectator(game.code, patches=True), await spectator(game.code)
    offer = {"type": "propose_deal", "to": "AUS", "clauses": [
        {"type": "payment", "payer": "USA", "payee": "AUS", "amount": 3}]}
    seqs = [(await a.action(offer))["seq"], (await a.action({"type": "ready"}))["seq"],
            (await b.action({"type": "accept_deal", "deal": "D1"}))["seq"],
            (await a.action({"type": "ready", "ready": False}))["seq"]]
    for seq in seqs:  # each version, as each pair of connections saw it
        for patched, plain in ((a, whole), (sp, sw)):
            await patched.state_at(seq)
            await plain.state_at(seq)
    for patched, plain in ((a, whole), (sp, sw)):
        assert patched.last_seq == plain.last_seq == seqs[-1]
        assert patched.view == plain.view
        pushed = [fr for fr in patched.frames if fr["type"] == "state"]
        assert "view" in pushed[0] and pushed[1:] and all("patch" in fr for fr in pushed[1:])
        for fr in pushed:
            assert check_server(fr) == [], fr
        small = [len(json.dumps(fr)) for fr in pushed if "patch" in fr]
        big = [len(json.dumps(fr)) for fr in plain.frames if fr["type"] == "state"]
        assert max(small) < min(big)  # only what changed travels
    # A resync (sync without last_seq) is always the whole view.
    mid = await a.send("sync", {})
    st = await a.until(lambda m: m["type"] == "state")
    assert "view" in st and st["resync"] is True
    await a.reply(mid)
    for ws in (a, whole, b, sp, sw, f):
        await ws.close()

