"""The facilitator's controls that are not engine actions (docs/protocol.md, "Facilitator
controls"), by name: one place that maps a control to its service."""

from __future__ import annotations

from typing import Any

from negotiation import errors
from negotiation.models import Game
from negotiation.services import chat, facilitator, games


def control(game_id: int, op: str, p: dict[str, Any], by: str) -> Any:
    """Run control `op` with arguments `p` for the facilitator `by`; its result. Sync: run
    in the database thread."""
    row = Game.objects.get(pk=game_id)
    if op == "extend":
        return facilitator.extend(row, p.get("seconds"), by)
    if op == "remove":
        facilitator.remove_player(row, p.get("player"), by)
        return None
    if op in ("mute", "unmute"):
        facilitator.set_muted(row, p.get("player"), op == "mute", by)
        return None
    if op == "announce":
        return {"message": facilitator.announce(row, p.get("text"), by)}
    if op == "preview_card":
        return facilitator.preview_card(row)
    if op == "hide_message":
        message_id = p.get("message")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise errors.ServiceError(errors.BAD_REQUEST, "message is a message id")
        chat.hide(row, message_id, by)
        return None
    if op == "settings":
        return facilitator.update_settings(row, p.get("settings"), by)
    if op == "roster":
        return {"players": facilitator.roster(row)}
    if op == "fork":
        new = games.fork(row.pk, p.get("round"), row.created_by)
        return {"game": new.code, "version": new.version}
    raise errors.ServiceError(errors.BAD_REQUEST, f"unknown control {op[:40]!r}")
