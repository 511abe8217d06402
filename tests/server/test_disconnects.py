"""Every connection is forgotten however it ends (issue 9): before its hello, during it,
with an action in flight, while a push is being written to it. Forgotten means out of the
process's hub (nothing pushes to it again), and nothing about it in the error log: a
client leaving is ordinary."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator

from negotiation.asgi import application
from negotiation.models import ActionLog
from negotiation.realtime import hub
from tests.server.helpers import (
    ORIGIN,
    WS,
    connect,
    db,
    join,
    player,
    spectator,
    started_game,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def _members(game_id: int) -> int:
    return len(hub.current().connections(game_id))


async def _settled(game_id: int, expected: int) -> None:
    for _ in range(100):
        if _members(game_id) == expected:
            return
        await asyncio.sleep(0.02)
    assert _members(game_id) == expected


def _no_errors(caplog: pytest.LogCaptureFixture) -> None:
    bad = [r for r in caplog.records if r.levelno >= logging.WARNING
           and r.name.startswith("negotiation")]
    assert not bad, [(r.name, r.getMessage()) for r in bad]


async def test_leaving_before_hello(caplog: pytest.LogCaptureFixture) -> None:
    _user, game, _pl, _token, f = await started_game()
    ws = await connect(game.code)
    await ws.close()
    await _settled(game.pk, 1)  # only the facilitator
    await f.close()
    await _settled(game.pk, 0)
    _no_errors(caplog)


async def test_leaving_during_hello(caplog: pytest.LogCaptureFixture) -> None:
    _user, game, _pl, token, f = await started_game()
    ws = await connect(game.code)
    await ws.send("hello", {"role": "player", "token": token})
    await ws.close()  # before the welcome
    await _settled(game.pk, 1)
    ack = await f.control("pause")  # a push to the game: nobody gone is written to
    assert ack["type"] == "ack"
    await asyncio.sleep(0.2)
    await _settled(game.pk, 1)
    _no_errors(caplog)
    await f.close()


async def test_leaving_with_an_action_in_flight(caplog: pytest.LogCaptureFixture) -> None:
    _user, game, _pl, token, f = await started_game()
    ws = await player(game.code, token)
    mid = await ws.send("action", {"action": {"type": "ready"}})
    await ws.close()  # the action is still on its way to the database
    await _settled(game.pk, 1)
    # it was applied and kept all the same
    assert await db(ActionLog.objects.filter(game=game, client_msg_id=mid).exists)()
    for op in ("pause", "resume"):  # later pushes reach only those still here
        assert (await f.control(op))["type"] == "ack"
    await asyncio.sleep(0.2)
    _no_errors(caplog)
    await f.close()


class _VanishingClient:
    """The server's send raising once the client has gone, as uvicorn's does
    (ClientDisconnected) when a push is written to a socket that just closed."""

    def __init__(self, after: int) -> None:
        self.after = after
        self.sent = 0
        self.gone = asyncio.Event()

    def wrap(self, app: Any) -> Any:
        async def wrapped(scope: Any, receive: Any, send: Any) -> None:
            async def flaky_send(message: dict[str, Any]) -> None:
                if message["type"] == "websocket.send":
                    self.sent += 1
                    if self.sent > self.after:
                        self.gone.set()
                        raise OSError("the client went away")
                await send(message)
            await app(scope, receive, flaky_send)
        return wrapped


async def test_leaving_while_a_push_is_written(caplog: pytest.LogCaptureFixture) -> None:
    _user, game, _pl, token, f = await started_game()
    _other, other_token = await db(join)(game, "AUS", "Bo")
    vanishing = _VanishingClient(after=4)  # welcome, clock, state, then one more
    comm = WebsocketCommunicator(vanishing.wrap(application), f"/ws/v1/games/{game.code}/",
                                 headers=[ORIGIN])
    ok, _ = await comm.connect(timeout=5)
    assert ok
    ws = WS(comm)
    await ws.reply(await ws.send("hello", {"role": "player", "token": token}))
    watcher = await spectator(game.code)
    aus = await player(game.code, other_token)
    for ready in (True, False, True):  # pushes: the vanishing client's send fails mid-way
        ack = await aus.action({"type": "ready", "ready": ready})
        assert ack["type"] == "ack"
        await watcher.state_at(ack["seq"])  # the others still get every version
    await asyncio.wait_for(vanishing.gone.wait(), 5)
    await comm.disconnect()  # the server reports the disconnect, as uvicorn would
    await _settled(game.pk, 3)  # facilitator, spectator, AUS
    ack = await aus.action({"type": "ready", "ready": False})
    await watcher.state_at(ack["seq"])
    _no_errors(caplog)
    for w in (watcher, aus, f):
        await w.close()
    await _settled(game.pk, 0)
