"""The generated game reference (game/schema.py -> docs/protocol/game.schema.json and
reference.md): it matches the code, its examples are real actions, and what the engine
really produces (the bots' actions in 100 games, every view and event of whole games, the
`legal` answers and their templates) validates against it."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import msgspec
import pytest

from game import schema as S
from game.actions import FACILITATOR, Action, Advance, Start, action_to_dict, decode_action
from game.bots import act
from game.engine import Game
from game.errors import RuleError
from game.legal import legal_dict
from game.scenario import load_scenario
from game.simulate import SCENARIO_DIR, assign, game_seed, play

ROOT = Path(__file__).resolve().parents[2]
DOC = S.schema()
LITE = load_scenario(SCENARIO_DIR / "classroom-lite.json")
MINISTERIAL = load_scenario(SCENARIO_DIR / "ministerial-2026.json")


def _json(value: Any) -> Any:
    return json.loads(msgspec.json.encode(value))


def test_the_committed_schema_and_reference_are_what_the_code_generates():
    for path, text in S.generate(ROOT / "docs" / "protocol").items():
        assert path.read_text() == text, (
            f"{path.name} is stale: run python -m game.schema --out docs/protocol/")
    assert S.main(["--out", str(ROOT / "docs" / "protocol"), "--check"]) == 0


def test_check_mode_fails_on_a_stale_file(tmp_path):
    assert S.main(["--out", str(tmp_path)]) == 0
    assert S.main(["--out", str(tmp_path), "--check"]) == 0
    ref = tmp_path / "reference.md"
    ref.write_text(ref.read_text().replace("propose_deal", "propose_a_deal", 1))
    assert S.main(["--out", str(tmp_path), "--check"]) == 1


def test_every_action_type_has_one_example_that_decodes_and_validates():
    tags = {r["$ref"].rsplit("/", 1)[1] for r in DOC["$defs"]["action"]["anyOf"]}
    assert len(tags) == len(S.EXAMPLES) == len(Action.__args__)  # type: ignore[attr-defined]
    assert set(S.ACTION_DOCS) == set(S.EXAMPLES)
    reference = (ROOT / "docs" / "protocol" / "reference.md").read_text()
    for kind, example in S.EXAMPLES.items():
        assert example["type"] == kind
        assert S.check(example, "action", DOC) == [], kind
        action = decode_action(example)
        assert decode_action(_json(action_to_dict(action))) == action
        assert f"### `{kind}`" in reference and json.dumps(example) in reference


def test_the_validator_refuses_what_the_engine_refuses():
    bad = [
        {"type": "ready", "sneaky": 1},
        {"type": "invest"},
        {"type": "propose_deal", "to": "AUS"},  # no clauses
        {"type": "propose_deal", "to": "AUS", "clauses": [{"type": "invest", "investor": "USA",
                                                          "host": "AUS", "amount": 5,
                                                          "mineral": "lithium", "kind": "mine",
                                                          "qty": 1}]},  # capacity, not qty
        {"type": "vote", "motion": "M1", "yes": "yes"},
        {"type": "propose_floor", "mineral": "lithium", "form": "slurry", "price": 1},
    ]
    for action in bad:
        assert S.check(action, "action", DOC), action
        with pytest.raises(RuleError):
            decode_action(action)


def test_every_action_the_bots_produce_in_100_games_validates():
    seen: list[dict[str, Any]] = []

    def record(action: Action) -> bool:
        seen.append(action_to_dict(action))
        return False  # refuse nothing: just look

    for i in range(100):
        scenario = LITE if i % 5 else MINISTERIAL
        seed = game_seed(11, i)
        play(scenario, seed, assign(scenario, "mix", 11, i), refuse=record)
    assert len(seen) > 5000
    kinds = {a["type"] for a in seen}
    assert {"propose_deal", "accept_deal", "submit_orders", "ready", "counter_deal"} <= kinds
    bad = [(a, e) for a in _json(seen) for e in [S.check(a, "action", DOC)] if e]
    assert bad == []


def _played(scenario: Any, seed: int) -> tuple[Game, list[dict[str, Any]],
                                               list[tuple[str, dict[str, Any]]]]:
    """A whole bot game, keeping every event and each viewer's view at every phase."""
    names = ("cooperative", "hawk", "passive")
    controllers = {s: f"bot:{names[i % 3]}" for i, s in enumerate(scenario.seat_ids)}
    game = Game.new(scenario, seed, controllers=controllers)
    events = [msgspec.to_builtins(e) for e in game.apply(FACILITATOR, Start())]
    views: list[tuple[str, dict[str, Any]]] = []
    while not game.is_over:
        key = (game.state.round, game.state.phase)
        for viewer in (*scenario.seat_ids, "spectator", "facilitator"):
            views.append((viewer, _json(game.view(viewer))))
        for _ in range(6):
            acted = False
            for seat in scenario.seat_ids:
                for action in act(game, seat):
                    if (game.state.round, game.state.phase) != key or game.is_over:
                        break
                    try:
                        events += [msgspec.to_builtins(e) for e in game.apply(seat, action)]
                        acted = True
                    except RuleError:
                        pass
            if not acted or (game.state.round, game.state.phase) != key:
                break
        if not game.is_over and (game.state.round, game.state.phase) == key:
            events += [msgspec.to_builtins(e) for e in game.apply(FACILITATOR,
                                                                  Advance(*key))]
    for viewer in (*scenario.seat_ids, "spectator", "facilitator"):
        views.append((viewer, _json(game.view(viewer))))
    return game, _json(events), views


