"""Post-commit notifications through the channel layer.

They carry ids and version numbers only, never game content: Redis is no place for
secrets, and a layer may drop messages, so every connection reads what it may see from
the database when told something changed (and the version watcher heals a lost one).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger("negotiation.broadcast")


def group_name(game_id: int) -> str:
    return f"forge.game.{game_id}"


def send_now(game_id: int, message: dict[str, Any]) -> None:
    """Send on the server's event loop without waiting for it: the database thread is the
    one lane every commit goes through, and must not queue behind a busy loop."""
    layer = get_channel_layer()
    if layer is None:
        return
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is not None and loop.is_running():
        loop.call_soon_threadsafe(_spawn, loop, layer.group_send(group_name(game_id), message),
                                  game_id)
        return
    try:
        async_to_sync(layer.group_send)(group_name(game_id), message)
    except Exception:  # the commit stands; clients catch up by version
        log.warning("broadcast to game %s failed", game_id, exc_info=True)


_pending: set[asyncio.Task[Any]] = set()


def _spawn(loop: asyncio.AbstractEventLoop, coro: Any, game_id: int) -> None:
    task = loop.create_task(coro)
    _pending.add(task)
    task.add_done_callback(lambda t: _done(t, game_id))


def _done(task: asyncio.Task[Any], game_id: int) -> None:
    _pending.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.warning("broadcast to game %s failed: %r", game_id, task.exception())


def _after_commit(game_id: int, message: dict[str, Any]) -> None:
    transaction.on_commit(lambda: send_now(game_id, message))


def version(game_id: int, version: int, clock: bool = False) -> None:
    _after_commit(game_id, {"type": "game.version", "game": game_id, "version": version,
                            "clock": clock})


def clock(game_id: int) -> None:
    _after_commit(game_id, {"type": "game.clock", "game": game_id})


def chat(game_id: int, message_id: int) -> None:
    _after_commit(game_id, {"type": "game.chat", "game": game_id, "message": message_id})


def kick(game_id: int, player_id: int) -> None:
    _after_commit(game_id, {"type": "game.kick", "game": game_id, "player": player_id})


def settings_changed(game_id: int) -> None:
    _after_commit(game_id, {"type": "game.settings", "game": game_id})
