"""Text and numbers that enter a game through the engine are held to one set of rules, so
that every accepted action can be stored (PostgreSQL refuses NUL), snapshotted (msgpack
holds 64-bit integers only) and replayed: deal notes, cards the facilitator writes during
a game, and a scenario's own cards (issue 9, items 4 and 5)."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.actions import FACILITATOR, Advance, FireCard, ProposeDeal, decode_action
from game.clauses import Payment
from game.effects import (
    CapacityChange,
    DemandShock,
    Effect,
    ForceControl,
    Reputation,
    RequestLicense,
    RowShock,
    Treasury,
)
from game.engine import Game
from game.errors import ErrorCode, RuleError, ScenarioError, text_fault
from game.scenario import (
    CARD_TEXT_MAX,
    CARD_TITLE_MAX,
    MAX_CARD_EFFECTS,
    MAX_EFFECT_ROUNDS,
    Scenario,
    parse_scenario,
)
from tests.engine.conftest import negotiation_phase

CONTROL = ["\x00", "\x01", "\x07", "\x1b", "\r", "\x7f", "\x85", "\x9b"]


def refused(game: Game, actor: str, action: Any) -> RuleError:
    """Apply `action`, expecting a refusal that leaves the state exactly as it was."""
    before = game.state_bytes()
    with pytest.raises(RuleError) as info:
        game.apply(actor, action)
    assert game.state_bytes() == before
    return info.value


def advance_to_end(game: Game) -> None:
    """Every phase to the end, snapshotting at each step as the server does."""
    for _ in range(4 * game.state.rounds + 4):
        if game.is_over:
            return
        game.apply(FACILITATOR, Advance())
        Game.from_snapshot(game.scenario, game.snapshot())
    assert game.is_over


# ---- the text rule itself -------------------------------------------------------------------
@pytest.mark.parametrize("ch", CONTROL)
def test_control_characters_are_refused_on_one_line_and_on_many(ch: str) -> None:
    assert text_fault(f"a{ch}b", 10) is not None
    assert text_fault(f"a{ch}b", 10, multiline=True) is not None


def test_newlines_and_tabs_only_where_text_may_run_over_lines() -> None:
    for ch in "\n\t":
        assert text_fault(f"a{ch}b", 10) is not None
        assert text_fault(f"a{ch}b", 10, multiline=True) is None
    assert text_fault("Côte d'Ivoire \u2014 \U0001f600 \u200d", 40) is None
    assert text_fault("x" * 11, 10) is not None and text_fault("x" * 10, 10) is None
    assert text_fault("", 10, min_len=1) is not None
    assert text_fault(b"bytes", 10) is not None and text_fault(None, 10) is not None


# ---- deal notes -----------------------------------------------------------------------------
def _offer(tiny_scenario: Scenario, note: str) -> tuple[Game, ProposeDeal]:
    game = negotiation_phase(tiny_scenario)
    return game, ProposeDeal(to="REF", clauses=(Payment(payer="MIN", payee="REF", amount=5),),
                             note=note)


@pytest.mark.parametrize("ch", CONTROL)
def test_a_note_with_a_control_character_is_refused(tiny_scenario: Scenario, ch: str) -> None:
    game, offer = _offer(tiny_scenario, f"see you{ch}soon")
    assert refused(game, "MIN", offer).code == ErrorCode.BAD_CLAUSE


def test_a_note_may_hold_lines_but_not_more_than_500_characters(tiny_scenario: Scenario
                                                                 ) -> None:
    game, offer = _offer(tiny_scenario, "x" * 501)
    assert refused(game, "MIN", offer).code == ErrorCode.BAD_CLAUSE
    game, offer = _offer(tiny_scenario, "Dear REF,\n\tfive now.\n" + "x" * 470)
    events = game.apply("MIN", offer)
    deal = game.state.deals[events[0].data["deal"]]
    assert deal.note == offer.note
    # the same log replays to the same state, and the state survives a snapshot
    replayed = Game.replay(tiny_scenario, 1, [(FACILITATOR, decode_action({"type": "start"})),
                                              ("MIN", decode_action(msgspec.to_builtins(offer)))],
                           baseline=False)
    assert replayed.state_bytes() == game.state_bytes()
    assert Game.from_snapshot(tiny_scenario, game.snapshot()).state_bytes() == game.state_bytes()


# ---- cards the facilitator writes -----------------------------------------------------------
def test_a_written_effect_lasting_10_to_the_30_rounds_is_refused(tiny_scenario: Scenario
                                                                  ) -> None:
    """The issue's case: acked, it then jammed the game (the snapshot overflowed)."""
    game = negotiation_phase(tiny_scenario)
    huge = 10**30
    for effect in (ForceControl(seat="REF", mineral="li", form="ore", targets=("USE",),
                                rounds=huge),
                   DemandShock(seat="ALL", mineral="li", delta_bp=100, rounds=huge),
                   RowShock(mineral="li", form="ore", supply_bp=100, rounds=huge),
                   CapacityChange(seat="MIN", mineral="li", kind="mine", delta=1, rounds=huge),
                   CapacityChange(seat="MIN", mineral="li", kind="mine", delta=1, delay=huge),
                   RequestLicense(seat="USE", licensor="REF", mineral="li", rounds=huge),
                   Treasury(seat="MIN", amount=huge), Reputation(seat="MIN", delta=-huge)):
        err = refused(game, FACILITATOR, FireCard(title="Jam", text="", effects=(effect,)))
        assert err.code == ErrorCode.BAD_ACTION, effect
    # the same through a client's JSON, as the server decodes it
    action = decode_action({"type": "fire_card", "title": "Jam", "effects": [
        {"type": "demand", "seat": "ALL", "mineral": "li", "delta_bp": 100, "rounds": huge}]})
    assert refused(game, FACILITATOR, action).code == ErrorCode.BAD_ACTION
    advance_to_end(game)


