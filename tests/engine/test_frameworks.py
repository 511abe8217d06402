"""Bilateral frameworks on the board (issue 14, item 4): non-binding from the start, public
to everyone, made binding by the two seats' supply or invest deal on one of its minerals for
a reputation bonus, and taken back if that deal is cancelled."""

from __future__ import annotations

import json
from typing import Any

import pytest

from game.actions import FACILITATOR, AcceptDeal, CancelDeal, ProposeDeal, Start
from game.clauses import License, Payment, Supply
from game.engine import Game
from game.scenario import Scenario, parse_scenario
from game.scoring import breakdown
from tests.engine.conftest import assert_conserved, negotiation_phase, play_out, sign

FRAMEWORK = {"id": "min-use", "seats": ["MIN", "USE"], "minerals": ["li"], "bonus": 2,
             "title": "Minerland-Userland framework", "text": "Signed last year.",
             "source": "hand-made"}


@pytest.fixture
def board(tiny_dict: dict[str, Any]) -> Scenario:
    tiny_dict["frameworks"] = [FRAMEWORK]
    return parse_scenario(json.dumps(tiny_dict).encode(), require_action=False)


def _li(qty: int = 1) -> Supply:
    return Supply(seller="MIN", buyer="USE", mineral="li", form="ore", qty=qty, price=10)


def test_a_framework_is_on_the_board_for_everyone_and_binds_nothing(board: Scenario) -> None:
    g = negotiation_phase(board)
    for viewer in ("MIN", "REF", "USE", "spectator", "facilitator"):
        (shown,) = [d for d in g.view(viewer)["deals"] if d["id"] == "min-use"]
        assert shown["status"] == "framework" and shown["parties"] == ["MIN", "USE"]
        assert shown["clauses"] == [] and shown["framework"]["minerals"] == ["li"]
        assert shown["framework"]["text"] == "Signed last year."
    # no legal action targets it: it is not a proposal and not an active deal
    assert "min-use" not in repr(g.legal_actions("MIN").actions)
    play_out(g)
    assert g.state.deals["min-use"].status == "framework"
    assert g.state.seats["MIN"].stats.breaches == 0
    assert all(s.reputation == 5 for s in g.state.seats.values())
    assert_conserved(g)


def test_a_binding_deal_on_its_mineral_upgrades_it_and_pays_both_the_bonus(
    board: Scenario,
) -> None:
    g = Game.new(board, 1)  # with its no-deal baseline, for the debrief's breakdown
    g.apply(FACILITATOR, Start())
    events = g.apply("MIN", ProposeDeal(
to="USE", clauses=(_li(),), rounds=2))
    deal_id = events[0].data["deal"]
    signed = g.apply("USE", AcceptDeal(deal=deal_id))
    up = [e for e in signed if e.kind == "framework_upgraded"]
    assert len(up) == 1 and up[0].to == () and up[0].data["framework"] == "min-use"
    fw = g.state.deals["min-use"]
    assert fw.status == "upgraded" and fw.signed_round == 1
    assert g.state.deals[deal_id].upgrades == "min-use"
    for seat in ("MIN", "USE"):
        s = g.state.seats[seat]
        assert s.reputation == 7 and s.stats.rep == {"framework:min-use": 2}
    assert g.state.seats["REF"].reputation == 5
    assert g.view("REF")["deals"][0]["status"] == "upgraded"
    # a second deal on the mineral earns nothing more
    sign(g, "USE", "MIN", Supply(seller="MIN", buyer="USE", mineral="li", form="ore",
                                 qty=1, price=9))
    assert g.state.seats["MIN"].reputation == 7
    play_out(g)
    assert g.state.deals["min-use"].status == "upgraded"
    items = breakdown(g, "MIN")["reputation"]
    assert {"source": "framework", "framework": "min-use", "points": 40} in items
    assert_conserved(g)


@pytest.mark.parametrize("clauses", [
    (Supply(seller="MIN", buyer="USE", mineral="re", form="ore", qty=1, price=40),),
    (License(licensor="MIN", licensee="USE", mineral="li", qty=1),),
    (Payment(payer="USE", payee="MIN", amount=5),),
])
def test_a_deal_on_another_mineral_or_without_trade_upgrades_nothing(
    board: Scenario, clauses: tuple[Any, ...],
) -> None:
    g = negotiation_phase(board)
    sign(g, "MIN", "USE", *clauses)
    assert g.state.deals["min-use"].status == "framework"
    assert g.state.seats["MIN"].reputation == 5


def test_a_deal_with_a_third_seat_upgrades_nothing(board: Scenario) -> None:
    g = negotiation_phase(board)
    sign(g, "MIN", "REF", Supply(seller="MIN", buyer="REF", mineral="li", form="ore", qty=1,
                                 price=10))
    assert g.state.deals["min-use"].status == "framework"


def test_cancelling_the_binding_deal_takes_the_framework_and_the_bonus_back(
    board: Scenario,
) -> None:
    g = negotiation_phase(board)
    deal = sign(g, "MIN", "USE", _li(), rounds=2)
    g.apply("MIN", CancelDeal(deal=deal.id))
    events = g.apply("USE", CancelDeal(deal=deal.id))
    assert [e.kind for e in events] == ["deal_cancelled", "framework_downgraded"]
    assert g.state.deals["min-use"].status == "framework"
    for seat in ("MIN", "USE"):
        s = g.state.seats[seat]
        assert s.reputation == 5 and s.stats.rep.get("framework:min-use", 0) == 0
    # and it can be made binding again
    sign(g, "USE", "MIN", _li())
    assert g.state.deals["min-use"].status == "upgraded"
    assert g.state.seats["USE"].reputation == 7


def test_the_bonus_stops_at_ten(board: Scenario) -> None:
    g = negotiation_phase(board)
    g.state.seats["MIN"].reputation = 9
    deal = sign(g, "MIN", "USE", _li(), rounds=2)
    assert g.state.seats["MIN"].reputation == 10
    assert g.state.seats["MIN"].stats.rep == {"framework:min-use": 1}
    g.apply("MIN", CancelDeal(deal=deal.id))
    g.apply("USE", CancelDeal(deal=deal.id))
    assert g.state.seats["MIN"].reputation == 9


def test_a_replay_and_a_snapshot_keep_the_frameworks(board: Scenario) -> None:
    g = negotiation_phase(board)
    sign(g, "MIN", "USE", _li())
    again = Game.from_snapshot(board, g.snapshot())
    assert again.state_bytes() == g.state_bytes()


@pytest.mark.parametrize("name,pairs", [
    ("ministerial_scenario", {("USA", "AUS"), ("USA", "JPN"), ("USA", "SAU"), ("USA", "ARG")}),
    ("lite_scenario", {("USA", "AUS"), ("USA", "JPN")}),
])
def test_the_real_frameworks_start_on_the_board(name: str, pairs: set[tuple[str, str]],
                                                 request: pytest.FixtureRequest) -> None:
    scenario: Scenario = request.getfixturevalue(name)
    g = negotiation_phase(scenario)
    shown = {tuple(d["parties"]) for d in g.view("spectator")["deals"]
             if d["status"] == "framework"}
    assert shown == pairs
    for fw in scenario.frameworks:
        assert fw.source and fw.text and set(fw.minerals) <= set(scenario.mineral_ids)
