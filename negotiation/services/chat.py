"""Chat rooms with the engine's rule for hidden information: a pair room is read only by
its two seats (and the facilitator); plenary and announcements are public. School mode
turns free chat off (structured proposals only); reports and every moderation act are
logged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from game import FACILITATOR, SPECTATOR
from game.errors import text_fault
from negotiation.errors import BAD_REQUEST, BAD_ROOM, CHAT_DISABLED, MUTED, NOT_FOUND, ServiceError
from negotiation.models import ChatMessage, Game, ModerationLog, Player
from negotiation.realtime import broadcast

PLENARY, ANNOUNCE = "plenary", "announce"
TEXT_MAX = 1000
REASON_MAX = 200
ROOM_MAX = 80  # ChatMessage.room
NAME_MAX = 40  # ChatMessage.name
ID_MAX = 2**63 - 1  # a database id (bigint); anything larger names nothing
HISTORY = 200


def clean_text(text: Any, max_len: int, what: str, *, multiline: bool = True,
               min_len: int = 1) -> str:
    """`text` without surrounding whitespace, if it is 1..max_len characters with no
    control character (newlines and tabs only where `multiline`); else bad_request. The
    same rule as the engine's for the text it keeps (`game.errors.text_fault`), checked
    before any database sees the text, so SQLite and PostgreSQL answer alike."""
    if not isinstance(text, str):
        raise ServiceError(BAD_REQUEST, gettext("%(what)s must be text") % {"what": what})
    text = text.strip()
    fault = text_fault(text, max_len, multiline=multiline, min_len=min_len)
    if fault is not None:
        raise ServiceError(BAD_REQUEST, f"{what} {fault}")
    return text


def checked_id(value: Any) -> int:
    """A chat message id from a client: a positive whole number (else bad_request)."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= ID_MAX:
        raise ServiceError(BAD_REQUEST, "a message id is a positive whole number")
    return value


def pair_room(a: str, b: str) -> str:
    x, y = sorted((a, b))
    return f"pair:{x}|{y}"


def room_seats(room: str) -> tuple[str, str] | None:
    if len(room) > ROOM_MAX or not room.startswith("pair:") or room.count("|") != 1:
        return None
    a, b = room[5:].split("|")
    return (a, b) if a and b and a < b else None


def can_read(room: str, viewer: str) -> bool:
    if viewer == FACILITATOR or room in (PLENARY, ANNOUNCE):
        return True
    seats = room_seats(room)
    return seats is not None and viewer in seats


def _visible_q(viewer: str) -> Q:
    if viewer == FACILITATOR:
        return Q()
    q = Q(room__in=(PLENARY, ANNOUNCE), hidden=False)
    if viewer != SPECTATOR:
        q |= (Q(room__startswith=f"pair:{viewer}|") | Q(room__endswith=f"|{viewer}")) & \
            Q(hidden=False)
    return q


def as_dict(m: ChatMessage) -> dict[str, Any]:
    return {"id": m.id, "room": m.room, "sender": m.sender, "name": m.name, "text": m.text,
            "created": m.created.isoformat(), "hidden": m.hidden}


def history(game_id: int, viewer: str, after: int = 0, delay: float = 0) -> list[dict[str, Any]]:
    """Messages the viewer may read with id > after, oldest first (a spectator's are held
    back by the game's spectator delay)."""
    after = min(after, ID_MAX)  # (a client's last_chat: no id is larger)
    qs = ChatMessage.objects.filter(_visible_q(viewer), game_id=game_id, id__gt=after)
    if delay:
        qs = qs.filter(created__lte=timezone.now() - timedelta(seconds=delay))
    rows = list(qs.order_by("-id")[:HISTORY])
    return [as_dict(m) for m in reversed(rows)]


def message_for(game_id: int, message_id: int, viewer: str) -> dict[str, Any] | None:
    m = ChatMessage.objects.filter(_visible_q(viewer), game_id=game_id, pk=message_id).first()
    return as_dict(m) if m else None


