"""What an actor may do now: concrete actions where they can be listed (accept D3, vote on
M2 ...) and the kinds that take free parameters (propose_deal, submit_orders ...).

Bots pick from this, the UI shows buttons from it, and tests check that every listed
concrete action is accepted by `apply`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from game import club, deals
from game.actions import (
    FACILITATOR,
    AcceptDeal,
    Action,
    Advance,
    ApplyForge,
    CancelDeal,
    EndGame,
    FileDispute,
    LeaveForge,
    Pause,
    Ready,
    RejectDeal,
    RespondPrompt,
    Resume,
    Rewind,
    Start,
    Vote,
    WithdrawDeal,
)

if TYPE_CHECKING:
    from game.engine import Game
    from game.state import Deal


class Legal(msgspec.Struct):
    kinds: list[str]  # action types allowed now, with or without free parameters
    actions: list[Action]  # concrete actions that would be accepted as they are


def legal_actions(game: Game, actor: str) -> Legal:
    st = game.state
    if st.phase == "ended":
        return Legal([], [])
    if actor == FACILITATOR:
        return _facilitator(game)
    if actor not in st.seats or st.paused or st.phase == "lobby":
        return Legal([], [])
    if st.phase == "orders":
        return Legal(["submit_orders", "ready"], [Ready(not st.seats[actor].ready)])
    return _negotiation(game, actor)


def _facilitator(game: Game) -> Legal:
    st = game.state
    if st.phase == "lobby":
        return Legal(["start", "set_controller"], [Start()])
    if st.paused:
        return Legal(
            ["resume", "rewind", "set_controller", "end_game"], [Resume(), Rewind(), EndGame()]
        )
    kinds = ["advance", "pause", "rewind", "set_controller", "end_game"]
    if st.phase == "negotiation":
        kinds.append("fire_card")
    return Legal(kinds, [Advance(st.round, st.phase), Pause(), Rewind(), EndGame()])


def _negotiation(game: Game, seat: str) -> Legal:
    st, f = game.state, game.state.forge
    kinds = {"propose_deal", "ready"}
    acts: list[Action] = [Ready(not st.seats[seat].ready)]
    active: list[Deal] = []
    for d in deals.live_deals(game):
        status = d.status
        if status == "proposed":
            if d.recipient == seat:
                if deals.cannot_pay(game, d) is None:
                    acts.append(AcceptDeal(d.id))
                acts.append(RejectDeal(d.id))
                kinds.add("counter_deal")
            elif d.proposer == seat:
                acts.append(WithdrawDeal(d.id))
        elif status == "active":
            active.append(d)
            if (d.a == seat or d.b == seat) and d.cancel_by != seat:
                acts.append(CancelDeal(d.id))
    open_prompts = [p for p in st.prompts if p.seat == seat and p.status == "open"]
    if open_prompts:
        card_options = {c.id: c.prompt for c in game.scenario.cards if c.prompt is not None}
        for p in open_prompts:
            prompt = card_options.get(p.card)
            if prompt is not None:
                acts += [RespondPrompt(p.id, o.id) for o in prompt.options]
    if seat in f.members:
        kinds.update(("propose_floor", "propose_standard"))
        if st.round > f.chair_until_round:
            kinds.add("nominate_chair")
        if seat != f.chair:
            acts.append(LeaveForge())
        for m in f.motions:
            if m.status == "open" and seat not in m.votes:
                acts += [Vote(m.id, True), Vote(m.id, False)]
    else:
        applied = any(
            m.kind == "admit" and m.seat == seat and m.status == "open" for m in f.motions
        )
        if not applied and st.seats[seat].policy.env_standard >= f.min_standard:
            acts.append(ApplyForge())
        acts += _disputes(game, active)
    kinds.update(_type_of(cls) for cls in {type(a) for a in acts})
    return Legal(sorted(kinds), acts)


def _disputes(game: Game, active: list[Deal]) -> list[Action]:
    """Disputes a non-member may file: over floors, and over exclusivity in `active` deals
    (only an active deal can be disputed)."""
    st = game.state
    members = st.forge.members
    floors = [key for key in st.forge.floors
              if club.disputable_floor(game, *key.split(":"))]
    deals = [d.id for d in active if club.exclusivity_disputable(d, members)]
    if not floors and not deals:
        return []
    pending = {
        (d.kind, d.mineral, d.form, d.deal) for d in st.forge.disputes if d.status == "pending"
    }
    out: list[Action] = []
    for key in floors:
        mineral, form = key.split(":")
        if ("floor", mineral, form, "") not in pending:
            out.append(FileDispute("floor", mineral, form))  # type: ignore[arg-type]
    for deal_id in deals:
        if ("exclusivity", "", "", deal_id) not in pending:
            out.append(FileDispute("exclusivity", deal=deal_id))
    return out


_TAGS: dict[type, str] = {}  # action class -> its tag, looked up once per class


def _type_of(cls: type) -> str:
    tag = _TAGS.get(cls)
    if tag is None:
        tag = _TAGS[cls] = _type(cls)  # type: ignore[arg-type]
    return tag


def _type(action: Action) -> str:
    tag = action.__struct_config__.tag
    assert isinstance(tag, str)
    return tag
