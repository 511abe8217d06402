"""Bots that fail do not fill the log (issue 9: no state can jam a game): the background
step logs a failing game's bots once and leaves them until the game changes."""

from __future__ import annotations

import pytest

from game import FACILITATOR
from negotiation.realtime import background
from negotiation.services import actions, bots
from tests.server.helpers import make_game, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_failing_bots_are_logged_once_per_version(monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    game = make_game(make_user(), bots={"CHN": "hawk"})
    actions.apply_action(game.pk, FACILITATOR, {"type": "start"}, sender="f:1")
    real = bots._one_pass

    def broken(game_id: int) -> int:
        raise RuntimeError("a bot's bug")

    monkeypatch.setattr(bots, "_one_pass", broken)
    for _ in range(20):
        background.step()
    failures = [r for r in caplog.records if "bots failed" in r.getMessage()]
    assert len(failures) == 1 and failures[0].exc_info is not None

    # The game changes: the bots get another go (and fail again, once).
    actions.apply_action(game.pk, FACILITATOR, {"type": "pause"}, sender="f:1")
    actions.apply_action(game.pk, FACILITATOR, {"type": "resume"}, sender="f:1")
    for _ in range(5):
        background.step()
    assert len([r for r in caplog.records if "bots failed" in r.getMessage()]) == 2

    # Mended: they act, and the game's bots are up to date.
    monkeypatch.setattr(bots, "_one_pass", real)
    actions.apply_action(game.pk, FACILITATOR, {"type": "pause"}, sender="f:1")
    actions.apply_action(game.pk, FACILITATOR, {"type": "resume"}, sender="f:1")
    background.step()
    assert bots.pending_games() == []