def post(game: Game, *, sender: str, room: str, text: str, player: Player | None = None,
         name: str = "", client_msg_id: str | None = None) -> ChatMessage:
    """A seat posts to plenary or one of its pair rooms; the facilitator anywhere.

    The text is stripped of surrounding whitespace and must then be 1..1000 characters,
    newlines and tabs allowed, no other control character (bad_request); a room is one of
    the game's (bad_room), so nothing unchecked reaches the database."""
    text = clean_text(text, TEXT_MAX, "a message")
    if not isinstance(room, str):
        raise ServiceError(BAD_ROOM, "room must be a string")
    shown = room if len(room) <= ROOM_MAX else f"{room[:ROOM_MAX]}..."
    seats = room_seats(room)
    if seats is not None and not all(s in _seat_ids(game) for s in seats):
        raise ServiceError(BAD_ROOM, gettext("no room %(room)r") % {"room": shown})
    if sender == FACILITATOR:
        if room not in (PLENARY, ANNOUNCE) and seats is None:
            raise ServiceError(BAD_ROOM, gettext("no room %(room)r") % {"room": shown})
    else:
        if room == ANNOUNCE:
            raise ServiceError(BAD_ROOM, gettext("only the facilitator announces"))
        if room != PLENARY and (seats is None or sender not in seats):
            raise ServiceError(BAD_ROOM, gettext("you cannot write to %(room)r") % {"room": shown})
        if game.options.get("school_mode"):
            raise ServiceError(CHAT_DISABLED, gettext("free chat is off in school mode"))
        if player is not None and player.muted:
            raise ServiceError(MUTED, gettext("the facilitator has muted you"))
    if client_msg_id is not None:
        prev = ChatMessage.objects.filter(game=game, sender=sender, player=player,
                                          client_msg_id=client_msg_id).first()
        if prev is not None:
            return prev
    with transaction.atomic():
        msg = ChatMessage.objects.create(game=game, room=room, sender=sender, player=player,
                                         name=name[:NAME_MAX] or sender, text=text,
                                         client_msg_id=client_msg_id)
        broadcast.chat(game.pk, msg.pk)
    return msg


def _seat_ids(game: Game) -> set[str]:
    return set(game.seats.values_list("seat_id", flat=True))


def report(game: Game, message_id: Any, viewer: str, by: str, reason: Any = "") -> None:
    """Flag a message the viewer can read for the facilitator; logged. The reason is
    optional text of at most 200 characters (the rule of `clean_text`)."""
    message_id = checked_id(message_id)
    reason = clean_text(reason, REASON_MAX, "a reason", min_len=0)
    m = ChatMessage.objects.filter(_visible_q(viewer), game=game, pk=message_id).first()
    if m is None:
        raise ServiceError(NOT_FOUND, gettext("no such message"))
    with transaction.atomic():
        ChatMessage.objects.filter(pk=m.pk).update(reported=True)
        ModerationLog.objects.create(game=game, by=by, act="report", target=f"message:{m.pk}",
                                     detail={"reason": reason})


def hide(game: Game, message_id: Any, by: str) -> None:
    message_id = checked_id(message_id)
    with transaction.atomic():
        n = ChatMessage.objects.filter(game=game, pk=message_id).update(hidden=True)
        if not n:
            raise ServiceError(NOT_FOUND, gettext("no such message"))
        ModerationLog.objects.create(game=game, by=by, act="hide", target=f"message:{message_id}")
        broadcast.chat_hidden(game.pk, message_id)


def hidden_for(game_id: int, message_id: int, viewer: str) -> dict[str, Any] | None:
    """A hidden message as the viewer should now hold it: the facilitator keeps it whole
    (marked hidden); a reader of its room gets it without its text, to remove it; anyone
    else gets nothing."""
    m = ChatMessage.objects.filter(game_id=game_id, pk=message_id, hidden=True).first()
    if m is None or not can_read(m.room, viewer):
        return None
    out = as_dict(m)
    if viewer != FACILITATOR:
        out["text"] = ""
    return out
