"""The facilitator's controls that are not engine actions (those go through
`actions.apply_action` as FACILITATOR): the timer, people, chat moderation, announcements,
previewing the next card, forking and table settings. Every act on people is logged."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from game import FACILITATOR
from game.cards import next_card_id
from negotiation import briefing
from negotiation.errors import BAD_REQUEST, NOT_FOUND, ServiceError
from negotiation.models import Game, ModerationLog, Player
from negotiation.realtime import broadcast
from negotiation.services import chat, clock, games, loading

MAX_SPECTATOR_DELAY = games.MAX_SPECTATOR_DELAY


def _player(game: Game, player_id: Any) -> Player:
    if not isinstance(player_id, int) or isinstance(player_id, bool) or \
            not 0 < player_id <= chat.ID_MAX:
        raise ServiceError(BAD_REQUEST, "player must be a player id")
    p = Player.objects.filter(game=game, pk=player_id).first()
    if p is None:
        raise ServiceError(NOT_FOUND, gettext("no such player in this game"))
    return p


def remove_player(game: Game, player_id: Any, by: str) -> None:
    """Revoke a person's token and close their connections."""
    p = _player(game, player_id)
    with transaction.atomic():
        Player.objects.filter(pk=p.pk).update(revoked=True)
        ModerationLog.objects.create(game=game, by=by, act="remove", target=f"player:{p.pk}",
                                     detail={"name": p.name, "seat": p.seat.seat_id})
        broadcast.kick(game.pk, p.pk)
        broadcast.roster(game.pk)


def set_muted(game: Game, player_id: Any, muted: bool, by: str) -> None:
    p = _player(game, player_id)
    with transaction.atomic():
        Player.objects.filter(pk=p.pk).update(muted=muted)
        ModerationLog.objects.create(game=game, by=by, act="mute" if muted else "unmute",
                                     target=f"player:{p.pk}", detail={"name": p.name})
        broadcast.roster(game.pk)


def announce(game: Game, text: Any, by: str) -> int:
    """A message to everyone in the `announce` room: chat's rule for text (1..1000
    characters, newlines and tabs allowed, no control characters)."""
    msg = chat.post(game, sender=FACILITATOR, room=chat.ANNOUNCE, text=text, name="Facilitator")
    ModerationLog.objects.create(game=game, by=by, act="announce", target=f"message:{msg.pk}")
    return msg.pk


def preview_card(game: Game) -> dict[str, Any]:
    """The card the next draw would reveal (facilitator only; never broadcast)."""
    with loading.lock(game.pk):
        engine = loading.load(game).game
        card_id = next_card_id(engine)
        card = next((c for c in engine.scenario.cards if c.id == card_id), None)
    if card is None:
        return {"card": None}
    return {"card": {"id": card.id, "title": card.title, "text": card.text}}


def update_settings(game: Game, changes: Any, by: str) -> dict[str, Any]:
    """Spectator delay, school mode and the advisor may change mid-game; nothing else may."""
    if not isinstance(changes, dict) or not changes:
        raise ServiceError(BAD_REQUEST, "settings is an object")
    allowed = {"spectator_delay", "school_mode", "advisor"}
    if set(changes) - allowed:
        raise ServiceError(BAD_REQUEST, f"only {sorted(allowed)} may change during a game")
    with transaction.atomic():
        row = Game.objects.select_for_update().get(pk=game.pk)
        opts = dict(row.options)
        if "spectator_delay" in changes:
            d = changes["spectator_delay"]
            if not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= MAX_SPECTATOR_DELAY:
                raise ServiceError(BAD_REQUEST, f"spectator_delay is 0..{MAX_SPECTATOR_DELAY}")
            opts["spectator_delay"] = d
        if "school_mode" in changes:
            if not isinstance(changes["school_mode"], bool):
                raise ServiceError(BAD_REQUEST, "school_mode is true or false")
            opts["school_mode"] = changes["school_mode"]
        if "advisor" in changes:
            if not isinstance(changes["advisor"], bool):
                raise ServiceError(BAD_REQUEST, "advisor is true or false")
            opts["advisor"] = changes["advisor"]
        row.options = opts
        row.save(update_fields=["options", "updated"])
        ModerationLog.objects.create(game=row, by=by, act="settings", detail=changes)
        broadcast.settings_changed(row.pk)
    return public_settings(row)


def public_settings(row: Game) -> dict[str, Any]:
    o = row.options
    return {"spectator_delay": o.get("spectator_delay", 0),
            "school_mode": o.get("school_mode", False), "advisor": o.get("advisor", False),
            "negotiation_seconds": o.get("negotiation_seconds"),
            "orders_seconds": o.get("orders_seconds")}


def extend(game: Game, seconds: Any, by: str) -> dict[str, Any]:
    out = clock.extend(game.pk, seconds)
    ModerationLog.objects.create(game=game, by=by, act="timer", detail={"seconds": seconds})
    return out


def roster(game: Game) -> list[dict[str, Any]]:
    return [{"id": p.pk, "name": p.name, "seat": p.seat.seat_id, "muted": p.muted,
             "revoked": p.revoked, "briefed": p.briefed, "quiz": briefing.summary(p.quiz)}
            for p in Player.objects.filter(game=game).select_related("seat").order_by("pk")]
