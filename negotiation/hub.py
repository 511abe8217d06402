"""One channel-layer subscription per process (per event loop), fanned out in memory to the
connections of each game.

Joining every connection to the game's group costs the layer one delivery per connection:
with the in-memory layer each of those scans every channel (O(connections) per message),
and with Redis each is a subscriber. Here the layer delivers one message per process and
the hub hands it to that process's connections; the layer's load no longer grows with the
number of people watching. The hub also knows which games this process serves, which is
what the version watcher (negotiation/watch.py) polls.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from channels.layers import get_channel_layer

from negotiation.services.broadcast import group_name

log = logging.getLogger("negotiation.hub")


class Member(Protocol):
    def deliver(self, message: dict[str, Any]) -> None: ...


class Hub:
    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.members: dict[int, set[Member]] = {}
        self.reader: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()

    async def join(self, game_id: int, member: Member) -> None:
        async with self.lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel("forge-hub.")
                self.reader = asyncio.ensure_future(self._read())
            members = self.members.setdefault(game_id, set())
            first = not members
            members.add(member)
            if first:
                await self.layer.group_add(group_name(game_id), self.channel)

    async def leave(self, game_id: int, member: Member) -> None:
        async with self.lock:
            members = self.members.get(game_id)
            if members is None:
                return
            members.discard(member)
            if not members:
                del self.members[game_id]
                if self.channel is not None:
                    try:
                        await self.layer.group_discard(group_name(game_id), self.channel)
                    except Exception:
                        log.warning("group_discard failed for game %s", game_id, exc_info=True)

    async def _read(self) -> None:
        assert self.channel is not None
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("channel layer receive failed; retrying", exc_info=True)
                await asyncio.sleep(1)
                continue
            self.deliver(message)

    def deliver(self, message: dict[str, Any]) -> None:
        game_id = message.get("game")
        for member in list(self.members.get(game_id, ())):  # type: ignore[arg-type]
            try:
                member.deliver(message)
            except Exception:
                log.exception("delivery to a connection of game %s failed", game_id)

    def games(self) -> list[int]:
        return list(self.members)

    def connections(self, game_id: int) -> list[Member]:
        return list(self.members.get(game_id, ()))


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}


def current() -> Hub:
    """The hub of the running event loop (tests run one loop per case)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        for old in [lp for lp in _hubs if lp.is_closed()]:
            del _hubs[old]
        hub = _hubs[loop] = Hub()
    return hub
