"""What becomes public (docs/rules.md, section 2), walked over whole bot games of both
shipped scenarios: after every accepted action, every seat's view and the spectator's.

- A deal's note is read by its two parties and the facilitator only: while it is a
  proposal, once it is signed, and after the game has ended.
- Objectives (ids and texts) are a seat's own secret until the game ends; then every view
  shows every seat's, with which were met, for the debrief; so is every seat's score
  after each round (`scores[seat].history`). (Searching every view for
  every other seat's objectives is the costly part: it is done at every phase change and
  every tenth action; the rest after every action.)

The bots' notes repeat ("r2 cooperative: ..."), so each proposal's note gets a unique tag
appended before it is applied (bots read only a note's first word, its round): a note can
then be searched for in a view's JSON and found only where it belongs.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import msgspec
import pytest

from game import FACILITATOR, SPECTATOR, Game, load_scenario
from game.actions import AcceptDeal, Action, Advance, CounterDeal, ProposeDeal, Start, SubmitOrders
from game.bots import act
from game.clauses import Invest, Payment
from game.errors import RuleError
from game.orders import Orders
from game.scenario import Scenario
from game.scoring import objective_points
from game.simulate import MAX_PASSES, assign
from tests.engine.conftest import negotiation_phase, sign, to_orders

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"
SIGNED = ("active", "completed", "breached", "cancelled")
LISTED = (*SIGNED, "framework", "upgraded")  # a scenario's frameworks are public too


TAG = re.compile(r"#note-\d+#")


def _tagged(action: Action, tags: itertools.count[int]) -> Action:
    if isinstance(action, (ProposeDeal, CounterDeal)):
        return msgspec.structs.replace(action, note=f"{action.note} #note-{next(tags)}#")
    return action


class Walk:
    """One bot game, its views checked after every accepted action."""

    def __init__(self, game: Game) -> None:
        self.game = game
        # every objective's id and text, and whose it is
        self.secrets = [(x, c.id) for c in game.scenario.countries for o in c.objectives
                        for x in (o.id, o.text)]
        self.checks = 0
        self.notes_seen_by_parties = 0  # a signed deal's note found in a party's view
        self.notes_of_signed = 0  # signed deals with a note, at the end

    def check(self, deep: bool = True) -> None:
        """Every view after this action; `deep` also searches each view's JSON for every
        other seat's objective ids and texts (done at least once a phase and every tenth
        action: a scan per objective per view is most of the cost)."""
        game, st = self.game, self.game.state
        ended = st.phase == "ended"
        deals = st.deals
        by_tag = {m.group(): d for d in deals.values() for m in TAG.finditer(d.note)}
        for viewer in [*st.seats, SPECTATOR]:
            view = game.view(viewer)
            text = msgspec.json.encode(view).decode()
            # notes: only where the viewer is a party, never as text anywhere else (each
            # note's unique tag, searched for in the whole view)
            for tag in set(TAG.findall(text)):
                d = by_tag[tag]
                assert viewer in (d.a, d.b), (viewer, d.id, d.status, st.phase)
            for listed in [*view["deals"], *view.get("proposals", [])]:
                d = deals[listed["id"]]
                if viewer in (d.a, d.b):
                    assert listed.get("note") == d.note, (viewer, d.id)
                    if d.status in SIGNED and d.note:
                        self.notes_seen_by_parties += 1
                else:
                    assert "note" not in listed, (viewer, d.id)
            assert [x["id"] for x in view["deals"]] == \
                [d.id for d in deals.values() if d.status in LISTED]
            # objectives: the viewer's own while playing; everyone's at the end
            if deep and not ended:
                for secret, seat in self.secrets:
                    assert seat == viewer or secret not in text, (viewer, seat, secret)
            if ended:
                self._check_debrief(view)
            else:
                assert "scores" not in view
                assert '"history"' not in text  # nobody's score round by round
        # the facilitator reads every signed deal's note
        for listed in game.view(FACILITATOR)["deals"]:
            assert listed["note"] == deals[listed["id"]].note
        self.checks += 1

    def _check_debrief(self, view: dict[str, Any]) -> None:
        game = self.game
        scores = view["scores"]
        assert set(scores) == set(game.state.seats)
        for seat, score in scores.items():
            objectives = game.scenario.country(seat).objectives
            shown = score["objective_list"]
            points = objective_points(game.scenario.country(seat))  # what meeting one adds
            assert [(o["id"], o["text"], o["bonus"]) for o in shown] == \
                [(o.id, o.text, points[o.id]) for o in objectives]
            assert set(score["objectives"]) == {o.id for o in objectives}  # met or not
            assert score["objectives"] == game.state.scores[seat].objectives
            assert score["total"] == game.state.scores[seat].total
            # the score after every resolved round (the last is the final one)
            history = score["history"]
            assert [h["round"] for h in history] == list(range(1, len(game.state.reports) + 1))
            assert history[-1]["total"] == score["total"]

    def play(self) -> None:
        """simulate.play's loop, with a check after every accepted action."""
        game = self.game
        tags = itertools.count(1)
        game.apply(FACILITATOR, Start())
        self.check()
        seats = list(game.state.seats)
        while not game.is_over:
            key = (game.state.round, game.state.phase)
            for _ in range(MAX_PASSES):
                acted = False
                for seat in seats:
                    for action in act(game, seat) if self._at(key) else []:
                        if not self._at(key):
                            break
                        try:
                            game.apply(seat, _tagged(action, tags))
                        except RuleError:
                            continue
                        acted = True
                        self.check(deep=self.checks % 10 == 0)
                if not acted or not self._at(key):
                    break
            if self._at(key):
                game.apply(FACILITATOR, Advance(*key))
                self.check()
        self.notes_of_signed = sum(1 for d in game.state.deals.values()
                                   if d.status in SIGNED and d.note)

    def _at(self, key: tuple[int, str]) -> bool:
        return not self.game.is_over and (self.game.state.round, self.game.state.phase) == key


