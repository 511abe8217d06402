"""Bots: play any seat through the same actions a person uses.

    actions = act(game, "USA")   # what the US bot does now, in order

`act` only fetches the seat's own view and its legal actions, and hands them to the
strategy named by the seat's controller ("bot:cooperative" | "bot:hawk" | "bot:passive");
the strategy never sees the Game, so it cannot read another seat's secrets. Randomness
comes from the game's seed, so a game of bots replays exactly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.actions import Action, Ready, RejectDeal, RespondPrompt, Vote
from game.bots.strategies import NEEDS_VIEW, STRATEGIES
from game.legal import Legal

if TYPE_CHECKING:
    from game.engine import Game

__all__ = ["STRATEGIES", "act", "strategy_of"]


def strategy_of(controller: str) -> str:
    """The strategy a controller names; a human seat asking for help gets the cooperative."""
    name = controller.removeprefix("bot:")
    return name if name in STRATEGIES else "cooperative"


def act(game: Game, seat: str) -> list[Action]:
    """The actions the seat's bot takes now, in order (empty when it has nothing to do)."""
    legal = game.legal_actions(seat)
    if not legal.kinds or _idle(legal):
        return []
    name = strategy_of(game.state.seats[seat].controller)
    view = game.view(seat) if name in NEEDS_VIEW else {}
    return STRATEGIES[name](view, legal, game.state.seed)


def _idle(legal: Legal) -> bool:
    """A bot that has declared itself ready only reacts to something addressed to it (an
    offer, a vote, a prompt); seeing none, it has nothing to do and needs no view."""
    ready = Ready(False) in legal.actions
    return ready and not any(isinstance(a, (RejectDeal, Vote, RespondPrompt))
                             for a in legal.actions)
