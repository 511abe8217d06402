"""FORGE's rules engine: pure Python, integer state, one apply entry point.

game = Game.new(load_scenario(path), seed=1)
game.apply(FACILITATOR, Start())
game.apply("USA", ProposeDeal(to="AUS", clauses=(...,), rounds=2))
game.view("USA")  # what the US delegation may see
"""

from game.actions import FACILITATOR, SPECTATOR, Action, decode_action, encode_action
from game.engine import Game
from game.errors import ErrorCode, RuleError, ScenarioError
from game.event import Event, visible
from game.scenario import Scenario, load_scenario, parse_scenario

__all__ = [
    "FACILITATOR",
    "SPECTATOR",
    "Action",
    "ErrorCode",
    "Event",
    "Game",
    "RuleError",
    "Scenario",
    "ScenarioError",
    "decode_action",
    "encode_action",
    "load_scenario",
    "parse_scenario",
    "visible",
]
