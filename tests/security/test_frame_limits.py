"""The server's own bound on WebSocket messages, as `make run` starts it (uvicorn
--ws-max-size): a message over 64 KiB never reaches the application (the connection is
closed with 1009, "message too big"), and the server goes on serving others."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.server import procs


@pytest.fixture
def echo_server(tmp_path):  # type: ignore[no-untyped-def]
    port = procs.free_port()
    env = {"FORGE_ECHO": "1", "FORGE_CLOCK": "0", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
           "ALLOWED_HOSTS": "127.0.0.1"}
    proc = procs.start_server(port, {**env, "REDIS_URL": ""},
                              log=tmp_path / "server.log")
    yield port
    procs.stop(proc)


def test_the_server_refuses_oversize_messages(echo_server):
    port = echo_server

    async def run() -> tuple[str, str]:
        url = f"ws://127.0.0.1:{port}/ws/echo/"
        async with connect(url, origin=f"http://127.0.0.1:{port}", compression=None) as ws:
            await ws.send("x" * (procs.MAX_MESSAGE + 1024))
            try:
                outcome = f"echoed {len(await asyncio.wait_for(ws.recv(), 5))}"
            except ConnectionClosed as exc:
                outcome = f"closed {exc.rcvd.code if exc.rcvd else None}"
        async with connect(url, origin=f"http://127.0.0.1:{port}", compression=None) as ws:
            await ws.send("y" * 1000)
            return outcome, await asyncio.wait_for(ws.recv(), 5)

    outcome, echoed = asyncio.run(run())
    assert outcome == "closed 1009"
    assert echoed == "y" * 1000


# ---- the application's own bound: too_large names the frame when it can (issue 9, item 8) ---
LIMIT = 16384


def _refused(text: str) -> tuple[str, str | None]:
    from negotiation import protocol

    with pytest.raises(protocol.ProtocolError) as info:
        protocol.parse(text, LIMIT)
    return info.value.code, info.value.msg_id


@pytest.mark.parametrize("head,expected", [
    ('{"id": "c-17", "type": "chat", "payload": {"text": "', "c-17"),
    ('{"id":"c-17","type":"chat","payload":{"text":"', "c-17"),
    ('  {\n  "type": "chat",\n  "v": 1,\n  "id": "c:17.x_y",\n  "payload": {"text": "', "c:17.x_y"),
    ('{"type": "chat", "payload": {"id": "evil", "text": "', None),  # not a top-level id
    ('{"payload": {"text": "x"}, "id": "late", "text": "', None),  # after a nested value
    ('{"id": "' + "a" * 64 + '\\n", "payload": {"text": "', None),  # the newline id
    ('{"id": "' + "a" * 65 + '", "payload": {"text": "', None),
    ('{"id": "c\\u0031", "payload": {"text": "', None),  # escapes are not unpicked
    ('{"id": 17, "payload": {"text": "', None),
    ('["c-17", "', None),
    ('{"type": "' + "t" * 300 + '", "id": "c-17", "payload": {"text": "', None),  # too far in
])
def test_too_large_keeps_an_id_read_from_the_first_bytes(head: str, expected: str | None):
    # the rest is not even JSON: the id is read from the head alone, never by decoding it all
    assert _refused(head + "x" * LIMIT + "<not json") == ("too_large", expected)


def test_too_large_counts_bytes_and_the_id_survives_multibyte_text():
    text = '{"id": "mb-1", "type": "chat", "payload": {"text": "' + "é" * 9000 + '"}}'
    assert len(text) < LIMIT < len(text.encode())
    assert _refused(text) == ("too_large", "mb-1")


@pytest.mark.parametrize("msg_id", ["a" * 64 + "\n", "ok\n", "\nok", "a" * 65, "", "o k", "é"])
def test_an_id_must_match_whole(msg_id: str):
    import json

    code, got = _refused(json.dumps({"id": msg_id, "type": "ping"}))
    assert (code, got) == ("bad_message", None)


@pytest.mark.parametrize("payload,refused", [
    ({"text": "a\u0000b"}, True),
    ({"deep": [[[{"x": ["\u001b[2J"]}]]]}, True),
    ({"k\u0000": 1}, True),
    ({"c1": "\u0085"}, True),
    ({"del": "\u007f"}, True),
    ({"n": 2**63}, True),
    ({"n": [-(2**63) - 1]}, True),
    ({"n": 10**30}, True),
    ({"lines": "a\nb\tc\r\n", "n": 2**63 - 1, "m": -(2**63), "f": 1e308}, False),
    ({"emoji": "\U0001f600 \u200d \u202e"}, False),
])
def test_no_frame_carries_control_characters_or_numbers_beyond_64_bits(payload, refused):
    import json

    from negotiation import protocol

    text = json.dumps({"id": "v1", "type": "chat", "payload": payload})
    if refused:
        assert _refused(text) == ("bad_message", "v1")
    else:
        assert protocol.parse(text, LIMIT).payload == payload