@pytest.mark.parametrize(("name", "seed", "rounds"), [
    ("classroom-lite", 1, None),
    ("classroom-lite", 3, None),  # seed 2's bots now sign one deal only (they value
    ("ministerial-2026", 1, None),  # standards and money as scored): too few notes to check
])
def test_notes_and_objectives_show_only_where_the_rules_say(name: str, seed: int,
                                                            rounds: int | None) -> None:
    scenario = load_scenario(SCENARIOS / f"{name}.json")
    ids = [o.id for c in scenario.countries for o in c.objectives]
    texts = [o.text for c in scenario.countries for o in c.objectives]
    assert len(set(ids)) == len(ids) and len(set(texts)) == len(texts)  # searchable
    strategies = assign(scenario, "mix", seed, 0)
    game = Game.new(scenario, seed, rounds=rounds,
                    controllers={s: f"bot:{strategies[s]}" for s in scenario.seat_ids})
    walk = Walk(game)
    walk.play()
    assert game.is_over
    # the walk saw what it was meant to: deals signed with notes, read by their parties,
    # and every view checked at the end
    assert walk.notes_of_signed >= 2, "no signed deal carried a note: nothing was tested"
    assert walk.notes_seen_by_parties >= walk.notes_of_signed
    assert walk.checks > 50


def test_a_spectator_and_a_third_seat_never_read_a_signed_deal_note() -> None:
    """By hand, on classroom-lite: AUS offers CHN a deal with a note; CHN signs; the game
    ends. At every step the note is in the parties' and the facilitator's views only."""
    scenario = load_scenario(SCENARIOS / "classroom-lite.json")
    game = Game.new(scenario, 5, rounds=1)
    game.apply(FACILITATOR, Start())
    note = "between us: we need this before the election"
    game.apply("AUS", ProposeDeal(to="CHN", clauses=(Payment(payer="CHN", payee="AUS",
                                                             amount=1),), note=note))
    (deal,) = [d for d in game.state.deals if game.state.deals[d].status == "proposed"]
    seen_at: list[str] = []

    def look(stage: str) -> None:
        for viewer in [*game.state.seats, SPECTATOR, FACILITATOR]:
            text = msgspec.json.encode(game.view(viewer)).decode()
            assert (note in text) == (viewer in ("AUS", "CHN", FACILITATOR)), (stage, viewer)
        seen_at.append(stage)

    look("proposed")
    game.apply("CHN", AcceptDeal(deal=deal))
    assert game.state.deals[deal].status == "active"
    look("signed")
    while not game.is_over:
        game.apply(FACILITATOR, Advance())
    look("ended")
    assert seen_at == ["proposed", "signed", "ended"]


def test_a_project_still_being_built_is_listed_to_its_investor_alone(
    tiny_scenario: Scenario,
) -> None:
    """USE finances a 1-lot lithium refinery in MIN, which takes two rounds to build. USE's
    view lists the project from signing until it is built, with the round it arrives in (the
    lead time's, not the clause's shorter delay); postponed in round 1, a round later. MIN,
    the host, REF and the spectator never see the list; the facilitator does (`private`)."""
    sc = msgspec.structs.replace(tiny_scenario, minerals=tuple(
        msgspec.structs.replace(m, invest_delay=2) if m.id == "li" else m
        for m in tiny_scenario.minerals))
    game = negotiation_phase(sc)
    deal = sign(game, "USE", "MIN", Invest(
        investor="USE", host="MIN", amount=30, mineral="li", kind="refine", capacity=1,
        delay=1, offtake_bp=10000, offtake_price=8), rounds=3).id

    def listed() -> list[dict[str, Any]]:
        for v in ("MIN", "REF"):
            assert game.view(v)["me"]["building"] == [], v
        assert '"building"' not in msgspec.json.encode(game.view(SPECTATOR)).decode()
        mine: list[dict[str, Any]] = game.view("USE")["me"]["building"]
        assert game.view(FACILITATOR)["private"]["USE"]["building"] == mine
        return mine

    project = {"deal": deal, "partner": "MIN", "mineral": "li", "kind": "refine", "lots": 1,
               "arrives": 2}
    assert listed() == [project]
    to_orders(game)
    game.apply("USE", SubmitOrders(orders=Orders(postpone=(deal,))))
    game.apply(FACILITATOR, Advance())
    to_orders(game)
    assert listed() == [{**project, "arrives": 3}]
    assert game.state.seats["MIN"].capacity["li"].refine == 0
    game.apply(FACILITATOR, Advance())  # round 2 resolves: not yet
    to_orders(game)
    assert listed() == [{**project, "arrives": 3}]
    assert game.state.seats["MIN"].capacity["li"].refine == 0
    game.apply(FACILITATOR, Advance())  # round 3 resolves: the refinery is built
    assert game.state.seats["MIN"].capacity["li"].refine == 1
    assert listed() == []
