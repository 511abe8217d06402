"""The briefing before round 1: a seat's person reads who they are, their numbers, what
they want, their secret objective and how they score, and answers a three-question quiz
in the page (frontend/static/forge/js/render/briefing.js; the questions come from the
seat's own view, so nothing new is revealed and the answers are checked in the page).

The server only records that the person is briefed, and how many of the three questions
they got right at the first try, on their Player row (`briefed`: null until then), and
tells the facilitator (a roster push). The message is the `control` op `briefed`, the one
control a player may send (docs/protocol.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from channels.db import database_sync_to_async

from negotiation import errors
from negotiation.chat_requests import current_player
from negotiation.models import Player
from negotiation.realtime import broadcast

if TYPE_CHECKING:
    from negotiation import protocol

QUESTIONS = 3


def mark(game_id: int, role: str | None, player_id: int | None, payload: dict[str, Any]
         ) -> dict[str, int]:
    """Record the person as briefed; `payload.first_try` is how many of the quiz's
    questions they answered right at the first try (0-3). Sending it again replaces it.
    Sync: run in the database thread."""
    if role != "player" or player_id is None:
        raise errors.ServiceError(errors.FORBIDDEN, "only a seat's person is briefed")
    first = payload.get("first_try")
    if not isinstance(first, int) or isinstance(first, bool) or not 0 <= first <= QUESTIONS:
        raise errors.ServiceError(errors.BAD_REQUEST,
                                  f"payload.first_try is a whole number from 0 to {QUESTIONS}")
    player = current_player(game_id, player_id)  # a removed person is refused
    Player.objects.filter(pk=player.pk).update(briefed=first)
    broadcast.roster(game_id)
    return {"briefed": first}


async def receive(consumer: Any, env: protocol.Envelope) -> None:
    """The consumer's dispatch for `control` `briefed`: record it, answer `ack {result}`."""
    result = await database_sync_to_async(mark)(consumer.game_id, consumer.role,
                                                consumer.player_id, dict(env.payload))
    consumer._ack(env.id, result=result)
