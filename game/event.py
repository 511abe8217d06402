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


def visible(events: list[Event], viewer: str) -> list[Event]:
    if viewer == FACILITATOR:
        return list(events)
    return [e for e in events if not e.to or viewer in e.to]
