"""The per-process safety net under the channel layer.

The layer is at-most-once (a full channel drops group messages, a Redis restart drops
whatever was in flight), so every few seconds each process reads the version, clock and
latest chat id of the games it has connections for, and tells its own connections about
anything they have not been told. A lost broadcast costs a delay, never a divergence.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from django.db.models import Max

from negotiation.models import ChatMessage, Game
from negotiation.realtime import hub

log = logging.getLogger("negotiation.realtime.watch")


class Watcher(Protocol):
    def heal(self, version: int, clock_key: Any, settings_key: Any, chat_max: int) -> None: ...


def watched() -> list[int]:
    return hub.current().games()


State = tuple[int, Any, Any, int]  # version, clock key, settings key, latest chat id


def read_state(game_ids: list[int]) -> dict[int, State]:
    """Per game: what its connections should hold. Sync: run in the database thread."""
    if not game_ids:
        return {}
    rows = Game.objects.filter(pk__in=game_ids).values_list(
        "pk", "version", "status", "deadline", "paused_remaining", "options")
    chats = dict(ChatMessage.objects.filter(game_id__in=game_ids).values("game_id")
                 .annotate(m=Max("id")).values_list("game_id", "m"))
    return {pk: (version, (status, deadline, paused), settings_key(options), chats.get(pk) or 0)
            for pk, version, status, deadline, paused, options in rows}


def clock_key(row: Game) -> tuple[Any, ...]:
    """What a `clock` push shows, for telling whether a connection has seen the latest."""
    return (row.status, row.deadline, row.paused_remaining)


def settings_key(options: dict[str, Any]) -> tuple[Any, ...]:
    """The settings that may change mid-game (services/facilitator.update_settings)."""
    return (options.get("spectator_delay"), options.get("school_mode"), options.get("advisor"))


def heal(states: dict[int, State]) -> None:
    h = hub.current()
    for game_id, (version, clock_key, settings, chat_max) in states.items():
        for conn in h.connections(game_id):
            try:
                conn.heal(version, clock_key, settings, chat_max)
            except Exception:
                log.exception("game %s: heal failed", game_id)
