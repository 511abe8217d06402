"""What an applied action produced, for feeds, logs and the debrief.

An Event is addressed: `to` empty means public; otherwise only those seats (and the
facilitator) may see it. `visible` is the one filter every consumer uses.
"""

from __future__ import annotations

from typing import Any

import msgspec

from game.actions import FACILITATOR


class Event(msgspec.Struct, frozen=True):
    kind: str
    text: str
    to: tuple[str, ...] = ()
    data: dict[str, Any] = msgspec.field(default_factory=dict)


class Unchanged(Exception):
    """Raised by a handler, before it changes anything, for an action that would change
    nothing (ready when already ready): `Game.apply` then returns no events and the game's
    version stays, so a client repeating itself costs no version and no log row."""


def visible(events: list[Event], viewer: str) -> list[Event]:
    if viewer == FACILITATOR:
        return list(events)
    return [e for e in events if not e.to or viewer in e.to]
