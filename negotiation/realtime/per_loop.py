"""One object per event loop: a server process runs one loop, the test suite one per case,
and an object bound to a closed loop (its futures, its tasks) must not outlive it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class PerLoop(Generic[T]):
    def __init__(self, make: Callable[[asyncio.AbstractEventLoop], T]) -> None:
        self.make = make
        self.by_loop: dict[asyncio.AbstractEventLoop, T] = {}

    def get(self, loop: asyncio.AbstractEventLoop) -> T | None:
        """That loop's object, if it has one (for a thread handing work to the loop)."""
        return self.by_loop.get(loop)

    def current(self) -> T:
        """The running loop's object, made on first use."""
        loop = asyncio.get_running_loop()
        found = self.by_loop.get(loop)
        if found is None:
            for old in [lp for lp in self.by_loop if lp.is_closed()]:
                del self.by_loop[old]
            found = self.by_loop[loop] = self.make(loop)
        return found
