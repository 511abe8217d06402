"""Answers a client can use: the ack of an action that creates something names it, in the
real application (Channels' communicator, no part of the server mocked)."""

from __future__ import annotations

import pytest

from tests.server.helpers import db, join, player, started_game
from tests.server.schema_check import check_server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.asyncio
async def test_the_ack_names_the_deal_the_counter_and_the_motion_an_action_created():
    _user, game, _pl, usa_token, _f = await started_game()
    _, aus_token = await db(join)(game, "AUS", "Bob")
    usa, aus = await player(game.code, usa_token), await player(game.code, aus_token)
    offer = {"type": "propose_deal", "to": "AUS", "clauses": [
        {"type": "payment", "payer": "USA", "payee": "AUS", "amount": 1}]}
    ack = await usa.action(offer, msg_id="offer-1")
    assert ack["type"] == "ack" and check_server(ack) == []
    deal = ack["created"]["deal"]
    assert ack["created"] == {"deal": deal, "version": 1}
    again = await usa.action(offer, msg_id="offer-1")  # a resend: the same seq, no second deal
    assert again["duplicate"] is True and again["seq"] == ack["seq"] and "created" not in again
    counter = {"type": "counter_deal", "deal": deal, "clauses": [
        {"type": "payment", "payer": "USA", "payee": "AUS", "amount": 2}]}
    ack2 = await aus.action(counter)
    assert ack2["created"] == {"deal": deal, "version": 2}
    second = await usa.action({**offer, "clauses": [
        {"type": "payment", "payer": "USA", "payee": "AUS", "amount": 3}]})
    assert second["created"]["deal"] != deal
    motion = await usa.action({"type": "propose_standard", "level": 2})
    assert set(motion["created"]) == {"motion"} and motion["created"]["motion"].startswith("M")
    ready = await usa.action({"type": "ready"})
    assert ready["type"] == "ack" and "created" not in ready
    for ws in (usa, aus, _f):
        await ws.close()
