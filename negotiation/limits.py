"""How much one person, one seat and one game may ask of a server process.

A socket's own bucket is no limit for someone who opens eight: the
buckets here are shared by every socket of the same person (a player's token, the
facilitator's login) and of the same seat (a delegation), so opening more sockets buys
nothing. A person's sockets are capped too (the oldest is closed when one too many says
hello: a phone that reconnected leaves its old socket behind), and so are a game's.

These are per process: with N processes behind a proxy, a person spread over all of them
could reach N times the rate. docs/security.md says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

CLOSE_REPLACED = 4409  # the person opened one socket too many: the oldest goes


class RateLimit:
    """A token bucket: `rate` messages a second, bursts up to `burst`."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, float(burst)
        self.tokens = float(burst)
        self.last: float | None = None
        self.refused = 0

    def refill(self, now: float) -> None:
        if self.last is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now

    def allow(self, now: float) -> bool:
        return allow_all([self], now)


def allow_all(buckets: list[RateLimit], now: float) -> bool:
    """Take one token from each bucket, or from none if any is empty."""
    for b in buckets:
        b.refill(now)
    if all(b.tokens >= 1 for b in buckets):
        for b in buckets:
            b.tokens -= 1
        return True
    for b in buckets:
        b.refused += 1
    return False


@dataclass
class _Shared:
    bucket: RateLimit
    users: int = 0


@dataclass
class _Registry:
    buckets: dict[tuple[int, str], _Shared] = field(default_factory=dict)
    sockets: dict[tuple[int, str], list[Callable[[int], None]]] = field(default_factory=dict)


_registry = _Registry()


class Grant:
    """What one socket holds: its person's and seat's shared buckets."""

    def __init__(self, game_id: int, person: str, seat: str | None,
                 close: Callable[[int], None]) -> None:
        self.keys: list[tuple[int, str]] = [(game_id, f"person:{person}")]
        if seat:
            self.keys.append((game_id, f"seat:{seat}"))
        self.person_key = self.keys[0]
        self.close = close
        self.buckets = [self._attach(k) for k in self.keys]
        mine = _registry.sockets.setdefault(self.person_key, [])
        mine.append(close)
        while len(mine) > settings.FORGE_MAX_PERSON_SOCKETS:
            oldest = mine.pop(0)
            oldest(CLOSE_REPLACED)

    @staticmethod
    def _attach(key: tuple[int, str]) -> RateLimit:
        shared = _registry.buckets.get(key)
        if shared is None:
            rate, burst = (settings.FORGE_SEAT_RATE if key[1].startswith("seat:")
                           else settings.FORGE_PERSON_RATE)
            shared = _registry.buckets[key] = _Shared(RateLimit(rate, burst))
        shared.users += 1
        return shared.bucket

    def allow(self, now: float) -> bool:
        """One message for this person and seat; refused if either is over its rate."""
        return allow_all(self.buckets, now)

    def release(self) -> None:
        for key in self.keys:
            shared = _registry.buckets.get(key)
            if shared is not None:
                shared.users -= 1
                if shared.users <= 0:
                    del _registry.buckets[key]
        mine = _registry.sockets.get(self.person_key)
        if mine is not None:
            if self.close in mine:
                mine.remove(self.close)
            if not mine:
                del _registry.sockets[self.person_key]
        self.keys = []
