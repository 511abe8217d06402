"""The WebSocket adapter (docs/protocol.md): authenticate, check the envelope, call a
service, answer. No rules live here.

A connection says `hello` first (player token, facilitator session or spectator), then
sends actions, chat and controls; each gets an `ack` (after the commit) or an `error`
with a stable code. Broadcasts only say "version N"; the connection then renders its own
view, so what it pushes is exactly what its viewer may see.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import msgspec
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from game import FACILITATOR, SPECTATOR, RuleError
from negotiation import errors, protocol
from negotiation.models import ActionLog, Game
from negotiation.realtime import hub, lane, watch
from negotiation.services import (
    actions,
    advice,
    bots,
    chat,
    clock,
    facilitator,
    games,
    loading,
    rendering,
)

log = logging.getLogger("negotiation.consumers")
_encode = msgspec.json.Encoder().encode

CLOSE_UNAUTHORIZED = 4401
CLOSE_REMOVED = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_POLICY = 1008
RATE_ABUSE_CLOSE = 200  # refused messages before the connection is closed

# Facilitator controls that are engine actions, by op name -> action type.
ENGINE_OPS = {"start": "start", "pause": "pause", "resume": "resume", "advance": "advance",
              "rewind": "rewind", "end": "end_game", "swap": "set_controller",
              "set_controller": "set_controller", "fire_card": "fire_card"}


def _db(fn: Any) -> Any:
    return database_sync_to_async(fn)


class GameConsumer(AsyncWebsocketConsumer):
    """One WebSocket: one person (or projector) watching or playing one game."""

    # No channel of its own: broadcasts reach it through the process's hub (hub.py).
    channel_layer_alias = "forge-no-layer"

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels awaits aclose_old_connections() (a hop to the database thread) before
        # every message; all ORM use here goes through database_sync_to_async, which does
        # the same housekeeping around each call, so the extra hop only costs throughput
        # (1.6x in ../shared/research/stack-ceiling.md, section 6.6).
        handler = getattr(self, self._handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    @staticmethod
    def _handler_name(message: dict[str, Any]) -> str:
        kind = message["type"]
        if kind.startswith("_"):
            raise ValueError("malformed message type")
        return kind.replace(".", "_")

    # ---- connection ---------------------------------------------------------------------
    async def connect(self) -> None:
        self.game_id: int | None = None
        self.role: str | None = None
        self.viewer: str | None = None
        self.actor: str | None = None
        self.sender = ""
        self.player_id: int | None = None
        self.last_seq: int | None = None
        self.last_chat = 0
        self.clock_key: Any = None
        self.delay = 0
        self.patches = False  # the client takes `state` patches (docs/protocol.md)
        self.closed = False
        self.push_lock = asyncio.Lock()
        self.tasks: set[asyncio.Task[Any]] = set()
        self.rate = protocol.RateLimit(settings.FORGE_RATE_PER_SECOND, settings.FORGE_RATE_BURST)
        # The server's own send, below Channels' session wrapper (which only acts on the
        # accept and on HTTP responses): frames after the accept go straight to it.
        wrapper = getattr(self.base_send, "__self__", None)
        self.raw_send = getattr(wrapper, "real_send", None) or self.base_send
        code = self.scope["url_route"]["kwargs"].get("code", "")
        self.game_row: Game | None = await _db(self._find_game)(code)
        await self.accept()
        if self.game_row is None:
            await self._error(None, errors.NOT_FOUND, "no game with that code")
            await self._close(CLOSE_NOT_FOUND)
            return
        self._spawn(self._hello_deadline())

    @staticmethod
    def _find_game(code: str) -> Game | None:
        try:
            return games.by_code(code)
        except errors.ServiceError:
            return None

    async def disconnect(self, code: int) -> None:
        self.closed = True
        for t in list(self.tasks):
            t.cancel()
        if self.game_id is not None:
            await hub.current().leave(self.game_id, self)

    async def _close(self, code: int) -> None:
        if not self.closed:
            self.closed = True
            await self.close(code=code)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None and not self.closed:
            log.warning("game %s: a push failed: %r", self.game_id, exc)

    async def _hello_deadline(self) -> None:
        await asyncio.sleep(settings.FORGE_HELLO_TIMEOUT)
        if self.role is None:
            await self._error(None, errors.UNAUTHORIZED, "say hello first")
            await self._close(CLOSE_UNAUTHORIZED)

    # ---- sending ------------------------------------------------------------------------
    async def _send(self, message: dict[str, Any]) -> None:
        if not self.closed:
            await self.raw_send({"type": "websocket.send", "text": _encode(message).decode()})

    async def send_text(self, text: str) -> None:
        if not self.closed:
            await self.raw_send({"type": "websocket.send", "text": text})

    async def _error(self, msg_id: str | None, code: str, message: str) -> None:
        await self._send({"type": "error", "id": msg_id, "code": code, "message": message})

    async def _ack(self, msg_id: str, **fields: Any) -> None:
        await self._send({"type": "ack", "id": msg_id, **fields})

    # ---- receiving ----------------------------------------------------------------------
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None
                      ) -> None:
        if self.closed:
            return
        if not self.rate.allow(time.monotonic()):
            # The refusal names the frame's id when it has a readable one, so the client
            # knows which request to send again.
            await self._error(protocol.peek_id(text_data, settings.FORGE_MAX_MESSAGE_BYTES),
                              errors.RATE_LIMITED, "slow down")
            if self.rate.refused >= RATE_ABUSE_CLOSE:
                await self._close(CLOSE_POLICY)
            return
        try:
            env = protocol.parse(text_data, settings.FORGE_MAX_MESSAGE_BYTES)
        except protocol.ProtocolError as exc:
            await self._error(exc.msg_id, exc.code, exc.message)
            return
        if self.role is None and env.type not in ("hello", "ping"):
            await self._error(env.id, errors.UNAUTHORIZED, "say hello first")
            return
        try:
            await getattr(self, f"on_{env.type}")(env)
        except RuleError as exc:
            await self._error(env.id, exc.code.value, exc.message)
        except errors.ServiceError as exc:
            await self._error(env.id, exc.code, exc.message)
        except Exception:
            log.exception("game %s: %s failed", self.game_id, env.type)
            await self._error(env.id, errors.SERVER_ERROR, "the server could not do that")

    async def on_ping(self, env: protocol.Envelope) -> None:
        await self._send({"type": "pong", "id": env.id})

    async def on_hello(self, env: protocol.Envelope) -> None:
        p = env.payload
        if self.role is not None:
            await self.on_sync(env)
            return
        role = p.get("role", "player" if "token" in p else None)
        if role not in protocol.ROLES:
            raise errors.ServiceError(errors.BAD_REQUEST, f"role is one of {protocol.ROLES}")
        row = self.game_row
        assert row is not None
        if role == "player":
            token = p.get("token")
            if not isinstance(token, str) or not token:
                raise errors.ServiceError(errors.UNAUTHORIZED, "a player needs its token")
            player = await _db(games.player_for_token)(token, row.pk)
            self.player_id, self.viewer = player.pk, player.seat.seat_id
            self.actor, self.sender = self.viewer, f"p:{player.pk}"
            you = {"player": player.pk, "name": player.name, "seat": self.viewer}
        elif role == "facilitator":
            user = self.scope.get("user")
            if user is None or not user.is_authenticated:
                raise errors.ServiceError(errors.UNAUTHORIZED, "log in as the facilitator")
            if not (user.pk == row.created_by_id or user.is_superuser):
                raise errors.ServiceError(errors.FORBIDDEN, "you do not run this game")
            self.viewer, self.actor, self.sender = FACILITATOR, FACILITATOR, f"f:{user.pk}"
            you = {"user": user.get_username()}
        else:
            self.viewer, self.actor, self.sender = SPECTATOR, None, ""
            you = {}
        self.role, self.game_id = role, row.pk
        self.patches = p.get("patches") is True
        self.delay = int(row.options.get("spectator_delay", 0)) if role == "spectator" else 0
        await hub.current().join(row.pk, self)
        await self._send({
            "type": "welcome", "id": env.id, "protocol": protocol.PROTOCOL_VERSION,
            "role": role, "you": you,
            "game": {"code": row.code, "scenario": row.scenario_id,
                     "settings": facilitator.public_settings(row)},
        })
        await self._resync(_opt_int(p.get("last_seq")), _opt_int(p.get("last_chat")) or 0)

    async def on_sync(self, env: protocol.Envelope) -> None:
        """Resume in place: what was missed since last_seq (or a resync), then the ack."""
        p = env.payload
        await self._resync(_opt_int(p.get("last_seq")), _opt_int(p.get("last_chat")) or 0)
        await self._ack(env.id, seq=self.last_seq)

    async def _resync(self, last_seq: int | None, last_chat: int) -> None:
        async with self.push_lock:
            self.last_seq, self.last_chat = last_seq, last_chat
            await self._push_clock_locked()
            await self._push_state_locked(None, force=True)
            await self._push_chat_locked()

    async def on_action(self, env: protocol.Envelope) -> None:
        if self.actor is None:
            raise errors.ServiceError(errors.FORBIDDEN, "spectators cannot act")
        action = env.payload.get("action")
        if not isinstance(action, dict):
            raise errors.ServiceError(errors.BAD_MESSAGE, "payload.action must be an object")
        await self._apply(env.id, action)

    async def _apply(self, msg_id: str, action: dict[str, Any]) -> None:
        assert self.game_id is not None and self.actor is not None
        if _parallel_applies():
            applied = await database_sync_to_async(actions.apply_action, thread_sensitive=False)(
                self.game_id, self.actor, action, sender=self.sender, client_msg_id=msg_id)
        else:  # one database lane: group commit (negotiation/realtime/lane.py)
            applied = await lane.current().apply(self.game_id, self.actor, action, self.sender,
                                                 msg_id)
        await self._ack(msg_id, seq=applied.seq, duplicate=applied.duplicate)
        if not applied.duplicate and self._has_bots():
            self._spawn(_db(bots.run_bots)(self.game_id))

    def _has_bots(self) -> bool:
        entry = loading.peek(self.game_id) if self.game_id is not None else None
        if entry is None:
            return True
        with loading.lock(self.game_id):  # type: ignore[arg-type]
            return bool(bots.bot_seats(entry.game))

    async def on_legal(self, env: protocol.Envelope) -> None:
        if self.actor is None:
            raise errors.ServiceError(errors.FORBIDDEN, "spectators cannot act")
        result = await _db(rendering.legal)(self.game_id, self.actor)
        await self._ack(env.id, result=result)

    async def on_advice(self, env: protocol.Envelope) -> None:
        """The advisor for this seat (when the facilitator allows it); every use recorded."""
        if self.role != "player" or self.player_id is None:
            raise errors.ServiceError(errors.FORBIDDEN, "only a seat may ask the advisor")
        result = await _db(advice.ask)(self.game_id, self.player_id, env.id)
        await self._ack(env.id, result=result)

    async def on_chat(self, env: protocol.Envelope) -> None:
        if self.role == "spectator":
            raise errors.ServiceError(errors.FORBIDDEN, "spectators cannot chat")
        p = env.payload
        msg = await _db(self._post_chat)(p.get("room"), p.get("text"), env.id)
        await self._ack(env.id, message=msg)

    def _post_chat(self, room: Any, text: Any, msg_id: str) -> int:
        row = Game.objects.get(pk=self.game_id)
        if self.role == "facilitator":
            m = chat.post(row, sender=FACILITATOR, room=room, text=text, name="Facilitator",
                          client_msg_id=msg_id)
        else:
            player = row.players.select_related("seat").get(pk=self.player_id)
            if player.revoked:
                raise errors.ServiceError(errors.FORBIDDEN, "you were removed from this game")
            m = chat.post(row, sender=self.viewer or "", room=room, text=text, player=player,
                          name=player.name, client_msg_id=msg_id)
        return m.pk

    async def on_report(self, env: protocol.Envelope) -> None:
        if self.role == "spectator":
            raise errors.ServiceError(errors.FORBIDDEN, "spectators cannot report")
        message_id = env.payload.get("message")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise errors.ServiceError(errors.BAD_REQUEST, "payload.message is a message id")
        reason = env.payload.get("reason", "")
        await _db(self._report)(message_id, reason)
        await self._ack(env.id)

    def _report(self, message_id: int, reason: Any) -> None:
        row = Game.objects.get(pk=self.game_id)
        chat.report(row, message_id, self.viewer or "", by=self.sender, reason=str(reason))

    async def on_control(self, env: protocol.Envelope) -> None:
        if self.role != "facilitator":
            raise errors.ServiceError(errors.FORBIDDEN, "only the facilitator may do that")
        p = dict(env.payload)
        op = p.pop("op", None)
        if not isinstance(op, str):
            raise errors.ServiceError(errors.BAD_REQUEST, "payload.op names the control")
        if op in ENGINE_OPS:
            await self._apply(env.id, {"type": ENGINE_OPS[op], **p})
            return
        result = await _db(self._control)(op, p)
        await self._ack(env.id, result=result)

    def _control(self, op: str, p: dict[str, Any]) -> Any:
        row = Game.objects.get(pk=self.game_id)
        by = self.sender
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
            if not isinstance(message_id, int):
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

    # ---- pushes (from the hub and the watcher) -------------------------------------------
    def announce(self, version: int, clock: bool) -> bool:
        """A new committed version (from the hub): True if this connection needs its state
        pushed by the game's fan-out (realtime/fanout.py); a delayed spectator, which is shown
        an older version, schedules its own."""
        if self.closed or self.role is None:
            return False
        if clock:
            self._spawn(self._push_clock())
        if self.delay:
            self._after_delay(self._push_state(version))
            return False
        return self.last_seq is None or version > self.last_seq

    # What the game's fan-out (negotiation/realtime/fanout.py) asks of a connection.
    def wants_state(self, version: int) -> bool:
        return not self.closed and self.role is not None and not self.delay and \
            (self.last_seq is None or version > self.last_seq)

    def patch_mode(self) -> str:
        return self._mode(False)

    def push_own(self, version: int) -> None:
        """Bring this connection up to `version` on its own (slower) path."""
        self._spawn(self._push_state(version))

    def deliver(self, message: dict[str, Any]) -> None:
        """A broadcast for this game, handed over by the process's hub."""
        if self.closed or self.role is None:
            return
        kind = message.get("type")
        if kind == "game.version":
            if self.announce(message["version"], bool(message.get("clock"))):
                self._spawn(self._push_state(message["version"]))
            return
        handler = {"game.clock": self.game_clock, "game.chat": self.game_chat,
                   "game.settings": self.game_settings,
                   "game.roster": self.game_roster,
                   "game.kick": self.game_kick}.get(kind or "")
        if handler is not None:
            self._spawn(handler(message))

    async def game_clock(self, event: dict[str, Any]) -> None:
        self._spawn(self._push_clock())

    async def game_chat(self, event: dict[str, Any]) -> None:
        if event.get("hidden"):
            self._spawn(self._push_hidden(event.get("message")))
        else:
            self._after_delay(self._push_chat())

    async def _push_hidden(self, message_id: Any) -> None:
        """A hidden message, again, to a connection that may already hold it."""
        async with self.push_lock:
            if not isinstance(message_id, int) or self.viewer is None or \
                    message_id > self.last_chat:
                return  # not delivered here yet; history never delivers it now
            m = await _db(chat.hidden_for)(self.game_id, message_id, self.viewer)
            if m is not None:
                await self._send({"type": "chat", "messages": [m]})

    async def game_settings(self, event: dict[str, Any]) -> None:
        self._spawn(self._push_settings())

    async def game_roster(self, event: dict[str, Any]) -> None:
        if self.role == "facilitator":
            players = await _db(self._roster)()
            await self._send({"type": "roster", "players": players})

    def _roster(self) -> list[dict[str, Any]]:
        return facilitator.roster(Game.objects.get(pk=self.game_id))

    async def game_kick(self, event: dict[str, Any]) -> None:
        if self.player_id is not None and event.get("player") == self.player_id:
            await self._send({"type": "notice", "kind": "removed",
                              "message": "the facilitator removed you from this game"})
            await self._close(CLOSE_REMOVED)

    def heal(self, version: int, clock_key: Any, chat_max: int) -> None:
        """Called by the watcher with what the database says now."""
        if self.role is None or self.closed:
            return
        if self.last_seq is None or version > self.last_seq:
            self._after_delay(self._push_state(version))
        if clock_key != self.clock_key:
            if self.clock_key is not None and clock_key[-1] != self.clock_key[-1]:
                self._spawn(self._push_settings())  # a lost game.settings broadcast
            self._spawn(self._push_clock())
        if chat_max > self.last_chat:
            self._after_delay(self._push_chat())

    def _after_delay(self, coro: Any) -> None:
        if self.delay:
            async def later() -> None:
                await asyncio.sleep(self.delay)
                await coro
            self._spawn(later())
        else:
            self._spawn(coro)

    async def _push_state(self, version: int | None) -> None:
        async with self.push_lock:
            await self._push_state_locked(version)

    async def _push_state_locked(self, version: int | None, force: bool = False) -> None:
        """Push this viewer's state if it is newer than what the client has (or, on a
        hello/sync, whatever it is: a client ahead of the server gets a resync)."""
        if self.closed or self.game_id is None:
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
            out = rendering.render_ready(self.game_id, self.viewer or "", known, version,
                                         self._mode(force))
        if out is None:
            out = await _db(rendering.render)(self.game_id, self.viewer, known, version,
                                              self._mode(force))
        if not force and known is not None and out["seq"] <= known:
            return
        self.last_seq = out["seq"]
        await self.send_text(out["text"])

    def _mode(self, whole: bool) -> str:
        if not self.patches:
            return ""
        return rendering.KEYS if whole else rendering.PATCH

    def _render_delayed(self) -> dict[str, Any]:
        cutoff = timezone.now() - timezone.timedelta(seconds=self.delay)
        version = ActionLog.objects.filter(game_id=self.game_id, created__lte=cutoff) \
            .aggregate(m=Max("seq"))["m"] or 0
        return rendering.render_past(self.game_id, version, self.last_seq)  # type: ignore[arg-type]

    async def _push_clock(self) -> None:
        async with self.push_lock:
            await self._push_clock_locked()

    async def _push_clock_locked(self) -> None:
        row = await _db(Game.objects.get)(pk=self.game_id)
        self.clock_key = (row.status, row.deadline, row.paused_remaining,
                          watch._settings_key(row.options))
        await self._send({"type": "clock", **clock.state(row)})

    async def _push_settings(self) -> None:
        row = await _db(Game.objects.get)(pk=self.game_id)
        if self.role == "spectator":
            self.delay = int(row.options.get("spectator_delay", 0))
        await self._send({"type": "settings", **facilitator.public_settings(row)})

    async def _push_chat(self) -> None:
        async with self.push_lock:
            await self._push_chat_locked()

    async def _push_chat_locked(self) -> None:
        if self.viewer is None:
            return
        messages = await _db(chat.history)(self.game_id, self.viewer, self.last_chat,
                                           self.delay)
        if messages:
            self.last_chat = max(m["id"] for m in messages)
            await self._send({"type": "chat", "messages": messages})


def _parallel_applies() -> bool:
    """FORGE_PARALLEL_APPLY=1 on PostgreSQL: actions for different games run on several
    threads at once, each in its own transaction (the game's row lock keeps each game
    serial). Otherwise (the default, and always on SQLite, which has one writer) they go
    through the apply lane, which commits whatever has queued up in one transaction: one
    set of round trips per batch instead of per action (negotiation/realtime/lane.py)."""
    return bool(settings.FORGE_PARALLEL_APPLY) and connection.vendor == "postgresql"


def _opt_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


class EchoConsumer(AsyncWebsocketConsumer):
    """The bare Channels echo the benchmark compares against (only routed with FORGE_ECHO=1)."""

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None
                      ) -> None:
        await self.send(text_data=text_data, bytes_data=bytes_data)
