"""The apply lane: group commit for actions on a single database lane.

With SQLite (one writer) every action goes through the one database thread. Handing each
action over separately costs a thread hop, a BEGIN and a COMMIT, and -- worse -- each of
its half-dozen SQLite calls gives up the GIL and must win it back from the busy event
loop: that, not the work, capped the lane at about the benchmark's 320 actions/s. Here
the actions that arrive while the lane is busy wait together and go over as one batch,
applied in one transaction (`actions.apply_batch`); each sender still gets its own answer
after the commit. At low load a batch is one action, as before; under load, batches grow
and the cost per action falls. A game's broadcasts from one batch reach the hub together,
so its connections get one frame for the batch.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from typing import Any

from channels.db import database_sync_to_async
from django.db import connection

from negotiation.realtime import broadcast, pacing
from negotiation.realtime.per_loop import PerLoop
from negotiation.services import actions

log = logging.getLogger("negotiation.realtime.lane")

MAX_BATCH = 64
stats: Counter[str] = Counter()


class Lane:
    def __init__(self) -> None:
        self.queue: list[tuple[actions.Request, asyncio.Future[Any]]] = []
        self.task: asyncio.Task[None] | None = None

    async def apply(self, game_id: int, actor: str, payload: Any, sender: str,
                    client_msg_id: str | None) -> actions.Applied:
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.queue.append(((game_id, actor, payload, sender, client_msg_id), fut))
        if self.task is None:
            self.task = asyncio.ensure_future(self._run())
        result: actions.Applied = await fut
        return result

    async def _run(self) -> None:
        pacer = pacing.current()
        # SQLite works inside this process, on the one core the loop also needs, so while
        # a batch is out the fan-out waits (pacing.py); PostgreSQL's time is
        # mostly round trips, which the loop can spend rendering.
        pause = connection.vendor == "sqlite"
        try:
            while self.queue:
                batch, self.queue = self.queue[:MAX_BATCH], self.queue[MAX_BATCH:]
                stats["batches"] += 1
                stats["actions"] += len(batch)
                kept: list[tuple[int, dict[str, Any]]] = []
                t0 = time.perf_counter()
                if pause:
                    pacer.pause()
                try:
                    results, kept = await database_sync_to_async(actions.apply_batch_held)(
                        [request for request, _ in batch])
                except Exception as exc:  # the hop itself failed: nothing was applied
                    log.exception("apply batch failed")
                    results = [exc] * len(batch)
                stats["wall_us"] += int(1e6 * (time.perf_counter() - t0))
                for (_, fut), result in zip(batch, results, strict=True):
                    if fut.done():  # the sender went away
                        continue
                    if isinstance(result, BaseException):
                        fut.set_exception(result)
                    else:
                        fut.set_result(result)
                if kept:
                    # The senders' acks go first (their tasks were just woken: let them
                    # run), then the news of the new versions, whose fan-out renders every
                    # viewer, a turn at a time (pacing.py).
                    await asyncio.sleep(0)
                pacer.resume()
                if kept:
                    _publish(kept)
        finally:
            pacer.resume()
            self.task = None


def _publish(kept: list[tuple[int, dict[str, Any]]]) -> None:
    """A batch's news, in order; a game's several new versions as one (its newest, with
    the clock flag if any of them moved the clock)."""
    merged: dict[tuple[int, Any], dict[str, Any]] = {}
    for n, (game_id, message) in enumerate(kept):
        if message.get("type") != "game.version":
            merged[(game_id, n)] = message
            continue
        old = merged.pop((game_id, "version"), None)
        if old is not None:
            message = {**message, "version": max(old["version"], message["version"]),
                       "clock": bool(old.get("clock") or message.get("clock"))}
        merged[(game_id, "version")] = message
    for (game_id, _), message in merged.items():
        try:
            broadcast.publish(game_id, message)
        except Exception:
            log.exception("broadcast to game %s failed", game_id)


current = PerLoop(lambda loop: Lane()).current
