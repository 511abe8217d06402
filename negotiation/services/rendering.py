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
# Rendered `state` messages by (game, version, viewer, since, patches): the spectators of
# a game, and the members of one delegation, are usually at the same place and share one.
_RENDERS: OrderedDict[tuple[int, int, str, int | None, str], dict[str, Any]] = OrderedDict()
_RENDERS_MAX = 1024
# Each top-level key of a viewer's recent views, encoded, by (game, viewer) then version:
# a patch (docs/protocol.md) is the keys whose encoding differs from the client's version.
_KEYS: OrderedDict[tuple[int, str], dict[int, dict[str, bytes]]] = OrderedDict()
_KEYS_MAX = 4096  # (game, viewer) pairs
_KEYS_VERSIONS = 4  # versions kept per pair
# How pushes were served, for the operator (logged by negotiation/realtime/background.py).
stats: Counter[str] = Counter()
_encode = msgspec.json.Encoder().encode


def state_message(seq: int, view: msgspec.Raw, events: list[dict[str, Any]], resync: bool
                  ) -> dict[str, Any]:
    """The `state` push; the view is encoded already (see below), the rest is small."""
    return {"seq": seq, "text": _encode({"type": "state", "seq": seq, "resync": resync,
                                          "events": events, "view": view}).decode()}


def patch_message(seq: int, base: int, patch: dict[str, msgspec.Raw], drop: list[str],
                  events: list[dict[str, Any]]) -> dict[str, Any]:
    """A `state` push that carries only the top-level keys of the view that changed since
    the client's version `base` (and the keys that went away)."""
    msg: dict[str, Any] = {"type": "state", "seq": seq, "resync": False, "events": events,
                           "base": base, "patch": patch}
    if drop:
        msg["drop"] = drop
    return {"seq": seq, "text": _encode(msg).decode()}


def _whole(keys: dict[str, bytes]) -> msgspec.Raw:
    """The whole view from its encoded keys (the same bytes as encoding it at once)."""
    return msgspec.Raw(_encode({k: msgspec.Raw(v) for k, v in keys.items()}))


class _Encoded:
    """A game's encodings at one version: of the containers its views share (the engine
    builds the board, the signed deals and the reports once per version for every viewer:
    game.views.Public), and of the deal dicts its views list, by id (holding the value
    keeps its id unique). The engine builds each deal's dict once, reuses it while the deal
    is unchanged and never changes it (game.views._deals), so a deal's encoding is carried
    over from the version before: a seat's twenty-odd proposals then cost one encoding per
    deal that changed, not one per deal per version."""

    __slots__ = ("deals", "older", "shared", "version")

    def __init__(self, version: int, older: dict[int, tuple[Any, bytes]]) -> None:
        self.version = version
        self.shared: dict[int, tuple[Any, bytes]] = {}
        self.deals: dict[int, tuple[Any, bytes]] = {}
        self.older = older  # the deals of the version before


_SHARED: dict[int, _Encoded] = {}  # by game
_SHARED_MAX = 512  # games
_DEAL_LISTS = frozenset({"deals", "proposals"})


def _encode_keys(game_id: int, version: int, view: dict[str, Any]) -> dict[str, bytes]:
    """Each top-level key of a view, encoded; a value another viewer's view at this version
    holds too (the same object) is encoded once for all of them."""
    slot = _SHARED.get(game_id)
    if slot is None or slot.version != version:
        _SHARED.pop(game_id, None)  # re-inserted last: the oldest game goes first
        slot = _SHARED[game_id] = _Encoded(version, slot.deals if slot else {})
        if len(_SHARED) > _SHARED_MAX:
            del _SHARED[next(iter(_SHARED))]
    shared = slot.shared
    out: dict[str, bytes] = {}
    for k, v in view.items():
        if isinstance(v, (dict, list)):
            hit = shared.get(id(v))
            if hit is None or hit[0] is not v:
                if k in _DEAL_LISTS and isinstance(v, list):
                    hit = shared[id(v)] = (v, _encode_deals(slot, v))
                else:
                    hit = shared[id(v)] = (v, _encode(v))
            out[k] = hit[1]
        else:
            out[k] = _encode(v)
    return out


