"""Shared engine fixtures: a tiny hand-checkable scenario and the conservation checks.

The tiny board has three seats and two minerals so every number in a test can be worked
out by hand: MIN mines lithium ore, REF refines it, USE consumes refined lithium; MIN and
USE are FORGE members, REF is not.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from game.actions import FACILITATOR, AcceptDeal, Advance, ProposeDeal, Start
from game.clauses import Clause
from game.engine import Game
from game.orders import Orders
from game.scenario import Scenario, load_scenario, parse_scenario
from game.state import Deal

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"

TINY: dict[str, Any] = {
    "id": "tiny",
    "title": "Tiny",
    "description": "Three seats, two minerals, for unit tests.",
    "rounds": 3,
    "round_labels": ["One", "Two", "Three"],
    "sources": [{"tag": "test", "citation": "hand-made"}],
    "minerals": [
        {
            "id": "li", "name": "Lithium", "ref_price_ore": 10, "ref_price_refined": 20,
            "output_value": 30, "capex_mine": 10, "capex_refine": 20, "invest_delay": 1,
            "row_ore": {"supply": 0, "demand": 0},
            "row_refined": {"supply": 0, "demand": 0},
        },
        {
            "id": "re", "name": "Rare earths", "ref_price_ore": 40, "ref_price_refined": 80,
            "output_value": 200, "invest_delay": 0,
            "row_ore": {"supply": 4, "demand": 4},
            "row_refined": {"supply": 4, "demand": 4, "elasticity_bp": 5000},
        },
    ],
    "countries": [
        {
            "id": "MIN", "name": "Minerland", "treasury": 100, "forge_member": True,
            "env_standard": 1, "weights": {"prosperity": 3, "security": 1},
            "minerals": {"li": {"mine": 10}, "re": {"mine": 2}},
            "objectives": [
                {"id": "min_home", "kind": "home_refining_share", "text": "refine at home",
                 "mineral": "li", "share_bp": 3000},
            ],
        },
        {
            "id": "REF", "name": "Refineria", "treasury": 300, "env_standard": 0,
            "weights": {"prosperity": 1, "security": 1, "sustainability": 1, "reputation": 1},
            "minerals": {"li": {"refine": 8, "demand": 2, "ore": 2},
                         "re": {"mine": 3, "refine": 4, "demand": 1}},
            "objectives": [
                {"id": "ref_world", "kind": "world_refining_share", "text": "refine the world",
                 "mineral": "li", "share_bp": 7000},
            ],
        },
        {
            "id": "USE", "name": "Userland", "treasury": 500, "forge_member": True,
            "env_standard": 2, "weights": {"security": 2, "sustainability": 1},
            "minerals": {"li": {"demand": 6, "refined": 1, "stockpile": 2},
                         "re": {"demand": 2, "refined": 1}},
            "objectives": [
                {"id": "use_ref", "kind": "max_import_share", "text": "not from REF",
                 "mineral": "li", "other": "REF", "share_bp": 5000},
                {"id": "use_short", "kind": "no_shortage", "text": "no shortage",
                 "mineral": "re"},
                {"id": "use_deal", "kind": "signed_deal", "text": "a deal",
                 "mineral": "li", "clauses": ["supply"], "bonus": 10},
            ],
        },
    ],
    "forge": {"members": ["MIN", "USE"], "chair": "USE", "chair_until_round": 2,
              "contribution": 5, "fund": 40},
    "cards": [
        {"id": "quiet", "round": 1, "title": "Quiet", "text": "Nothing happens."},
        {"id": "boom", "title": "Boom", "text": "Demand for lithium rises.",
         "effects": [{"type": "demand", "seat": "ALL", "mineral": "li", "delta_bp": 5000,
                      "rounds": 1}]},
        {"id": "ban", "title": "Ban", "text": "REF controls refined lithium.",
         "effects": [{"type": "force_control", "seat": "REF", "mineral": "li",
                      "form": "refined", "targets": ["USE"], "rounds": 1}]},
    ],
}


@pytest.fixture
def tiny_dict() -> dict[str, Any]:
    return copy.deepcopy(TINY)


@pytest.fixture
def tiny_scenario(tiny_dict: dict[str, Any]) -> Scenario:
    # a unit-test board: its objectives are met by doing nothing on purpose (scoring tests)
    return parse_scenario(json.dumps(tiny_dict).encode(), require_action=False)


@pytest.fixture(scope="session")
def lite_scenario() -> Scenario:
    return load_scenario(SCENARIOS / "classroom-lite.json")


@pytest.fixture(scope="session")
def ministerial_scenario() -> Scenario:
    return load_scenario(SCENARIOS / "ministerial-2026.json")


def orders_phase(scenario: Scenario, seed: int = 1) -> Game:
    """A game in round 1's orders phase, with no baseline (tests set it when they need it)."""
    g = Game.new(scenario, seed, baseline=False)
    g.apply(FACILITATOR, Start())
    g.apply(FACILITATOR, Advance())
    assert g.state.phase == "orders"
    return g


