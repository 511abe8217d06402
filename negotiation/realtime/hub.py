"""One channel-layer subscription per process (per event loop), fanned out in memory to the
connections of each game.

Joining every connection to the game's group costs the layer one delivery per connection:
with the in-memory layer each of those scans every channel (O(connections) per message),
and with Redis each is a subscriber. Here the layer delivers one message per process and
the hub hands it to that process's connections; the layer's load no longer grows with the
number of people watching. The hub also knows which games this process serves, which is
what the version watcher (watch.py) polls.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from channels.layers import get_channel_layer

from negotiation.realtime import broadcast, fanout
from negotiation.realtime.broadcast import group_name
from negotiation.realtime.per_loop import PerLoop

log = logging.getLogger("negotiation.realtime.hub")


class Member(fanout.Connection, Protocol):
    def deliver(self, message: dict[str, Any]) -> None: ...

    def announce(self, version: int, clock: bool) -> bool: ...


RETRY_S = 0.002  # wait before trying a game that was mid-apply again
MAX_RETRIES = 50  # then hand the push to each connection's own (database) path


class Hub:
    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.members: dict[int, set[Member]] = {}
        self.reader: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()
        # The state fan-out: per game, the newest version announced and not yet pushed,
        # and the games whose push task is scheduled or running (one task per game).
        self.wanted: dict[int, int] = {}
        self.flushing: dict[int, asyncio.Task[None]] = {}

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
            if message.get("origin") == broadcast.ORIGIN:
                continue  # ours: this process's connections were told directly
            self.deliver(message)

    def deliver(self, message: dict[str, Any]) -> None:
        game_id = message.get("game")
        members = self.members.get(game_id)  # type: ignore[arg-type]
        if not members:
            return
        if message.get("type") == "game.version":
            # The hot path. Each connection only says whether it needs the new state (a
            # delayed spectator schedules its own); one task per game then renders each
            # viewer once and writes to every connection that needs it. Versions that
            # arrive while that task is pending or running are folded into its next pass,
            # so a burst of actions costs one frame per connection, not one per action.
            version, clock = message["version"], bool(message.get("clock"))
            wanted = False
            for member in list(members):
                try:
                    wanted = member.announce(version, clock) or wanted
                except Exception:
                    log.exception("announcing to a connection of game %s failed", game_id)
            if wanted:
                self.want(game_id, version)  # type: ignore[arg-type]
            return
        for member in list(members):
            try:
                member.deliver(message)
            except Exception:
                log.exception("delivery to a connection of game %s failed", game_id)

    def want(self, game_id: int, version: int) -> None:
        if version > self.wanted.get(game_id, -1):
            self.wanted[game_id] = version
        if game_id not in self.flushing:
            self.flushing[game_id] = asyncio.ensure_future(self._flush(game_id))

    async def _flush(self, game_id: int) -> None:
        retries = 0
        try:
            while True:
                version = self.wanted.pop(game_id, None)
                if version is None:
                    return
                try:
                    again = await fanout.push_version(game_id, version, self.connections(game_id),
                                                     False)
                except Exception:
                    log.exception("pushing game %s v%s failed", game_id, version)
                    again = False
                if again:
                    retries += 1
                    if version > self.wanted.get(game_id, -1):
                        self.wanted[game_id] = version
                    if retries > MAX_RETRIES:
                        await fanout.push_version(game_id, version, self.connections(game_id), True)
                        self.wanted.pop(game_id, None)
                        return
                    await asyncio.sleep(RETRY_S)
                else:
                    retries = 0
        finally:
            self.flushing.pop(game_id, None)

    def games(self) -> list[int]:
        return list(self.members)

    def connections(self, game_id: int) -> list[Member]:
        return list(self.members.get(game_id, ()))


_hubs = PerLoop(lambda loop: Hub())
for_loop = _hubs.get  # that loop's hub, if any (for in-process delivery from a thread)
current = _hubs.current  # the running loop's hub
