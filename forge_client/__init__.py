"""A Python client for FORGE servers: play a seat with your own negotiator.

    from forge_client import Connection, join, play_seat
    joined = await join("http://127.0.0.1:8000", "ABCD23", "USA", name="my agent")
    async with Connection(joined.http, joined.code, token=joined.token) as conn:
        final_view = await play_seat(conn, my_agent)   # my_agent(view, legal) -> action|None

or from a shell: `python -m forge_client play --url … --code … --seat … --agent mod:fn`.
See docs/agents.md. Needs asyncio, `websockets` and the repository's `game` package; not
Django.
"""

from forge_client.arena import (
    EngineTable,
    ServerTable,
    actions_of,
    load_agent,
    play_seat,
    run_game,
)
from forge_client.client import Connection, Joined, ProtocolError, join, join_sync

__all__ = [
    "Connection",
    "EngineTable",
    "Joined",
    "ProtocolError",
    "ServerTable",
    "actions_of",
    "join",
    "join_sync",
    "load_agent",
    "play_seat",
    "run_game",
]
