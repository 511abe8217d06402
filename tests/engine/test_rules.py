"""One test per rule of the negotiation phase, and one per error code.

Every refusal is checked the same way: the right stable code, and the state's bytes are
exactly what they were before.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import msgspec
import pytest

from game import FACILITATOR, ErrorCode, Game, RuleError, decode_action, load_scenario
from game.actions import (
    AcceptDeal,
    Advance,
    ApplyForge,
    CancelDeal,
    CounterDeal,
    EndGame,
    FileDispute,
    FireCard,
    LeaveForge,
    NominateChair,
    Pause,
    ProposeDeal,
    ProposeFloor,
    ProposeStandard,
    Ready,
    RejectDeal,
    RespondPrompt,
    Resume,
    Rewind,
    SetController,
    Start,
    SubmitOrders,
    Vote,
    WithdrawDeal,
)
from game.clauses import Exclusivity, License, Payment, Standards, Supply, TariffWaiver
from game.effects import Reputation
from game.orders import Control, Investment, MarketOrder, Orders, StockpileOrder, Tariff
from game.views import CLOSED_SHOWN

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"
LITE = load_scenario(SCENARIOS / "classroom-lite.json")


def started(**options: object) -> Game:
    game = Game.new(LITE, 7, baseline=False, **options)  # type: ignore[arg-type]
    game.apply(FACILITATOR, Start())
    return game


def supply(seller: str = "AUS", buyer: str = "CHN", qty: int = 5, price: int = 8) -> Supply:
    return Supply(seller=seller, buyer=buyer, mineral="lithium", form="ore", qty=qty, price=price)


def refused(game: Game, actor: str, action: object, code: ErrorCode) -> None:
    before = game.state_bytes()
    with pytest.raises(RuleError) as info:
        game.apply(actor, action)  # type: ignore[arg-type]
    assert info.value.code == code, info.value.message
    assert info.value.message
    assert game.state_bytes() == before


def to_orders(game: Game) -> Game:
    game.apply(FACILITATOR, Advance())
    assert game.state.phase == "orders"
    return game


# ---- deals ---------------------------------------------------------------------------------
def test_proposal_is_private_to_the_two_parties() -> None:
    game = started()
    events = game.apply("AUS", ProposeDeal(to="CHN", clauses=(supply(),), rounds=2))
    assert events[0].to == ("AUS", "CHN")
    deal_id = events[0].data["deal"]
    assert any(p["id"] == deal_id for p in game.view("CHN")["proposals"])
    assert not any(p["id"] == deal_id for p in game.view("USA").get("proposals", []))
    assert "proposals" not in game.view("spectator")
    assert game.view(FACILITATOR)["proposals"][0]["id"] == deal_id


def test_counter_makes_a_new_version_and_flips_who_may_accept() -> None:
    game = started()
    game.apply("AUS", ProposeDeal(to="CHN", clauses=(supply(),), rounds=1))
    game.apply("CHN", CounterDeal(deal="D1", clauses=(supply(price=6),), rounds=1))
    deal = game.state.deals["D1"]
    assert (deal.version, deal.proposer, deal.recipient) == (2, "CHN", "AUS")
    refused(game, "CHN", AcceptDeal("D1"), ErrorCode.NOT_RECIPIENT)
    game.apply("AUS", AcceptDeal("D1"))
    assert deal.status == "active" and deal.clauses[0].price == 6  # type: ignore[union-attr]


def test_signed_deal_becomes_public() -> None:
    game = started()
    game.apply("AUS", ProposeDeal(to="CHN", clauses=(supply(), Standards(level=2)), rounds=2))
    events = game.apply("CHN", AcceptDeal("D1"))
    assert events[0].kind == "deal_signed" and events[0].to == ()
    assert [d["id"] for d in game.view("spectator")["deals"]
            if d["status"] != "framework"] == ["D1"]


def test_reject_and_withdraw_close_a_proposal() -> None:
    game = started()
    game.apply("AUS", ProposeDeal(to="CHN", clauses=(supply(),)))
    game.apply("AUS", ProposeDeal(to="JPN", clauses=(supply(buyer="JPN"),)))
    game.apply("CHN", RejectDeal("D1"))
    game.apply("AUS", WithdrawDeal("D2"))
    assert [d.status for d in game.state.deals.values()
            if d.status != "framework"] == ["rejected", "withdrawn"]


def test_a_view_lists_open_proposals_and_the_newest_closed_ones() -> None:
    """A view stays bounded however many proposals a seat has made and withdrawn."""
    game = started()
    for _ in range(CLOSED_SHOWN + 5):
        deal = game.apply("AUS", ProposeDeal(to="CHN", clauses=(supply(),)))[0].data["deal"]
        game.apply("AUS", WithdrawDeal(deal))
    game.apply("AUS", ProposeDeal(to="JPN", clauses=(supply(buyer="JPN"),)))
    made = list(game.state.deals)
    for viewer in ("AUS", FACILITATOR):
        shown = [p["id"] for p in game.view(viewer)["proposals"]]
        assert shown == made[-(CLOSED_SHOWN + 1):], viewer
    assert [p["id"] for p in game.view("JPN")["proposals"]] == made[-1:]
    assert len(game.view("CHN")["proposals"]) == CLOSED_SHOWN


def test_cancel_needs_both_parties() -> None:
    game = started()
    game.apply("AUS", ProposeDeal(to="CHN", clauses=(supply(),), rounds=2))
    game.apply("CHN", AcceptDeal("D1"))
    game.apply("AUS", CancelDeal("D1"))
    assert game.state.deals["D1"].status == "active"
    game.apply("CHN", CancelDeal("D1"))
    assert game.state.deals["D1"].status == "cancelled"


def test_acceptance_checks_the_payer_can_pay() -> None:
    game = started()
    treasury = game.state.seats["COD"].treasury
    pay = Payment(payer="COD", payee="CHN", amount=treasury + 1)
    game.apply("COD", ProposeDeal(to="CHN", clauses=(pay,)))
    refused(game, "CHN", AcceptDeal("D1"), ErrorCode.INSUFFICIENT_FUNDS)
    legal = game.legal_actions("CHN").actions  # so it is not offered; rejecting still is
    assert AcceptDeal("D1") not in legal and RejectDeal("D1") in legal


def test_all_seven_clause_kinds_can_be_signed() -> None:
    from game.clauses import Invest

    game = started()
    clauses = (
        supply(),
        Invest(investor="CHN", host="AUS", amount=20, mineral="lithium", kind="refine",
               capacity=4, delay=1, offtake_bp=5000, offtake_price=9),
        Payment(payer="CHN", payee="AUS", amount=10),
        TariffWaiver(waiver="CHN", beneficiary="AUS"),
        Standards(level=1),
        Exclusivity(seller="AUS", mineral="lithium", excluded="USA"),
        License(licensor="CHN", licensee="AUS", mineral="rare_earths", qty=2),
    )
    game.apply("AUS", ProposeDeal(to="CHN", clauses=clauses, rounds=2))
    game.apply("CHN", AcceptDeal("D1"))
    assert game.state.deals["D1"].status == "active"
    assert [p.deal for p in game.state.pending] == ["D1"]


# ---- FORGE -------------------------------------------------------------------------------
def test_admission_needs_two_thirds_of_members() -> None:
    game = started()
    game.apply("COD", ApplyForge())
    motion = game.state.forge.motions[0].id
    for seat, yes in (("USA", True), ("JPN", True), ("AUS", True), ("EU", False)):
        game.apply(seat, Vote(motion, yes))
    assert "COD" in game.state.forge.members  # 3 of 4 >= two thirds


def test_admission_fails_below_two_thirds() -> None:
    game = started()
    game.apply("COD", ApplyForge())
    motion = game.state.forge.motions[0].id
    for seat, yes in (("USA", True), ("JPN", True), ("AUS", False), ("EU", False)):
        game.apply(seat, Vote(motion, yes))
    assert "COD" not in game.state.forge.members
    assert game.state.forge.motions[0].status == "rejected"


def test_floor_tie_is_broken_by_the_chair() -> None:
    game = started()
    chair = game.state.forge.chair
    others = [m for m in game.state.forge.members if m != chair]
    game.apply(chair, ProposeFloor(mineral="lithium", form="refined", price=20))
    motion = game.state.forge.motions[0].id
    game.apply(chair, Vote(motion, True))
    game.apply(others[0], Vote(motion, True))
    game.apply(others[1], Vote(motion, False))
    game.apply(others[2], Vote(motion, False))
    assert game.state.forge.floors == {"lithium:refined": 20}


def test_open_motions_close_when_negotiation_ends() -> None:
    game = started()
    game.apply("USA", ProposeStandard(level=3))
    motion = game.state.forge.motions[0].id
    for seat in ("USA", "JPN", "EU"):
        game.apply(seat, Vote(motion, True))
    assert game.state.forge.motions[0].status == "open"
    to_orders(game)
    assert game.state.forge.min_standard == 3
    assert all(game.state.seats[m].policy.env_standard >= 3 for m in game.state.forge.members)


def test_a_member_may_leave_but_not_the_chair() -> None:
    game = started()
    game.apply("USA", LeaveForge())
    assert "USA" not in game.state.forge.members
    refused(game, game.state.forge.chair, LeaveForge(), ErrorCode.CHAIR_CANNOT_LEAVE)


def test_wto_dispute_needs_a_floor_above_the_cartel_line() -> None:
    game = started()
    ref = LITE.mineral("lithium").ref_price_refined
    game.apply("USA", ProposeFloor(mineral="lithium", form="refined", price=ref * 2))
    motion = game.state.forge.motions[0].id
    for seat in game.state.forge.members:
        game.apply(seat, Vote(motion, True))
    refused(game, "USA", FileDispute(kind="floor", mineral="lithium", form="refined"),
            ErrorCode.DISPUTE_NOT_ALLOWED)
    # a field the dispute's kind ignores must be empty (it would be logged and stored)
    refused(game, "CHN", FileDispute(kind="floor", mineral="lithium", form="refined",
                                     deal="D1"), ErrorCode.BAD_ACTION)
    refused(game, "CHN", FileDispute(kind="exclusivity", deal="D1", mineral="lithium"),
            ErrorCode.BAD_ACTION)
    game.apply("CHN", FileDispute(kind="floor", mineral="lithium", form="refined"))
    assert game.state.forge.disputes[0].status == "pending"
    refused(game, "CHN", FileDispute(kind="floor", mineral="lithium", form="refined"),
            ErrorCode.DISPUTE_NOT_ALLOWED)


# ---- phases, facilitator, cards -----------------------------------------------------------
def test_every_seat_ready_ends_the_phase() -> None:
    game = started()
    for seat in game.state.seats:
        game.apply(seat, Ready())
    assert game.state.phase == "orders"


def test_stale_deadline_is_refused() -> None:
    game = started()
    game.apply(FACILITATOR, Advance(round=1, phase="negotiation"))
    refused(game, FACILITATOR, Advance(round=1, phase="negotiation"), ErrorCode.STALE_PHASE)


def test_rewind_undoes_the_phase_but_keeps_the_count() -> None:
    game = started()
    before = game.view(FACILITATOR)
    game.apply("AUS", ProposeDeal(to="CHN", clauses=(supply(),)))
    game.apply("CHN", AcceptDeal("D1"))
    game.apply(FACILITATOR, Rewind())
    after = game.view(FACILITATOR)
    assert after["deals"] == before["deals"]
    assert {d["status"] for d in after["deals"]} == {"framework"}
    assert game.state.seq == 4


def test_pause_blocks_seats_until_resume() -> None:
    game = started()
    game.apply(FACILITATOR, Pause())
    refused(game, "AUS", ProposeDeal(to="CHN", clauses=(supply(),)), ErrorCode.GAME_PAUSED)
    game.apply(FACILITATOR, Resume())
    game.apply("AUS", ProposeDeal(to="CHN", clauses=(supply(),)))


def test_set_controller_swaps_a_seat_to_a_bot_and_back() -> None:
    game = started()
    game.apply(FACILITATOR, SetController(seat="COD", controller="bot:hawk"))
    assert game.view("spectator")["seats"]["COD"]["controller"] == "bot"
    game.apply(FACILITATOR, SetController(seat="COD", controller="human"))
    assert game.state.seats["COD"].controller == "human"


def test_prompt_answered_or_defaulted() -> None:
    game = started()
    card = next(c for c in LITE.cards if c.prompt is not None)
    game.apply(FACILITATOR, FireCard(card_id=card.id))
    assert card.prompt is not None
    first, *rest = [p for p in game.state.prompts if p.card == card.id]
    option = card.prompt.options[0].id
    game.apply(first.seat, RespondPrompt(first.id, option))
    to_orders(game)
    assert first.answer == option and first.status == "answered"
    assert all(p.status == "defaulted" and p.answer == card.prompt.default for p in rest)


def test_written_card_applies_its_effects_and_keeps_its_title() -> None:
    game = started()
    rep = game.state.seats["COD"].reputation
    game.apply(FACILITATOR, FireCard(title="Scandal", text="A report on artisanal mines.",
                                     effects=(Reputation(seat="COD", delta=-2),)))
    assert game.state.seats["COD"].reputation == rep - 2
    assert game.view("spectator")["card"]["title"] == "Scandal"


def test_orders_are_sealed_until_resolution() -> None:
    game = to_orders(started())
    orders = Orders(sell=(MarketOrder("lithium", "ore", 3, 5),), env_standard=2)
    game.apply("AUS", SubmitOrders(orders))
    assert game.view("AUS")["me"]["orders"]["sell"][0]["qty"] == 3
    for viewer in ("CHN", "spectator"):
        view = game.view(viewer)
        assert "AUS" not in str(view.get("me", {}).get("orders"))
        assert view["seats"]["AUS"]["submitted"] is True
        assert view["seats"]["AUS"]["env_standard"] != 2 or LITE.country("AUS").env_standard == 2


def test_one_stockpile_line_per_mineral() -> None:
    """Two lines for one mineral (buy on one, release on the other) would let the earmarked
    budget pay for lots that never stay in the stockpile."""
    game = to_orders(started())
    lines = (StockpileOrder("rare_earths", buy=3), StockpileOrder("rare_earths", release=3))
    refused(game, "USA", SubmitOrders(Orders(stockpile=lines)), ErrorCode.BAD_ORDERS)


def test_end_game_then_everything_is_refused() -> None:
    game = started()
    game.apply(FACILITATOR, EndGame())
    assert game.is_over
    refused(game, "AUS", Ready(), ErrorCode.GAME_OVER)


# ---- every error code ----------------------------------------------------------------------
def _forge_with_closed_motion() -> tuple[Game, str]:
    game = started()
    game.apply("USA", ProposeStandard(level=1))
    motion = game.state.forge.motions[0].id
    for seat in game.state.forge.members:
        game.apply(seat, Vote(motion, True))
    return game, motion


def _active_deal() -> Game:
    game = started()
    game.apply("AUS", ProposeDeal(to="CHN", clauses=(supply(),), rounds=2))
    game.apply("CHN", AcceptDeal("D1"))
    return game


CASES: dict[ErrorCode, Callable[[], tuple[Game, str, object]]] = {
    ErrorCode.NOT_A_SEAT: lambda: (started(), "XYZ", Ready()),
    ErrorCode.NOT_FACILITATOR: lambda: (started(), "USA", Advance()),
    ErrorCode.WRONG_PHASE: lambda: (started(), "USA", SubmitOrders(Orders())),
    ErrorCode.GAME_NOT_STARTED: lambda: (Game.new(LITE, 1, baseline=False), FACILITATOR,
                                         Advance()),
    ErrorCode.GAME_PAUSED: lambda: (_paused(), "USA", Ready()),
    ErrorCode.NOT_PAUSED: lambda: (started(), FACILITATOR, Resume()),
    ErrorCode.STALE_PHASE: lambda: (started(), FACILITATOR, Advance(round=1, phase="orders")),
    ErrorCode.ALREADY_STARTED: lambda: (started(), FACILITATOR, Start()),
    ErrorCode.GAME_OVER: lambda: (_ended(), FACILITATOR, Start()),
    ErrorCode.UNKNOWN_DEAL: lambda: (started(), "CHN", AcceptDeal("D99")),
    ErrorCode.NOT_A_PARTY: lambda: (_active_deal(), "USA", CancelDeal("D1")),
    ErrorCode.NOT_RECIPIENT: lambda: (_proposed(), "AUS", AcceptDeal("D1")),
    ErrorCode.NOT_PROPOSER: lambda: (_proposed(), "CHN", WithdrawDeal("D1")),
    ErrorCode.DEAL_NOT_OPEN: lambda: (_active_deal(), "CHN", AcceptDeal("D1")),
    ErrorCode.DEAL_NOT_ACTIVE: lambda: (_proposed(), "AUS", CancelDeal("D1")),
    ErrorCode.SELF_DEAL: lambda: (started(), "AUS", ProposeDeal(to="AUS", clauses=(supply(),))),
    ErrorCode.BAD_CLAUSE: lambda: (started(), "AUS",
                                   ProposeDeal(to="CHN", clauses=(supply(seller="USA"),))),
    ErrorCode.INSUFFICIENT_FUNDS: lambda: (to_orders(started()), "COD", SubmitOrders(
        Orders(invest=(Investment("cobalt", "refine", 100_000),)))),
    ErrorCode.ALREADY_ASKED: lambda: (_cancel_asked(), "AUS", CancelDeal("D1")),
    ErrorCode.TOO_MANY_PROPOSALS: lambda: (_flooded(), "AUS",
                                           ProposeDeal(to="CHN", clauses=(supply(),))),
    ErrorCode.NOT_MEMBER: lambda: (started(), "CHN", ProposeFloor("lithium", "ore", 5)),
    ErrorCode.ALREADY_MEMBER: lambda: (started(), "USA", ApplyForge()),
    ErrorCode.ALREADY_APPLIED: lambda: (_applied(), "COD", ApplyForge()),
    ErrorCode.UNKNOWN_MOTION: lambda: (started(), "USA", Vote("M404", True)),
    ErrorCode.MOTION_CLOSED: lambda: (*_forge_with_closed_motion(), None),  # fixed below
    ErrorCode.ALREADY_VOTED: lambda: (_voted(), "USA", Vote("M1", False)),
    ErrorCode.CHAIR_CANNOT_LEAVE: lambda: (started(), LITE.forge.chair, LeaveForge()),
    ErrorCode.NOT_YET: lambda: (started(), "USA", NominateChair("USA")),
    ErrorCode.STANDARD_TOO_LOW: lambda: (_min_standard(), "COD", ApplyForge()),
    ErrorCode.DISPUTE_NOT_ALLOWED: lambda: (started(), "CHN",
                                            FileDispute(kind="exclusivity", deal="D1")),
    ErrorCode.UNKNOWN_PROMPT: lambda: (started(), "USA", RespondPrompt("P404", "x")),
    ErrorCode.PROMPT_CLOSED: lambda: (*_answered_prompt(), None),  # fixed below
    ErrorCode.UNKNOWN_OPTION: lambda: (*_open_prompt(), None),  # fixed below
    ErrorCode.UNKNOWN_CARD: lambda: (started(), FACILITATOR, FireCard(card_id="nope")),
    ErrorCode.BAD_ORDERS: lambda: (to_orders(started()), "USA", SubmitOrders(
        Orders(controls=(Control("lithium", "ore", ()),)))),
    ErrorCode.UNKNOWN_MINERAL: lambda: (to_orders(started()), "USA", SubmitOrders(
        Orders(refine={"unobtainium": 1}))),
    ErrorCode.UNKNOWN_SEAT: lambda: (started(), "USA", ProposeDeal(to="ATL", clauses=())),
    ErrorCode.BAD_QUANTITY: lambda: (to_orders(started()), "USA", SubmitOrders(
        Orders(tariffs=(Tariff("lithium", ("CHN",), 20_000),)))),
    ErrorCode.BOT_NOT_ALLOWED: lambda: (_people_only(), FACILITATOR,
                                        SetController(seat="USA", controller="bot:hawk")),
    ErrorCode.BAD_ACTION: lambda: (started(), FACILITATOR,
                                   SetController(seat="USA", controller="robot")),
}
DECODE_CASES = {
    ErrorCode.UNKNOWN_ACTION: '{"type": "launch_missiles"}',
    ErrorCode.BAD_ACTION: '{"type": "accept_deal", "deal": 7}',
}


def _people_only() -> Game:
    usa = msgspec.structs.replace(LITE.country("USA"), bot_allowed=False)
    countries = tuple(usa if c.id == "USA" else c for c in LITE.countries)
    game = Game.new(msgspec.structs.replace(LITE, countries=countries), 7, baseline=False)
    game.apply(FACILITATOR, Start())
    return game


def _paused() -> Game:
    game = started()
    game.apply(FACILITATOR, Pause())
    return game


def _ended() -> Game:
    game = started()
    game.apply(FACILITATOR, EndGame())
    return game


def _proposed() -> Game:
    game = started()
    game.apply("AUS", ProposeDeal(to="CHN", clauses=(supply(),)))
    return game


def _cancel_asked() -> Game:
    game = _active_deal()
    game.apply("AUS", CancelDeal("D1"))
    return game


def _flooded() -> Game:
    game = started()
    for _ in range(LITE.max_open_proposals):
        game.apply("AUS", ProposeDeal(to="CHN", clauses=(supply(),)))
    return game


def _applied() -> Game:
    game = started()
    game.apply("COD", ApplyForge())
    return game


def _voted() -> Game:
    game = started()
    game.apply("USA", ProposeStandard(level=1))
    game.apply("USA", Vote("M1", True))
    return game


def _min_standard() -> Game:
    game, _ = _forge_with_closed_motion()
    assert game.state.forge.min_standard == 1
    assert game.state.seats["COD"].policy.env_standard < 1
    return game


def _open_prompt() -> tuple[Game, str]:
    game = started()
    card = next(c for c in LITE.cards if c.prompt is not None)
    game.apply(FACILITATOR, FireCard(card_id=card.id))
    return game, game.state.prompts[-1].id


def _answered_prompt() -> tuple[Game, str]:
    game, prompt = _open_prompt()
    seat = next(p.seat for p in game.state.prompts if p.id == prompt)
    card = next(c for c in LITE.cards if c.prompt is not None)
    assert card.prompt is not None
    game.apply(seat, RespondPrompt(prompt, card.prompt.default))
    return game, prompt


def _case(code: ErrorCode) -> tuple[Game, str, object]:
    if code == ErrorCode.MOTION_CLOSED:
        game, motion = _forge_with_closed_motion()
        game.apply("USA", ProposeStandard(level=2))
        return game, "USA", Vote(motion, True)
    if code in (ErrorCode.PROMPT_CLOSED, ErrorCode.UNKNOWN_OPTION):
        game, prompt = _answered_prompt() if code == ErrorCode.PROMPT_CLOSED else _open_prompt()
        seat = next(p.seat for p in game.state.prompts if p.id == prompt)
        option = "absorb" if code == ErrorCode.PROMPT_CLOSED else "no-such-option"
        return game, seat, RespondPrompt(prompt, option)
    return CASES[code]()


@pytest.mark.parametrize("code", sorted(CASES, key=str))
def test_error_code(code: ErrorCode) -> None:
    game, actor, action = _case(code)
    refused(game, actor, action, code)


@pytest.mark.parametrize("code", sorted(DECODE_CASES, key=str))
def test_decode_error_code(code: ErrorCode) -> None:
    with pytest.raises(RuleError) as info:
        decode_action(DECODE_CASES[code])
    assert info.value.code == code


def test_every_error_code_has_a_test() -> None:
    covered = set(CASES) | set(DECODE_CASES) | {ErrorCode.BAD_SCENARIO}  # test_scenarios.py
    assert covered == set(ErrorCode)