TOPS = {"spectator": ("spectator_view", S.SpectatorView),
        "facilitator": ("facilitator_view", S.FacilitatorView)}


@pytest.mark.parametrize("scenario,seed", [(LITE, 3), (LITE, 4), (MINISTERIAL, 5)])
def test_every_view_and_event_of_whole_games_validates(scenario, seed):
    game, events, views = _played(scenario, seed)
    assert game.is_over and len(events) > 50
    kinds = {e["kind"] for e in events}
    assert {"round_started", "deal_proposed", "deal_signed", "round_resolved",
            "game_over", "ready", "card"} <= kinds
    for e in events:
        assert S.check(e, "event", DOC) == [], e
        msgspec.convert(e, S.EventMsg)
    assert any("scores" in v for _, v in views)
    for viewer, view in views:
        top, typ = TOPS.get(viewer, ("seat_view", S.SeatView))
        assert S.check(view, top, DOC) == [], (viewer, S.check(view, top, DOC)[:3])
        msgspec.convert(view, typ)
    # a key the types do not know fails (views are held to the types, not only shaped)
    viewer, view = views[-1]
    assert S.check({**view, "surprise": 1}, "facilitator_view", DOC)


def test_events_the_types_do_not_know_are_refused():
    assert S.check({"kind": "deal_proposed", "text": "x", "to": [], "data": {"deal": "D1"}},
                   "event", DOC)
    assert S.check({"kind": "telepathy", "text": "x", "to": [], "data": {}}, "event", DOC)
    assert S.check({"kind": "paused", "text": "x", "to": [], "data": {}}, "event", DOC) == []


def test_legal_answers_give_a_template_for_every_kind_and_the_templates_work():
    names = ("cooperative", "hawk", "passive")
    controllers = {s: f"bot:{names[i % 3]}" for i, s in enumerate(LITE.seat_ids)}
    game = Game.new(LITE, 9, controllers=controllers)
    game.apply(FACILITATOR, Start())
    checked = accepted = 0
    while not game.is_over and checked < 400:
        key = (game.state.round, game.state.phase)
        for seat in LITE.seat_ids:
            answer = _json(legal_dict(game, seat))
            assert S.check(answer, "legal", DOC) == []
            assert set(answer["templates"]) == set(answer["kinds"]), answer["kinds"]
            for kind, t in answer["templates"].items():
                checked += 1
                assert t["action"]["type"] == kind
                assert S.check(t["action"], "action", DOC) == [], t["action"]
                for name, f in t["fields"].items():
                    if "min" in f and "max" in f:
                        assert f["min"] <= f["max"], (kind, name, f)
                if kind in ("propose_deal", "submit_orders", "propose_standard"):
                    try:  # the example is a real action the engine takes as it is
                        game.copy().apply(seat, decode_action(t["action"]))
                        accepted += 1
                    except RuleError as exc:
                        assert exc.code in ("too_many_proposals", "insufficient_funds"), exc
            for action in act(game, seat):
                if (game.state.round, game.state.phase) == key and not game.is_over:
                    with contextlib.suppress(RuleError):
                        game.apply(seat, action)
        if not game.is_over and (game.state.round, game.state.phase) == key:
            game.apply(FACILITATOR, Advance(*key))
    assert checked > 100 and accepted > 30
    fac = legal_dict(game, FACILITATOR)
    assert set(fac["templates"]) <= set(fac["kinds"])


def test_created_names_the_deal_motion_or_dispute_an_action_made():
    game = Game.new(LITE, 2)
    game.apply(FACILITATOR, Start())
    seat, other = LITE.seat_ids[0], LITE.seat_ids[1]
    offer = legal_dict(game, seat)["templates"]["propose_deal"]["action"]
    events = game.apply(seat, decode_action({**offer, "to": other}))
    made = S.created("propose_deal", events)
    assert made is not None and made["deal"] in game.state.deals and made["version"] == 1
    deal = game.state.deals[made["deal"]]
    counter = {"type": "counter_deal", "deal": deal.id, "clauses": _json(deal.clauses)}
    events = game.apply(deal.recipient, decode_action(counter))
    assert S.created("counter_deal", _json([msgspec.to_builtins(e) for e in events])) == {
        "deal": deal.id, "version": 2}
    member = game.state.forge.members[0]
    events = game.apply(member, decode_action({"type": "propose_standard", "level": 3}))
    motion = S.created("propose_standard", events)
    assert motion is not None and any(m.id == motion["motion"] for m in game.state.forge.motions)
    assert S.created("ready", game.apply(seat, decode_action({"type": "ready"}))) is None
