"""The loop each server process runs beside its connections: end due phases, let bots
act on new versions, and heal connections that missed a broadcast (watch.py).

Every step is safe to run in several processes at once (see services/clock.py and
services/bots.py), so there is no leader to elect and nothing to fail over.
"""

from __future__ import annotations

import asyncio
import logging
import time

from channels.db import database_sync_to_async
from django.conf import settings

from negotiation.realtime import checkpoints, lane, watch
from negotiation.services import bots, clock, rendering

log = logging.getLogger("negotiation.realtime.background")


def step() -> list[int]:
    """One synchronous pass of the clock and the bots (also used by `manage.py run_clock`)."""
    fired = clock.tick()
    bots.run_pending()
    return fired


async def run_forever() -> None:
    interval = settings.FORGE_CLOCK_INTERVAL
    last_watch = 0.0
    while True:
        try:
            await database_sync_to_async(step)()
            now = time.monotonic()
            if now - last_watch >= settings.FORGE_WATCH_INTERVAL:
                last_watch = now
                if rendering.stats:
                    log.debug("renders: %s; applies: %s", dict(rendering.stats),
                              dict(lane.stats))
                states = await database_sync_to_async(watch.read_state)(watch.watched())
                watch.heal(states)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background step failed")
        await asyncio.sleep(interval)


_task: asyncio.Task[None] | None = None


def start(loop: asyncio.AbstractEventLoop | None = None) -> None:
    """Start the loop once per process, on the server's event loop."""
    global _task
    checkpoints.start()
    if _task is None or _task.done():
        loop = loop or asyncio.get_event_loop()
        _task = loop.create_task(run_forever())