def _encode_deals(slot: _Encoded, deals: list[Any]) -> bytes:
    """A list of deal dicts: the same bytes as encoding it whole."""
    parts = []
    for d in deals:
        hit = slot.deals.get(id(d))
        if hit is None or hit[0] is not d:
            hit = slot.older.get(id(d))
            if hit is None or hit[0] is not d:
                hit = (d, _encode(d))
            slot.deals[id(d)] = hit
        parts.append(hit[1])
    return b"[" + b",".join(parts) + b"]"


def _remember_keys(game_id: int, viewer: str, version: int, keys: dict[str, bytes]) -> None:
    pair = (game_id, viewer)
    versions = _KEYS.get(pair)
    if versions is None:
        versions = _KEYS[pair] = {}
        while len(_KEYS) > _KEYS_MAX:
            _KEYS.popitem(last=False)
    else:
        _KEYS.move_to_end(pair)
    versions[version] = keys
    while len(versions) > _KEYS_VERSIONS:
        del versions[min(versions)]
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
        # From the newest end: a push is usually a version or two behind, and the deque
        # holds the last few hundred (in seq order).
        rows = []
        for s, _a, ev in reversed(recent):
            if s <= since:
                break
            if s <= upto:
                rows.append((s, ev))
        rows.reverse()
    else:
        rows = list(ActionLog.objects.filter(game_id=game_id, seq__gt=since, seq__lte=upto)
                    .order_by("seq").values_list("seq", "events"))
    for seq, events in rows:
        for e in visible_events(events, viewer):
            out.append({"seq": seq, **e})
    return out


def render(game_id: int, viewer: str, since: int | None, at_least: int | None = None,
           patches: str = "") -> dict[str, Any]:
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
                return _render(entry, game_id, viewer, since, patches)
    row = Game.objects.only("pk", "version", "scenario_id", "seed", "options").get(pk=game_id)
    with loading.lock(game_id):
        return _render(loading.load(row), game_id, viewer, since, patches)


def catch_up(game_id: int) -> None:
    """Bring this process's copy of the game up to the committed version (database
    thread): the missing log rows are applied on top, or the game is loaded."""
    row = Game.objects.only("pk", "version", "scenario_id", "seed", "options") \
        .filter(pk=game_id).first()
    if row is not None:
        with loading.lock(game_id):
            loading.load(row)


def render_ready(game_id: int, viewer: str, since: int | None, at_least: int,
                 patches: str = "") -> dict[str, Any] | None:
    """The same as `render`, on the caller's thread without touching the database, when
    the cached game is exactly at a committed version >= at_least and nobody is applying
    to it right now; else None (then use `render` in the database thread)."""
    return frame(game_id, viewer, since, at_least, patches)[0]


# How a connection that takes patches is served: a patch when possible, or the whole view
# (a hello or a sync) while keeping its parts for the next patch.
PATCH, KEYS = "patch", "keys"

# Why `frame` could not render here: the game is being applied to right now, or has a
# version applied but not yet committed (both pass in a moment: try again shortly); or
# the cache cannot serve it at all (cold, behind, events only in the log: use `render`).
BUSY, UNCOMMITTED, COLD = "busy", "uncommitted", "cold"


