"""A protocol client over real sockets (the `websockets` library), for tests against
server processes: it reads in the background, keeps every frame, resends unacked
messages after a reconnect and resumes from the last seq it saw, as a real client must."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

_ids = itertools.count(1)
# How long to wait for what a test expects (a reply, a version, a reconnect) before failing:
# a deadline, not a speed requirement; tests that measure speed pass their own.
WAIT = 30.0


class Client:
    def __init__(self, port: int, code: str, hello: dict[str, Any],
                 cookie: str | None = None, name: str = "") -> None:
        self.port, self.code, self.hello_payload, self.cookie = port, code, hello, cookie
        self.name = name or hello.get("role", "?")
        self.frames: list[dict[str, Any]] = []
        self.states: list[dict[str, Any]] = []
        self.last_seq: int | None = None
        self.last_chat = 0
        self.replies: dict[str, dict[str, Any]] = {}
        self.waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.conn: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None
        self.closed_codes: list[int | None] = []
        self.changed = asyncio.Event()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/v1/games/{self.code}/"

    async def open(self, port: int | None = None) -> None:
        if port is not None:
            self.port = port
        headers = [("Cookie", self.cookie)] if self.cookie else None
        self.conn = await connect(self.url, origin=f"http://127.0.0.1:{self.port}",  # type: ignore[arg-type]
                                  additional_headers=headers, compression=None,
                                  open_timeout=WAIT, max_size=2**22)
        self.reader = asyncio.ensure_future(self._read(self.conn))
        payload = dict(self.hello_payload)
        if self.last_seq is not None:
            payload["last_seq"] = self.last_seq
        payload["last_chat"] = self.last_chat
        reply = await self.request("hello", payload)
        assert reply["type"] == "welcome", reply

    async def _read(self, conn: ClientConnection) -> None:
        try:
            async for raw in conn:
                msg = json.loads(raw)
                self.frames.append(msg)
                kind = msg.get("type")
                if kind == "state":
                    if self.last_seq is None or msg["seq"] > self.last_seq or msg["resync"]:
                        self.last_seq = msg["seq"]
                    self.states.append(msg)
                elif kind == "chat":
                    self.last_chat = max([self.last_chat] + [m["id"] for m in msg["messages"]])
                mid = msg.get("id")
                if mid and kind in ("ack", "error", "welcome", "pong"):
                    self.replies[mid] = msg
                    fut = self.waiters.pop(mid, None)
                    if fut is not None and not fut.done():
                        fut.set_result(msg)
                self.changed.set()
        except Exception:
            pass
        finally:
            self.closed_codes.append(conn.close_code)
            self.changed.set()

    async def send(self, kind: str, payload: dict[str, Any], msg_id: str | None = None) -> str:
        msg_id = msg_id or f"{self.name}-{next(_ids)}"
        assert self.conn is not None
        await self.conn.send(json.dumps({"id": msg_id, "type": kind, "payload": payload}))
        return msg_id

    async def request(self, kind: str, payload: dict[str, Any], msg_id: str | None = None,
                      timeout: float = WAIT) -> dict[str, Any]:
        msg_id = msg_id or f"{self.name}-{next(_ids)}"
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.waiters[msg_id] = fut
        await self.send(kind, payload, msg_id)
        return await asyncio.wait_for(fut, timeout)

    async def action(self, action: dict[str, Any], msg_id: str | None = None) -> dict[str, Any]:
        return await self.request("action", {"action": action}, msg_id)

    async def wait_for(self, pred: Any, timeout: float = WAIT) -> Any:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            found = pred(self)
            if found:
                return found
            left = end - loop.time()
            if left <= 0:
                raise AssertionError(f"{self.name}: timed out; last frames {self.frames[-3:]}")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), min(left, 0.5))

    async def wait_seq(self, seq: int, timeout: float = WAIT) -> None:
        await self.wait_for(lambda c: c.last_seq is not None and c.last_seq >= seq, timeout)

    def view(self) -> dict[str, Any]:
        return self.states[-1]["view"]

    def events(self) -> list[tuple[int, str, str]]:
        """(seq, kind, text) of every event received, in arrival order, without repeats."""
        out, seen = [], set()
        for st in self.states:
            for e in st["events"]:
                key = (e["seq"], e["kind"], e["text"])
                if key not in seen:
                    seen.add(key)
                    out.append(key)
        return out

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)
