"""`view()` is the only way state reaches a person; hidden information is removed here.

Public: the board (capacities, demand, reputation, standards, policies in force), signed
deals without their notes, FORGE (members, floors, motion tallies), prices and the public
part of reports; once the game has ended, every seat's score, its score after each round
and objectives (ids, texts, bonuses, whether met) and the world outcome, for the debrief.
A seat adds its own secrets: treasury, holdings, objectives, its own proposals and
orders, the notes of the deals it is a party to, its prompts, its private report parts,
the projects it finances abroad that are still being built (which it may postpone or
abandon), its score. The facilitator sees everything. docs/rules.md (section 2) states the
same for players.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec

from game import club, policy
from game.actions import FACILITATOR, SPECTATOR
from game.errors import ErrorCode, RuleError
from game.orders_rules import building_under

if TYPE_CHECKING:
    from game.engine import Game
    from game.scenario import Country
    from game.state import Deal, GameState, Seat

# listed with the signed deals: a scenario's bilateral frameworks too (public from the start)
_SIGNED = ("active", "completed", "breached", "cancelled", "framework", "upgraded")
_FRAMEWORK = ("framework", "upgraded")


_b = msgspec.to_builtins  # typed state to plain dicts, lists and scalars


def view(game: Game, viewer: str) -> dict[str, Any]:
    """The state as `viewer` may see it. Treat it as read-only: its public parts are the
    same objects for every viewer at one version (see `Public`)."""
    st = game.state
    if viewer not in st.seats and viewer not in (SPECTATOR, FACILITATOR):
        raise RuleError(ErrorCode.NOT_A_SEAT, f"no viewer {viewer!r}")
    pub = public(game)
    out: dict[str, Any] = {"viewer": viewer, **pub.head}
    out["forge"] = pub.forge(game, viewer == FACILITATOR or viewer in st.forge.members)
    out["deals"] = pub.deals_for(game, viewer)
    out.update(pub.tail)
    if viewer in st.seats:
        out["me"] = _private_seat(game, viewer)
        out["proposals"] = _deals(game, pub.proposals_of(viewer))
    if viewer == FACILITATOR:
        out["private"] = {sid: _private_seat(game, sid) for sid in st.seats}
        out["proposals"] = _deals(game, _recent(pub.unsigned))
        out["deck"] = list(st.deck)
    return out


# Closed (withdrawn, rejected, lapsed) proposals a view still lists, the newest: a history
# for the deals panel and the bots' memory of this round's refusals. Without a bound the
# view would grow with every proposal ever made; the log and the exports keep them all.
CLOSED_SHOWN = 20


def _recent(proposals: list[Deal]) -> list[Deal]:
    """The open proposals and the CLOSED_SHOWN newest closed ones, in the order made."""
    closed = [i for i, d in enumerate(proposals) if d.status != "proposed"]
    if len(closed) <= CLOSED_SHOWN:
        return proposals
    hidden = set(closed[:-CLOSED_SHOWN])
    return [d for i, d in enumerate(proposals) if i not in hidden]


class Public:
    """The parts of a view that every viewer shares, built once per state version: a
    server renders up to a dozen viewers per version and a bot pass thirteen, and the
    board, the signed deals and the reports are most of each view.

    Valid while `game.state` is the same object at the same `seq`: every change goes
    through `Game.apply`, which bumps `seq`, and a rewind replaces the state object."""

    __slots__ = ("_by_seat", "_forge", "_signed_for", "_signed_full", "head", "seq", "signed",
                 "state", "tail", "unsigned")

    def __init__(self, game: Game) -> None:
        st, sc = game.state, game.scenario
        self.state, self.seq = st, st.seq
        countries = {c.id: c for c in sc.countries}
        self.signed: list[Deal] = []  # everyone sees their terms; the notes only the parties
        self.unsigned: list[Deal] = []  # proposals: a seat sees its own, the facilitator all
        for d in st.deals.values():
            (self.signed if d.status in _SIGNED else self.unsigned).append(d)
        # the signed deals' dicts, with and without notes, looked up once for both lists
        signed = _deal_entries(game, self.signed)
        self._signed_full: list[dict[str, Any]] = [e[3] for e in signed]
        self.head: dict[str, Any] = {
            "scenario": _static(game, ("scenario",),
                                lambda: {"id": sc.id, "title": sc.title}),
            "round": st.round,
            "rounds": st.rounds,
            "round_label": sc.round_labels[st.round - 1] if st.round else "",
            "phase": st.phase,
            "paused": st.paused,
            "seq": st.seq,
            "card": {"id": st.card, "title": st.card_title, "text": st.card_text}
            if st.card else None,
            "minerals": _static(game, ("minerals",), lambda: _minerals(game)),
            "seats": _public_seats(game, countries),
            "deals": [e[4] for e in signed],
        }
        self.tail: dict[str, Any] = {
            "prices": st.prices,
            "reports": [{"round": r.round, **r.public} for r in st.reports],
        }
        if st.phase == "ended":
            from game.scoring import breakdown, world_outcome

            # the debrief: each seat's score, with the objectives it was judged on (the
            # same objects as each seat's own `me.objectives`), where its points came
            # from and its score after each round (public only now: it shows every
            # seat's deals, sales and costs, and how the others were doing)
            self.tail["scores"] = {
                sid: {**_b(s), "objective_list": _objectives_of(game, countries[sid]),
                      "breakdown": breakdown(game, sid),
                      "history": _b(st.score_history.get(sid, []))}
                for sid, s in st.scores.items()}
            self.tail["world"] = world_outcome(game)
        self._forge: dict[bool, dict[str, Any]] = {}
        self._by_seat: dict[str, list[Deal]] = {}
        self._signed_for: dict[str, list[dict[str, Any]]] = {}

    def deals_for(self, game: Game, viewer: str) -> list[dict[str, Any]]:
        """The signed deals as `viewer` sees them: with the notes of the deals it is a
        party to (the facilitator: all of them), without the others'. A viewer party to
        none shares the public list."""
        found = self._signed_for.get(viewer)
        if found is not None:
            return found
        public: list[dict[str, Any]] = self.head["deals"]
        if viewer == FACILITATOR:
            found = self._signed_full
        elif any(viewer in (d.a, d.b) for d in self.signed):
            full = self._signed_full
            found = [f if viewer in (d.a, d.b) else p
                     for d, f, p in zip(self.signed, full, public, strict=True)]
        else:
            found = public
        self._signed_for[viewer] = found
        return found

    def proposals_of(self, seat: str) -> list[Deal]:
        """The proposals `seat` sees: those it is a party to, open or among its CLOSED_SHOWN
        newest closed ones, in the order made (sorted out newest first, so each seat's list
        stays short however many it has made). Worked out for one seat when it is asked
        for: a new version is built after nearly every action, and then only the seat
        about to act reads its view."""
        found = self._by_seat.get(seat)
        if found is not None:
            return found
        found = []
        closed = 0
        for d in reversed(self.unsigned):
            # once per side the seat is on (twice if it proposed to itself)
            for _ in range((d.a == seat) + (d.b == seat)):
                if d.status != "proposed":
                    if closed >= CLOSED_SHOWN:
                        continue
                    closed += 1
                found.append(d)
        found.reverse()
        self._by_seat[seat] = found
        return found

    def forge(self, game: Game, see_votes: bool) -> dict[str, Any]:
        found = self._forge.get(see_votes)
        if found is None:
            found = self._forge[see_votes] = _forge(game, see_votes)
        return found


def public(game: Game) -> Public:
    """The shared part of this version's views (cached on the game)."""
    pub = game.public_view
    if pub is None or pub.state is not game.state or pub.seq != game.state.seq:
        pub = game.public_view = Public(game)
    return pub