def frame(game_id: int, viewer: str, since: int | None, at_least: int, patches: str = ""
          ) -> tuple[dict[str, Any] | None, str]:
    """(`state` message, "") from the committed in-memory game, or (None, why).

    `patches`: "" for the whole view; PATCH for a patch on the client's version `since`
    when this process still has that version's view for the viewer (else the whole view);
    KEYS for the whole view, keeping its parts for the connection's next patch."""
    entry = loading.peek(game_id)
    if entry is None or entry.committed < at_least:
        stats["cold"] += 1
        return None, COLD
    if entry.version != entry.committed:
        stats["uncommitted"] += 1
        return None, UNCOMMITTED
    lk = loading.lock(game_id)
    if not lk.acquire(blocking=False):
        stats["busy"] += 1
        return None, BUSY
    try:
        if loading.peek(game_id) is not entry:
            return None, COLD
        if entry.version != entry.committed:
            return None, UNCOMMITTED
        if since is not None and since < entry.version and \
                not (entry.recent and entry.recent[0][0] <= since + 1):
            return None, COLD  # the events must come from the log
        return _render(entry, game_id, viewer, since, patches), ""
    finally:
        lk.release()


def _render(entry: loading.Loaded, game_id: int, viewer: str, since: int | None,
            patches: str = "") -> dict[str, Any]:
    key = (game_id, entry.version, viewer, since, patches)
    hit = _RENDERS.get(key)
    if hit is not None:
        stats["shared"] += 1
        return hit
    stats["rendered"] += 1
    out = _render_new(entry, game_id, viewer, since, patches)
    _RENDERS[key] = out
    while len(_RENDERS) > _RENDERS_MAX:
        _RENDERS.popitem(last=False)
    return out


def _render_new(entry: loading.Loaded, game_id: int, viewer: str, since: int | None,
                patches: str = "") -> dict[str, Any]:
    # Encoded here, under the lock: a view may share containers with the live state, which
    # the next apply mutates in place.
    version = entry.version
    resync = since is None or since > version or \
        version - since > settings.FORGE_REPLAY_WINDOW
    events = [] if resync or since == version else \
        _events_since(entry, game_id, viewer, since, version)  # type: ignore[arg-type]
    versions = _KEYS.get((game_id, viewer))
    keys = versions.get(version) if versions else None
    if keys is None:  # each top-level key on its own, kept for the next patch
        keys = _encode_keys(game_id, version, view_for(entry.game, viewer))
        if patches:
            _remember_keys(game_id, viewer, version, keys)
            versions = _KEYS.get((game_id, viewer))
    base = versions.get(since) if (patches == PATCH and not resync and versions and
                                   since is not None) else None
    if base is None:
        return state_message(version, _whole(keys), events, resync)
    stats["patches"] += 1
    patch = {k: msgspec.Raw(v) for k, v in keys.items() if base.get(k) != v}
    drop = [k for k in base if k not in keys]
    return patch_message(version, since, patch, drop, events)  # type: ignore[arg-type]


_TITLES: dict[int, tuple[Any, dict[str, str]]] = {}


def card_titles(scenario: Any) -> dict[str, str]:
    """Card id -> title for a scenario (cached per scenario object)."""
    hit = _TITLES.get(id(scenario))
    if hit is None or hit[0] is not scenario:
        hit = _TITLES[id(scenario)] = (scenario, {c.id: c.title for c in scenario.cards})
    return hit[1]


def view_for(game: Any, viewer: str) -> dict[str, Any]:
    """The engine's view for `viewer`, plus what the server adds for the facilitator's
    console: `deck_cards`, the deck's cards with their titles, in draw order."""
    view = game.view(viewer)
    if viewer == FACILITATOR and "deck" in view:
        titles = card_titles(game.scenario)
        view = {**view, "deck_cards": [{"id": c, "title": titles.get(c, c)}
                                       for c in view["deck"]]}
    return view


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
    """What `actor` may do now, with a template per kind (game.legal.legal_dict)."""
    from game.legal import legal_dict

    row = Game.objects.only("pk", "version", "scenario_id", "seed", "options").get(pk=game_id)
    with loading.lock(game_id):
        entry = loading.load(row)
        return {**legal_dict(entry.game, actor), "seq": entry.version}


def reset() -> None:
    _PAST_VIEWS.clear()
    _RENDERS.clear()
    _KEYS.clear()
    _SHARED.clear()
