"""What a facilitator takes away for the debrief and for grading. These read the
facilitator's view of the game (everything), so only the game's facilitator may call
them (negotiation/views.py checks)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

from negotiation.models import ActionLog, AdviceLog, ChatMessage, Game, Player
from negotiation.services import advice, loading

OFFER_TYPES = ("propose_deal", "counter_deal")


def _engine(row: Game) -> Any:
    with loading.lock(row.pk):
        entry = loading.load(row)
        return entry.game.copy()


def action_log(row: Game) -> dict[str, Any]:
    return {
        "game": row.code, "scenario": row.scenario_id, "seed": row.seed,
        "engine_options": row.engine_options, "version": row.version,
        "actions": [{"seq": r.seq, "actor": r.actor, "sender": r.sender, "action": r.payload,
                     "events": r.events, "created": r.created.isoformat()}
                    for r in ActionLog.objects.filter(game=row).order_by("seq")],
    }


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def rounds_csv(row: Game) -> str:
    """One line per round and seat: the public headline figures and the seat's treasury."""
    st = _engine(row).state
    rows = []
    for rep in st.reports:
        for seat, h in rep.public.get("headline", {}).items():
            rows.append([rep.round, seat, h.get("output_value"), h.get("demand_met_bp"),
                         h.get("shortage"), h.get("reputation"),
                         rep.private.get(seat, {}).get("treasury")])
    return _csv(["round", "seat", "output_value", "demand_met_bp", "shortage", "reputation",
                 "treasury"], rows)


def deals_csv(row: Game) -> str:
    st = _engine(row).state
    rows = []
    for d in st.deals.values():
        kinds = ";".join(c.__struct_config__.tag for c in d.clauses)  # type: ignore[union-attr]
        rows.append([d.id, d.a, d.b, d.proposer, d.recipient, d.version, d.status,
                     d.signed_round, d.rounds, d.rounds_done, d.breaches, kinds, d.note])
    return _csv(["deal", "a", "b", "proposer", "recipient", "version", "status", "signed_round",
                 "rounds", "rounds_done", "breaches", "clauses", "note"], rows)


def scores(row: Game) -> dict[str, Any]:
    """Totals, parts, objectives and the score after each resolved round (`history`);
    once the game has ended, each seat's `breakdown` too
    (where each part's points came from: game.scoring.breakdown, docs/rules.md §9)."""
    from game.scoring import breakdown

    game = _engine(row)
    st = game.state
    ended = st.phase == "ended"
    return {"game": row.code, "ended": ended, "round": st.round,
            "scores": {sid: {"total": s.total, "parts": dict(s.parts),
                             "objectives": dict(s.objectives),
                             "history": [{"round": h.round, "total": h.total,
                                          "parts": dict(h.parts)}
                                         for h in st.score_history.get(sid, [])],
                             **({"breakdown": breakdown(game, sid)} if ended else {})}
                       for sid, s in st.scores.items()}}


def assessment_csv(row: Game) -> str:
    """Per person: offers made, deals they signed, how their seat's deals ended (promises
    kept or breached), messages sent and how often they asked the advisor."""
    st = _engine(row).state
    players = list(Player.objects.filter(game=row).select_related("seat").order_by("pk"))
    offers: Counter[str] = Counter()
    accepts: Counter[str] = Counter()
    for r in ActionLog.objects.filter(game=row, sender__startswith="p:").only("sender", "payload"):
        kind = r.payload.get("type")
        if kind in OFFER_TYPES:
            offers[r.sender] += 1
        elif kind == "accept_deal":
            accepts[r.sender] += 1
    messages = Counter(ChatMessage.objects.filter(game=row, player__isnull=False)
                       .values_list("player_id", flat=True))
    advised = Counter(AdviceLog.objects.filter(game=row, player__isnull=False)
                      .values_list("player_id", flat=True))
    kept: Counter[str] = Counter()
    breached: Counter[str] = Counter()
    for d in st.deals.values():
        for seat in (d.a, d.b):
            if d.status == "completed":
                kept[seat] += 1
            if d.breaches and seat == _seller_side(d):
                breached[seat] += d.breaches
    rows = []
    for p in players:
        seat, key = p.seat.seat_id, f"p:{p.pk}"
        total = st.scores[seat].total if seat in st.scores else ""
        rows.append([p.name, seat, offers[key], accepts[key], kept[seat], breached[seat],
                     messages[p.pk], advised[p.pk], total, "removed" if p.revoked else ""])
    return _csv(["name", "seat", "offers_made", "deals_signed", "seat_deals_kept",
                 "seat_breaches", "messages_sent", "advice_used", "seat_score", "note"], rows)


def advice_log(row: Game) -> dict[str, Any]:
    """Every use of the advisor (who asked, for which seat, at which version, and what they
    were told), with a count per person: for the debrief."""
    uses = advice.uses(row)
    per_person: Counter[str] = Counter(f"{u['name']} ({u['seat']})" for u in uses)
    return {"game": row.code, "advisor": advice.enabled(row), "uses": uses,
            "per_person": dict(per_person)}


def _seller_side(deal: Any) -> str:
    """Breaches are counted against the side that failed to deliver: the seller of the
    first supply clause, else the proposer."""
    for c in deal.clauses:
        seller = getattr(c, "seller", None)
        if seller:
            return str(seller)
    return str(deal.a)