def test_the_longest_written_effect_allowed_still_snapshots_and_plays_out(
        tiny_scenario: Scenario) -> None:
    game = negotiation_phase(tiny_scenario)
    longest = DemandShock(seat="ALL", mineral="li", delta_bp=100, rounds=MAX_EFFECT_ROUNDS)
    refused(game, FACILITATOR, FireCard(title="Long", effects=(
        DemandShock(seat="ALL", mineral="li", delta_bp=100, rounds=MAX_EFFECT_ROUNDS + 1),)))
    game.apply(FACILITATOR, FireCard(title="Long", text="Demand rises for a while.",
                                     effects=(longest,)))
    advance_to_end(game)


@pytest.mark.parametrize("title,text,why", [
    ("", "", "blank title"),
    ("   ", "x", "blank title"),
    ("x" * (CARD_TITLE_MAX + 1), "", "title too long"),
    ("Two\nlines", "", "newline in the title"),
    ("Tab\there", "", "tab in the title"),
    ("NUL\x00", "", "NUL in the title"),
    ("Fine", "NUL\x00", "NUL in the text"),
    ("Fine", "ESC \x1b[2J", "escape in the text"),
    ("Fine", "x" * (CARD_TEXT_MAX + 1), "text too long"),
])
def test_a_written_card_keeps_to_the_scenario_rules_for_words(
        tiny_scenario: Scenario, title: str, text: str, why: str) -> None:
    game = negotiation_phase(tiny_scenario)
    assert refused(game, FACILITATOR, FireCard(title=title, text=text)).code == \
        ErrorCode.BAD_ACTION, why


def test_a_written_card_may_run_over_lines_and_be_replayed(tiny_scenario: Scenario) -> None:
    game = negotiation_phase(tiny_scenario)
    card = FireCard(title="Storm", text="Ports close.\n\tShips wait.",
                    effects=(Reputation(seat="MIN", delta=-1),))
    game.apply(FACILITATOR, card)
    assert game.state.card_text == card.text
    replayed = Game.replay(tiny_scenario, 1, [(FACILITATOR, decode_action({"type": "start"})),
                                              (FACILITATOR, decode_action(
                                                  msgspec.to_builtins(card)))], baseline=False)
    assert replayed.state_bytes() == game.state_bytes()


def test_a_written_card_has_a_bounded_number_of_effects_and_no_repeated_targets(
        tiny_scenario: Scenario) -> None:
    game = negotiation_phase(tiny_scenario)
    many = tuple(Reputation(seat="MIN", delta=1) for _ in range(MAX_CARD_EFFECTS + 1))
    assert refused(game, FACILITATOR, FireCard(title="Many", effects=many)).code == \
        ErrorCode.BAD_ACTION
    repeated = ForceControl(seat="REF", mineral="li", form="ore", targets=("USE",) * 500)
    assert refused(game, FACILITATOR, FireCard(title="Rep", effects=(repeated,))).code == \
        ErrorCode.BAD_ACTION
    game.apply(FACILITATOR, FireCard(title="Many", effects=many[:MAX_CARD_EFFECTS]))