@pytest.fixture
def tiny_game(tiny_scenario: Scenario) -> Game:
    return orders_phase(tiny_scenario)


def play_out(game: Game, each_round: Callable[[Game], None] | None = None) -> Game:
    """Advance to the end; `each_round` runs at every orders phase (after conservation checks)."""
    if game.state.phase == "lobby":
        game.apply(FACILITATOR, Start())
    for _ in range(4 * game.state.rounds + 4):
        if game.state.phase == "ended":
            break
        if game.state.phase == "orders" and each_round is not None:
            each_round(game)
        game.apply(FACILITATOR, Advance())
        assert_conserved(game)
    return game


def mineral_imbalances(game: Game) -> dict[str, tuple[int, int]]:
    """Per "mineral:form": (held by seats and the bloc, net ledger flows), where they differ."""
    st = game.state
    out: dict[str, tuple[int, int]] = {}
    for m in game.scenario.mineral_ids:
        for form in ("ore", "refined"):
            held = sum(getattr(s.holdings[m], form) for s in st.seats.values())
            held += getattr(st.forge.bloc[m], form)
            if form == "refined":
                held += sum(s.holdings[m].stockpile for s in st.seats.values())
            flows = sum(st.ledger.minerals.get(f"{m}:{form}", {}).values())
            if held != flows:
                out[f"{m}:{form}"] = (held, flows)
    return out


def money_imbalance(game: Game) -> tuple[int, int]:
    st = game.state
    held = sum(s.treasury + s.stockpile_budget for s in st.seats.values()) + st.forge.fund
    return held, sum(st.ledger.money.values())


def assert_conserved(game: Game) -> None:
    assert mineral_imbalances(game) == {}
    held, flows = money_imbalance(game)
    assert held == flows
    for s in game.state.seats.values():
        assert s.treasury >= 0 and s.stockpile_budget >= 0
        for h in s.holdings.values():
            assert min(h.ore, h.refined, h.stockpile) >= 0


# ---- setting up situations -----------------------------------------------------------------
def negotiation_phase(scenario: Scenario, seed: int = 1) -> Game:
    g = Game.new(scenario, seed, baseline=False)
    g.apply(FACILITATOR, Start())
    return g


def to_orders(game: Game) -> Game:
    while game.state.phase != "orders":
        game.apply(FACILITATOR, Advance())
    return game


def sign(game: Game, proposer: str, to: str, *clauses: Clause, rounds: int = 1) -> Deal:
    """Propose and accept a deal through the real actions (negotiation phase)."""
    events = game.apply(proposer, ProposeDeal(to=to, clauses=clauses, rounds=rounds))
    deal_id = events[0].data["deal"]
    game.apply(to, AcceptDeal(deal=deal_id))
    return game.state.deals[deal_id]


def give(game: Game, seat: str, mineral: str, form: str, qty: int) -> None:
    """Add material as if the scenario had started with it, keeping the ledger balanced."""
    h = game.state.seats[seat].holdings[mineral]
    setattr(h, form, getattr(h, form) + qty)
    ledger_form = "refined" if form == "stockpile" else form
    game.state.ledger.add_mineral(mineral, ledger_form, "initial", qty)


def set_treasury(game: Game, seat: str, amount: int) -> None:
    s = game.state.seats[seat]
    game.state.ledger.add_money("initial", amount - s.treasury)
    s.treasury = amount


def quiet(game: Game, **orders: Orders) -> None:
    """Orders for every seat: no market orders unless given, so one rule shows at a time."""
    for seat in game.state.seats.values():
        seat.orders = orders.get(seat.id, Orders(sell=(), buy=()))
