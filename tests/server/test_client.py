"""Answers a client can use: the ack of an action that creates something names it, in the
real application (Channels' communicator, no part of the server mocked)."""

from __future__ import annotations

import json

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


def test_a_local_tournament_seats_agents_round_robin_and_the_same_seed_gives_the_same_table(
        tmp_path):
    from django.core.management import call_command

    from negotiation.management.commands.tournament import seating

    seats = ["USA", "CHN", "EU"]
    assert [seating(seats, ["a", "b"], i)["USA"] for i in range(3)] == ["a", "fill:hawk", "b"]
    assert all(sorted(seating(seats, ["a", "b"], i).values()).count("a") == 1 for i in range(3))
    agents = "forge_client.examples:first,bot:hawk"
    tables = []
    for run in ("one", "two"):
        call_command("tournament", "--scenario", "classroom-lite", "--agents", agents,
                     "--games", "3", "--seed", "4", "--local", "--out", str(tmp_path / run))
        tables.append((tmp_path / run / "table.md").read_text())
        games = sorted((tmp_path / run / "games").glob("*.json"))
        assert len(games) == 3
    assert tables[0] == tables[1]
    rows = json.loads((tmp_path / "one" / "table.json").read_text())
    first = rows["forge_client.examples:first"]
    assert first["games"] == 3 and set(first["per_seat"]) == {"USA", "CHN", "EU"}
    assert 0 <= first["win_rate"] <= 1 and first["mean_score"] > 0
    call_command("tournament", "--scenario", "classroom-lite", "--agents", agents,
                 "--games", "3", "--seed", "5", "--local", "--out", str(tmp_path / "other"))
    assert (tmp_path / "other" / "table.md").read_text() != tables[0]


def test_the_first_negotiator_in_docs_agents_md_plays_and_is_examples_first(tmp_path, capsys):
    from pathlib import Path

    from forge_client.__main__ import main

    doc = (Path(__file__).resolve().parents[2] / "docs" / "agents.md").read_text()
    code = doc.split("```python\n# my_agent.py\n", 1)[1].split("```", 1)[0]
    assert len(code.strip().splitlines()) <= 30
    (tmp_path / "my_agent.py").write_text(code)
    results = []
    for agent in (f"{tmp_path / 'my_agent.py'}:negotiate", "forge_client.examples:first"):
        assert main(["local", "--scenario", "classroom-lite", "--seed", "2", "--seat", "EU",
                     "--agent", agent]) == 0
        results.append(json.loads(capsys.readouterr().out.strip().splitlines()[-1]))
    assert results[0] == results[1]  # the page's agent is the example the tests play
    assert results[0]["seat"] == "EU" and len(results[0]["scores"]) == 6
    assert results[0]["refused"] == {}
