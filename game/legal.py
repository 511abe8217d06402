"""What an actor may do now: concrete actions where they can be listed (accept D3, vote on
M2 ...) and the kinds that take free parameters (propose_deal, submit_orders ...).

Bots pick from this, the UI shows buttons from it, and tests check that every listed
concrete action is accepted by `apply`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from game import club
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
    kinds = ["propose_deal", "ready"]
    acts: list[Action] = [Ready(not st.seats[seat].ready)]
    active: list[str] = []
    # every deal ever made is in st.deals, most of them settled: pick out the live ones first
    live = [d for d in st.deals.values() if d.status in ("proposed", "active")]
    for d in live:
        status = d.status
        if status == "proposed":
            if d.recipient == seat:
                acts += [AcceptDeal(d.id), RejectDeal(d.id)]
                kinds.append("counter_deal")
            elif d.proposer == seat:
                acts.append(WithdrawDeal(d.id))
        elif status == "active":
            active.append(d.id)
            if seat in (d.a, d.b) and d.cancel_by != seat:
                acts.append(CancelDeal(d.id))
    open_prompts = [p for p in st.prompts if p.seat == seat and p.status == "open"]
    if open_prompts:
        card_options = {c.id: c.prompt for c in game.scenario.cards if c.prompt is not None}
        for p in open_prompts:
            prompt = card_options.get(p.card)
            if prompt is not None:
                acts += [RespondPrompt(p.id, o.id) for o in prompt.options]
    if seat in f.members:
        kinds += ["propose_floor", "propose_standard"]
        if st.round > f.chair_until_round:
            kinds.append("nominate_chair")
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
    kinds += sorted({_type(a) for a in acts} - set(kinds))
    return Legal(sorted(set(kinds)), acts)


def _disputes(game: Game, active: list[str]) -> list[Action]:
    """Disputes a non-member may file: over floors, and over exclusivity in `active` deals
    (only an active deal can be disputed)."""
    st = game.state
    pending = {
        (d.kind, d.mineral, d.form, d.deal) for d in st.forge.disputes if d.status == "pending"
    }
    out: list[Action] = []
    for key in st.forge.floors:
        mineral, form = key.split(":")
        if (
            club.disputable_floor(game, mineral, form)
            and ("floor", mineral, form, "") not in pending
        ):
            out.append(FileDispute("floor", mineral, form))  # type: ignore[arg-type]
    for deal_id in active:
        if (
            club.disputable_exclusivity(game, deal_id)
            and ("exclusivity", "", "", deal_id) not in pending
        ):
            out.append(FileDispute("exclusivity", deal=deal_id))
    return out


def _type(action: Action) -> str:
    tag = action.__struct_config__.tag
    assert isinstance(tag, str)
    return tag
