"""Shared helpers for the server, security and fault tests: games, players and WebSocket
clients against the real application (no part of the server is mocked)."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.test import Client

DATA = Path(__file__).resolve().parent / "data"
SCENARIO = "server-tiny"
ORIGIN = (b"origin", b"http://localhost")
# How long a test waits for something it expects (a reply, a push, a close) before failing:
# a deadline, not a speed requirement, so generous enough for a machine busy with other work.
# Tests that measure speed say so with their own bounds.
WAIT = 30.0
_ids = itertools.count(1)


def on_services() -> bool:
    """True when this session runs on PostgreSQL and Redis (see test_backends.py)."""
    return os.environ.get("DATABASE_URL", "").startswith("postgres") and \
        bool(os.environ.get("REDIS_URL"))


# Tests that need PostgreSQL and Redis shared by several processes. `make test` deselects them
# in its first pass (embedded defaults) and runs them in its second (DATABASE_URL, REDIS_URL).
services_only = pytest.mark.services


def make_user(name: str = "fac", superuser: bool = False) -> Any:
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=name)
    user.is_superuser = superuser
    user.set_password("pw")
    user.save()
    return user


def make_game(user: Any = None, scenario: str = SCENARIO, seed: int = 7, **options: Any) -> Any:
    from negotiation.services import games

    return games.create_game(user or make_user(), scenario, options, seed=seed)


def join(game: Any, seat: str, name: str = "Ann") -> tuple[Any, str]:
    from negotiation.services import games

    return games.join(game.code, name, seat)


def session_cookie(user: Any) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def next_id() -> str:
    return f"m{next(_ids)}"


class WS:
    """A WebSocket client for one connection, keeping every frame it received."""

    def __init__(self, comm: WebsocketCommunicator) -> None:
        self.comm = comm
        self.frames: list[dict[str, Any]] = []
        self.last_seq: int | None = None
        self.view: dict[str, Any] | None = None
        self.closed_code: int | None = None

    async def send(self, kind: str, payload: dict[str, Any] | None = None,
                   msg_id: str | None = None) -> str:
        msg_id = msg_id or next_id()
        await self.comm.send_json_to({"id": msg_id, "type": kind, "payload": payload or {}})
        return msg_id

    async def recv(self, timeout: float = WAIT) -> dict[str, Any]:
        msg = await self.comm.receive_json_from(timeout=timeout)
        self.frames.append(msg)
        if msg.get("type") == "state":
            if "view" in msg:
                self.view = msg["view"]
            else:  # a patch (hello `patches: true`) on the view at `base`
                assert self.view is not None and msg["base"] == self.last_seq, msg
                self.view = {**self.view, **msg["patch"]}
                for key in msg.get("drop", []):
                    del self.view[key]
            self.last_seq = msg["seq"]
        return msg

    async def drain(self, quiet: float = 0.2) -> None:
        """Read everything that arrives until the socket is quiet or closed (without
        cancelling it, which a timed-out receive does)."""
        while not await self.comm.receive_nothing(timeout=quiet):
            out = await self.comm.receive_output(timeout=WAIT)
            if out["type"] == "websocket.close":
                self.closed_code = out.get("code")
                return
            msg = json.loads(out["text"])
            self.frames.append(msg)

    async def until(self, pred: Any, timeout: float = WAIT) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            left = end - loop.time()
            if left <= 0:
                raise AssertionError(f"timed out; last frames: {self.frames[-5:]}")
            msg = await self.recv(timeout=left)
            if pred(msg):
                return msg

    async def reply(self, msg_id: str, timeout: float = WAIT) -> dict[str, Any]:
        return await self.until(lambda m: m.get("id") == msg_id
                                and m.get("type") in ("ack", "error", "welcome", "pong"),
                                timeout)

    async def state_at(self, seq: int, timeout: float = WAIT) -> dict[str, Any]:
        """The first state at or after `seq`, among frames already received or coming."""
        for f in self.frames:
            if f.get("type") == "state" and f["seq"] >= seq:
                return f
        return await self.until(lambda m: m.get("type") == "state" and m["seq"] >= seq, timeout)

    async def action(self, action: dict[str, Any], msg_id: str | None = None) -> dict[str, Any]:
        mid = await self.send("action", {"action": action}, msg_id)
        return await self.reply(mid)

    async def control(self, op: str, **payload: Any) -> dict[str, Any]:
        mid = await self.send("control", {"op": op, **payload})
        return await self.reply(mid)

    async def close(self) -> None:
        await self.comm.disconnect()


async def connect(code: str, headers: list[tuple[bytes, bytes]] | None = None) -> WS:
    from negotiation.asgi import application

    comm = WebsocketCommunicator(application, f"/ws/v1/games/{code}/",
                                 headers=headers if headers is not None else [ORIGIN])
    ok, _ = await comm.connect(timeout=WAIT)
    assert ok, "the socket was refused"
    return WS(comm)


async def player(code: str, token: str, last_seq: int | None = None, patches: bool = False
                 ) -> WS:
    ws = await connect(code)
    payload: dict[str, Any] = {"role": "player", "token": token}
    if last_seq is not None:
        payload["last_seq"] = last_seq
    if patches:
        payload["patches"] = True
    mid = await ws.send("hello", payload)
    msg = await ws.reply(mid)
    assert msg["type"] == "welcome", msg
    await ws.until(lambda m: m["type"] == "state")
    return ws


async def spectator(code: str, patches: bool = False) -> WS:
    ws = await connect(code)
    msg = await ws.reply(await ws.send("hello", {"role": "spectator", "patches": patches}))
    assert msg["type"] == "welcome", msg
    await ws.until(lambda m: m["type"] == "state")
    return ws


async def facilitator(code: str, user: Any) -> WS:
    cookie = await database_sync_to_async(session_cookie)(user)
    ws = await connect(code, headers=[ORIGIN, (b"cookie", cookie)])
    msg = await ws.reply(await ws.send("hello", {"role": "facilitator"}))
    assert msg["type"] == "welcome", msg
    await ws.until(lambda m: m["type"] == "state")
    return ws


db = database_sync_to_async


async def started_game(**options: Any) -> tuple[Any, Any, Any, str, WS]:
    """(user, game, player, token, facilitator socket): a started game whose seat USA has
    joined (as Ann), with its facilitator connected."""
    user = await db(make_user)()
    game = await db(make_game)(user, **options)
    pl, token = await db(join)(game, "USA", "Ann")
    f = await facilitator(game.code, user)
    assert (await f.control("start"))["type"] == "ack"
    return user, game, pl, token, f
