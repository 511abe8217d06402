"""Checks of the invariants in rules.md, shared by the property tests and the golden replay."""

from __future__ import annotations

from typing import Any

import msgspec

from game import FACILITATOR, SPECTATOR, Game

# Keys that hold a seat's secrets; in anyone else's view they may appear only under "me".
SECRET_KEYS = {"treasury", "holdings", "objectives", "orders", "prompts", "stockpile_budget"}


def check_conservation(game: Game) -> None:
    st = game.state
    for mineral in game.scenario.mineral_ids:
        bloc = st.forge.bloc[mineral]
        held_ore = sum(s.holdings[mineral].ore for s in st.seats.values()) + bloc.ore
        held_ref = (
            sum(s.holdings[mineral].refined + s.holdings[mineral].stockpile
                for s in st.seats.values()) + bloc.refined
        )
        for form, held in (("ore", held_ore), ("refined", held_ref)):
            flows = st.ledger.minerals.get(f"{mineral}:{form}", {})
            assert held == sum(flows.values()), (mineral, form, held, flows)
            assert held >= 0
    money = sum(s.treasury + s.stockpile_budget for s in st.seats.values()) + st.forge.fund
    assert money == sum(st.ledger.money.values()), (money, st.ledger.money)
    assert all(s.treasury >= 0 for s in st.seats.values())
    assert all(0 <= s.reputation <= 10 for s in st.seats.values())


def _walk(node: Any, path: tuple[str, ...], out: list[tuple[str, ...]]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            out.append((*path, str(key)))
            _walk(value, (*path, str(key)), out)
    elif isinstance(node, list):
        for item in node:
            _walk(item, path, out)


def check_no_floats(game: Game) -> None:
    def walk(node: Any) -> None:
        assert not isinstance(node, float), "a float in the game state"
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(msgspec.to_builtins(game.state))


def check_views(game: Game) -> None:
    """No seat's view, and no spectator's, holds another seat's secrets; and a view built
    from the version's cached public part equals one built afresh."""
    st = game.state
    fresh = game.copy()  # a new Game: nothing cached
    for viewer in [*st.seats, SPECTATOR]:
        view = game.view(viewer)
        assert view == fresh.view(viewer)
        assert "private" not in view and "deck" not in view
        paths: list[tuple[str, ...]] = []
        _walk(view, (), paths)
        revealed = ("me", "scores") if st.phase == "ended" else ("me",)  # the debrief
        for path in paths:
            if path[-1] in SECRET_KEYS:
                assert path[0] in revealed, (viewer, path)
        if viewer == SPECTATOR:
            assert "me" not in view and "proposals" not in view
        else:
            assert view["me"]["seat"] == viewer
            for p in view["proposals"]:
                assert viewer in p["parties"]
        text = msgspec.json.encode(view).decode()
        for seat in st.seats if st.phase != "ended" else ():
            if seat == viewer:
                continue
            for obj in game.scenario.country(seat).objectives:
                assert obj.text not in text, (viewer, seat, obj.id)
        signed = ("active", "completed", "breached", "cancelled")
        # notes this viewer may read: a signed deal's, or one of its own proposals'
        readable = {d.note for d in st.deals.values()
                    if d.status in signed or viewer in (d.a, d.b)}
        for deal in st.deals.values():
            if deal.status not in signed and viewer not in (deal.a, deal.b) and deal.note \
                    and deal.note not in readable:
                assert deal.note not in text, (viewer, deal.id)
        for motion in st.forge.motions:
            if viewer not in st.forge.members:
                assert all("votes" not in m for m in view["forge"]["motions"])
            _ = motion
    assert "private" in game.view(FACILITATOR)
    assert game.view(FACILITATOR) == fresh.view(FACILITATOR)