def test_a_card_fired_by_id_carries_nothing_else(tiny_scenario: Scenario) -> None:
    """Everything an accepted action carries is logged, so an ignored field must be empty."""
    game = negotiation_phase(tiny_scenario)
    for extra in ({"title": "x\x00"}, {"text": "y"}, {"effects": (Reputation("MIN", 1),)}):
        err = refused(game, FACILITATOR, FireCard(card_id="boom", **extra))
        assert err.code == ErrorCode.BAD_ACTION
    game.apply(FACILITATOR, FireCard(card_id="boom"))


_numbers = st.one_of(st.integers(-20, 20), st.integers(), st.sampled_from(
    [10**30, -(10**30), 2**63, 2**64, -(2**63) - 1, 10**6 + 1, -(10**6) - 1]))


@st.composite
def _effects(draw: st.DrawFn) -> Effect:
    n = _numbers
    return draw(st.one_of(
        st.builds(ForceControl, seat=st.just("REF"), mineral=st.just("li"),
                  form=st.just("ore"), targets=st.just(("USE",)), rounds=n),
        st.builds(CapacityChange, seat=st.just("MIN"), mineral=st.just("li"),
                  kind=st.just("mine"), delta=n, delay=n, rounds=n),
        st.builds(DemandShock, seat=st.just("ALL"), mineral=st.just("li"), delta_bp=n,
                  rounds=n),
        st.builds(RowShock, mineral=st.just("re"), form=st.just("refined"), supply_bp=n,
                  demand_bp=n, rounds=n),
        st.builds(Treasury, seat=st.just("USE"), amount=n),
        st.builds(Reputation, seat=st.just("REF"), delta=n),
        st.builds(RequestLicense, seat=st.just("USE"), licensor=st.just("REF"),
                  mineral=st.just("li"), rounds=n),
    ))


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(effects=st.lists(_effects(), min_size=1, max_size=3))
def test_no_written_card_can_jam_a_game(tiny_scenario: Scenario, effects: list[Effect]
                                        ) -> None:
    """Whatever numbers a written card carries, it is refused (nothing changed) or the game
    still snapshots, stores as JSON and plays to its end."""
    game = negotiation_phase(tiny_scenario)
    action = FireCard(title="Any", text="", effects=tuple(effects))
    before = game.state_bytes()
    try:
        game.apply(FACILITATOR, action)
    except RuleError as exc:
        assert exc.code == ErrorCode.BAD_ACTION
        assert game.state_bytes() == before
        return
    json.loads(game.state_bytes())
    advance_to_end(game)


# ---- a scenario's own cards -----------------------------------------------------------------
def _parse_with(tiny_dict: dict[str, Any], path: str, value: Any) -> ScenarioError:
    doc = json.loads(json.dumps(tiny_dict))
    node: Any = doc
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[int(key)] if key.isdigit() else node[key]
    node[keys[-1]] = value
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(doc))
    return info.value


@pytest.mark.parametrize("path,value,field", [
    ("cards.1.title", "Boom\x00", "$.cards[1].title"),
    ("cards.1.title", "Boom\nBoom", "$.cards[1].title"),
    ("cards.1.title", "B" * (CARD_TITLE_MAX + 1), "$.cards[1].title"),
    ("cards.1.text", "Demand\x1b rises", "$.cards[1].text"),
    ("cards.1.text", "x" * (CARD_TEXT_MAX + 1), "$.cards[1].text"),
    ("cards.1.id", "bo\x00om", "$.cards[1].id"),
    ("cards.1.effects.0.rounds", 10**30, "$.cards[1].effects[0].rounds"),
    ("cards.1.effects.0.rounds", MAX_EFFECT_ROUNDS + 1, "$.cards[1].effects[0].rounds"),
    ("cards.2.effects.0.targets", ["USE", "USE"], "$.cards[2].effects[0].targets"),
])
def test_scenario_cards_are_held_to_the_same_rules(tiny_dict: dict[str, Any], path: str,
                                                    value: Any, field: str) -> None:
    err = _parse_with(tiny_dict, path, value)
    assert err.field == field and err.code == ErrorCode.BAD_SCENARIO


