"""scores.json (the facilitator's export) holds each seat's score after every resolved
round, the same numbers the debrief's chart draws (game state `score_history`)."""

from __future__ import annotations

import pytest
from django.test import Client

from game import FACILITATOR
from negotiation.services import actions
from tests.server.helpers import make_game, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_scores_json_has_a_history_entry_per_resolved_round():
    user = make_user()
    game = make_game(user, bots={"CHN": "passive"})
    actions.apply_action(game.pk, FACILITATOR, {"type": "start"}, sender="f:1")
    c = Client()
    c.force_login(user)
    url = f"/g/{game.code}/export/scores.json"
    for resolved in (1, 2):
        for _ in range(2):  # negotiation, then orders: the round resolves
            actions.apply_action(game.pk, FACILITATOR, {"type": "advance"}, sender="f:1")
        scores = c.get(url).json()["scores"]
        assert set(scores) == {"USA", "AUS", "CHN"}  # server-tiny: two rounds
        for seat, s in scores.items():
            assert [h["round"] for h in s["history"]] == list(range(1, resolved + 1)), seat
            assert s["history"][-1]["total"] == s["total"]
            assert s["history"][-1]["parts"] == s["parts"]
    ended = c.get(url).json()  # the second round was the last
    assert ended["ended"]
    assert all(len(s["history"]) == 2 for s in ended["scores"].values())
