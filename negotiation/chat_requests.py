"""A connection's chat requests (`chat`, `report`): who may speak, checked afresh on every
message against the database, so a removal or a seat handed to a bot holds in every
server process at once, whatever became of the broadcast that announced it."""

from __future__ import annotations

from typing import Any

from game import FACILITATOR
from negotiation import errors
from negotiation.models import Game, Player
from negotiation.services import chat


def current_player(game_id: int, player_id: int) -> Player:
    """The person behind a player socket, refused if removed or if a bot now plays the
    seat. Sync: run in the database thread."""
    player = Player.objects.select_related("seat").get(pk=player_id, game_id=game_id)
    if player.revoked:
        raise errors.ServiceError(errors.FORBIDDEN, "you were removed from this game")
    if player.seat.controller != "human":
        raise errors.ServiceError(errors.CONFLICT, "a bot plays this seat now")
    return player


def post(game_id: int, role: str, player_id: int | None, room: Any, text: Any,
         msg_id: str) -> int:
    """Post a message; its id. Sync: run in the database thread."""
    row = Game.objects.get(pk=game_id)
    if role == "facilitator":
        m = chat.post(row, sender=FACILITATOR, room=room, text=text, name="Facilitator",
                      client_msg_id=msg_id)
    else:
        assert player_id is not None
        player = current_player(game_id, player_id)
        m = chat.post(row, sender=player.seat.seat_id, room=room, text=text, player=player,
                      name=player.name, client_msg_id=msg_id)
    return int(m.pk)


def report(game_id: int, role: str, player_id: int | None, viewer: str, sender: str,
           message_id: Any, reason: Any) -> None:
    """Report a message to the facilitator. Sync: run in the database thread."""
    if not isinstance(message_id, int) or isinstance(message_id, bool):
        raise errors.ServiceError(errors.BAD_REQUEST, "payload.message is a message id")
    if not isinstance(reason, str):
        raise errors.ServiceError(errors.BAD_REQUEST, "payload.reason is text")
    if role == "player":
        assert player_id is not None
        current_player(game_id, player_id)
    row = Game.objects.get(pk=game_id)
    chat.report(row, message_id, viewer, by=sender, reason=reason)