def test_scenario_prompts_are_held_to_the_same_rules(tiny_dict: dict[str, Any]) -> None:
    tiny_dict["cards"][1]["prompt"] = {
        "text": "What now?\nChoose.", "seats": ["MIN"], "default": "a",
        "options": [{"id": "a", "label": "Accept"}, {"id": "b", "label": "Refuse"}]}
    parse_scenario(json.dumps(tiny_dict), require_action=False)  # lines in a prompt's text are fine
    for path, value, field in [
        ("cards.1.prompt.text", "What\x00", "$.cards[1].prompt.text"),
        ("cards.1.prompt.options.1.label", "Re\x07fuse", "$.cards[1].prompt.options[1].label"),
        ("cards.1.prompt.options.1.label", "Re\nfuse", "$.cards[1].prompt.options[1].label"),
    ]:
        assert _parse_with(tiny_dict, path, value).field == field


# ---- draw rules and frameworks (issue 14, item 4) -------------------------------------------
RULE_FAULTS = [
    ({"cards": ["nope"], "from_round": 2, "to_round": 3}, "$.draw_rules[0].cards[0]"),
    ({"cards": ["quiet"], "from_round": 2, "to_round": 3}, "$.draw_rules[0].cards[0]"),
    ({"cards": ["ban", "ban"], "from_round": 2, "to_round": 3}, "$.draw_rules[0].cards[1]"),
    ({"cards": [], "from_round": 2, "to_round": 3}, "$.draw_rules[0].cards"),
    ({"cards": ["ban"], "from_round": 0, "to_round": 3}, "$.draw_rules[0].from_round"),
    ({"cards": ["ban"], "from_round": 3, "to_round": 2}, "$.draw_rules[0].to_round"),
    ({"cards": ["ban"], "from_round": 2, "to_round": 4}, "$.draw_rules[0].to_round"),
    ({"cards": ["ban"], "from_round": 1, "to_round": 1}, "$.draw_rules[0]"),  # round 1 scripted
]


@pytest.mark.parametrize(("rule", "path"), RULE_FAULTS)
def test_the_loader_refuses_a_draw_rule_it_cannot_keep(tiny_dict: dict[str, Any],
                                                       rule: dict[str, Any],
                                                       path: str) -> None:
    tiny_dict["draw_rules"] = [rule]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(tiny_dict).encode(), require_action=False)
    assert info.value.field == path


def test_two_rules_may_not_share_a_card(tiny_dict: dict[str, Any]) -> None:
    tiny_dict["draw_rules"] = [{"cards": ["ban"], "from_round": 2, "to_round": 3},
                               {"cards": ["ban", "boom"], "from_round": 2, "to_round": 3}]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(tiny_dict).encode(), require_action=False)
    assert info.value.field == "$.draw_rules[1].cards[0]"


FRAMEWORK = {"id": "min-use", "seats": ["MIN", "USE"], "minerals": ["li"],
             "title": "A framework", "text": "Signed last year.", "source": "hand-made"}
FRAMEWORK_FAULTS = [
    ({"id": "D1"}, "$.frameworks[0].id"),
    ({"id": ""}, "$.frameworks[0].id"),
    ({"seats": ["MIN"]}, "$.frameworks[0].seats"),
    ({"seats": ["MIN", "MIN"]}, "$.frameworks[0].seats"),
    ({"seats": ["MIN", "XXX"]}, "$.frameworks[0].seats[1]"),
    ({"minerals": []}, "$.frameworks[0].minerals"),
    ({"minerals": ["li", "li"]}, "$.frameworks[0].minerals"),
    ({"minerals": ["gold"]}, "$.frameworks[0].minerals[0]"),
    ({"title": ""}, "$.frameworks[0].title"),
    ({"text": "a\x00b"}, "$.frameworks[0].text"),
    ({"source": ""}, "$.frameworks[0].source"),
    ({"bonus": 0}, "$.frameworks[0].bonus"),
    ({"bonus": 4}, "$.frameworks[0].bonus"),
]


@pytest.mark.parametrize(("change", "path"), FRAMEWORK_FAULTS)
def test_the_loader_refuses_a_framework_that_names_nothing_real(
    tiny_dict: dict[str, Any], change: dict[str, Any], path: str,
) -> None:
    tiny_dict["frameworks"] = [{**FRAMEWORK, **change}]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(tiny_dict).encode(), require_action=False)
    assert info.value.field == path


def test_one_framework_per_pair(tiny_dict: dict[str, Any]) -> None:
    tiny_dict["frameworks"] = [FRAMEWORK, {**FRAMEWORK, "id": "use-min",
                                           "seats": ["USE", "MIN"], "minerals": ["re"]}]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(tiny_dict).encode(), require_action=False)
    assert info.value.field == "$.frameworks[1].seats"
