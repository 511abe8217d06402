"""The advisor (issue 3): a seat asks, when the facilitator has switched it on for the
game, and gets the cooperative bot's advice on the current state (game/bots/advisor.py:
the best deal to propose, a verdict per open offer, suggested orders, each with a reason).

Every use is recorded (AdviceLog) for the debrief and the assessment sheet. A resent
request (same sender and id) answers with the advice first given and is recorded once.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from game.bots.advisor import advise
from negotiation.errors import ADVISOR_OFF, FORBIDDEN, ServiceError
from negotiation.models import AdviceLog, Game, Player
from negotiation.services import loading


def enabled(row: Game) -> bool:
    return bool(row.options.get("advisor", False))


def ask(game_id: int, player_id: int, client_msg_id: str | None = None) -> dict[str, Any]:
    """Advice for the player's seat on the game as committed now; recorded."""
    row = Game.objects.only("pk", "version", "scenario_id", "seed", "options").get(pk=game_id)
    if not enabled(row):
        raise ServiceError(ADVISOR_OFF, gettext("the facilitator has not switched the advisor on"))
    player = Player.objects.select_related("seat").get(pk=player_id)
    if player.revoked:
        raise ServiceError(FORBIDDEN, gettext("you were removed from this game"))
    if client_msg_id is not None:
        prev = AdviceLog.objects.filter(game_id=game_id, player_id=player_id,
                                        client_msg_id=client_msg_id).only("advice", "seq").first()
        if prev is not None:
            return {**prev.advice, "seq": prev.seq}
    seat = player.seat.seat_id
    with loading.lock(game_id):
        entry = loading.load(row)
        seq = entry.version
        advice = advise(entry.game, seat)
    AdviceLog.objects.create(game_id=game_id, seat=seat, player=player, seq=seq,
                             advice=advice, client_msg_id=client_msg_id)
    return {**advice, "seq": seq}


def uses(row: Game) -> list[dict[str, Any]]:
    """Every use of the advisor in this game, oldest first (the `advice.json` export)."""
    return [{"seq": a.seq, "seat": a.seat, "player": a.player_id,
             "name": a.player.name if a.player else None,
             "created": a.created.isoformat(), "advice": a.advice}
            for a in AdviceLog.objects.filter(game=row).select_related("player").order_by("id")]
