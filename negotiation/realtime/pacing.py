"""Answers before news: the state fan-out takes turns with everything else on the event loop.

An action's ack waits for its commit; the pushes of the versions already committed can wait
a little (their goal is 100 ms, the ack's a few). Left alone, one batch's commit starts a
fan-out task per game it touched, and each renders all of its game's viewers in one go:
a millisecond or more apiece, all of it queued ahead of the next batch's answers. Here
each render waits for a turn, and turns are handed out one at a time, each after a pass
of the event loop, so whatever became ready meanwhile (an ack, an incoming action) runs
first. While the apply lane has a batch on the database thread no turn is handed out at
all: with one core, a render then only takes the CPU and the GIL from the batch that
every waiting sender is waiting for. The lane hands out one turn between batches, so a
busy lane slows the fan-out but never stops it.
"""

from __future__ import annotations

import asyncio
from collections import deque

from negotiation.realtime.per_loop import PerLoop


class Pacer:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.waiters: deque[asyncio.Future[None]] = deque()
        self.held = False  # a turn is out (or being handed over)
        self.paused = False  # the lane has a batch in flight
        self.unpause: asyncio.TimerHandle | None = None

    async def turn(self, again: bool = False) -> None:
        """Returns when it is the caller's turn; the caller does its (synchronous) work and
        then calls `done`. `again`: the caller is part-way through a job and goes before
        those who have not started, so one game's fan-out ends before the next begins:
        taking turns render by render would finish every game's last frame only when the
        whole backlog was done."""
        if not (self.held or self.paused or self.waiters):
            self.held = True
            return
        fut: asyncio.Future[None] = self.loop.create_future()
        if again:
            self.waiters.appendleft(fut)
        else:
            self.waiters.append(fut)
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():  # the turn was ours: pass it on
                self.done()
            raise

    def done(self) -> None:
        """The turn is over; the next one is handed out after the loop's next pass."""
        self.loop.call_soon(self._next)

    def _next(self) -> None:
        self.held = False
        if self.paused:
            return
        while self.waiters:
            fut = self.waiters.popleft()
            if not fut.done():
                self.held = True
                fut.set_result(None)
                return

    def pause(self, limit: float = 0.02) -> None:
        """No turns until `resume`, or for `limit` seconds at most: a batch that waits on
        the database (another process holding SQLite's write lock, up to its 20 s busy
        timeout) must not hold back the news of versions already committed."""
        self.paused = True
        if self.unpause is None:
            self.unpause = self.loop.call_later(limit, self.resume)

    def resume(self) -> None:
        self.paused = False
        if self.unpause is not None:
            self.unpause.cancel()
            self.unpause = None
        if not self.held:
            self._next()


current = PerLoop(Pacer).current
