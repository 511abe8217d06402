"""`view()` is the only way state reaches a person; hidden information is removed here.

Public: the board (capacities, demand, reputation, standards, policies in force), signed
deals, FORGE (members, floors, motion tallies), prices and the public part of reports.
A seat adds its own secrets: treasury, holdings, objectives, its own proposals and orders,
its prompts, its private report parts, its score. The facilitator sees everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from game import club, policy
from game.actions import FACILITATOR, SPECTATOR
from game.errors import ErrorCode, RuleError

if TYPE_CHECKING:
    from game.engine import Game
    from game.scenario import Country
    from game.state import Deal, Seat

_SIGNED = ("active", "completed", "breached", "cancelled")


_b = msgspec.to_builtins  # typed state to plain dicts, lists and scalars


def view(game: Game, viewer: str) -> dict[str, Any]:
    st = game.state
    if viewer not in st.seats and viewer not in (SPECTATOR, FACILITATOR):
        raise RuleError(ErrorCode.NOT_A_SEAT, f"no viewer {viewer!r}")
    sc = game.scenario
    countries = {c.id: c for c in sc.countries}
    signed: list[Deal] = []
    unsigned: list[Deal] = []  # proposals: a seat sees its own, the facilitator all
    all_proposals = viewer == FACILITATOR
    for d in st.deals.values():
        if d.status in _SIGNED:
            signed.append(d)
        elif all_proposals or viewer in (d.a, d.b):
            unsigned.append(d)
    out: dict[str, Any] = {
        "viewer": viewer,
        "scenario": {"id": sc.id, "title": sc.title},
        "round": st.round,
        "rounds": st.rounds,
        "round_label": sc.round_labels[st.round - 1] if st.round else "",
        "phase": st.phase,
        "paused": st.paused,
        "seq": st.seq,
        "card": {"id": st.card, "title": st.card_title, "text": st.card_text} if st.card else None,
        "minerals": [
            {
                "id": m.id,
                "name": m.name,
                "ref_ore": m.ref_price_ore,
                "ref_refined": m.ref_price_refined,
                "output_value": m.output_value,
                "capex_mine": m.capex_mine,
                "capex_refine": m.capex_refine,
                "invest_delay": m.invest_delay,
            }
            for m in sc.minerals
        ],
        "seats": {sid: _public_seat(game, s, countries[sid]) for sid, s in st.seats.items()},
        "deals": _deals(signed),
        "forge": _forge(game, viewer),
        "prices": st.prices,
        "reports": [{"round": r.round, **r.public} for r in st.reports],
    }
    if st.phase == "ended":
        out["scores"] = {sid: _b(s) for sid, s in st.scores.items()}
        from game.scoring import world_outcome

        out["world"] = world_outcome(game)
    if viewer in st.seats:
        out["me"] = _private_seat(game, viewer)
        out["proposals"] = _deals(unsigned)
    if viewer == FACILITATOR:
        out["private"] = {sid: _private_seat(game, sid) for sid in st.seats}
        out["proposals"] = _deals(unsigned)
        out["deck"] = list(st.deck)
    return out


def _public_seat(game: Game, s: Seat, c: Country) -> dict[str, Any]:
    # one conversion for the three typed fields (each call has a fixed cost)
    controls, tariffs, capacity = _b((policy.controls_of(game, s.id), s.policy.tariffs,
                                      s.capacity))
    return {
        "name": c.name,
        "profile": c.profile,
        "controller": "bot" if s.controller.startswith("bot:") else "human",
        "reputation": s.reputation,
        "env_standard": s.policy.env_standard,
        "controls": controls,
        "tariffs": tariffs,
        "forge_member": s.id in game.state.forge.members,
        "ready": s.ready,
        "submitted": s.orders is not None,
        "capacity": capacity,
        "demand": dict(s.demand),
    }


def _private_seat(game: Game, seat: str) -> dict[str, Any]:
    st = game.state
    s = st.seats[seat]
    c = game.scenario.country(seat)
    prompts = []
    for p in st.prompts:
        if p.seat != seat:
            continue
        card = next(x for x in game.scenario.cards if x.id == p.card)
        assert card.prompt is not None
        prompts.append(
            {
                "id": p.id,
                "card": card.title,
                "text": card.prompt.text,
                "status": p.status,
                "answer": p.answer,
                "default": card.prompt.default,
                "options": [{"id": o.id, "label": o.label} for o in card.prompt.options],
            }
        )
    return {
        "seat": seat,
        "controller": s.controller,
        "treasury": s.treasury,
        "stockpile_budget": s.stockpile_budget,
        "holdings": _b(s.holdings),
        "objectives": [
            {
                "id": o.id,
                "text": o.text,
                "bonus": o.bonus,
                "kind": o.kind,
                "mineral": o.mineral,
                "other": o.other,
                "share_bp": o.share_bp,
                "amount": o.amount,
                "clauses": list(o.clauses),
            }
            for o in c.objectives
        ],
        "weights": dict(c.weights),
        "orders": _b(s.orders) if s.orders is not None else None,
        "prompts": prompts,
        "reports": [{"round": r.round, **r.private.get(seat, {})} for r in st.reports],
        "score": _b(st.scores[seat]) if seat in st.scores else None,
        "applied_forge": any(
            m.kind == "admit" and m.seat == seat and m.status == "open" for m in st.forge.motions
        ),
    }


def _deals(deals: list[Deal]) -> list[dict[str, Any]]:
    """Deals as dicts. A view holds dozens, so the clauses of all of them are converted in
    one call and each dict is written out here rather than in a helper per deal."""
    clauses = _b([d.clauses for d in deals])
    return [
        {
            "id": d.id,
            "parties": [d.a, d.b],
            "proposer": d.proposer,
            "recipient": d.recipient,
            "version": d.version,
            "status": d.status,
            "rounds": d.rounds,
            "note": d.note,
            "clauses": c,
            "signed_round": d.signed_round,
            "rounds_done": d.rounds_done,
            "breaches": d.breaches,
            "cancel_by": d.cancel_by,
        }
        for d, c in zip(deals, clauses, strict=True)
    ]


def _forge(game: Game, viewer: str) -> dict[str, Any]:
    f = game.state.forge
    see_votes = viewer == FACILITATOR or viewer in f.members
    motions = []
    for m in f.motions:
        yes = sum(m.votes.values())  # the yes votes: True counts 1
        item = {
            "id": m.id,
            "kind": m.kind,
            "text": club.describe(m),
            "proposer": m.proposer,
            "round": m.round,
            "status": m.status,
            "yes": yes,
            "no": len(m.votes) - yes,
            "mineral": m.mineral,
            "form": m.form,
            "price": m.price,
            "seat": m.seat,
            "level": m.level,
        }
        if see_votes:
            item["votes"] = dict(m.votes)
        motions.append(item)
    return {
        "members": list(f.members),
        "chair": f.chair,
        "chair_until_round": f.chair_until_round,
        "fund": f.fund,
        "min_standard": f.min_standard,
        "floors": dict(f.floors),
        "bloc": _b(f.bloc),
        "motions": motions,
        "disputes": _b(f.disputes),
    }
