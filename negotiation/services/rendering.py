"""What one connection may see: its own engine view and the events addressed to it since
the last sequence number it saw. The engine's `view` and `visible` are the only filters;
nothing here decides visibility on its own."""

from __future__ import annotations

from collections import Counter, OrderedDict
from typing import Any

import msgspec
from django.conf import settings

from game import FACILITATOR, SPECTATOR
from negotiation.models import ActionLog, Game
from negotiation.services import loading

_PAST_VIEWS: OrderedDict[tuple[int, int], msgspec.Raw] = OrderedDict()
# Rendered `state` messages by (game, version, viewer, since): the spectators of a game,
# and the members of one delegation, are usually at the same place and share one render.
_RENDERS: OrderedDict[tuple[int, int, str, int | None], dict[str, Any]] = OrderedDict()
_RENDERS_MAX = 1024
# How pushes were served, for the operator (logged by negotiation/background.py).
stats: Counter[str] = Counter()
_encode = msgspec.json.Encoder().encode


def state_message(seq: int, view: msgspec.Raw, events: list[dict[str, Any]], resync: bool
                  ) -> dict[str, Any]:
    """The `state` push; the view is encoded already (see below), the rest is small."""
    return {"seq": seq, "text": _encode({"type": "state", "seq": seq, "resync": resync,
                                          "events": events, "view": view}).decode()}
_PAST_MAX = 64


def visible_events(events: list[dict[str, Any]], viewer: str) -> list[dict[str, Any]]:
    if viewer == FACILITATOR:
        return events
    return [e for e in events if not e.get("to") or viewer in e["to"]]


def _events_since(entry: loading.Loaded, game_id: int, viewer: str, since: int,
                  upto: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    recent = entry.recent
    if recent and recent[0][0] <= since + 1:
        rows = [(s, ev) for s, _a, ev in recent if since < s <= upto]
    else:
        rows = list(ActionLog.objects.filter(game_id=game_id, seq__gt=since, seq__lte=upto)
                    .order_by("seq").values_list("seq", "events"))
    for seq, events in rows:
        for e in visible_events(events, viewer):
            out.append({"seq": seq, **e})
    return out


def render(game_id: int, viewer: str, since: int | None, at_least: int | None = None
           ) -> dict[str, Any]:
    """{seq, text}: the `state` message for `viewer` (a seat, "spectator" or "facilitator").

    `since` is the last seq the client has; events after it come in order, unless the
    gap is too large (or unknown), in which case `resync` is true and only the view comes.
    `at_least`: a version known to be committed (from a broadcast), so the cache can serve
    without a database read when it is that fresh.
    """
    entry = loading.peek(game_id)
    fresh = (at_least is not None and entry is not None and entry.committed >= at_least
             and entry.version == entry.committed)
    if fresh:
        assert entry is not None
        with loading.lock(game_id):
            if entry.version == entry.committed:
                return _render(entry, game_id, viewer, since)
    row = Game.objects.only("pk", "version", "scenario_id", "seed", "options").get(pk=game_id)
    with loading.lock(game_id):
        return _render(loading.load(row), game_id, viewer, since)


def render_ready(game_id: int, viewer: str, since: int | None, at_least: int
                 ) -> dict[str, Any] | None:
    """The same as `render`, on the caller's thread without touching the database, when
    the cached game is exactly at a committed version >= at_least and nobody is applying
    to it right now; else None (then use `render` in the database thread)."""
    entry = loading.peek(game_id)
    if entry is None or entry.committed < at_least or entry.version != entry.committed:
        stats["cold"] += 1
        return None
    lk = loading.lock(game_id)
    if not lk.acquire(blocking=False):
        stats["busy"] += 1
        return None
    try:
        if loading.peek(game_id) is not entry or entry.version != entry.committed:
            return None
        if since is not None and since < entry.version and \
                not (entry.recent and entry.recent[0][0] <= since + 1):
            return None  # the events must come from the log
        return _render(entry, game_id, viewer, since)
    finally:
        lk.release()


def _render(entry: loading.Loaded, game_id: int, viewer: str, since: int | None
            ) -> dict[str, Any]:
    key = (game_id, entry.version, viewer, since)
    hit = _RENDERS.get(key)
    if hit is not None:
        stats["shared"] += 1
        return hit
    stats["rendered"] += 1
    out = _render_new(entry, game_id, viewer, since)
    _RENDERS[key] = out
    while len(_RENDERS) > _RENDERS_MAX:
        _RENDERS.popitem(last=False)
    return out


def _render_new(entry: loading.Loaded, game_id: int, viewer: str, since: int | None
                ) -> dict[str, Any]:
    # Encoded here, under the lock: a view may share containers with the live state, which
    # the next apply mutates in place.
    version = entry.version
    view = msgspec.Raw(_encode(entry.game.view(viewer)))
    resync = since is None or since > version or \
        version - since > settings.FORGE_REPLAY_WINDOW
    events = [] if resync or since == version else \
        _events_since(entry, game_id, viewer, since, version)  # type: ignore[arg-type]
    return state_message(version, view, events, resync)


def render_past(game_id: int, version: int, since: int | None) -> dict[str, Any]:
    """The public view as it was at `version`: what a delayed spectator is shown."""
    key = (game_id, version)
    view = _PAST_VIEWS.get(key)
    entry = loading.peek(game_id)
    if view is None and entry is not None:
        with loading.lock(game_id):
            if entry.version == version and entry.committed >= version:
                view = msgspec.Raw(_encode(entry.game.view(SPECTATOR)))
    if view is None:
        row = Game.objects.get(pk=game_id)
        view = msgspec.Raw(_encode(loading.rebuild(row, upto=version).view(SPECTATOR)))
    _PAST_VIEWS[key] = view
    while len(_PAST_VIEWS) > _PAST_MAX:
        _PAST_VIEWS.popitem(last=False)
    resync = since is None or since > version or version - since > settings.FORGE_REPLAY_WINDOW
    events: list[dict[str, Any]] = []
    if not resync and since != version:
        rows = ActionLog.objects.filter(game_id=game_id, seq__gt=since, seq__lte=version) \
            .order_by("seq").values_list("seq", "events")
        for seq, evs in rows:
            events += [{"seq": seq, **e} for e in visible_events(evs, SPECTATOR)]
    return state_message(version, view, events, resync)


def legal(game_id: int, actor: str) -> dict[str, Any]:
    from game.actions import action_to_dict

    row = Game.objects.only("pk", "version", "scenario_id", "seed", "options").get(pk=game_id)
    with loading.lock(game_id):
        entry = loading.load(row)
        la = entry.game.legal_actions(actor)
        return {"seq": entry.version, "kinds": list(la.kinds),
                "actions": [action_to_dict(a) for a in la.actions]}


def reset() -> None:
    _PAST_VIEWS.clear()
    _RENDERS.clear()
