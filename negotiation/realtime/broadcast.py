"""Post-commit notifications through the channel layer.

They carry ids and version numbers only, never game content: Redis is no place for
secrets, and a layer may drop messages, so every connection reads what it may see from
the database when told something changed (and the version watcher heals a lost one).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import Context
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

log = logging.getLogger("negotiation.realtime.broadcast")


def group_name(game_id: int) -> str:
    return f"forge.game.{game_id}"


_held = threading.local()


@contextmanager
def held() -> Iterator[list[tuple[int, dict[str, Any]]]]:
    """Broadcasts committed inside this block are not sent but kept, in order, for the
    caller to `publish` on the event loop (the apply lane answers its senders first)."""
    kept: list[tuple[int, dict[str, Any]]] = []
    _held.messages = kept
    try:
        yield kept
    finally:
        _held.messages = None


# Marks this process's messages, so that its hub skips their echo from the layer: they
# were handed to its own connections directly, before the layer saw them.
ORIGIN = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def publish(game_id: int, message: dict[str, Any]) -> None:
    """Send from the event loop itself (see `held`)."""
    _publish(asyncio.get_running_loop(), game_id, message)


def send_now(game_id: int, message: dict[str, Any]) -> None:
    """Send on the server's event loop without waiting for it: the database thread is the
    one lane every commit goes through, and must not queue behind a busy loop."""
    kept = getattr(_held, "messages", None)
    if kept is not None:
        kept.append((game_id, message))
        return
    layer = get_channel_layer()
    if layer is None:
        return
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is not None and loop.is_running():
        # (in a fresh context: the database thread's own says "inside the database
        # executor", which would make every push's database call refuse to run)
        loop.call_soon_threadsafe(_publish, loop, game_id, message, context=Context())
        return
    try:  # no server loop here (a management command): through the layer only
        async_to_sync(layer.group_send)(group_name(game_id), {**message, "origin": ORIGIN})
    except Exception:  # the commit stands; clients catch up by version
        log.warning("broadcast to game %s failed", game_id, exc_info=True)


def _publish(loop: asyncio.AbstractEventLoop, game_id: int, message: dict[str, Any]) -> None:
    """On the loop: this process's own connections first, straight from here; then,
    with a shared layer (Redis), the other processes."""
    from negotiation.realtime import hub

    h = hub.for_loop(loop)
    if h is not None:
        try:
            h.deliver(message)
        except Exception:
            log.exception("delivery of game %s's news failed", game_id)
    layer = get_channel_layer()
    if layer is not None and not isinstance(layer, InMemoryChannelLayer):
        # One process has nothing else to tell; the in-memory layer is one process.
        _Publisher.of(loop, layer).add(game_id, {**message, "origin": ORIGIN})


class _Publisher:
    """Sends to the layer one message at a time per process, in order; while one is on
    its way, a game's newer version replaces its older one still waiting (the versions
    only say "G is at N"), so a burst of actions costs the layer one message per game."""

    _by_loop: dict[asyncio.AbstractEventLoop, _Publisher] = {}

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.queue: dict[tuple[int, str] | tuple[int, str, int], dict[str, Any]] = {}
        self.task: asyncio.Task[None] | None = None
        self.serial = 0

    @classmethod
    def of(cls, loop: asyncio.AbstractEventLoop, layer: Any) -> _Publisher:
        pub = cls._by_loop.get(loop)
        if pub is None or pub.layer is not layer:
            for old in [lp for lp in cls._by_loop if lp.is_closed()]:
                del cls._by_loop[old]
            pub = cls._by_loop[loop] = cls(layer)
        return pub

    def add(self, game_id: int, message: dict[str, Any]) -> None:
        if message.get("type") == "game.version":
            key: tuple[Any, ...] = (game_id, "game.version")
            old = self.queue.pop(key, None)  # type: ignore[call-overload]
            if old is not None:
                message = {**message, "version": max(old["version"], message["version"]),
                           "clock": bool(old.get("clock") or message.get("clock"))}
        else:
            self.serial += 1
            key = (game_id, str(message.get("type")), self.serial)
        self.queue[key] = message  # type: ignore[index]
        if self.task is None:
            self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        try:
            while self.queue:
                key = next(iter(self.queue))
                message = self.queue.pop(key)
                try:
                    await self.layer.group_send(group_name(key[0]), message)
                except Exception:  # the commit stands; clients catch up by version
                    log.warning("broadcast to game %s failed", key[0], exc_info=True)
        finally:
            self.task = None


def _after_commit(game_id: int, message: dict[str, Any]) -> None:
    transaction.on_commit(lambda: send_now(game_id, message))


def version(game_id: int, version: int, clock: bool = False) -> None:
    _after_commit(game_id, {"type": "game.version", "game": game_id, "version": version,
                            "clock": clock})


def clock(game_id: int) -> None:
    _after_commit(game_id, {"type": "game.clock", "game": game_id})


def chat(game_id: int, message_id: int) -> None:
    _after_commit(game_id, {"type": "game.chat", "game": game_id, "message": message_id})


def chat_hidden(game_id: int, message_id: int) -> None:
    """A message was hidden: connections that already hold it get it again, hidden."""
    _after_commit(game_id, {"type": "game.chat", "game": game_id, "message": message_id,
                            "hidden": True})


def roster(game_id: int) -> None:
    """Someone joined, was removed, muted or unmuted: facilitators get the new roster."""
    _after_commit(game_id, {"type": "game.roster", "game": game_id})


def kick(game_id: int, player_id: int) -> None:
    _after_commit(game_id, {"type": "game.kick", "game": game_id, "player": player_id})


def settings_changed(game_id: int) -> None:
    _after_commit(game_id, {"type": "game.settings", "game": game_id})


def alert(game_id: int, code: str, message: str) -> None:
    """Something went wrong with the game that its facilitator should know about (the clock
    could not end a phase, say): negotiation/pushes.py hands it to the game's facilitator
    connections as a `notice` of kind `alert`. Sent after the commit, or at once outside a
    transaction."""
    _after_commit(game_id, {"type": "game.alert", "game": game_id, "code": code,
                            "message": message})
