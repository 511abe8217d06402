"""The built-in bots as client agents: the engine's strategies (`game.bots.strategies`),
unchanged, behind the agent signature `(view, legal) -> action | list of actions | None`.

    python -m forge_client play --url http://127.0.0.1:8000 --code ABCD23 --seat USA \\
        --agent forge_client.agents:cooperative

A strategy reads only the seat's view and the legal answer, as a client does; this module
turns the answer's dicts back into the engine's types, calls the strategy and returns its
actions as dicts. `bot(name, seed)` gives one seeded like the game (the server's bots use
the game's seed; a client that does not know it gets 0).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from game.actions import Action, action_to_dict
from game.bots import _idle
from game.bots.strategies import NEEDS_VIEW, STRATEGIES
from game.legal import Legal

Agent = Callable[[dict[str, Any], dict[str, Any]], Any]


def to_legal(legal: dict[str, Any]) -> Legal:
    """A `legal` answer (dicts, as received) as the engine's Legal."""
    return Legal(list(legal["kinds"]),
                 [msgspec.convert(a, Action) for a in legal["actions"]])


def bot(name: str, seed: int = 0) -> Agent:
    """The built-in strategy `name` (cooperative, hawk, passive) as an agent."""
    strategy = STRATEGIES[name]

    def agent(view: dict[str, Any], legal: dict[str, Any]) -> list[dict[str, Any]]:
        la = to_legal(legal)
        if not la.kinds or _idle(la):  # as game.bots.act: nothing to react to
            return []
        return [action_to_dict(a) for a in strategy(view if name in NEEDS_VIEW else {},
                                                    la, seed)]

    agent.__name__ = name
    return agent


cooperative = bot("cooperative")
hawk = bot("hawk")
passive = bot("passive")
