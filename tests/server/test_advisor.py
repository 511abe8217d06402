"""The advisor over the socket (issue 3): only when the facilitator has switched it on,
only for a seat, on the current state; every use recorded, counted in the assessment sheet
and listed in the advice.json export."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from negotiation.models import AdviceLog
from tests.server.helpers import (
    db,
    join,
    player,
    spectator,
    started_game,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_advice_is_refused_until_the_facilitator_switches_it_on():
    _user, game, _pl, token, f = await started_game()
    a = await player(game.code, token)
    msg = await a.reply(await a.send("advice"))
    assert (msg["type"], msg["code"]) == ("error", "advisor_off")
    ack = await f.control("settings", settings={"advisor": True})
    assert ack["result"]["advisor"] is True
    pushed = await a.until(lambda m: m["type"] == "settings")
    assert pushed["advisor"] is True
    msg = await a.reply(await a.send("advice"))
    assert msg["type"] == "ack", msg
    result = msg["result"]
    assert result["seat"] == "USA" and result["phase"] == "negotiation"
    assert result["seq"] == 1 and set(result) >= {"proposal", "offers", "orders"}
    if result["proposal"] is not None:
        assert result["proposal"]["reason"]
    await f.control("settings", settings={"advisor": False})
    msg = await a.reply(await a.send("advice"))
    assert msg["code"] == "advisor_off"
    assert (await f.control("settings", settings={"advisor": "yes"}))["code"] == "bad_request"
    for ws in (a, f):
        await ws.close()


async def test_only_a_seat_may_ask_and_every_use_is_recorded_once():
    user, game, pl, token, f = await started_game(advisor=True)
    a = await player(game.code, token)
    s = await spectator(game.code)
    assert (await s.reply(await s.send("advice")))["code"] == "forbidden"
    assert (await f.reply(await f.send("advice")))["code"] == "forbidden"
    offer = {"type": "propose_deal", "to": "USA", "clauses": [
        {"type": "payment", "payer": "AUS", "payee": "USA", "amount": 5}]}
    _, aus = await db(join)(game, "AUS", "Bob")
    b = await player(game.code, aus)
    assert (await b.action(offer))["type"] == "ack"
    first = await a.reply(await a.send("advice", msg_id="adv-1"))
    again = await a.reply(await a.send("advice", msg_id="adv-1"))  # a resend: recorded once
    assert first["result"] == again["result"]
    verdicts = first["result"]["offers"]
    assert [o["deal"] for o in verdicts] == ["D1"] and verdicts[0]["from"] == "AUS"
    assert verdicts[0]["accept"] is True and verdicts[0]["reason"].startswith("Accept")
    await a.reply(await a.send("advice"))
    rows = await db(lambda: list(AdviceLog.objects.filter(game=game).order_by("id")))()
    assert [(r.seat, r.player_id, r.seq) for r in rows] == [("USA", pl.pk, 2)] * 2
    assert rows[0].advice["offers"][0]["deal"] == "D1"

    def exports() -> tuple[str, dict]:
        c = Client()
        c.force_login(user)
        sheet = c.get(f"/g/{game.code}/export/assessment.csv").content.decode()
        uses = json.loads(c.get(f"/g/{game.code}/export/advice.json").content)
        return sheet, uses

    sheet, uses = await db(exports)()
    people = {r["name"]: r for r in csv.DictReader(io.StringIO(sheet))}
    assert people["Ann"]["advice_used"] == "2" and people["Bob"]["advice_used"] == "0"
    assert uses["advisor"] is True and len(uses["uses"]) == 2
    assert uses["uses"][0]["name"] == "Ann" and uses["uses"][0]["seat"] == "USA"
    assert uses["per_person"] == {"Ann (USA)": 2}
    for ws in (a, b, s, f):
        await ws.close()
