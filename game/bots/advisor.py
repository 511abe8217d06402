"""Advice for a seat, from the cooperative bot's point of view, in plain words.

    advise(game, "GHA") -> {"seat", "round", "phase", "proposal", "offers", "orders"}

The advisor reads only the seat's own view and legal actions, like a bot, so advice never
leaks another seat's secrets. It is a pure function: the server decides whether the
facilitator allows it and records each use. Each reason comes twice: `reason` in English
for agents, and `said` ({key, params}, see game.bots.common.Said) for pages, which say it
in their reader's language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from game.actions import AcceptDeal, RejectDeal
from game.bots import deals, orders
from game.bots.common import Ctx, Said, say
from game.bots.deals import COOPERATIVE
from game.legal import Legal

if TYPE_CHECKING:
    from game.engine import Game


def advise(game: Game, seat: str) -> dict[str, Any]:
    """The best deal to propose now, a verdict on each offer addressed to the seat, and
    suggested orders (in the orders phase), each with a one-line reason. Plain JSON-ready
    data: `msgspec.convert(advice["orders"]["orders"], Orders)` gives submittable orders."""
    return advice_from(game.view(seat), game.legal_actions(seat), game.state.seed)


def advice_from(view: dict[str, Any], legal: Legal, seed: int) -> dict[str, Any]:
    out: dict[str, Any] = {"seat": view["viewer"], "round": view["round"],
                           "phase": view["phase"], "proposal": None, "offers": [],
                           "orders": None}
    if "me" not in view or view["phase"] not in ("negotiation", "orders"):
        return out
    ctx = Ctx(view, seed, COOPERATIVE.name)
    if view["phase"] == "negotiation":
        out["proposal"] = _proposal(ctx, legal)
        out["offers"] = _offers(ctx, legal)
    else:
        built, lines = orders.build(ctx, COOPERATIVE)
        out["orders"] = {"orders": msgspec.to_builtins(built),
                         "lines": [line.text for line in lines],
                         "said_lines": [line.said() for line in lines],
                         "reason": _orders_reason(lines)}
    return out


def _proposal(ctx: Ctx, legal: Legal) -> dict[str, Any] | None:
    if "propose_deal" not in legal.kinds:
        return None
    cands = deals.objective_proposals(ctx, COOPERATIVE) + \
        deals.supply_proposals(ctx, COOPERATIVE) + deals.invest_proposals(ctx, COOPERATIVE)
    if not cands:
        return None
    best = max(cands, key=lambda p: (p.worth, p.to, p.why))
    points = f"{best.worth:.1f}"
    return {"to": best.to, "clauses": msgspec.to_builtins(best.clauses), "rounds": best.rounds,
            "reason": f"Propose to {best.to}: {best.why}; it should add about "
                      f"{points} points to your score.",
            "said": best.said.said(), "points": points}


def _offers(ctx: Ctx, legal: Legal) -> list[dict[str, Any]]:
    open_ids = {a.deal for a in legal.actions if isinstance(a, RejectDeal)}  # offers to me
    payable = {a.deal for a in legal.actions if isinstance(a, AcceptDeal)}
    out = []
    for d in ctx.view.get("proposals", []):
        if d["id"] not in open_ids:
            continue
        ok, worth = deals.acceptable(ctx, COOPERATIVE, d)
        if ok and d["id"] not in payable:
            said = say("offer.unaffordable")
            out.append({"deal": d["id"], "from": d["proposer"], "accept": False,
                        "reason": said.text, "said": said.said()})
            continue
        said = say("offer.accept" if ok else "offer.reject", points=f"{worth:+.1f}")
        out.append({"deal": d["id"], "from": d["proposer"], "accept": ok,
                    "reason": f"{said.text[:-1]} ({_what(d)}).", "said": said.said()})
    return out


def _what(d: dict[str, Any]) -> str:
    parts = []
    for c in d["clauses"]:
        if c["type"] == "supply":
            parts.append(f"{c['seller']} sells {c['buyer']} {c['qty']} {c['form']} "
                         f"{c['mineral']}/round at {c['price']}")
        else:
            parts.append(c["type"].replace("_", " "))
    return "; ".join(parts) + f", for {d['rounds']} round(s)"


def _orders_reason(lines: list[Said]) -> str:
    if not lines:
        return "Keep the defaults: nothing to add this round."
    return "Suggested because you should " + "; ".join(line.text for line in lines[:3]) + \
        ("; …" if len(lines) > 3 else ".")
