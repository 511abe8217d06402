"""One connection to a FORGE server, as docs/protocol.md describes it: join by code over
HTTP, hello (with patches), the view kept whole by applying patches, every request
answered by its id, unanswered requests sent again with the same id after a reconnect
(the server answers a duplicate once), `rate_limited` waited out and resent.

    joined = await join("http://127.0.0.1:8000", "ABCD23", "USA", name="my bot")
    async with Connection(joined.http, joined.code, token=joined.token) as conn:
        legal = await conn.legal()
        ack = await conn.act(legal["templates"]["propose_deal"]["action"])
        print(ack.get("created"))    # {"deal": "D7", "version": 1}

Needs only asyncio, `websockets` and the engine's pure-Python `game` package (for the
types); not Django.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import msgspec
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from game.schema import FacilitatorView, SeatView, SpectatorView

log = logging.getLogger("forge_client")
WAIT = 30.0  # seconds to wait for an answer before giving up on a request
_ids = itertools.count(1)


class ProtocolError(Exception):
    """The server refused a request: `code` is from docs/protocol.md's table."""

    def __init__(self, code: str, message: str, reply: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.reply = code, message, reply or {}


@dataclass(frozen=True)
class Joined:
    http: str  # the server's base URL, http(s)://host:port
    code: str
    seat: str
    token: str
    player: int


def _http_base(url: str) -> str:
    parts = urlsplit(url if "://" in url else f"http://{url}")
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme, parts.scheme)
    return f"{scheme}://{parts.netloc}"


def join_sync(url: str, code: str, seat: str, name: str = "agent") -> Joined:
    """POST /api/join/ {code, name, seat}: a player token for the seat."""
    base = _http_base(url)
    body = json.dumps({"code": code, "seat": seat, "name": name}).encode()
    req = urllib.request.Request(f"{base}/api/join/", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=WAIT) as resp:
            out = json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        err = json.loads(exc.read() or b"{}").get("error", {})
        raise ProtocolError(err.get("code", str(exc.code)), err.get("message", "")) from None
    return Joined(base, code.upper(), out["seat"], out["token"], out["player"])


async def join(url: str, code: str, seat: str, name: str = "agent") -> Joined:
    return await asyncio.to_thread(join_sync, url, code, seat, name)


