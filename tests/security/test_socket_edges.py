"""The socket's URL is input too: a join code that is no code (a NUL, which PostgreSQL
refuses in a string, overlong, the wrong letters) is `not_found` and 4404, alike on both
backends, before any query."""

from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator

from negotiation.asgi import application
from tests.server.helpers import ORIGIN

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.mark.parametrize("code", ["AB%00CD", "AB\x00CD", "A" * 5000, "ABCDEI", "ÅBCDEF"])
async def test_a_code_that_is_no_code_is_not_found(code: str) -> None:
    comm = WebsocketCommunicator(application, f"/ws/v1/games/{code}/", headers=[ORIGIN])
    ok, _ = await comm.connect(timeout=5)
    assert ok
    answer = await comm.receive_json_from(timeout=5)
    assert answer["type"] == "error" and answer["code"] == "not_found"
    closed = await comm.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4404}


async def test_a_database_out_of_reach_at_connect_is_unavailable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL restarting while a phone connects: a retryable answer, not an HTTP 500."""
    from django.db import OperationalError

    from negotiation.services import games

    def down(code: str) -> None:
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr(games, "by_code", down)
    comm = WebsocketCommunicator(application, "/ws/v1/games/ABCDEF/", headers=[ORIGIN])
    ok, _ = await comm.connect(timeout=5)
    assert ok
    answer = await comm.receive_json_from(timeout=5)
    assert answer["type"] == "error" and answer["code"] == "unavailable"
    assert await comm.receive_output(timeout=5) == {"type": "websocket.close", "code": 1013}
