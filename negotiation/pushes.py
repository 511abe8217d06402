"""What the server sends a connection unasked: state, clock, chat, settings, roster,
notices. One `Pushes` per connection that said hello; it is what the process's hub and
watcher hold (negotiation/realtime/), so they reach the socket only through here, and
every frame goes through the connection's outbox (realtime/outbox.py), which never waits.

Broadcasts only say "version N" (or "chat", "clock"): each push reads what its viewer may
see, so a push can never carry another seat's secrets.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import msgspec
from channels.db import database_sync_to_async
from django.db.models import Max
from django.utils import timezone

from negotiation.models import ActionLog, Game
from negotiation.realtime.outbox import Outbox
from negotiation.realtime.watch import clock_key, settings_key
from negotiation.services import chat, clock, facilitator, rendering

log = logging.getLogger("negotiation.pushes")
_encode = msgspec.json.Encoder().encode
_db = database_sync_to_async

CLOSE_REMOVED = 4403


class Tasks:
    """A connection's background tasks: all cancelled when it ends; a failure after the
    socket is gone is expected and not worth a line in the log."""

    def __init__(self) -> None:
        self.running: set[asyncio.Task[Any]] = set()
        self.ended = False

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        if self.ended:
            coro.close()
            return
        task = asyncio.ensure_future(coro)
        self.running.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self.running.discard(task)
        if task.cancelled() or self.ended:
            return
        exc = task.exception()
        if exc is not None:
            log.warning("a push failed: %r", exc)

    def cancel_all(self) -> None:
        self.ended = True
        for task in list(self.running):
            task.cancel()


class Pushes:
    """The hub's member for one connection (realtime/hub.py's Member protocol)."""

    def __init__(self, *, game_id: int, role: str, viewer: str, player_id: int | None,
                 delay: int, patches: bool, outbox: Outbox, tasks: Tasks,
                 close: Callable[[int], None]) -> None:
        self.game_id, self.role, self.viewer = game_id, role, viewer
        self.player_id, self.delay, self.patches = player_id, delay, patches
        self.outbox, self.tasks, self.close = outbox, tasks, close
        self.last_seq: int | None = None
        self.last_chat = 0
        self.clock_key: Any = None  # what the last `clock` push showed
        self.settings_key: Any = None  # what the last `settings` push (or welcome) showed
        self.push_lock = asyncio.Lock()  # held while this connection pushes on its own

    @property
    def closed(self) -> bool:
        return self.tasks.ended or self.outbox.closing or self.outbox.dead

    # ---- sending ------------------------------------------------------------------------
    def send(self, message: dict[str, Any]) -> None:
        self.outbox.put(_encode(message).decode())

    async def send_text(self, text: str) -> None:  # the fan-out's write (never waits)
        self.outbox.put(text)

    # ---- what the hub and the fan-out ask (realtime/hub.py, realtime/fanout.py) ----------
    def announce(self, version: int, clock: bool) -> bool:
        """A new committed version: True if the game's fan-out should push this
        connection's state; a delayed spectator, shown an older version, schedules its own."""
        if self.closed:
            return False
        if clock:
            self.tasks.spawn(self.push_clock())
        if self.delay:
            self._after_delay(self.push_state(version))
            return False
        return self.last_seq is None or version > self.last_seq

    def wants_state(self, version: int) -> bool:
        return not self.closed and not self.delay and \
            (self.last_seq is None or version > self.last_seq)

    def patch_mode(self) -> str:
        return self._mode(False)

    def push_own(self, version: int) -> None:
        """Bring this connection up to `version` on its own (slower) path."""
        self.tasks.spawn(self.push_state(version))

    def deliver(self, message: dict[str, Any]) -> None:
        """A broadcast for this game other than a version (those go through `announce`)."""
        if self.closed:
            return
        kind = message.get("type")
        if kind == "game.version":
            if self.announce(message["version"], bool(message.get("clock"))):
                self.tasks.spawn(self.push_state(message["version"]))
        elif kind == "game.clock":
            self.tasks.spawn(self.push_clock())
        elif kind == "game.chat":
            if message.get("hidden"):
                self.tasks.spawn(self._push_hidden(message.get("message")))
            else:
                self._after_delay(self.push_chat())
        elif kind == "game.settings":
            self.tasks.spawn(self.push_settings())
        elif kind == "game.roster":
            if self.role == "facilitator":
                self.tasks.spawn(self._push_roster())
        elif kind == "game.kick":
            if self.player_id is not None and message.get("player") == self.player_id:
                self.send({"type": "notice", "kind": "removed",
                           "message": "the facilitator removed you from this game"})
                self.close(CLOSE_REMOVED)
        elif kind == "game.alert" and self.role == "facilitator":
            self.send({"type": "notice", "kind": "alert", "code": message.get("code"),
                       "message": message.get("message", "")})

    def heal(self, version: int, clock_key: Any, settings_key: Any, chat_max: int) -> None:
        """From the watcher (realtime/watch.py): what the database says now. Anything a
        lost broadcast kept from this connection is pushed."""
        if self.closed:
            return
        if self.last_seq is None or version > self.last_seq:
            self._after_delay(self.push_state(version))
        if clock_key != self.clock_key:
            self.tasks.spawn(self.push_clock())
        if self.settings_key is not None and settings_key != self.settings_key:
            self.tasks.spawn(self.push_settings())
        if chat_max > self.last_chat:
            self._after_delay(self.push_chat())

    def _after_delay(self, coro: Coroutine[Any, Any, None]) -> None:
        if self.delay:
            async def later() -> None:
                await asyncio.sleep(self.delay)
                await coro
            self.tasks.spawn(later())
        else:
            self.tasks.spawn(coro)

    # ---- hello and sync -----------------------------------------------------------------
    async def resync(self, last_seq: int | None, last_chat: int) -> None:
        async with self.push_lock:
            self.last_seq, self.last_chat = last_seq, last_chat
            await self._push_clock_locked()
            await self._push_state_locked(None, force=True)
            await self._push_chat_locked()

    # ---- state --------------------------------------------------------------------------
    async def push_state(self, version: int | None) -> None:
        async with self.push_lock:
            await self._push_state_locked(version)

    async def _push_state_locked(self, version: int | None, force: bool = False) -> None:
        """Push this viewer's state if it is newer than what the client has (or, on a
        hello/sync, whatever it is: a client ahead of the server gets a resync)."""
        if self.closed:
            return
        known = self.last_seq
        if not force and version is not None and known is not None and version <= known:
            return
        out = None
        if self.delay:
            out = await _db(self._render_delayed)()
        elif version is not None:
            # Most pushes render from the committed in-memory game right here; only a cold
            # or busy cache costs a hop to the database thread.
            out = rendering.render_ready(self.game_id, self.viewer, known, version,
                                         self._mode(force))
        if out is None:
            out = await _db(rendering.render)(self.game_id, self.viewer, known, version,
                                              self._mode(force))
        if not force and known is not None and out["seq"] <= known:
            return
        self.last_seq = out["seq"]
        self.outbox.put(out["text"])

    def _mode(self, whole: bool) -> str:
        if not self.patches:
            return ""
        return rendering.KEYS if whole else rendering.PATCH

    def _render_delayed(self) -> dict[str, Any]:
        cutoff = timezone.now() - timezone.timedelta(seconds=self.delay)
        version = ActionLog.objects.filter(game_id=self.game_id, created__lte=cutoff) \
            .aggregate(m=Max("seq"))["m"] or 0
        return rendering.render_past(self.game_id, version, self.last_seq)

    # ---- clock, settings, roster --------------------------------------------------------
    async def push_clock(self) -> None:
        async with self.push_lock:
            await self._push_clock_locked()

    async def _push_clock_locked(self) -> None:
        row = await _db(Game.objects.get)(pk=self.game_id)
        self.clock_key = clock_key(row)
        self.send({"type": "clock", **clock.state(row)})

    async def push_settings(self) -> None:
        row = await _db(Game.objects.get)(pk=self.game_id)
        key = settings_key(row.options)
        if key == self.settings_key:
            return  # already shown (the broadcast and the watcher may both ask)
        self.settings_key = key
        if self.role == "spectator":
            self.delay = int(row.options.get("spectator_delay", 0))
        self.send({"type": "settings", **facilitator.public_settings(row)})

    async def _push_roster(self) -> None:
        players = await _db(lambda: facilitator.roster(Game.objects.get(pk=self.game_id)))()
        self.send({"type": "roster", "players": players})

    # ---- chat ---------------------------------------------------------------------------
    async def push_chat(self) -> None:
        async with self.push_lock:
            await self._push_chat_locked()

    async def _push_chat_locked(self) -> None:
        messages = await _db(chat.history)(self.game_id, self.viewer, self.last_chat,
                                           self.delay)
        if messages:
            self.last_chat = max(m["id"] for m in messages)
            self.send({"type": "chat", "messages": messages})

    async def _push_hidden(self, message_id: Any) -> None:
        """A hidden message, again, to a connection that may already hold it."""
        async with self.push_lock:
            if not isinstance(message_id, int) or message_id > self.last_chat:
                return  # not delivered here yet; history never delivers it now
            m = await _db(chat.hidden_for)(self.game_id, message_id, self.viewer)
            if m is not None:
                self.send({"type": "chat", "messages": [m]})

