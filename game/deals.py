"""Bilateral deals: propose → (counter)* → accept → active → completed | breached | cancelled.

Only the latest version of a proposal is live, only its recipient may accept or reject it,
only its proposer may withdraw it. Delivery and breach happen in the resolution.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.actions import AcceptDeal, CancelDeal, CounterDeal, ProposeDeal, RejectDeal, WithdrawDeal
from game.clauses import (
    Clause,
    Exclusivity,
    Invest,
    License,
    Payment,
    Standards,
    Supply,
    TariffWaiver,
)
from game.errors import ErrorCode, RuleError, require, require_text
from game.event import Event
from game.state import Deal, GameState, Pending

if TYPE_CHECKING:
    from game.engine import Game
    from game.scenario import Scenario

MAX_CLAUSES = 8
MAX_NOTE = 500
MAX_AMOUNT = 1_000_000
MAX_QTY = 100_000


def _bad(message: str, **params: str | int) -> RuleError:
    return RuleError(ErrorCode.BAD_CLAUSE, message, params)


def _parties(clause: Clause) -> tuple[str, ...]:
    match clause:
        case Supply(seller=s, buyer=b):
            return (s, b)
        case Invest(investor=i, host=h):
            return (i, h)
        case Payment(payer=p, payee=q):
            return (p, q)
        case TariffWaiver(waiver=w, beneficiary=b):
            return (w, b)
        case Exclusivity(seller=s):
            return (s,)
        case License(licensor=l, licensee=e):
            return (l, e)
    return ()


def validate_terms(
    game: Game, a: str, b: str, clauses: tuple[Clause, ...], rounds: int, note: str
) -> None:
    """Every clause must bind exactly the two parties and name real minerals and seats."""
    sc, st = game.scenario, game.state
    if not 1 <= len(clauses) <= MAX_CLAUSES:
        raise _bad(f"a deal needs 1 to {MAX_CLAUSES} clauses", field="clauses", max=MAX_CLAUSES)
    remaining = st.rounds - max(st.round, 1) + 1
    if not 1 <= rounds <= remaining:
        raise _bad(f"rounds must be 1..{remaining} (the rounds left in the game)",
                   field="rounds", max=remaining)
    # a note is one person's words to another: newlines and tabs, no control characters
    require_text(note, MAX_NOTE, ErrorCode.BAD_CLAUSE, "the note", multiline=True,
                 field="note")
    minerals = set(sc.mineral_ids)
    pair = {a, b}
    for i, c in enumerate(clauses):
        kind = c.__struct_config__.tag
        where = f"clause {i + 1} ({kind})"
        at: dict[str, str | int] = {"clause": i + 1, "kind": str(kind)}
        parties = _parties(c)
        if not set(parties) <= pair or len(set(parties)) != len(parties):
            raise _bad(f"{where}: its parties must be {a} and {b}, one each", **at,
                       field="parties")
        mineral = getattr(c, "mineral", None)
        if mineral is not None and mineral not in minerals:
            raise RuleError(ErrorCode.UNKNOWN_MINERAL, f"{where}: no mineral {mineral!r}", at)
        match c:
            case Supply(qty=q, price=p):
                if not 0 < q <= MAX_QTY or not 0 <= p <= MAX_AMOUNT:
                    raise _bad(f"{where}: qty must be 1..{MAX_QTY}, price 0..{MAX_AMOUNT}", **at)
            case Invest():
                if not 0 < c.amount <= MAX_AMOUNT or not 0 < c.capacity <= MAX_QTY:
                    raise _bad(f"{where}: amount and capacity must be positive", **at)
                if not 1 <= c.delay <= 4 or not 0 <= c.offtake_bp <= 10000:
                    raise _bad(f"{where}: delay must be 1..4, offtake_bp 0..10000", **at)
                if not 0 <= c.offtake_price <= MAX_AMOUNT:
                    raise _bad(f"{where}: offtake_price out of range", **at)
            case Payment(amount=x):
                if not 0 < x <= MAX_AMOUNT:
                    raise _bad(f"{where}: amount must be 1..{MAX_AMOUNT}", **at)
            case Standards(level=lv):
                if not 0 <= lv <= 3:
                    raise _bad(f"{where}: level must be 0..3", **at)
            case Exclusivity(excluded=x):
                if x not in st.seats or x in pair:
                    raise _bad(f"{where}: excluded must be a third seat", **at, field="excluded")
            case License(qty=q):
                if not 0 < q <= MAX_QTY:
                    raise _bad(f"{where}: qty (lots per round the licence covers) must be "
                               f"1..{MAX_QTY}", **at, field="qty", max=MAX_QTY)


def _deal(game: Game, deal_id: str) -> Deal:
    deal = game.state.deals.get(deal_id)
    if deal is None:
        raise RuleError(ErrorCode.UNKNOWN_DEAL, f"no deal {deal_id!r}", {"deal": deal_id})
    return deal


def _negotiating(game: Game) -> None:
    require(
        game.state.phase == "negotiation",
        ErrorCode.WRONG_PHASE,
        "deals are made during negotiation",
        phase="negotiation",
    )


def _open_by(game: Game, seat: str) -> int:
    return sum(
        1 for d in game.state.deals.values() if d.status == "proposed" and d.proposer == seat
    )


def _private(deal: Deal, kind: str, text: str) -> Event:
    return Event(kind, text, to=(deal.a, deal.b), data={"deal": deal.id, "version": deal.version})


def propose(game: Game, actor: str, action: ProposeDeal) -> list[Event]:
    _negotiating(game)
    st = game.state
    require(action.to in st.seats, ErrorCode.UNKNOWN_SEAT, f"no seat {action.to!r}",
            seat=action.to)
    require(action.to != actor, ErrorCode.SELF_DEAL, "a deal needs two different seats")
    require(
        _open_by(game, actor) < game.scenario.max_open_proposals,
        ErrorCode.TOO_MANY_PROPOSALS,
        "too many open proposals; withdraw some first",
        max=game.scenario.max_open_proposals,
    )
    validate_terms(game, actor, action.to, action.clauses, action.rounds, action.note)
    return [open_proposal(game, actor, action.to, list(action.clauses), action.rounds, action.note)]


def open_proposal(
    game: Game, proposer: str, to: str, clauses: list[Clause], rounds: int, note: str = ""
) -> Event:
    st = game.state
    deal = Deal(
        id=st.new_id("D"),
        a=proposer,
        b=to,
        proposer=proposer,
        recipient=to,
        version=1,
        clauses=clauses,
        rounds=rounds,
        note=note,
    )
    st.deals[deal.id] = deal
    return _private(deal, "deal_proposed", f"{proposer} proposed deal {deal.id} to {to}")


def counter(game: Game, actor: str, action: CounterDeal) -> list[Event]:
    _negotiating(game)
    deal = _deal(game, action.deal)
    require(deal.status == "proposed", ErrorCode.DEAL_NOT_OPEN, f"deal {deal.id} is {deal.status}",
            deal=deal.id, status=deal.status)
    require(actor == deal.recipient, ErrorCode.NOT_RECIPIENT, "only the recipient may counter")
    validate_terms(game, deal.a, deal.b, action.clauses, action.rounds, action.note)
    deal.clauses = list(action.clauses)
    deal.rounds = action.rounds
    deal.note = action.note
    deal.version += 1
    deal.proposer, deal.recipient = actor, deal.proposer
    return [_private(deal, "deal_countered", f"{actor} countered deal {deal.id} (v{deal.version})")]


def cannot_pay(game: Game, deal: Deal) -> tuple[str, int] | None:
    """(seat, $M needed) for a party whose treasury cannot cover this deal's one-off
    payments on top of those it already owes; None if both can. Accepting such a deal is
    refused, so legal actions do not offer it either."""
    for seat in (deal.a, deal.b):
        need = one_off_cash(deal, seat) + committed_cash(game, seat)
        if game.state.seats[seat].treasury < need:
            return seat, need
    return None


def committed_cash(game: Game, seat: str) -> int:
    """Money the seat already owes in one-off payments of signed deals not yet paid."""
    owed = 0
    for d in live_deals(game):
        if d.status == "active" and not d.one_offs_done:
            owed += one_off_cash(d, seat)
    return owed


def one_off_cash(deal: Deal, seat: str) -> int:
    owed = 0
    for c in deal.clauses:
        if (isinstance(c, Payment) and c.payer == seat) or (
            isinstance(c, Invest) and c.investor == seat
        ):
            owed += c.amount
    return owed


def accept(game: Game, actor: str, action: AcceptDeal) -> list[Event]:
    _negotiating(game)
    st = game.state
    deal = _deal(game, action.deal)
    require(deal.status == "proposed", ErrorCode.DEAL_NOT_OPEN, f"deal {deal.id} is {deal.status}",
            deal=deal.id, status=deal.status)
    require(actor in (deal.a, deal.b), ErrorCode.NOT_A_PARTY, "not a party to this deal")
    require(
        actor == deal.recipient,
        ErrorCode.NOT_RECIPIENT,
        "only the recipient of the latest version may accept it",
    )
    short = cannot_pay(game, deal)
    if short is not None:
        seat, need = short
        raise RuleError(
            ErrorCode.INSUFFICIENT_FUNDS,
            f"{seat} cannot pay {need} $M of one-off payments (treasury {st.seats[seat].treasury})",
            {"seat": seat, "need": need, "treasury": st.seats[seat].treasury},
        )
    deal.status = "active"
    deal.signed_round = st.round
    deal.signed_seq = st.signings
    st.signings += 1
    for c in deal.clauses:
        if isinstance(c, Invest):
            st.pending.append(
                Pending(
                    seat=c.host,
                    mineral=c.mineral,
                    kind=c.kind,
                    delta=c.capacity,
                    due_round=st.round + c.delay - 1,
                    deal=deal.id,
                )
            )
    return [
        Event(
            "deal_signed",
            f"{deal.a} and {deal.b} signed deal {deal.id}",
            data={"deal": deal.id, "parties": [deal.a, deal.b]},
        ),
        *_upgrade(game, deal),
    ]


def reject(game: Game, actor: str, action: RejectDeal) -> list[Event]:
    _negotiating(game)
    deal = _deal(game, action.deal)
    require(deal.status == "proposed", ErrorCode.DEAL_NOT_OPEN, f"deal {deal.id} is {deal.status}",
            deal=deal.id, status=deal.status)
    require(actor == deal.recipient, ErrorCode.NOT_RECIPIENT, "only the recipient may reject")
    deal.status = "rejected"
    return [_private(deal, "deal_rejected", f"{actor} rejected deal {deal.id}")]


def withdraw(game: Game, actor: str, action: WithdrawDeal) -> list[Event]:
    _negotiating(game)
    deal = _deal(game, action.deal)
    require(deal.status == "proposed", ErrorCode.DEAL_NOT_OPEN, f"deal {deal.id} is {deal.status}",
            deal=deal.id, status=deal.status)
    require(actor == deal.proposer, ErrorCode.NOT_PROPOSER, "only the proposer may withdraw")
    deal.status = "withdrawn"
    return [_private(deal, "deal_withdrawn", f"{actor} withdrew deal {deal.id}")]


def cancel(game: Game, actor: str, action: CancelDeal) -> list[Event]:
    _negotiating(game)
    deal = _deal(game, action.deal)
    require(actor in (deal.a, deal.b), ErrorCode.NOT_A_PARTY, "not a party to this deal")
    require(deal.status == "active", ErrorCode.DEAL_NOT_ACTIVE, f"deal {deal.id} is {deal.status}",
            deal=deal.id, status=deal.status)
    require(deal.cancel_by != actor, ErrorCode.ALREADY_ASKED, "you already asked to cancel")
    if deal.cancel_by:
        deal.status = "cancelled"
        game.state.pending = [p for p in game.state.pending if p.deal != deal.id]
        return [
            Event(
                "deal_cancelled",
                f"{deal.a} and {deal.b} cancelled deal {deal.id}",
                data={"deal": deal.id},
            ),
            *_downgrade(game, deal),
        ]
    deal.cancel_by = actor
    return [_private(deal, "cancel_requested", f"{actor} asks to cancel deal {deal.id}")]


def live_deals(game: Game) -> list[Deal]:
    """The proposed and active deals, in the order made. Every deal ever made stays in
    st.deals, most of them settled, and a pass of bots asks for every seat's legal actions,
    often at the same version, so the live ones are picked out once per version (kept in
    the game's memo). Like the views' shared part (views.public), this relies on every
    change going through Game.apply, which bumps seq, and on a rewind replacing the state;
    statuses are still checked by the callers."""
    st = game.state
    cached = game.memo.get("live_deals")
    if cached is not None and cached[0] is st and cached[1] == st.seq and \
            cached[2] == len(st.deals):
        return cached[3]  # type: ignore[no-any-return]
    live = [d for d in st.deals.values() if d.status in ("proposed", "active")]
    game.memo["live_deals"] = (st, st.seq, len(st.deals), live)
    return live


# ---- bilateral frameworks ------------------------------------------------------------------
# A scenario's frameworks sit among the deals, under their own ids, so every view lists them
# with the signed deals; statuses "framework" and "upgraded" are neither live nor signed, so
# no delivery, breach, objective or score treats them as a deal.
UPGRADES = ("supply", "invest")  # the clause kinds that turn a framework into a commitment


def place_frameworks(scenario: Scenario, state: GameState) -> None:
    """Put the scenario's frameworks on the board when a game is created."""
    for fw in scenario.frameworks:
        a, b = fw.seats
        state.deals[fw.id] = Deal(id=fw.id, a=a, b=b, proposer=a, recipient=b, version=1,
                                  clauses=[], rounds=0, status="framework")


def upgrades(game: Game, deal: Deal) -> str:
    """The framework a signed deal of these terms would make binding, or "": one of the two
    seats' frameworks still open, and a supply or invest clause on one of its minerals.
    A clause of any other kind (a licence, an exclusivity) promises no trade, so it does
    not count."""
    for fw in game.scenario.frameworks:
        if {deal.a, deal.b} != set(fw.seats):
            continue
        held = game.state.deals.get(fw.id)
        if held is None or held.status != "framework":
            continue
        for c in deal.clauses:
            if c.__struct_config__.tag in UPGRADES and getattr(c, "mineral", "") in fw.minerals:
                return fw.id
    return ""


def _upgrade(game: Game, deal: Deal) -> list[Event]:
    """A binding deal on a framework's mineral upgrades it: both seats gain its bonus in
    reputation (within 0..10), booked as "framework:<id>" for the debrief."""
    fw_id = upgrades(game, deal)
    if not fw_id:
        return []
    st = game.state
    fw = game.scenario.framework(fw_id)
    assert fw is not None
    held = st.deals[fw_id]
    held.status, held.signed_round, held.signed_seq = "upgraded", st.round, deal.signed_seq
    deal.upgrades = fw_id
    for seat in (deal.a, deal.b):
        _reputation(game, seat, f"framework:{fw_id}", fw.bonus)
    return [Event("framework_upgraded",
                  f"{deal.a} and {deal.b} made the {fw.title} binding with deal {deal.id}",
                  data={"framework": fw_id, "deal": deal.id, "parties": [deal.a, deal.b],
                        "bonus": fw.bonus})]


def _downgrade(game: Game, deal: Deal) -> list[Event]:
    """Cancelling the deal that made a framework binding (both parties agree, nothing need
    be delivered) takes the framework back to non-binding and the bonus back: otherwise a
    deal signed and cancelled at once would earn reputation for no commitment."""
    fw_id = deal.upgrades
    held = game.state.deals.get(fw_id) if fw_id else None
    if held is None or held.status != "upgraded":
        return []
    held.status, held.signed_round, held.signed_seq = "framework", 0, 0
    for seat in (deal.a, deal.b):
        gained = game.state.seats[seat].stats.rep.get(f"framework:{fw_id}", 0)
        _reputation(game, seat, f"framework:{fw_id}", -gained)
    return [Event("framework_downgraded",
                  f"{deal.a} and {deal.b} cancelled deal {deal.id}: framework {fw_id} is "
                  "not binding again", data={"framework": fw_id, "deal": deal.id})]


def _reputation(game: Game, seat: str, source: str, delta: int) -> None:
    s = game.state.seats[seat]
    new = min(10, max(0, s.reputation + delta))
    s.stats.rep_change(source, new - s.reputation)
    s.reputation = new