class Connection:
    """A player, facilitator or spectator connection that survives reconnects.

    `view` is always the whole view at `seq` (patches applied); `events` every event
    received, in order, each once; `frames` (when `keep_frames`) every frame received."""

    def __init__(self, url: str, code: str, *, token: str | None = None,
                 role: str | None = None, cookie: str | None = None,
                 keep_frames: bool = False, name: str = "") -> None:
        base = _http_base(url)
        ws = base.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
        self.http, self.code = base, code.upper()
        self.url = f"{ws}/ws/v1/games/{self.code}/"
        self.role = role or ("player" if token else "spectator")
        self.token, self.cookie, self.name = token, cookie, name or self.role
        self.view: dict[str, Any] | None = None
        self.seq: int | None = None
        self.events: list[dict[str, Any]] = []
        self._event_keys: set[tuple[Any, ...]] = set()
        self.frames: list[dict[str, Any]] | None = [] if keep_frames else None
        self.welcome: dict[str, Any] = {}
        self.clock: dict[str, Any] = {}
        self.errors: dict[str, int] = {}  # refusals by code, for reports
        self._pending: dict[str, tuple[str, dict[str, Any], asyncio.Future[dict[str, Any]]]] = {}
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._closing = False
        self._connected = asyncio.Event()
        self.closed_code: int | None = None
        self._tasks: set[asyncio.Task[Any]] = set()  # background work, kept referenced

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ---- the socket -----------------------------------------------------------------------
    async def __aenter__(self) -> Connection:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def open(self) -> None:
        headers = [("Cookie", self.cookie)] if self.cookie else None
        origin = self.http  # the server's own address: allowed by ALLOWED_HOSTS
        self._ws = await connect(self.url, origin=origin,  # type: ignore[arg-type]
                                 additional_headers=headers, compression=None,
                                 open_timeout=WAIT, max_size=2**23)
        self._reader = asyncio.ensure_future(self._read(self._ws))
        hello: dict[str, Any] = {"role": self.role, "patches": True}
        if self.token:
            hello["token"] = self.token
        if self.seq is not None:
            hello["last_seq"] = self.seq
        msg_id = f"hello-{next(_ids)}"
        fut = self._future(msg_id, "hello", hello)
        await self._ws.send(json.dumps({"id": msg_id, "type": "hello", "payload": hello}))
        reply = await asyncio.wait_for(fut, WAIT)
        if reply["type"] != "welcome":
            raise ProtocolError(reply.get("code", "?"), reply.get("message", ""), reply)
        self.welcome = reply
        self._connected.set()
        await self.wait_for(lambda c: c.view is not None)  # the state after the welcome
        for mid, (kind, payload, f) in list(self._pending.items()):  # resend, same ids
            if not f.done() and kind != "hello":
                await self._send_raw(mid, kind, payload)

    async def close(self) -> None:
        self._closing = True
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    async def reconnect(self) -> None:
        """Open a new socket and resume: hello with last_seq, then every unanswered
        request again under its own id."""
        self._connected.clear()
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        for _ in range(20):
            try:
                await self.open()
                return
            except (OSError, ConnectionClosed, TimeoutError):
                await asyncio.sleep(0.5)
        raise ConnectionError(f"could not reconnect to {self.url}")

    def _future(self, msg_id: str, kind: str, payload: dict[str, Any]
                ) -> asyncio.Future[dict[str, Any]]:
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[msg_id] = (kind, payload, fut)
        return fut

    async def _send_raw(self, msg_id: str, kind: str, payload: dict[str, Any]) -> None:
        assert self._ws is not None
        with contextlib.suppress(ConnectionClosed):  # the reader reconnects and resends
            await self._ws.send(json.dumps({"id": msg_id, "type": kind, "payload": payload}))

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for raw in ws:
                self._on(json.loads(raw))
        except ConnectionClosed:
            pass
        finally:
            self.closed_code = ws.close_code
            self._changed.set()
        if not self._closing and ws is self._ws and self.closed_code not in (4403, 4404):
            self._spawn(self.reconnect())

    def _on(self, msg: dict[str, Any]) -> None:
        if self.frames is not None:
            self.frames.append(msg)
        kind = msg.get("type")
        if kind == "state":
            self._on_state(msg)
        elif kind == "clock":
            self.clock = msg
        mid = msg.get("id")
        if mid and kind in ("ack", "error", "welcome", "pong"):
            entry = self._pending.get(mid)
            if entry is not None:
                if kind == "error" and msg.get("code") == "rate_limited":
                    self._spawn(self._later(mid, *entry[:2]))
                else:
                    self._pending.pop(mid)
                    if not entry[2].done():
                        entry[2].set_result(msg)
        self._changed.set()

    async def _later(self, msg_id: str, kind: str, payload: dict[str, Any]) -> None:
        await asyncio.sleep(0.25)
        if msg_id in self._pending:
            await self._send_raw(msg_id, kind, payload)

    def _on_state(self, msg: dict[str, Any]) -> None:
        if "view" in msg:
            self.view = msg["view"]
        elif self.view is not None and msg.get("base") == self.seq:
            self.view = {**self.view, **msg["patch"]}
            for key in msg.get("drop", []):
                self.view.pop(key, None)
        else:  # a patch on a version this client does not hold: ask for the whole view
            self._spawn(self._resync())
            return
        self.seq = msg["seq"]
        for e in msg["events"]:
            key = (e.get("seq"), e["kind"], e["text"], tuple(e.get("to", ())))
            if key not in self._event_keys:
                self._event_keys.add(key)
                self.events.append(e)

    async def _resync(self) -> None:
        with contextlib.suppress(ProtocolError, TimeoutError):
            await self.request("sync", {})

    # ---- requests -------------------------------------------------------------------------
    async def request(self, kind: str, payload: dict[str, Any] | None = None,
                      msg_id: str | None = None, timeout: float = WAIT) -> dict[str, Any]:
        """Send one message; its answer (ack, welcome, pong). An `error` raises
        ProtocolError (a `rate_limited` one is waited out and the id sent again)."""
        msg_id = msg_id or f"{self.name}-{next(_ids)}"
        payload = payload or {}
        fut = self._future(msg_id, kind, payload)
        await self._connected.wait()
        await self._send_raw(msg_id, kind, payload)
        reply = await asyncio.wait_for(fut, timeout)
        if reply["type"] == "error":
            self.errors[reply["code"]] = self.errors.get(reply["code"], 0) + 1
            raise ProtocolError(reply["code"], reply.get("message", ""), reply)
        return reply

    async def act(self, action: dict[str, Any] | msgspec.Struct,
                  msg_id: str | None = None) -> dict[str, Any]:
        """Apply an engine action for this seat: the ack (`seq`, `duplicate`, `created`).
        A duplicate's ack does not say what was created: the event at its seq does."""
        payload: dict[str, Any] = (msgspec.to_builtins(action)
                                   if isinstance(action, msgspec.Struct) else action)
        ack = await self.request("action", {"action": payload}, msg_id)
        if ack.get("duplicate") and "created" not in ack:
            made = self.created_at(ack["seq"], str(payload.get("type", "")))
            if made:
                ack = {**ack, "created": made}
        return ack

    def created_at(self, seq: int, action_type: str) -> dict[str, Any] | None:
        from game.schema import created

        return created(action_type, [e for e in self.events if e.get("seq") == seq])

    async def control(self, op: str, **args: Any) -> dict[str, Any]:
        return await self.request("control", {"op": op, **args})

    async def legal(self) -> dict[str, Any]:
        """What this seat may do now: seq, kinds, concrete actions and, per kind, a template
        with each field's range in this state."""
        result: dict[str, Any] = (await self.request("legal"))["result"]
        return result

    # ---- waiting --------------------------------------------------------------------------
    async def wait_for(self, pred: Any, timeout: float = WAIT) -> Any:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            found = pred(self)
            if found:
                return found
            left = end - loop.time()
            if left <= 0:
                raise TimeoutError(f"{self.name}: timed out at seq {self.seq}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 0.5))

    async def wait_seq(self, seq: int, timeout: float = WAIT) -> None:
        await self.wait_for(lambda c: c.seq is not None and c.seq >= seq, timeout)

    async def wait_change(self, timeout: float = WAIT) -> None:
        """Until something arrives (a state, a clock), or `timeout`."""
        self._changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)

    # ---- the typed view -------------------------------------------------------------------
    def typed(self) -> SeatView | SpectatorView | FacilitatorView:
        """The view as game.schema's types (attribute access; validated on the way)."""
        assert self.view is not None
        if self.role == "facilitator":
            return msgspec.convert(self.view, FacilitatorView)
        if self.role == "spectator":
            return msgspec.convert(self.view, SpectatorView)
        return msgspec.convert(self.view, SeatView)
