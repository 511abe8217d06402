"""The briefing before round 1: a seat's person reads who they are, their numbers, what
they want, their secret objective and how they score, and answers a three-question quiz
in the page (frontend/static/forge/js/render/briefing.js; the questions come from the
seat's own view, so nothing new is revealed, and the page knows the right answers).

The server keeps the quiz's result so the facilitator sees, live, who is briefed, who has
passed the quiz and how well: the page sends control op `quiz` {question, right} at each
answer, kept on the Player row (`quiz`: per question, tries and whether it is right).
When every question is right the quiz is passed and the person is briefed (`briefed`: the
questions right at the first try). The older op `briefed` {first_try} still says so in
one message, for a client that checks the quiz itself. Both are the only controls a player
may send (docs/protocol.md); each pushes the facilitator a roster."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from channels.db import database_sync_to_async
from django.db import transaction

from negotiation import errors
from negotiation.chat_requests import current_player
from negotiation.models import Player
from negotiation.realtime import broadcast

if TYPE_CHECKING:
    from negotiation import protocol

QUESTIONS = 3
OPS = ("briefed", "quiz")  # the controls a seat's person may send


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _seat_person(role: str | None, player_id: int | None) -> int:
    if role != "player" or player_id is None:
        raise errors.ServiceError(errors.FORBIDDEN, "only a seat's person is briefed")
    return player_id


def mark(game_id: int, role: str | None, player_id: int | None, payload: dict[str, Any]
         ) -> dict[str, int]:
    """Record the person as briefed; `payload.first_try` is how many of the quiz's
    questions they answered right at the first try (0-3). Sending it again replaces it.
    Sync: run in the database thread."""
    player = current_player(game_id, _seat_person(role, player_id))  # removed: refused
    first = payload.get("first_try")
    if not _whole(first, 0, QUESTIONS):
        raise errors.ServiceError(errors.BAD_REQUEST,
                                  f"payload.first_try is a whole number from 0 to {QUESTIONS}")
    Player.objects.filter(pk=player.pk).update(briefed=first)
    broadcast.roster(game_id)
    return {"briefed": first}


def summary(quiz: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the facilitator reads of a person's quiz: questions right so far of how many,
    how many at the first try, whether it is passed; None before the first answer."""
    if not quiz or not quiz.get("tries"):
        return None
    tries, right = quiz["tries"], quiz["right"]
    done = sum(1 for r in right if r)
    return {"right": done, "of": len(right), "passed": done == len(right),
            "first_try": sum(1 for t, r in zip(tries, right, strict=True) if r and t == 1),
            "wrong": sum(tries) - done}


def answer(game_id: int, role: str | None, player_id: int | None, payload: dict[str, Any]
           ) -> dict[str, Any]:
    """Record one answer to the quiz: `payload.question` (0-2) answered right or not
    (`payload.right`). A question already answered right stays so (a page sent again after
    a reconnect changes nothing). The answer that makes every question right passes the
    quiz and briefs the person. Sync: run in the database thread."""
    person = _seat_person(role, player_id)
    question, right = payload.get("question"), payload.get("right")
    if not _whole(question, 0, QUESTIONS - 1):
        raise errors.ServiceError(errors.BAD_REQUEST,
                                  f"payload.question is a whole number from 0 to {QUESTIONS - 1}")
    if not isinstance(right, bool):
        raise errors.ServiceError(errors.BAD_REQUEST, "payload.right is true or false")
    with transaction.atomic():  # two tabs of one person answering at once: no lost answer
        player = current_player(game_id, person)  # a removed person is refused
        row = Player.objects.select_for_update().get(pk=player.pk)
        quiz = row.quiz or {}
        tries = list(quiz.get("tries") or [0] * QUESTIONS)
        rights = list(quiz.get("right") or [False] * QUESTIONS)
        if not rights[question]:
            tries[question] += 1
            rights[question] = right
        row.quiz = {"tries": tries, "right": rights}
        found = summary(row.quiz)
        assert found is not None
        fields = ["quiz"]
        if found["passed"] and row.briefed is None:
            row.briefed = found["first_try"]
            fields.append("briefed")
        row.save(update_fields=fields)
    broadcast.roster(game_id)
    return {"quiz": found, "briefed": row.briefed}


async def receive(consumer: Any, env: protocol.Envelope) -> None:
    """The consumer's dispatch for the controls `briefed` and `quiz`: record, answer
    `ack {result}`."""
    handle = mark if env.payload.get("op") == "briefed" else answer
    result = await database_sync_to_async(handle)(consumer.game_id, consumer.role,
                                                  consumer.player_id, dict(env.payload))
    consumer._ack(env.id, result=result)
