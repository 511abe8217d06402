"""The state fan-out of one game: after a commit, every connection of the game that needs
it is brought to the newest committed version. Each distinct (viewer, last seq) is
rendered and encoded once, whatever the number of its connections (the spectators, the
members of one delegation), and renders take turns with the rest of the event loop
(pacing.py). The hub (hub.py) runs one fan-out at a time per game.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

from channels.db import database_sync_to_async

from negotiation.realtime import pacing
from negotiation.services import rendering


class Connection(Protocol):
    """What the fan-out needs of a connection (negotiation/pushes.py)."""

    viewer: str | None
    last_seq: int | None  # the newest version the client holds
    push_lock: asyncio.Lock  # held while the connection pushes on its own (hello, sync)

    def wants_state(self, version: int) -> bool: ...

    def patch_mode(self) -> str: ...

    def push_own(self, version: int) -> None: ...

    async def send_text(self, text: str) -> None: ...


async def push_version(game_id: int, version: int, conns: Sequence[Connection],
                       fallback: bool) -> bool:
    """Bring the game's connections that need it to the newest committed version (at
    least `version`); with `fallback`, each connection takes its own (database) path.
    Returns True if the game was mid-apply: the hub tries again in a moment."""
    groups: dict[tuple[str, int | None, str], list[Connection]] = {}
    for conn in conns:
        if not conn.wants_state(version):
            continue
        if fallback or conn.push_lock.locked():  # a hello/sync or a slow path is running
            conn.push_own(version)
            continue
        groups.setdefault((conn.viewer or "", conn.last_seq, conn.patch_mode()), []).append(conn)
    pacer = pacing.current()
    caught_up = False
    for n, ((viewer, since, mode), group) in enumerate(groups.items()):
        await pacer.turn(again=n > 0)
        try:
            out, why = rendering.frame(game_id, viewer, since, version, mode)
        finally:
            pacer.done()
        if out is None and why == rendering.COLD and not caught_up:
            # This process's copy of the game is behind (another process applied the
            # action) or not loaded: bring it up from the log once, for everyone.
            caught_up = True
            await database_sync_to_async(rendering.catch_up)(game_id)
            await pacer.turn(again=True)
            try:
                out, why = rendering.frame(game_id, viewer, since, version, mode)
            finally:
                pacer.done()
        if out is None and why != rendering.COLD:
            return True
        for conn in group:
            if not conn.wants_state(version):
                continue
            if out is None or conn.last_seq != since or conn.push_lock.locked():
                conn.push_own(version)  # from the database
                continue
            conn.last_seq = out["seq"]
            await conn.send_text(out["text"])
    return False
