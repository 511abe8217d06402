"""FORGE, the minerals club: membership, motions and votes, floors, standard, chair, disputes.

Motions close when every member has voted or when negotiation ends. Admission needs the
scenario's admission share (two thirds) of all members; other motions a simple majority of
all members, with the chair's vote breaking a tie.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from game.actions import (
    ApplyForge,
    FileDispute,
    LeaveForge,
    NominateChair,
    ProposeFloor,
    ProposeStandard,
    Vote,
)
from game.clauses import Exclusivity
from game.errors import ErrorCode, RuleError, require
from game.event import Event
from game.state import Deal, Dispute, Motion

if TYPE_CHECKING:
    from game.engine import Game


def _negotiating(game: Game) -> None:
    require(
        game.state.phase == "negotiation",
        ErrorCode.WRONG_PHASE,
        "FORGE business is done during negotiation",
    )


def _member(game: Game, seat: str) -> None:
    require(seat in game.state.forge.members, ErrorCode.NOT_MEMBER, "only FORGE members may")


def _open(game: Game, motion: Motion) -> list[Event]:
    game.state.forge.motions.append(motion)
    return [
        Event(
            "motion_opened",
            f"FORGE motion {motion.id}: {describe(motion)}",
            data={"motion": motion.id},
        )
    ]


def describe(m: Motion) -> str:
    if m.kind == "floor":
        what = "remove the floor" if m.price == 0 else f"a floor of {m.price} $M/lot"
        return f"{what} on {m.mineral} {m.form}"
    if m.kind == "admit":
        return f"admit {m.seat}"
    if m.kind == "standard":
        return f"a minimum environmental standard of {m.level}"
    return f"elect {m.seat} chair"


def apply_for_membership(game: Game, actor: str, action: ApplyForge) -> list[Event]:
    _negotiating(game)
    st = game.state
    require(actor not in st.forge.members, ErrorCode.ALREADY_MEMBER, "already a member")
    pending = any(
        m.kind == "admit" and m.seat == actor and m.status == "open" for m in st.forge.motions
    )
    require(not pending, ErrorCode.ALREADY_APPLIED, "your application is already open")
    require(
        st.seats[actor].policy.env_standard >= st.forge.min_standard,
        ErrorCode.STANDARD_TOO_LOW,
        f"members must keep an environmental standard of {st.forge.min_standard}",
    )
    return _open(
        game, Motion(id=st.new_id("M"), kind="admit", proposer=actor, round=st.round, seat=actor)
    )


def leave(game: Game, actor: str, action: LeaveForge) -> list[Event]:
    _negotiating(game)
    f = game.state.forge
    _member(game, actor)
    require(actor != f.chair, ErrorCode.CHAIR_CANNOT_LEAVE, "the chair cannot leave FORGE")
    f.members.remove(actor)
    for m in f.motions:
        m.votes.pop(actor, None)
    return [Event("forge_left", f"{actor} left FORGE", data={"seat": actor})]


def propose_floor(game: Game, actor: str, action: ProposeFloor) -> list[Event]:
    _negotiating(game)
    _member(game, actor)
    st = game.state
    if action.mineral not in game.scenario.mineral_ids:
        raise RuleError(ErrorCode.UNKNOWN_MINERAL, f"no mineral {action.mineral!r}")
    ref = game.scenario.mineral(action.mineral).ref_price(action.form)
    require(
        0 <= action.price <= 10 * ref,
        ErrorCode.BAD_QUANTITY,
        f"a floor must be 0..{10 * ref} $M/lot",
    )
    return _open(
        game,
        Motion(
            id=st.new_id("M"),
            kind="floor",
            proposer=actor,
            round=st.round,
            mineral=action.mineral,
            form=action.form,
            price=action.price,
        ),
    )


def propose_standard(game: Game, actor: str, action: ProposeStandard) -> list[Event]:
    _negotiating(game)
    _member(game, actor)
    require(0 <= action.level <= 3, ErrorCode.BAD_QUANTITY, "the standard is 0..3")
    st = game.state
    return _open(
        game,
        Motion(
            id=st.new_id("M"), kind="standard", proposer=actor, round=st.round, level=action.level
        ),
    )


def nominate_chair(game: Game, actor: str, action: NominateChair) -> list[Event]:
    _negotiating(game)
    _member(game, actor)
    st = game.state
    require(
        st.round > st.forge.chair_until_round,
        ErrorCode.NOT_YET,
        f"{st.forge.chair} chairs until round {st.forge.chair_until_round}",
    )
    require(action.seat in st.forge.members, ErrorCode.NOT_MEMBER, "the chair must be a member")
    return _open(
        game,
        Motion(id=st.new_id("M"), kind="chair", proposer=actor, round=st.round, seat=action.seat),
    )


def _motion(game: Game, motion_id: str) -> Motion:
    for m in game.state.forge.motions:
        if m.id == motion_id:
            return m
    raise RuleError(ErrorCode.UNKNOWN_MOTION, f"no motion {motion_id!r}")


def vote(game: Game, actor: str, action: Vote) -> list[Event]:
    _negotiating(game)
    _member(game, actor)
    motion = _motion(game, action.motion)
    require(motion.status == "open", ErrorCode.MOTION_CLOSED, f"motion {motion.id} is closed")
    require(actor not in motion.votes, ErrorCode.ALREADY_VOTED, "you have voted on this motion")
    motion.votes[actor] = action.yes
    events = [Event("voted", f"{actor} voted on {motion.id}", data={"motion": motion.id})]
    if all(m in motion.votes for m in game.state.forge.members):
        events += close(game, motion)
    return events


def adopted(game: Game, motion: Motion) -> bool:
    f = game.state.forge
    members = len(f.members)
    yes = sum(1 for s, v in motion.votes.items() if v and s in f.members)
    if motion.kind == "admit":
        return yes * 10000 >= game.scenario.forge.admission_bp * members
    if yes * 2 == members:
        return motion.votes.get(f.chair, False)
    return yes * 2 > members


def close(game: Game, motion: Motion) -> list[Event]:
    st, f = game.state, game.state.forge
    passed = adopted(game, motion)
    motion.status = "adopted" if passed else "rejected"
    if passed:
        if motion.kind == "floor":
            key = f"{motion.mineral}:{motion.form}"
            if motion.price:
                f.floors[key] = motion.price
            else:
                f.floors.pop(key, None)
        elif motion.kind == "admit":
            f.members.append(motion.seat)
        elif motion.kind == "standard":
            f.min_standard = motion.level
            for seat in f.members:
                policy = st.seats[seat].policy
                policy.env_standard = max(policy.env_standard, motion.level)
        else:
            f.chair = motion.seat
    verdict = "adopted" if passed else "rejected"
    return [
        Event(
            "motion_closed",
            f"FORGE {verdict}: {describe(motion)}",
            data={"motion": motion.id, "adopted": passed},
        )
    ]


def close_open_motions(game: Game) -> list[Event]:
    events: list[Event] = []
    for m in game.state.forge.motions:
        if m.status == "open":
            events += close(game, m)
    return events


# ---- WTO disputes --------------------------------------------------------------------------
def disputable_floor(game: Game, mineral: str, form: str) -> bool:
    floor = game.state.forge.floors.get(f"{mineral}:{form}", 0)
    if not floor or mineral not in game.scenario.mineral_ids:
        return False
    ref = (
        game.scenario.mineral(mineral).ref_price_ore
        if form == "ore"
        else game.scenario.mineral(mineral).ref_price_refined
    )
    return floor * 10000 > game.scenario.forge.cartel_floor_bp * ref


def disputable_exclusivity(game: Game, deal_id: str) -> bool:
    deal = game.state.deals.get(deal_id)
    if deal is None or deal.status != "active":
        return False
    return exclusivity_disputable(deal, game.state.forge.members)


def exclusivity_disputable(deal: Deal, members: Collection[str]) -> bool:
    """An active deal's exclusivity by a member against a non-member can be disputed (the
    legal actions ask this of every active deal, so it takes the deal itself)."""
    return any(
        isinstance(c, Exclusivity) and c.seller in members and c.excluded not in members
        for c in deal.clauses
    )


def file_dispute(game: Game, actor: str, action: FileDispute) -> list[Event]:
    _negotiating(game)
    st = game.state
    require(
        actor not in st.forge.members,
        ErrorCode.DISPUTE_NOT_ALLOWED,
        "only a non-member may file a WTO dispute against FORGE",
    )
    # (what is sent is logged whole: a field the dispute's kind ignores must be empty)
    if action.kind == "floor":
        require(not action.deal, ErrorCode.BAD_ACTION,
                "a floor dispute names a mineral and form, not a deal")
        ok = disputable_floor(game, action.mineral, action.form)
        target = f"floor on {action.mineral} {action.form}"
    else:
        require(not (action.mineral or action.form), ErrorCode.BAD_ACTION,
                "an exclusivity dispute names a deal, not a mineral or form")
        ok = disputable_exclusivity(game, action.deal)
        target = f"exclusivity in deal {action.deal}"
    require(
        ok,
        ErrorCode.DISPUTE_NOT_ALLOWED,
        f"no grounds: the {target} is not above "
        f"{game.scenario.forge.cartel_floor_bp // 100}% of the reference price or "
        "does not target a non-member",
    )
    duplicate = any(
        d.status == "pending"
        and d.kind == action.kind
        and d.mineral == action.mineral
        and d.form == action.form
        and d.deal == action.deal
        for d in st.forge.disputes
    )
    require(not duplicate, ErrorCode.DISPUTE_NOT_ALLOWED, "that dispute is already pending")
    dispute = Dispute(
        id=st.new_id("W"),
        filed_by=actor,
        kind=action.kind,
        round_filed=st.round,
        resolves_round=min(st.round + game.scenario.forge.dispute_rounds, st.rounds),
        mineral=action.mineral,
        form=action.form,
        deal=action.deal,
    )
    st.forge.disputes.append(dispute)
    return [
        Event(
            "dispute_filed",
            f"{actor} filed a WTO dispute over the {target}; it resolves "
            f"in round {dispute.resolves_round}",
            data={"dispute": dispute.id},
        )
    ]


def resolve_disputes(game: Game) -> list[Event]:
    """Called in the resolution: a dispute due this round is upheld if its grounds still hold."""
    st = game.state
    events: list[Event] = []
    for d in st.forge.disputes:
        if d.status != "pending" or d.resolves_round > st.round:
            continue
        if d.kind == "floor":
            upheld = disputable_floor(game, d.mineral, d.form)
            if upheld:
                st.forge.floors.pop(f"{d.mineral}:{d.form}", None)
        else:
            upheld = disputable_exclusivity(game, d.deal)
            if upheld:
                deal = st.deals[d.deal]
                deal.clauses = [c for c in deal.clauses if not isinstance(c, Exclusivity)]
        d.status = "upheld" if upheld else "dismissed"
        if upheld:
            for seat in st.forge.members:
                s = st.seats[seat]
                s.reputation = max(0, s.reputation - game.scenario.forge.dispute_penalty)
        events.append(
            Event(
                "dispute_resolved",
                f"WTO dispute {d.id} {d.status}",
                data={"dispute": d.id, "upheld": upheld},
            )
        )
    return events
