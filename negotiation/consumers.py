"""The WebSocket adapter (docs/protocol.md): the envelope, who is speaking, and which
service answers. No rules live here, and nothing is pushed from here: what the server
sends unasked is negotiation/pushes.py, chat requests negotiation/chat_requests.py.

A connection says `hello` first (player token, facilitator session or spectator), then
sends actions, chat and controls; each gets an `ack` (after the commit) or an `error`
with a stable code. Every frame out goes through the connection's outbox
(realtime/outbox.py), so a client that stops reading slows nobody else down.
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
from django.db import InterfaceError, OperationalError

from game import FACILITATOR, SPECTATOR, RuleError
from negotiation import briefing, chat_requests, errors, limits, protocol
from negotiation.models import Game
from negotiation.pushes import Pushes, Tasks
from negotiation.realtime import hub, lane
from negotiation.realtime.outbox import Outbox, Transport
from negotiation.realtime.watch import settings_key
from negotiation.services import advice, bots, controls, facilitator, games, loading, rendering

log = logging.getLogger("negotiation.consumers")
_encode = msgspec.json.Encoder().encode
_db = database_sync_to_async

CLOSE_UNAUTHORIZED = 4401
CLOSE_NOT_FOUND = 4404
CLOSE_POLICY = 1008
CLOSE_FULL = 1013  # try again later: the game is full, or the database is unreachable
RATE_ABUSE_CLOSE = 200  # refused messages before the connection is closed

# Facilitator controls that are engine actions, by op name -> action type.
ENGINE_OPS = {"start": "start", "pause": "pause", "resume": "resume", "advance": "advance",
              "rewind": "rewind", "end": "end_game", "swap": "set_controller",
              "set_controller": "set_controller", "fire_card": "fire_card"}


class GameConsumer(AsyncWebsocketConsumer):
    """One WebSocket: one person (or projector) watching or playing one game."""

    # No channel of its own: broadcasts reach it through the process's hub.
    channel_layer_alias = "forge-no-layer"

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # However the connection ends (a disconnect message, a send to a vanished client
        # raising inside a handler, a cancelled task), it leaves the hub and its limits.
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self._ended()

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels awaits aclose_old_connections() (a hop to the database thread) before
        # every message; all ORM use here goes through database_sync_to_async, which does
        # the same housekeeping around each call, so the extra hop only costs throughput
        # (1.6x in ../shared/research/stack-ceiling.md, section 6.6).
        kind = message["type"]
        if kind.startswith("_"):
            raise ValueError("malformed message type")
        handler = getattr(self, kind.replace(".", "_"), None)
        if handler is None:
            raise ValueError(f"No handler for message type {kind}")
        await handler(message)

    # ---- connection ---------------------------------------------------------------------
    async def connect(self) -> None:
        self.over = False
        self.game_id: int | None = None
        self.role: str | None = None
        self.viewer: str | None = None
        self.actor: str | None = None
        self.sender = ""
        self.player_id: int | None = None
        self.pushes: Pushes | None = None
        self.grant: limits.Grant | None = None
        self.tasks = Tasks()
        self.rate = limits.RateLimit(settings.FORGE_RATE_PER_SECOND, settings.FORGE_RATE_BURST)
        # The server's own send, below Channels' session wrapper (which only acts on the
        # accept and on HTTP responses): frames after the accept go straight to it.
        wrapper = getattr(self.base_send, "__self__", None)
        transport = Transport(getattr(wrapper, "real_send", None) or self.base_send)
        self.outbox = Outbox(transport, max_frames=settings.FORGE_OUTBOX_FRAMES,
                             max_bytes=settings.FORGE_OUTBOX_BYTES,
                             stall_s=settings.FORGE_SEND_STALL_SECONDS, on_dead=self._dead)
        code = self.scope["url_route"]["kwargs"].get("code", "")
        try:
            self.game_row: Game | None = await _db(self._find_game)(code)
            reachable = True
        except (OperationalError, InterfaceError):  # the database is restarting
            self.game_row, reachable = None, False
        await self.accept()
        transport.bound_buffers(settings.FORGE_SOCKET_SEND_BUFFER,
                                settings.FORGE_SOCKET_WRITE_BUFFER)
        if not reachable:
            self._error(None, errors.UNAVAILABLE, "the database is unavailable; reconnect "
                        "shortly")
            self._close(CLOSE_FULL)
            return
        if self.game_row is None:
            self._error(None, errors.NOT_FOUND, "no game with that code")
            self._close(CLOSE_NOT_FOUND)
            return
        self.tasks.spawn(self._hello_deadline())

    @staticmethod
    def _find_game(code: str) -> Game | None:
        try:
            return games.by_code(code)
        except errors.ServiceError:
            return None

    async def disconnect(self, code: int) -> None:
        await self._ended()

    async def _ended(self) -> None:
        """Idempotent: the connection is over; forget it everywhere."""
        if getattr(self, "over", True):  # True: connect() never ran
            return
        self.over = True
        self.tasks.cancel_all()
        self.outbox.discard()
        if self.grant is not None:
            self.grant.release()
            self.grant = None
        pushes, self.pushes = self.pushes, None
        if pushes is not None and self.game_id is not None:
            await hub.current().leave(self.game_id, pushes)

    def _dead(self) -> None:
        """The outbox found the client gone (or dropped it): stop work for it now; the
        server's disconnect message follows."""
        self.tasks.cancel_all()

    def _close(self, code: int) -> None:
        self.outbox.close(code)

    async def _hello_deadline(self) -> None:
        await asyncio.sleep(settings.FORGE_HELLO_TIMEOUT)
        if self.role is None:
            self._error(None, errors.UNAUTHORIZED, "say hello first")
            self._close(CLOSE_UNAUTHORIZED)

    # ---- answering ----------------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        self.outbox.put(_encode(message).decode())

    def _error(self, msg_id: str | None, code: str, message: str,
               params: dict[str, str | int] | None = None) -> None:
        """`message` is English, for agents and logs; an engine refusal adds its `params`,
        from which a page says the refusal in its reader's language."""
        frame: dict[str, Any] = {"type": "error", "id": msg_id, "code": code, "message": message}
        if params:
            frame["params"] = params
        self._send(frame)

    def _ack(self, msg_id: str, **fields: Any) -> None:
        self._send({"type": "ack", "id": msg_id, **fields})

    # ---- receiving ----------------------------------------------------------------------
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None
                      ) -> None:
        if self.outbox.closing or self.outbox.dead:
            return
        now = time.monotonic()
        if not self.rate.allow(now) or (self.grant is not None and not self.grant.allow(now)):
            # The refusal names the frame's id when it has a readable one, so the client
            # knows which request to send again.
            self._error(protocol.peek_id(text_data, settings.FORGE_MAX_MESSAGE_BYTES),
                        errors.RATE_LIMITED, "slow down")
            if self.rate.refused >= RATE_ABUSE_CLOSE:
                self._close(CLOSE_POLICY)
            return
        try:
            env = protocol.parse(text_data, settings.FORGE_MAX_MESSAGE_BYTES)
        except protocol.ProtocolError as exc:
            self._error(exc.msg_id, exc.code, exc.message)
            return
        if self.role is None and env.type not in ("hello", "ping"):
            self._error(env.id, errors.UNAUTHORIZED, "say hello first")
            return
        try:
            await getattr(self, f"on_{env.type}")(env)
        except RuleError as exc:
            self._error(env.id, exc.code.value, exc.message, exc.params)
        except errors.ServiceError as exc:
            self._error(env.id, exc.code, exc.message)
        except (OperationalError, InterfaceError) as exc:
            # The database cannot be reached (PostgreSQL restarting, the network). The
            # transaction rolled back; if its commit's answer was lost instead, the action
            # is in the log and the same id sent again gets its ack. Either way: retry.
            log.warning("game %s: %s: database unavailable: %s", self.game_id, env.type,
                        str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            self._error(env.id, errors.UNAVAILABLE,
                        "the database is unavailable; send the same message again shortly")
        except Exception:
            if self.outbox.dead:
                return  # the client left while its request ran; nothing to answer
            log.exception("game %s: %s failed", self.game_id, env.type)
            self._error(env.id, errors.SERVER_ERROR, "the server could not do that")

    async def on_ping(self, env: protocol.Envelope) -> None:
        self._send({"type": "pong", "id": env.id})

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
        if len(hub.current().connections(row.pk)) >= settings.FORGE_MAX_GAME_CONNECTIONS:
            self._error(env.id, errors.UNAVAILABLE, "this game has all the connections it "
                        "can take; try again in a moment")
            self._close(CLOSE_FULL)
            return
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
        if self.sender:
            self.grant = limits.Grant(row.pk, self.sender,
                                      self.viewer if role == "player" else None, self._close)
        self.pushes = Pushes(
            game_id=row.pk, role=role, viewer=self.viewer, player_id=self.player_id,
            delay=int(row.options.get("spectator_delay", 0)) if role == "spectator" else 0,
            patches=p.get("patches") is True, outbox=self.outbox, tasks=self.tasks,
            close=self._close)
        self.pushes.settings_key = settings_key(row.options)
        await hub.current().join(row.pk, self.pushes)
        self._send({
            "type": "welcome", "id": env.id, "protocol": protocol.PROTOCOL_VERSION,
            "role": role, "you": you,
            "game": {"code": row.code, "scenario": row.scenario_id,
                     "settings": facilitator.public_settings(row)},
        })
        await self.pushes.resync(_opt_int(p.get("last_seq")), _opt_int(p.get("last_chat")) or 0)

    async def on_sync(self, env: protocol.Envelope) -> None:
        """Resume in place: what was missed since last_seq (or a resync), then the ack."""
        assert self.pushes is not None
        p = env.payload
        await self.pushes.resync(_opt_int(p.get("last_seq")), _opt_int(p.get("last_chat")) or 0)
        self._ack(env.id, seq=self.pushes.last_seq)

    async def on_action(self, env: protocol.Envelope) -> None:
        if self.actor is None:
            raise errors.ServiceError(errors.FORBIDDEN, "spectators cannot act")
        action = env.payload.get("action")
        if not isinstance(action, dict):
            raise errors.ServiceError(errors.BAD_MESSAGE, "payload.action must be an object")
        await self._apply(env.id, action)

    async def _apply(self, msg_id: str, action: dict[str, Any]) -> None:
        assert self.game_id is not None and self.actor is not None
        applied = await lane.current().apply(self.game_id, self.actor, action, self.sender,
                                             msg_id)
        extra = {"created": applied.created} if applied.created else {}
        self._ack(msg_id, seq=applied.seq, duplicate=applied.duplicate, **extra)
        if applied.changed and self._has_bots():
            self.tasks.spawn(_db(bots.run_bots)(self.game_id))

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
        self._ack(env.id, result=result)

    async def on_advice(self, env: protocol.Envelope) -> None:
        """The advisor for this seat (when the facilitator allows it); every use recorded."""
        if self.role != "player" or self.player_id is None:
            raise errors.ServiceError(errors.FORBIDDEN, "only a seat may ask the advisor")
        result = await _db(advice.ask)(self.game_id, self.player_id, env.id)
        self._ack(env.id, result=result)

    async def on_chat(self, env: protocol.Envelope) -> None:
        if self.role == "spectator":
            raise errors.ServiceError(errors.FORBIDDEN, "spectators cannot chat")
        assert self.game_id is not None and self.role is not None
        p = env.payload
        msg = await _db(chat_requests.post)(self.game_id, self.role, self.player_id,
                                            p.get("room"), p.get("text"), env.id)
        self._ack(env.id, message=msg)

    async def on_report(self, env: protocol.Envelope) -> None:
        if self.role == "spectator":
            raise errors.ServiceError(errors.FORBIDDEN, "spectators cannot report")
        assert self.game_id is not None and self.role is not None
        p = env.payload
        await _db(chat_requests.report)(self.game_id, self.role, self.player_id,
                                        self.viewer or "", self.sender, p.get("message"),
                                        p.get("reason", ""))
        self._ack(env.id)

    async def on_control(self, env: protocol.Envelope) -> None:
        if env.payload.get("op") in briefing.OPS:  # a seat's person: briefing and quiz
            return await briefing.receive(self, env)
        if self.role != "facilitator":
            raise errors.ServiceError(errors.FORBIDDEN, "only the facilitator may do that")
        p = dict(env.payload)
        op = p.pop("op", None)
        if not isinstance(op, str):
            raise errors.ServiceError(errors.BAD_REQUEST, "payload.op names the control")
        if op in ENGINE_OPS:
            await self._apply(env.id, {"type": ENGINE_OPS[op], **p})
            return
        assert self.game_id is not None
        result = await _db(controls.control)(self.game_id, op, p, self.sender)
        self._ack(env.id, result=result)


def _opt_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


class EchoConsumer(AsyncWebsocketConsumer):
    """The bare Channels echo the benchmark compares against (only routed with FORGE_ECHO=1)."""

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None
                      ) -> None:
        await self.send(text_data=text_data, bytes_data=bytes_data)