def _minerals(game: Game) -> list[dict[str, Any]]:
    return [
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
        for m in game.scenario.minerals
    ]


def _public_seats(game: Game, countries: dict[str, Country]) -> dict[str, dict[str, Any]]:
    """Every seat's public part, in seat order."""
    seats = game.state.seats
    # one conversion for every seat's three typed fields (each call has a fixed cost, and
    # a bot's turn builds a new version for nearly every seat's view)
    typed = _b([(policy.controls_of(game, sid), s.policy.tariffs, s.capacity)
                for sid, s in seats.items()])
    return {sid: _public_seat(game, s, countries[sid], *t)
            for (sid, s), t in zip(seats.items(), typed, strict=True)}


def _public_seat(game: Game, s: Seat, c: Country, controls: list[Any], tariffs: list[Any],
                 capacity: dict[str, Any]) -> dict[str, Any]:
    """`controls`, `tariffs`, `capacity`: the seat's, as plain data (`_public_seats`)."""
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
        "objectives": _objectives_of(game, c),
        "weights": _static(game, ("weights", seat), lambda: dict(c.weights)),
        "par": st.par.get(seat, 1000),
        "par_money": _money_factor(st, seat),
        "money_per_10_points": _static(game, ("money_per_10", seat), lambda: _money_per_10(
            game, seat)),
        "orders": _b(s.orders) if s.orders is not None else None,
        "prompts": prompts,
        "reports": [{"round": r.round, **r.private.get(seat, {})} for r in st.reports],
        "score": _b(st.scores[seat]) if seat in st.scores else None,
        "applied_forge": any(
            m.kind == "admit" and m.seat == seat and m.status == "open" for m in st.forge.motions
        ),
        "building": _building(game, seat),
    }


