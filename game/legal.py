"""What an actor may do now: concrete actions where they can be listed (accept D3, vote on
M2 ...) and the kinds that take free parameters (propose_deal, submit_orders ...).

Bots pick from this, the UI shows buttons from it, and tests check that every listed
concrete action is accepted by `apply`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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


# ---- templates: how to build each allowed kind now, from the actor's view ------------------
def legal_dict(game: Game, actor: str) -> dict[str, Any]:
    """The `legal` answer as a client gets it: seq, kinds, concrete actions (as dicts) and,
    per kind, a template (`templates`)."""
    la = legal_actions(game, actor)
    acts = [msgspec.to_builtins(a) for a in la.actions]
    view = game.view(actor) if actor in game.state.seats else None
    return {"seq": game.state.seq, "kinds": list(la.kinds), "actions": acts,
            "templates": templates(view, la.kinds, acts)}


def templates(view: dict[str, Any] | None, kinds: list[str],
              actions: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """For each kind in `kinds`, a template: `action` (an example to start from; for the
    kinds with concrete actions, the first of them), `fields` (each field's type and range
    in this state: choices, min, max, default, hint) and, for deals, `clauses` (the same
    per clause type) and `context` (partners, what the seat can deliver per round,
    reference and last prices, its treasury). `view` is the actor's own view (None for the
    facilitator); everything here is computed from it and the legal actions, so a client
    that has both can compute the same."""
    out: dict[str, dict[str, Any]] = {}
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for a in actions:
        by_kind.setdefault(a["type"], []).append(a)
    for kind in kinds:
        if kind in by_kind:
            out[kind] = _from_concrete(by_kind[kind])
    if view is None or "me" not in view:
        if "set_controller" in kinds:
            out["set_controller"] = {
                "action": {"type": "set_controller", "seat": "", "controller": "bot:passive"},
                "fields": {"seat": _f("string", hint="a seat id"),
                           "controller": _f("string", choices=[
                               "human", "bot:cooperative", "bot:hawk", "bot:passive"])}}
        return out
    ctx = _Context(view)
    if "propose_deal" in kinds:
        out["propose_deal"] = ctx.deal_template(None)
    if "counter_deal" in kinds:
        offers = [d for d in view.get("proposals", [])
                  if d["status"] == "proposed" and d["recipient"] == ctx.seat]
        if offers:
            out["counter_deal"] = ctx.deal_template(offers)
    if "propose_floor" in kinds:
        out["propose_floor"] = {
            "action": {"type": "propose_floor", "mineral": ctx.minerals[0], "form": "refined",
                       "price": ctx.ref[f"{ctx.minerals[0]}:refined"]},
            "fields": {"mineral": _f("string", choices=ctx.minerals),
                       "form": _f("string", choices=["ore", "refined"]),
                       "price": _f("integer", lo=0, hint="0 removes the floor; at most 10x the "
                                   "reference price (context.max_floor)")},
            "context": {"reference_prices": ctx.ref, "last_prices": ctx.last,
                        "no_trade": ctx.no_trade, "floors": view["forge"]["floors"],
                        "max_floor": {k: 10 * v for k, v in ctx.ref.items()}}}
    if "propose_standard" in kinds:
        out["propose_standard"] = {
            "action": {"type": "propose_standard",
                       "level": min(3, view["forge"]["min_standard"] + 1)},
            "fields": {"level": _f("integer", lo=0, hi=3,
                                   default=view["forge"]["min_standard"])}}
    if "nominate_chair" in kinds:
        members = list(view["forge"]["members"])
        out["nominate_chair"] = {"action": {"type": "nominate_chair", "seat": ctx.seat},
                                 "fields": {"seat": _f("string", choices=members)}}
    if "submit_orders" in kinds:
        out["submit_orders"] = ctx.orders_template()
    return out


def _f(kind: str, *, choices: list[Any] | None = None, lo: int | None = None,
       hi: int | None = None, default: Any = None, hint: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"type": kind}
    if choices is not None:
        out["choices"] = choices
    if lo is not None:
        out["min"] = lo
    if hi is not None:
        out["max"] = hi
    if default is not None:
        out["default"] = default
    if hint:
        out["hint"] = hint
    return out


def _from_concrete(acts: list[dict[str, Any]]) -> dict[str, Any]:
    fields: dict[str, dict[str, Any]] = {}
    for a in acts:
        for k, v in a.items():
            if k == "type":
                continue
            f = fields.setdefault(k, {"type": _json_type(v), "choices": []})
            if v not in f["choices"]:
                f["choices"].append(v)
    return {"action": acts[0], "fields": fields}


def _json_type(v: Any) -> str:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    return "string" if isinstance(v, str) else "object"


class _Context:
    """What a seat's view says about the ranges of its actions."""

    def __init__(self, view: dict[str, Any]) -> None:
        from game.deals import MAX_AMOUNT, MAX_CLAUSES, MAX_NOTE, MAX_QTY

        self.max_amount, self.max_clauses, self.max_note, self.max_qty = (
            MAX_AMOUNT, MAX_CLAUSES, MAX_NOTE, MAX_QTY)
        me = view["me"]
        self.view, self.seat = view, me["seat"]
        self.treasury: int = me["treasury"]
        self.partners = [s for s in view["seats"] if s != self.seat]
        self.minerals = [m["id"] for m in view["minerals"]]
        self.ref = {f"{m['id']}:{form}": m[f"ref_{form}"] for m in view["minerals"]
                    for form in ("ore", "refined")}
        # 0 in the price history is the engine's "no trade" marker, never a price: the last
        # price is the last one at which something traded, and `no_trade` names the markets
        # where nothing traded in the latest round (so a client can say so beside it)
        self.last = {k: next(p for p in reversed(v) if p) for k, v in view["prices"].items()
                     if any(v)}
        self.no_trade = sorted(k for k, v in view["prices"].items() if v and not v[-1])
        cap = view["seats"][self.seat]["capacity"]
        hold = me["holdings"]
        # an upper bound on what the seat can deliver in a round: stock plus a round's output
        self.deliverable = {
            f"{m}:ore": hold[m]["ore"] + cap[m]["mine"] for m in self.minerals} | {
            f"{m}:refined": hold[m]["refined"] + cap[m]["refine"] for m in self.minerals}
        self.rounds_left = max(1, view["rounds"] - max(view["round"], 1) + 1)

    def context(self) -> dict[str, Any]:
        return {"seat": self.seat, "partners": self.partners, "treasury": self.treasury,
                "deliverable": self.deliverable, "reference_prices": self.ref,
                "last_prices": self.last, "no_trade": self.no_trade,
                "rounds_left": self.rounds_left}

    def clause_fields(self) -> dict[str, dict[str, dict[str, Any]]]:
        pair = "you and the partner, one each"
        mineral = _f("string", choices=self.minerals)
        form = _f("string", choices=["ore", "refined"])
        amount = _f("integer", lo=1, hi=self.max_amount,
                    hint=f"what you pay must fit your treasury ({self.treasury})")
        return {
            "supply": {"seller": _f("string", hint=pair), "buyer": _f("string", hint=pair),
                       "mineral": mineral, "form": form,
                       "qty": _f("integer", lo=1, hi=self.max_qty, hint="lots per round; as "
                                 "seller at most context.deliverable[mineral:form]"),
                       "price": _f("integer", lo=0, hi=self.max_amount, hint="$M per lot; "
                                   "see context.reference_prices and last_prices")},
            "invest": {"investor": _f("string", hint=pair), "host": _f("string", hint=pair),
                       "amount": amount, "mineral": mineral,
                       "kind": _f("string", choices=["mine", "refine"]),
                       "capacity": _f("integer", lo=1, hi=self.max_qty),
                       "delay": _f("integer", lo=1, hi=4, default=1),
                       "offtake_bp": _f("integer", lo=0, hi=10000, default=0),
                       "offtake_price": _f("integer", lo=0, hi=self.max_amount, default=0)},
            "payment": {"payer": _f("string", hint=pair), "payee": _f("string", hint=pair),
                        "amount": amount},
            "tariff_waiver": {"waiver": _f("string", hint=pair),
                              "beneficiary": _f("string", hint=pair)},
            "standards": {"level": _f("integer", lo=0, hi=3)},
            "exclusivity": {"seller": _f("string", hint=pair), "mineral": mineral,
                            "excluded": _f("string", hint="a third seat",
                                           choices=self.partners)},
            "license": {"licensor": _f("string", hint=pair),
                        "licensee": _f("string", hint=pair), "mineral": mineral,
                        "qty": _f("integer", lo=1, hi=self.max_qty, hint="lots per round the "
                                  "licence lets through the licensor's export control; "
                                  "beyond them the control binds")},
        }

    def _example_clause(self, partner: str) -> dict[str, Any]:
        best = max(self.deliverable, key=lambda k: (self.deliverable[k], k))
        if self.deliverable[best] > 0:
            m, form = best.split(":")
            return {"type": "supply", "seller": self.seat, "buyer": partner, "mineral": m,
                    "form": form, "qty": 1, "price": self.last.get(best, self.ref[best])}
        return {"type": "payment", "payer": partner, "payee": self.seat, "amount": 1}

    def deal_template(self, offers: list[dict[str, Any]] | None) -> dict[str, Any]:
        fields = {"clauses": _f("array", lo=1, hi=self.max_clauses,
                                hint="clauses; see `clauses` for each type's fields"),
                  "rounds": _f("integer", lo=1, hi=self.rounds_left, default=1),
                  "note": _f("string", hint=f"at most {self.max_note} characters",
                             default="")}
        if offers is None:
            partner = self.partners[0]
            action = {"type": "propose_deal", "to": partner,
                      "clauses": [self._example_clause(partner)], "rounds": 1, "note": ""}
            fields = {"to": _f("string", choices=self.partners), **fields}
        else:
            d = offers[0]
            action = {"type": "counter_deal", "deal": d["id"], "clauses": d["clauses"],
                      "rounds": min(d["rounds"], self.rounds_left), "note": ""}
            fields = {"deal": _f("string", choices=[o["id"] for o in offers]), **fields}
        return {"action": action, "fields": fields, "clauses": self.clause_fields(),
                "context": self.context()}

    def orders_template(self) -> dict[str, Any]:
        view = self.view
        cap = view["seats"][self.seat]["capacity"]
        member = self.seat in view["forge"]["members"]
        low = view["forge"]["min_standard"] if member else 0
        line = {"mineral": _f("string", choices=self.minerals),
                "form": _f("string", choices=["ore", "refined"]),
                "qty": _f("integer", lo=1, hi=self.max_qty),
                "limit": _f("integer", lo=0, hi=self.max_amount,
                            hint="$M per lot: highest to pay (buy), lowest to accept (sell)")}
        targets = _f("array", choices=[*self.partners, "ALL"], hint="seat ids or ALL")
        capex = {m["id"]: {"mine": m["capex_mine"], "refine": m["capex_refine"]}
                 for m in view["minerals"]}
        return {
            "action": {"type": "submit_orders", "orders": {}},
            "fields": {
                "orders.env_standard": _f("integer", lo=low, hi=3,
                                          default=view["seats"][self.seat]["env_standard"]),
                "orders.refine": _f("object", hint="mineral -> lots to refine (0..refining "
                                    "capacity); default: as much as capacity allows"),
                "orders.sell[]": _f("object", hint="market lines: " + ", ".join(line)),
                "orders.buy[]": _f("object", hint="market lines: " + ", ".join(line)),
                "orders.stockpile[]": _f("object", hint="mineral, buy, release (lots)"),
                "orders.invest[]": _f("object", hint="mineral, kind (mine|refine), capacity; "
                                      "costs capacity x context.capex, within the treasury"),
                "orders.postpone[]": _f("string", hint="a deal in me.building (you invest, its "
                                        "capacity is still being built): it arrives a round "
                                        "later; costs 1 reputation"),
                "orders.abandon[]": _f("string", hint="such a deal: the capacity is never "
                                       "built, the host repays the unbuilt share; a breach"),
                "orders.controls": _f("array", hint="export controls: mineral, form, "
                                      "targets; null keeps last round's"),
                "orders.tariffs": _f("array", hint="mineral, targets, rate_bp 0..10000; null "
                                     "keeps last round's"),
            },
            "clauses": {"market_line": line,
                        "control": {"mineral": line["mineral"], "form": line["form"],
                                    "targets": targets},
                        "tariff": {"mineral": line["mineral"], "targets": targets,
                                   "rate_bp": _f("integer", lo=0, hi=10000)}},
            "context": {**self.context(), "capex": capex,
                        "refine_capacity": {m: cap[m]["refine"] for m in self.minerals},
                        "holdings": view["me"]["holdings"],
                        "stockpile_budget": view["me"]["stockpile_budget"]},
        }
