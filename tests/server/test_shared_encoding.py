"""Rendering shares the encoding of a version's public parts across viewers (by object
identity): no viewer may ever receive another's private parts that way."""

from __future__ import annotations

import json

from game import FACILITATOR, SPECTATOR, Game
from game.actions import ProposeDeal, Start
from game.clauses import Payment
from negotiation import scenarios
from negotiation.services import rendering


def test_each_viewer_gets_its_own_encoding_of_a_shared_version():
    """The encodings of a version's shared parts are reused across viewers by identity:
    every viewer's encoded keys still decode to exactly its own view."""
    game = Game.new(scenarios.get("classroom-lite"), 3, baseline=False)
    game.apply(FACILITATOR, Start())
    game.apply("USA", ProposeDeal(to="AUS", clauses=(Payment(payer="USA", payee="AUS",
                                                             amount=2),)))
    viewers = [*game.state.seats, SPECTATOR, FACILITATOR]
    encoded = {v: rendering._encode_keys(-1, game.state.seq, rendering.view_for(game, v))
               for v in viewers}
    for v in viewers:
        got = {k: json.loads(b) for k, b in encoded[v].items()}
        assert got == json.loads(json.dumps(rendering.view_for(game, v))), v
    assert encoded["USA"]["proposals"] != encoded["CHN"]["proposals"]
    assert encoded["USA"]["seats"] is encoded["CHN"]["seats"]  # encoded once
