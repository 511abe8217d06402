"""What the engine says to people comes as stable codes and params, never only as English:
refusals carry params (RuleError.params), bots' notes end in a said line, and the advisor's
reasons carry said keys, each of which fills its SAYINGS template to the English beside it."""

from __future__ import annotations

import json

import pytest

from game.actions import AcceptDeal, ProposeDeal, RejectDeal
from game.bots.advisor import advise
from game.bots.common import SAID_PREFIX, SAYINGS
from game.clauses import Payment, Supply
from game.errors import ErrorCode, RuleError
from game.scenario import Scenario
from game.simulate import assign, play
from tests.engine.conftest import negotiation_phase, set_treasury, to_orders


def _refusal(game, seat, action) -> RuleError:
    with pytest.raises(RuleError) as caught:
        game.apply(seat, action)
    return caught.value


def test_a_closed_offer_is_refused_with_its_status(tiny_scenario: Scenario) -> None:
    g = negotiation_phase(tiny_scenario)
    (ev,) = g.apply("MIN", ProposeDeal(to="USE", clauses=(
        Payment(payer="USE", payee="MIN", amount=1),)))
    deal = ev.data["deal"]
    g.apply("USE", RejectDeal(deal=deal))
    err = _refusal(g, "USE", AcceptDeal(deal=deal))
    assert err.code is ErrorCode.DEAL_NOT_OPEN
    assert err.params == {"deal": deal, "status": "rejected"}
    assert err.message == f"deal {deal} is rejected"  # the English for agents, unchanged


def test_money_short_and_out_of_range_terms_carry_their_numbers(tiny_scenario: Scenario) -> None:
    g = negotiation_phase(tiny_scenario)
    set_treasury(g, "USE", 3)
    (ev,) = g.apply("MIN", ProposeDeal(to="USE", clauses=(
        Payment(payer="USE", payee="MIN", amount=7),)))
    err = _refusal(g, "USE", AcceptDeal(deal=ev.data["deal"]))
    assert err.code is ErrorCode.INSUFFICIENT_FUNDS
    assert err.params == {"seat": "USE", "need": 7, "treasury": 3}

    left = g.state.rounds - g.state.round + 1
    err = _refusal(g, "MIN", ProposeDeal(to="USE", rounds=left + 1, clauses=(
        Payment(payer="USE", payee="MIN", amount=1),)))
    assert (err.code, err.params) == (ErrorCode.BAD_CLAUSE, {"field": "rounds", "max": left})

    err = _refusal(g, "MIN", ProposeDeal(to="USE", clauses=(
        Payment(payer="USE", payee="MIN", amount=1),
        Supply(seller="MIN", buyer="USE", mineral="li", form="ore", qty=0, price=1))))
    assert (err.code, err.params) == (ErrorCode.BAD_CLAUSE, {"clause": 2, "kind": "supply"})

    err = _refusal(g, "MIN", ProposeDeal(to="USE", note="x" * 501, clauses=(
        Payment(payer="USE", payee="MIN", amount=1),)))
    assert err.params == {"field": "note", "min": 0, "max": 500}

    err = _refusal(to_orders(g), "MIN", ProposeDeal(to="USE", clauses=(
        Payment(payer="USE", payee="MIN", amount=1),)))
    assert (err.code, err.params) == (ErrorCode.WRONG_PHASE, {"phase": "negotiation"})


def _said(note: str) -> tuple[str, dict]:
    english, line = note.split("\n")
    assert line.startswith(SAID_PREFIX)
    return english, json.loads(line.removeprefix(SAID_PREFIX))


def test_every_bot_note_says_its_english_as_a_key_and_params(lite_scenario: Scenario) -> None:
    """A whole bot game: each bot-written note's said line names a known key whose template,
    filled with the params, is the English on the note's first line."""
    notes = 0
    for seed in (1, 2):
        game, refused = play(lite_scenario, seed, assign(lite_scenario, "mix", seed, 0))
        assert refused == 0
        for d in game.state.deals.values():
            if not d.note.startswith("r"):
                continue  # an event's note, not a bot's
            english, said = _said(d.note)
            assert set(said) == {"key", "params"} and said["key"] in SAYINGS
            text = SAYINGS[said["key"]].format(**said["params"])
            assert english.split(": ", 1)[1] == text, d.note
            notes += 1
    assert notes >= 5


def test_the_advisor_says_each_reason_as_a_key_and_params(lite_scenario: Scenario) -> None:
    seen: set[str] = set()
    for seed in range(1, 6):
        g = negotiation_phase(lite_scenario, seed)
        for seat in g.state.seats:
            a = advise(g, seat)
            p = a["proposal"]
            if p is not None:
                text = SAYINGS[p["said"]["key"]].format(**p["said"]["params"])
                assert text in p["reason"] and p["points"] in p["reason"]
                seen.add(p["said"]["key"])
        to_orders(g)
        for seat in g.state.seats:
            o = advise(g, seat)["orders"]
            assert len(o["said_lines"]) == len(o["lines"])
            for said, line in zip(o["said_lines"], o["lines"], strict=True):
                assert SAYINGS[said["key"]].format(**said["params"]) == line
                seen.add(said["key"])
    assert any(k.startswith("deal.") for k in seen) and any(k.startswith("orders.") for k in seen)


def test_an_offer_verdict_says_its_points(tiny_scenario: Scenario) -> None:
    g = negotiation_phase(tiny_scenario)
    g.apply("MIN", ProposeDeal(to="USE", clauses=(Payment(payer="MIN", payee="USE", amount=5),)))
    (offer,) = advise(g, "USE")["offers"]
    assert offer["said"]["key"] in ("offer.accept", "offer.reject", "offer.unaffordable")
    if offer["said"]["key"] != "offer.unaffordable":
        assert offer["said"]["params"]["points"] in offer["reason"]
