"""The engine's words reach a page as codes and params: an engine refusal's error frame
carries its params next to the English message (and matches schema.json), the advice's said
keys come over the socket, and the page's sentences (said.js) and docs/protocol.md know
exactly the keys the bots say and only codes the engine has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from game.bots.common import SAYINGS
from game.errors import ErrorCode
from tests.server.helpers import db, join, player, started_game
from tests.server.schema_check import check_server

ROOT = Path(__file__).resolve().parents[2]
SAID_JS = (ROOT / "frontend" / "static" / "forge" / "js" / "said.js").read_text(encoding="utf-8")
PROTOCOL = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")


def _js_table(name: str) -> set[str]:
    """The keys of `const NAME = { ... };` in said.js (quoted or bare)."""
    body = SAID_JS.split(f"const {name} = {{", 1)[1].split("\n};", 1)[0]
    return set(re.findall(r'^\s{2}"?([a-z_.]+)"?:', body, re.M))


def test_the_page_has_a_sentence_for_every_key_a_bot_says():
    assert _js_table("SAID") == set(SAYINGS)


def test_the_page_says_refusals_only_for_codes_the_engine_has():
    refusals = _js_table("REFUSALS")
    assert refusals and refusals <= {c.value for c in ErrorCode}


def test_protocol_md_lists_every_key_a_bot_says():
    section = PROTOCOL.split("## In the reader's language", 1)[1].split("\n## ", 1)[0]
    documented = {k for row in re.findall(r"^\| (`.+?`) \|", section, re.M)
                  for k in re.findall(r"`([a-z_.]+)`", row)}
    assert set(SAYINGS) <= documented, set(SAYINGS) - documented


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_an_engine_refusal_carries_its_params_over_the_socket():
    _user, game, _pl, token, f = await started_game(advisor=True)
    a = await player(game.code, token)
    _, aus_token = await db(join)(game, "AUS", "Bob")
    b = await player(game.code, aus_token)
    offer = {"type": "propose_deal", "to": "USA", "clauses": [
        {"type": "payment", "payer": "AUS", "payee": "USA", "amount": 5}]}
    assert (await b.action(offer))["type"] == "ack"
    assert (await b.action({"type": "withdraw_deal", "deal": "D1"}))["type"] == "ack"
    refused = await a.action({"type": "accept_deal", "deal": "D1"})
    assert refused["type"] == "error" and refused["code"] == "deal_not_open"
    assert refused["params"] == {"deal": "D1", "status": "withdrawn"}
    assert refused["message"] == "deal D1 is withdrawn"
    assert check_server(refused) == []
    # a refusal with nothing to add has no params
    plain = await a.action({"type": "accept_deal", "deal": "D1", "bogus": 1})
    assert plain["type"] == "error" and "params" not in plain

    ack = await a.reply(await a.send("advice"))
    assert ack["type"] == "ack" and check_server(ack) == []
    for offer in ack["result"]["offers"]:
        assert offer["said"]["key"] in SAYINGS
    if ack["result"]["proposal"] is not None:
        assert ack["result"]["proposal"]["said"]["key"] in SAYINGS
    for ws in (a, b, f):
        await ws.close()
