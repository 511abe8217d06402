"""Rendering shares the encoding of a version's public parts across viewers (by object
identity): no viewer may ever receive another's private parts that way."""

from __future__ import annotations

import json

import msgspec

from game import FACILITATOR, SPECTATOR, Game
from game.actions import ProposeDeal, Start, WithdrawDeal
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


def test_deal_encodings_carried_across_versions_match_a_fresh_encoding():
    """A deal's encoding is kept from one version to the next while the engine reuses its
    dict; whatever happens to the deals, every key stays byte for byte what encoding the
    view afresh gives."""
    game = Game.new(scenarios.get("classroom-lite"), 3, baseline=False)
    game.apply(FACILITATOR, Start())
    seats = list(game.state.seats)
    viewers = [*seats, SPECTATOR, FACILITATOR]
    for step in range(60):
        seat, to = seats[step % len(seats)], seats[(step + 1) % len(seats)]
        mine = [d for d in game.state.deals.values()
                if d.proposer == seat and d.status == "proposed"]
        if mine and step % 3 == 1:
            game.apply(seat, WithdrawDeal(deal=mine[0].id))
        else:
            game.apply(seat, ProposeDeal(to=to, clauses=(
                Payment(payer=seat, payee=to, amount=1 + step % 2),)))
        for v in viewers:
            view = rendering.view_for(game, v)
            got = rendering._encode_keys(-2, game.state.seq, view)
            assert got == {k: msgspec.json.encode(x) for k, x in view.items()}, (step, v)
    assert rendering._SHARED[-2].older  # deals were carried over from the version before