def _building(game: Game, seat: str) -> list[dict[str, Any]]:
    """The projects this seat finances under an active deal whose capacity is still on its
    way: the ones its orders may postpone or abandon (`orders_rules.building_under`). A
    person cannot choose for a project it cannot see; the host learns of a choice only from
    the report, so the list is the investor's alone. A ramp-up's halves are one project,
    arriving when its first half does; a project never arrives before its mineral's lead
    time from signing (resolution._arrivals holds it back), so neither does the list."""
    st = game.state
    mine = building_under(game, seat)
    if not mine:
        return []
    projects: dict[tuple[str, str, str], dict[str, Any]] = {}
    for p in st.pending:
        deal = st.deals.get(p.deal)
        if p.deal not in mine or deal is None or deal.status != "active" or p.delta <= 0:
            continue
        lead = game.scenario.mineral(p.mineral).invest_delay
        arrives = p.due_round if p.ramp else max(p.due_round, deal.signed_round + lead - 1)
        row = projects.setdefault((p.deal, p.mineral, p.kind), {
            "deal": p.deal, "partner": deal.b if deal.a == seat else deal.a,
            "mineral": p.mineral, "kind": p.kind, "lots": 0, "arrives": arrives})
        row["lots"] += p.delta
        row["arrives"] = min(row["arrives"], arrives)
    return list(projects.values())


def _objectives_of(game: Game, c: Country) -> list[dict[str, Any]]:
    """A seat's objectives as its view shows them (and, at the end, everyone's)."""
    return _static(game, ("objectives", c.id), lambda: _objectives(c))  # type: ignore[no-any-return]


def _objectives(c: Country) -> list[dict[str, Any]]:
    from game.scoring import objective_points

    points = objective_points(c)  # the points an objective adds to the total when met
    return [
        {
            "id": o.id,
            "text": o.text,
            "bonus": points[o.id],
            "kind": o.kind,
            "mineral": o.mineral,
            "other": o.other,
            "share_bp": o.share_bp,
            "amount": o.amount,
            "clauses": list(o.clauses),
        }
        for o in c.objectives
    ]


def _static(game: Game, key: tuple[str, ...], build: Callable[[], Any]) -> Any:
    """A part of the view that comes from the scenario alone, built once per game (the
    scenario never changes); views are read-only, so every version shares it."""
    found = game.memo.get(key)
    if found is None:
        found = game.memo[key] = build()
    return found


def _deals(game: Game, deals: list[Deal], notes: bool = True) -> list[dict[str, Any]]:
    """Deals as dicts, each built once and reused for as long as the deal stays as it was:
    a view lists dozens of deals and few change between two versions. A dict is never
    changed once built (a changed deal gets a new one): the server keeps each one's
    encoding from version to version by identity. With `notes` false, each deal's public
    dict: the same without its note, which only the parties (and the facilitator) read."""
    entries = _deal_entries(game, deals)
    return [e[3] for e in entries] if notes else [e[4] for e in entries]


# a deal's cache entry: (the deal, its clauses list, its marks, its dict, its public dict)
_Entry = tuple[Any, Any, tuple[Any, ...], dict[str, Any], dict[str, Any]]


def _deal_entries(game: Game, deals: list[Deal]) -> list[_Entry]:
    """Each deal's cache entry for `_deals`, built where the deal is new or changed."""
    cache = game.memo
    out: list[_Entry | None] = []
    todo: list[tuple[int, Deal, tuple[Any, ...]]] = []
    for d in deals:
        # every field a deal's dict shows that changes without a new clauses list
        mark = (d.version, d.status, d.rounds, d.note, d.proposer, d.signed_round,
                d.rounds_done, d.breaches, d.cancel_by)
        hit = cache.get(("deal", d.id))
        # the same object (a rewind or a copy makes new ones) with the same clauses list
        # (every change of terms assigns a new one; the cache holds the old, so its id
        # cannot come back) and the same marks
        if hit is not None and hit[0] is d and hit[1] is d.clauses and hit[2] == mark:
            out.append(hit)
        else:
            todo.append((len(out), d, mark))
            out.append(None)
    if todo:
        clauses = _b([d.clauses for _, d, _ in todo])  # one conversion for all of them
        for (i, d, mark), c in zip(todo, clauses, strict=True):
            built = {
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
            if d.upgrades:
                built["upgrades"] = d.upgrades
            fw = game.scenario.framework(d.id) if d.status in _FRAMEWORK else None
            if fw is not None:
                built["framework"] = {"title": fw.title, "text": fw.text,
                                      "minerals": list(fw.minerals), "bonus": fw.bonus,
                                      "source": fw.source}
            public = {k: v for k, v in built.items() if k != "note"}
            cache["deal", d.id] = out[i] = (d, d.clauses, mark, built, public)
    return out  # type: ignore[return-value]


def _forge(game: Game, see_votes: bool) -> dict[str, Any]:
    f = game.state.forge
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


def _money_per_10(game: Game, seat: str) -> int:
    from game.scoring import money_per_10_points

    return money_per_10_points(game.scenario, seat, _money_factor(game.state, seat))


def _money_factor(st: GameState, seat: str) -> int:
    """The factor on the seat's money: its own where par set one apart, else its par's."""
    return st.par_money.get(seat, st.par.get(seat, 1000))
