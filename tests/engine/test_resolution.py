"""Each step of the resolution on the tiny board, the policy lookups it relies on, and the
conservation of minerals and money over whole games.

Tiny board, round 1 (see conftest): MIN mines li 10 and re 2; REF refines li 8 (holds 2 li
ore, demand 2) and mines re 3, refines re 4 (demand 1); USE consumes li 6 (holds 1 refined,
2 stockpiled) and re 2 (holds 1). MIN and USE are FORGE members; the fund holds 40.
"""

from __future__ import annotations

import random

import msgspec
import pytest

from game import policy, scoring
from game.actions import FACILITATOR, Advance, SubmitOrders
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
from game.engine import Game
from game.orders import (
    Control,
    Investment,
    MarketOrder,
    Orders,
    StockpileOrder,
    Tariff,
)
from game.resolution import resolve_round
from game.scenario import FORMS, Scenario
from game.state import Dispute, ForcedControl, Modifier, state_bytes
from tests.engine.conftest import (
    assert_conserved,
    give,
    negotiation_phase,
    orders_phase,
    play_out,
    quiet,
    set_treasury,
    sign,
    to_orders,
)


def next_orders(game: Game) -> None:
    """Resolve this round through the engine and stop at the next round's orders."""
    game.apply(FACILITATOR, Advance())
    to_orders(game)


def fills(game: Game, seat: str) -> list[tuple[str, str, str, int, int]]:
    rows = game.state.reports[-1].private[seat]["fills"]
    return [(f"{r['mineral']}:{r['form']}", r["seller"], r["buyer"], r["qty"], r["price"])
            for r in rows]


# ---- policy lookups ------------------------------------------------------------------------
def test_capacity_adds_active_modifiers_and_never_goes_negative(tiny_game: Game) -> None:
    st = tiny_game.state
    st.modifiers += [
        Modifier(kind="mine", mineral="li", delta=-4, seat="MIN", from_round=1, until_round=1),
        Modifier(kind="refine", mineral="li", delta=3, seat="MIN", from_round=1, until_round=0),
        Modifier(kind="mine", mineral="li", delta=-100, seat="MIN", from_round=2, until_round=2),
        Modifier(kind="mine", mineral="li", delta=5, seat="REF", from_round=1, until_round=1),
    ]
    cap = policy.effective_capacity(tiny_game, "MIN", "li")
    assert (cap.mine, cap.refine) == (6, 3)
    st.round = 2
    assert policy.effective_capacity(tiny_game, "MIN", "li").mine == 0


def test_demand_scales_by_shocks_for_the_seat_or_everyone(tiny_game: Game) -> None:
    tiny_game.state.modifiers += [
        Modifier(kind="demand_bp", mineral="li", delta=5000, from_round=1, until_round=1),
        Modifier(kind="demand_bp", mineral="li", delta=-2500, seat="USE", from_round=1,
                 until_round=1),
        Modifier(kind="demand_bp", mineral="li", delta=9000, seat="REF", from_round=1,
                 until_round=1),
    ]
    assert policy.effective_demand(tiny_game, "USE", "li") == 6 * 12500 // 10000
    tiny_game.state.modifiers.append(
        Modifier(kind="demand_bp", mineral="li", delta=-20000, seat="USE", from_round=1,
                 until_round=1))
    assert policy.effective_demand(tiny_game, "USE", "li") == 0


def test_row_curve_follows_shocks_for_its_form(tiny_game: Game) -> None:
    assert policy.row_curve_at(tiny_game, "re", "refined") == (4, 4, 5000, 80)
    tiny_game.state.modifiers += [
        Modifier(kind="row_supply_bp", mineral="re", form="refined", delta=-5000,
                 from_round=1, until_round=1),
        Modifier(kind="row_demand_bp", mineral="re", form="refined", delta=10000,
                 from_round=1, until_round=1),
        Modifier(kind="row_supply_bp", mineral="re", form="ore", delta=-5000,
                 from_round=1, until_round=1),
    ]
    assert policy.row_curve_at(tiny_game, "re", "refined") == (2, 8, 5000, 80)
    assert policy.row_curve_at(tiny_game, "re", "ore") == (2, 4, 10000, 40)


def test_controls_include_forced_ones_until_their_last_round(tiny_game: Game) -> None:
    st = tiny_game.state
    own = Control("li", "refined", ("USE",))
    forced = Control("re", "refined", ("ALL",))
    st.seats["REF"].policy.controls.append(own)
    st.forced.append(ForcedControl(seat="REF", control=forced, until_round=1))
    assert policy.controls_of(tiny_game, "REF") == [own, forced]
    st.round = 2
    assert policy.controls_of(tiny_game, "REF") == [own]


def test_control_targets_seats_and_only_all_reaches_the_rest_of_the_world(
    tiny_game: Game,
) -> None:
    ref = tiny_game.state.seats["REF"].policy
    ref.controls.append(Control("li", "refined", ("USE",)))
    assert policy.blocked(tiny_game, "REF", "USE", "li", "refined")
    assert not policy.blocked(tiny_game, "REF", "MIN", "li", "refined")
    assert not policy.blocked(tiny_game, "REF", "USE", "li", "ore")
    assert not policy.blocked(tiny_game, "REF", "ROW", "li", "refined")
    ref.controls.append(Control("re", "ore", ("ALL",)))
    assert policy.blocked(tiny_game, "REF", "ROW", "re", "ore")
    assert policy.blocked(tiny_game, "REF", "MIN", "re", "ore")
    assert not policy.blocked(tiny_game, "ROW", "REF", "re", "ore")


def test_license_exempts_the_licensee_only(tiny_scenario: Scenario) -> None:
    g = negotiation_phase(tiny_scenario)
    g.state.seats["REF"].policy.controls.append(Control("li", "refined", ("ALL",)))
    sign(g, "USE", "REF", License(licensor="REF", licensee="USE", mineral="li", qty=2))
    assert not policy.is_licensed(g, "REF", "USE", "li")  # issued a round later
    g.state.round += 1
    assert policy.is_licensed(g, "REF", "USE", "li")
    assert not policy.blocked(g, "REF", "USE", "li", "refined")
    assert policy.blocked(g, "REF", "MIN", "li", "refined")
    assert not policy.is_licensed(g, "USE", "REF", "li")


def test_exclusivity_blocks_the_excluded_buyer(tiny_scenario: Scenario) -> None:
    g = negotiation_phase(tiny_scenario)
    sign(g, "REF", "MIN", Exclusivity(seller="MIN", mineral="li", excluded="USE"))
    assert policy.blocked(g, "MIN", "USE", "li", "ore")
    assert policy.blocked(g, "MIN", "USE", "li", "refined")
    assert not policy.blocked(g, "MIN", "REF", "li", "ore")
    assert not policy.blocked(g, "MIN", "USE", "re", "ore")


def test_tariffs_sum_cap_and_spare_members_and_waivers(tiny_scenario: Scenario) -> None:
    g = negotiation_phase(tiny_scenario)
    use = g.state.seats["USE"].policy
    use.tariffs += [Tariff("li", ("ALL",), 3000), Tariff("li", ("REF",), 2000)]
    assert policy.tariff_bp(g, "USE", "REF", "li") == 5000
    assert policy.tariff_bp(g, "USE", "ROW", "li") == 0  # the rest of the world is never hit
    assert policy.tariff_bp(g, "USE", "MIN", "li") == 0  # both FORGE members
    assert policy.tariff_bp(g, "USE", "REF", "re") == 0
    use.tariffs.append(Tariff("li", ("REF",), 9000))
    assert policy.tariff_bp(g, "USE", "REF", "li") == 10000
    sign(g, "REF", "USE", TariffWaiver(waiver="USE", beneficiary="REF"))
    assert policy.tariff_bp(g, "USE", "REF", "li") == 0


def test_active_deals_come_in_signing_order(tiny_scenario: Scenario) -> None:
    g = negotiation_phase(tiny_scenario)
    first = sign(g, "USE", "MIN", Payment(payer="USE", payee="MIN", amount=1))
    second = sign(g, "USE", "REF", Payment(payer="USE", payee="REF", amount=1))
    g.state.deals = dict(reversed(list(g.state.deals.items())))
    assert [d.id for d in policy.active_deals(g)] == [first.id, second.id]


def test_floor_price_reads_the_adopted_floor(tiny_game: Game) -> None:
    tiny_game.state.forge.floors["li:ore"] = 14
    assert policy.floor_price(tiny_game, "li", "ore") == 14
    assert policy.floor_price(tiny_game, "li", "refined") == 0


# ---- 0. sealed policies --------------------------------------------------------------------
def test_sealed_policies_take_effect_at_the_start(tiny_game: Game) -> None:
    control = Control("li", "refined", ("USE",))
    tiny_game.apply("REF", SubmitOrders(orders=Orders(controls=(control,), env_standard=2)))
    resolve_round(tiny_game)
    ref = tiny_game.state.seats["REF"]
    assert ref.policy.controls == [control] and ref.policy.env_standard == 2
    assert ref.stats.standard_sum == 2
    assert tiny_game.state.seats["MIN"].stats.standard_sum == 1  # no orders: policy kept


# ---- 1. mining -----------------------------------------------------------------------------
def test_mining_adds_effective_capacity(tiny_game: Game) -> None:
    quiet(tiny_game)
    tiny_game.state.modifiers.append(
        Modifier(kind="mine", mineral="li", delta=-4, seat="MIN", from_round=1, until_round=1))
    resolve_round(tiny_game)
    st = tiny_game.state
    assert st.seats["MIN"].holdings["li"].ore == 6
    assert st.seats["MIN"].stats.mined == {"li": 6, "re": 2}
    assert st.ledger.minerals["li:ore"]["mined"] == 6
    assert st.modifiers == []  # its last round was this one


# ---- 2. deals ------------------------------------------------------------------------------
def deal_game(scenario: Scenario, *clauses: Clause, a: str = "REF", b: str = "USE",
              rounds: int = 1) -> Game:
    g = negotiation_phase(scenario)
    sign(g, a, b, *clauses, rounds=rounds)
    return to_orders(g)


def test_payment_is_made_once(tiny_scenario: Scenario) -> None:
    g = deal_game(tiny_scenario, Payment(payer="USE", payee="REF", amount=50), rounds=2)
    quiet(g)
    resolve_round(g)
    deal = next(iter(g.state.deals.values()))
    assert (deal.one_offs_done, deal.rounds_done, deal.status) == (True, 1, "active")
    ref = g.state.seats["REF"]
    assert ref.treasury == 300 + 50 + 2 * 30 + 1 * 200  # payment plus REF's own industry
    quiet(g)
    resolve_round(g)
    assert deal.status == "completed" and deal.breaches == 0
    assert ref.treasury == 610 + 1 * 200  # no second payment (and no li ore left to refine)


def test_payer_short_of_money_pays_what_it_has_and_breaches(tiny_scenario: Scenario) -> None:
    g = deal_game(tiny_scenario, Payment(payer="USE", payee="REF", amount=50))
    set_treasury(g, "USE", 20)
    quiet(g)
    events = resolve_round(g)
    use = g.state.seats["USE"]
    assert g.state.seats["REF"].treasury == 300 + 20 + 260
    assert use.reputation == 4 and use.stats.breaches == 1
    deal = next(iter(g.state.deals.values()))
    assert deal.status == "breached" and deal.breaches == 1
    breach = next(e for e in events if e.kind == "breach")
    assert set(breach.to) == {"REF", "USE"}
    assert_conserved(g)


def test_supply_is_delivered_and_paid(tiny_scenario: Scenario) -> None:
    g = deal_game(tiny_scenario, Supply(seller="REF", buyer="USE", mineral="li",
                                        form="refined", qty=3, price=25))
    give(g, "REF", "li", "refined", 5)
    quiet(g)
    resolve_round(g)
    ref, use = g.state.seats["REF"], g.state.seats["USE"]
    assert ref.holdings["li"].refined == 5 - 3 + 2 - 2  # delivered, refined, consumed
    assert use.stats.met == 4 + 1  # 1 held + 3 delivered of li, 1 of re
    assert use.stats.sources == {"li": {"REF": 3}}
    assert ref.stats.traded == use.stats.traded == 3 and use.stats.traceable == 0
    assert ref.treasury == 300 + 75 + 260
    assert use.treasury == 500 - 75 + 4 * 30 + 200 - 5
    assert next(iter(g.state.deals.values())).status == "completed"
    assert_conserved(g)


def test_seller_short_delivers_what_it_has_and_breaches(tiny_scenario: Scenario) -> None:
    g = deal_game(tiny_scenario, Supply(seller="REF", buyer="USE", mineral="li",
                                        form="refined", qty=3, price=25))
    give(g, "REF", "li", "refined", 1)
    quiet(g)
    resolve_round(g)
    ref = g.state.seats["REF"]
    assert g.state.seats["USE"].stats.sources == {"li": {"REF": 1}}
    assert ref.reputation == 4 and ref.stats.breaches == 1
    assert g.state.reports[-1].private["USE"]["deliveries"][0]["qty"] == 1


def test_delivery_blocked_by_the_sellers_own_control_is_its_breach(
    tiny_scenario: Scenario,
) -> None:
    g = deal_game(tiny_scenario, Supply(seller="REF", buyer="USE", mineral="li",
                                        form="refined", qty=3, price=25))
    give(g, "REF", "li", "refined", 5)
    quiet(g, REF=Orders(sell=(), buy=(), controls=(Control("li", "refined", ("USE",)),)))
    resolve_round(g)
    assert g.state.seats["USE"].stats.sources == {}
    assert g.state.seats["REF"].reputation == 4
    assert g.state.seats["USE"].reputation == 5


def test_license_in_the_deal_lets_the_delivery_through(tiny_scenario: Scenario) -> None:
    g = deal_game(tiny_scenario,
                  Supply(seller="REF", buyer="USE", mineral="li", form="refined", qty=3,
                         price=25),
                  License(licensor="REF", licensee="USE", mineral="li", qty=3), rounds=2)
    give(g, "REF", "li", "refined", 10)
    controls = (Control("li", "refined", ("ALL",)),)
    quiet(g, REF=Orders(sell=(), buy=(), controls=controls))
    resolve_round(g)  # the round it is signed, the licence is not issued yet: a breach
    assert g.state.seats["USE"].stats.sources == {}
    assert g.state.seats["REF"].reputation == 4
    g.state.round += 1
    quiet(g, REF=Orders(sell=(), buy=()))
    resolve_round(g)
    assert g.state.seats["USE"].stats.sources == {"li": {"REF": 3}}
    assert g.state.seats["REF"].reputation == 4


def test_a_licence_covers_its_volume_and_no_more(tiny_scenario: Scenario) -> None:
    """Deliveries use the licence first, then the spot market; beyond it the control binds
    (a delivery beyond it is the licensor's breach, a spot lot beyond it is not sold)."""
    g = deal_game(tiny_scenario,
                  Supply(seller="REF", buyer="USE", mineral="li", form="refined", qty=3,
                         price=25),
                  License(licensor="REF", licensee="USE", mineral="li", qty=2), rounds=2)
    give(g, "REF", "li", "refined", 10)
    g.state.seats["REF"].policy.controls.append(Control("li", "refined", ("ALL",)))
    g.state.round += 1
    quiet(g, REF=Orders(sell=(), buy=()))
    resolve_round(g)
    (row,) = g.state.reports[-1].private["USE"]["deliveries"]
    assert (row["due"], row["qty"]) == (3, 2)
    assert g.state.seats["REF"].reputation == 4  # its own control stopped the third lot
    # the licence is used up this round: nothing more from REF on the spot market
    g.state.round += 1
    g.state.deals[next(iter(g.state.deals))].status = "completed"
    give(g, "REF", "li", "refined", 10)
    quiet(g, REF=Orders(sell=(MarketOrder("li", "refined", 6, 1),), buy=()),
          USE=Orders(sell=(), buy=(MarketOrder("li", "refined", 6, 100),)))
    resolve_round(g)
    assert [f for f in fills(g, "USE") if f[1] == "REF"] == []


def test_a_licence_lets_its_volume_through_the_spot_market(tiny_scenario: Scenario) -> None:
    g = deal_game(tiny_scenario, License(licensor="REF", licensee="USE", mineral="li", qty=2),
                  rounds=2)
    give(g, "REF", "li", "refined", 10)
    g.state.seats["REF"].policy.controls.append(Control("li", "refined", ("USE",)))
    g.state.round += 1
    quiet(g, REF=Orders(sell=(MarketOrder("li", "refined", 6, 1),), buy=()),
          USE=Orders(sell=(), buy=(MarketOrder("li", "refined", 6, 100),)))
    resolve_round(g)
    bought = sum(f[3] for f in fills(g, "USE") if f[1] == "REF")
    assert bought == 2
    assert_conserved(g)


def test_buyer_short_of_money_gets_what_it_paid_for_and_breaches(
    tiny_scenario: Scenario,
) -> None:
    g = deal_game(tiny_scenario, Supply(seller="REF", buyer="USE", mineral="li",
                                        form="refined", qty=3, price=25))
    give(g, "REF", "li", "refined", 5)
    set_treasury(g, "USE", 60)
    quiet(g)
    resolve_round(g)
    use = g.state.seats["USE"]
    assert use.stats.sources == {"li": {"REF": 2}}
    assert use.reputation == 4 and g.state.seats["REF"].reputation == 5
    assert_conserved(g)


def test_standards_clause_makes_trade_traceable_and_binds_both(
    tiny_scenario: Scenario,
) -> None:
    g = deal_game(tiny_scenario,
                  Supply(seller="REF", buyer="USE", mineral="li", form="refined", qty=3,
                         price=25),
                  Standards(level=1))
    give(g, "REF", "li", "refined", 5)
    quiet(g)
    resolve_round(g)
    ref, use = g.state.seats["REF"], g.state.seats["USE"]
    assert use.stats.traceable == ref.stats.traceable == 3
    assert ref.reputation == 4  # REF keeps standard 0 < 1
    assert use.reputation == 5
    assert next(iter(g.state.deals.values())).status == "breached"


def test_raising_the_standard_in_sealed_orders_keeps_the_clause(
    tiny_scenario: Scenario,
) -> None:
    g = deal_game(tiny_scenario, Standards(level=1))
    quiet(g, REF=Orders(sell=(), buy=(), env_standard=1))
    resolve_round(g)
    assert g.state.seats["REF"].reputation == 5


def test_invest_pays_adds_capacity_then_delivers_offtake(tiny_scenario: Scenario) -> None:
    clause = Invest(investor="USE", host="MIN", amount=30, mineral="li", kind="mine",
                    capacity=4, delay=1, offtake_bp=5000, offtake_price=8)
    g = deal_game(tiny_scenario, clause, a="USE", b="MIN", rounds=3)
    g.apply("MIN", SubmitOrders(orders=Orders(sell=(), buy=())))
    g.apply("USE", SubmitOrders(orders=Orders(sell=(), buy=())))
    next_orders(g)  # resolves round 1 and moves to round 2's orders
    st = g.state
    # ramp-up: half the new capacity runs in its first round, the rest a round later
    assert st.round == 2 and [(p.delta, p.due_round, p.ramp) for p in st.pending] == [
        (2, 2, True)]
    assert st.seats["MIN"].capacity["li"].mine == 12
    r1 = st.reports[0].private["USE"]
    assert r1["deliveries"] == []  # capacity was still on its way in round 1
    g.apply("MIN", SubmitOrders(orders=Orders(sell=(), buy=())))
    next_orders(g)
    assert st.seats["MIN"].capacity["li"].mine == 14 and st.pending == []
    assert st.reports[1].private["USE"]["deliveries"] == []  # offtake starts at full capacity
    g.apply("MIN", SubmitOrders(orders=Orders(sell=(), buy=())))
    g.apply(FACILITATOR, Advance())  # resolves round 3, the last
    delivered = st.reports[2].private["USE"]["deliveries"]
    assert [(d["seller"], d["form"], d["qty"], d["price"]) for d in delivered] == [
        ("MIN", "ore", 2, 8)
    ]
    assert_conserved(g)


def test_capacity_under_a_deal_waits_for_the_minerals_lead_time(
    tiny_scenario: Scenario,
) -> None:
    """The clause asks for 1 round; lithium takes 2 to build here, so it arrives a round late."""
    sc = msgspec.structs.replace(tiny_scenario, minerals=tuple(
        msgspec.structs.replace(m, invest_delay=2) if m.id == "li" else m
        for m in tiny_scenario.minerals))
    clause = Invest(investor="USE", host="MIN", amount=30, mineral="li", kind="mine",
                    capacity=1, delay=1, offtake_bp=0, offtake_price=0)
    g = deal_game(sc, clause, a="USE", b="MIN", rounds=3)
    next_orders(g)
    assert g.state.seats["MIN"].capacity["li"].mine == 10
    assert [p.due_round for p in g.state.pending] == [2]
    next_orders(g)
    assert g.state.seats["MIN"].capacity["li"].mine == 11 and g.state.pending == []


def test_unpaid_investment_is_void_no_capacity_and_no_offtake(tiny_scenario: Scenario) -> None:
    clause = Invest(investor="USE", host="MIN", amount=30, mineral="li", kind="mine",
                    capacity=4, delay=1, offtake_bp=5000, offtake_price=8)
    g = deal_game(tiny_scenario, clause, a="USE", b="MIN", rounds=3)
    g.state.seats["USE"].treasury = 10  # e.g. an event drained it after signing
    g.state.ledger.add_money("event", 10 - 500)
    g.apply("MIN", SubmitOrders(orders=Orders(sell=(), buy=())))
    g.apply("USE", SubmitOrders(orders=Orders(sell=(), buy=())))
    next_orders(g)
    st = g.state
    deal = next(iter(st.deals.values()))
    assert st.pending == [] and st.seats["MIN"].capacity["li"].mine == 10
    assert not any(isinstance(c, Invest) for c in deal.clauses)
    assert deal.breaches == 1
    rep = st.seats["MIN"].reputation
    g.apply("MIN", SubmitOrders(orders=Orders(sell=(), buy=())))
    next_orders(g)
    assert st.reports[1].private["MIN"]["deliveries"] == []  # no offtake owed
    assert st.seats["MIN"].reputation == rep
    assert_conserved(g)


def test_deal_that_ran_its_rounds_is_completed(tiny_scenario: Scenario) -> None:
    g = deal_game(tiny_scenario, TariffWaiver(waiver="USE", beneficiary="REF"))
    quiet(g)
    events = resolve_round(g)
    deal = next(iter(g.state.deals.values()))
    assert deal.status == "completed" and deal.rounds_done == 1
    assert any(e.kind == "deal_ended" and e.data["status"] == "completed" for e in events)


# ---- 3. refining ---------------------------------------------------------------------------
def test_refining_is_capped_by_orders_capacity_and_ore(tiny_game: Game) -> None:
    give(tiny_game, "REF", "li", "ore", 10)
    quiet(tiny_game, REF=Orders(sell=(), buy=(), refine={"li": 5}))
    resolve_round(tiny_game)
    ref = tiny_game.state.seats["REF"]
    assert ref.holdings["li"].ore == 7
    assert ref.stats.refined_out == {"li": 5, "re": 3}  # re: default, all 3 ore mined
    assert ref.stats.refined_home == {"li": 0, "re": 3}  # no li mined at home
    flows = tiny_game.state.ledger.minerals
    assert flows["li:ore"]["refine_in"] == -5 and flows["li:refined"]["refine_out"] == 5


def test_default_refining_runs_at_capacity(tiny_game: Game) -> None:
    give(tiny_game, "REF", "li", "ore", 20)
    quiet(tiny_game)
    resolve_round(tiny_game)
    assert tiny_game.state.seats["REF"].stats.refined_out["li"] == 8


# ---- 4. spot market ------------------------------------------------------------------------
def test_default_orders_sell_surplus_and_buy_shortfall(tiny_game: Game) -> None:
    resolve_round(tiny_game)  # nobody submitted anything
    # MIN sells its 10 li ore at 5+, REF buys the 8 it can refine next round at 15-
    assert ("li:ore", "MIN", "REF", 8, 10) in fills(tiny_game, "MIN")
    assert tiny_game.state.seats["REF"].holdings["li"].ore == 8
    assert tiny_game.state.prices["li:ore"] == [10]
    assert_conserved(tiny_game)


def test_default_sell_keeps_what_next_rounds_refining_needs(tiny_game: Game) -> None:
    st = tiny_game.state
    st.seats["MIN"].capacity["li"].refine = 12  # mines 10, refines 12
    give(tiny_game, "MIN", "li", "ore", 5)
    quiet(tiny_game, MIN=Orders(), REF=Orders(sell=()))
    resolve_round(tiny_game)
    # 15 ore, 12 refined, 3 left: next round's 10 mined + 2 kept feed the 12 of refining
    li = [f for f in fills(tiny_game, "MIN") if f[0] == "li:ore"]
    assert li == [("li:ore", "MIN", "REF", 1, 10)]
    assert st.seats["MIN"].holdings["li"].ore == 2


def test_default_sell_keeps_back_the_offtake_a_host_owes(tiny_scenario: Scenario) -> None:
    invest = Invest(investor="USE", host="REF", amount=20, mineral="li", kind="refine",
                    capacity=4, delay=1, offtake_bp=5000, offtake_price=15)
    g = deal_game(tiny_scenario, invest, a="USE", b="REF", rounds=3)
    give(g, "REF", "li", "refined", 5)
    quiet(g, REF=Orders(), USE=Orders(sell=(), buy=(MarketOrder("li", "refined", 20, 40),)))
    resolve_round(g)
    # capacity arrives at the end of this round, so 2 refined lots are owed next round
    st = g.state
    assert st.seats["REF"].holdings["li"].refined >= 2
    assert_conserved(g)


def test_explicit_sells_are_capped_at_holdings(tiny_game: Game) -> None:
    sell = (MarketOrder("li", "ore", 50, 1),)
    quiet(tiny_game, MIN=Orders(sell=sell, buy=()),
          REF=Orders(sell=(), buy=(MarketOrder("li", "ore", 50, 30),)))
    resolve_round(tiny_game)
    assert ("li:ore", "MIN", "REF", 10, tiny_game.state.prices["li:ore"][0]) in fills(
        tiny_game, "MIN")


def test_selling_to_the_rest_of_the_world_earns_row_sales(tiny_game: Game) -> None:
    quiet(tiny_game, MIN=Orders(sell=(MarketOrder("re", "ore", 2, 1),), buy=()))
    resolve_round(tiny_game)
    st = tiny_game.state
    # RoW bids 4 - 4(p-40)//40 and offers 4 + 4(p-40)//40: with MIN's 2 they balance at 38
    assert st.prices["re:ore"] == [38]
    assert fills(tiny_game, "MIN") == [("re:ore", "MIN", "ROW", 2, 38)]
    assert st.ledger.money["row_sales"] == 76
    assert st.ledger.minerals["re:ore"]["row_out"] == -2
    # less the FORGE contribution and the cost of its standard (2% of production per step)
    assert st.seats["MIN"].treasury == 100 + 76 - 5 - st.seats["MIN"].stats.standard_cost
    assert_conserved(tiny_game)


def test_a_tariff_on_all_does_not_touch_the_rest_of_the_world(tiny_game: Game) -> None:
    buy = (MarketOrder("re", "refined", 3, 200),)
    quiet(tiny_game, USE=Orders(sell=(), buy=buy, tariffs=(Tariff("re", ("ALL",), 10000),)))
    resolve_round(tiny_game)
    st = tiny_game.state
    [(_, seller, _, qty, price)] = fills(tiny_game, "USE")
    assert seller == "ROW" and qty == 3
    assert st.ledger.money["row_purchases"] == -(qty * price)
    assert st.seats["USE"].stats.sources == {"re": {"ROW": 3}}
    # 2 re and 1 li consumed; a 100% tariff on ALL does not make imports free
    assert st.seats["USE"].treasury == 500 - qty * price + 400 + 30 - 5
    assert_conserved(tiny_game)


def test_a_seller_does_not_sell_below_its_limit_after_the_tariff(tiny_game: Game) -> None:
    give(tiny_game, "REF", "li", "refined", 5)
    quiet(tiny_game,
          REF=Orders(sell=(MarketOrder("li", "refined", 5, 19),), buy=()),
          USE=Orders(sell=(), buy=(MarketOrder("li", "refined", 5, 40),),
                     tariffs=(Tariff("li", ("REF",), 2000),)))
    resolve_round(tiny_game)
    assert not [f for f in fills(tiny_game, "USE") if f[1] == "REF"]  # 20 less 20% is below 19


def test_tariff_goes_to_the_buyers_treasury(tiny_game: Game) -> None:
    give(tiny_game, "REF", "li", "refined", 5)
    quiet(tiny_game,
          REF=Orders(sell=(MarketOrder("li", "refined", 5, 1),), buy=()),
          USE=Orders(sell=(), buy=(MarketOrder("li", "refined", 5, 40),),
                     tariffs=(Tariff("li", ("REF",), 2000),)))
    resolve_round(tiny_game)
    st = tiny_game.state
    assert fills(tiny_game, "USE") == [("li:refined", "REF", "USE", 5, 20)]
    assert st.seats["REF"].treasury == 300 + 80 + 260  # 100 less the 20 tariff
    assert st.seats["USE"].treasury == 500 - 80 + 6 * 30 + 200 - 5
    assert_conserved(tiny_game)


def test_controlled_sale_is_skipped(tiny_game: Game) -> None:
    give(tiny_game, "REF", "li", "refined", 5)
    quiet(tiny_game,
          REF=Orders(sell=(MarketOrder("li", "refined", 5, 1),), buy=(),
                     controls=(Control("li", "refined", ("USE",)),)),
          USE=Orders(sell=(), buy=(MarketOrder("li", "refined", 5, 40),)))
    resolve_round(tiny_game)
    assert fills(tiny_game, "USE") == []


def test_excluded_buyer_cannot_buy_on_the_spot_market(tiny_scenario: Scenario) -> None:
    g = deal_game(tiny_scenario, Exclusivity(seller="MIN", mineral="li", excluded="USE"),
                  a="MIN", b="REF")
    quiet(g, MIN=Orders(sell=(MarketOrder("li", "ore", 5, 1),), buy=()),
          USE=Orders(sell=(), buy=(MarketOrder("li", "ore", 5, 40),)))
    resolve_round(g)
    assert fills(g, "USE") == []


def test_members_trade_at_the_floor(tiny_game: Game) -> None:
    tiny_game.state.forge.floors["li:ore"] = 14
    quiet(tiny_game,
          MIN=Orders(sell=(MarketOrder("li", "ore", 5, 1),), buy=()),
          USE=Orders(sell=(), buy=(MarketOrder("li", "ore", 5, 20),)))
    resolve_round(tiny_game)
    assert fills(tiny_game, "USE") == [("li:ore", "MIN", "USE", 5, 14)]


def test_prices_are_recorded_for_every_market(tiny_game: Game) -> None:
    quiet(tiny_game)
    resolve_round(tiny_game)
    assert set(tiny_game.state.prices) == {"li:ore", "li:refined", "re:ore", "re:refined"}
    assert all(len(v) == 1 for v in tiny_game.state.prices.values())


# ---- 5. stockpiles, the FORGE fund, contributions -------------------------------------------
def test_fund_buys_unsold_member_supply_at_the_floor(tiny_game: Game) -> None:
    st = tiny_game.state
    st.forge.floors["li:ore"] = 14
    quiet(tiny_game, MIN=Orders(sell=(MarketOrder("li", "ore", 10, 5),), buy=()))
    resolve_round(tiny_game)
    assert st.forge.bloc["li"].ore == 2  # 40 // 14
    assert st.forge.fund == 40 - 28 + 2 * 5  # purchases, then both members' contributions
    assert st.seats["MIN"].treasury == 100 + 28 - 5 - st.seats["MIN"].stats.standard_cost
    assert st.seats["MIN"].holdings["li"].ore == 8
    assert_conserved(tiny_game)


def test_members_contribute_what_they_have(tiny_game: Game) -> None:
    set_treasury(tiny_game, "MIN", 3)
    quiet(tiny_game)
    resolve_round(tiny_game)
    assert tiny_game.state.forge.fund == 40 + 3 + 5
    assert tiny_game.state.seats["MIN"].treasury == 0


def test_stockpile_buy_is_reimbursed_from_the_budget(tiny_game: Game) -> None:
    st = tiny_game.state
    st.seats["USE"].stockpile_budget = 100
    st.ledger.add_money("event", 100)
    quiet(tiny_game, USE=Orders(sell=(), buy=(),
                                stockpile=(StockpileOrder("li", buy=1), )))
    resolve_round(tiny_game)
    use = st.seats["USE"]
    price = st.prices["li:refined"][0]
    assert use.holdings["li"].stockpile == 3 and use.holdings["li"].refined == 0
    assert use.stockpile_budget == 100 - price
    assert use.stats.shortage["li"] == [6]
    assert use.treasury == 500 + price + 200 - 5
    assert_conserved(tiny_game)


def test_stockpile_release_feeds_industry(tiny_game: Game) -> None:
    quiet(tiny_game, USE=Orders(sell=(), buy=(), stockpile=(StockpileOrder("li", release=5),)))
    resolve_round(tiny_game)
    use = tiny_game.state.seats["USE"]
    assert use.holdings["li"].stockpile == 0
    assert use.stats.shortage["li"] == [3]  # 1 held + 2 released of 6


# ---- 6. industry ---------------------------------------------------------------------------
def test_industry_consumes_earns_and_records_shortage(tiny_game: Game) -> None:
    quiet(tiny_game)
    resolve_round(tiny_game)
    st = tiny_game.state
    use = st.seats["USE"]
    assert use.stats.shortage == {"li": [5], "re": [1]}
    assert (use.stats.demand, use.stats.met) == (8, 2)
    assert use.stats.output_value == 30 + 200
    assert st.seats["MIN"].stats.shortage == {"li": [0], "re": [0]}
    assert st.ledger.minerals["li:refined"]["consumed"] == -(1 + 2)  # USE 1, REF 2


def test_demand_shock_raises_what_industry_wants(tiny_game: Game) -> None:
    tiny_game.state.modifiers.append(
        Modifier(kind="demand_bp", mineral="li", delta=5000, from_round=1, until_round=1))
    quiet(tiny_game)
    resolve_round(tiny_game)
    assert tiny_game.state.seats["USE"].stats.shortage["li"] == [9 - 1]


# ---- 7. investments, arrivals, expiries, disputes -----------------------------------------
def test_domestic_investment_pays_now_and_adds_capacity_after_the_delay(tiny_game: Game) -> None:
    invest = (Investment("li", "refine", 2), Investment("re", "mine", 1))
    quiet(tiny_game, REF=Orders(sell=(), buy=(), invest=invest))
    resolve_round(tiny_game)
    st = tiny_game.state
    ref = st.seats["REF"]
    assert ref.capacity["li"].refine == 9  # delay 1: half in place for round 2 (ramp-up)
    assert [(p.delta, p.due_round) for p in st.pending] == [(1, 2)]  # the rest a round later
    assert st.reports[-1].private["REF"]["building"] == [
        {"mineral": "li", "kind": "refine", "qty": 1, "arrives": 3}]  # the seat sees it
    assert ref.capacity["re"].mine == 4  # delay 0: at once
    assert st.ledger.money["investment"] == -(2 * 20 + 1 * 10)
    assert ref.treasury == 300 + 260 - 50
    assert ref.stats.capex == 50  # book value: prosperity does not fall by building
    assert scoring.prosperity(ref) == ref.treasury - ref.start_treasury + 50
    assert_conserved(tiny_game)


def test_investment_is_capped_by_the_treasury(tiny_game: Game) -> None:
    quiet(tiny_game, REF=Orders(sell=(), buy=(), invest=(Investment("li", "mine", 1000),)))
    resolve_round(tiny_game)
    ref = tiny_game.state.seats["REF"]
    assert ref.treasury == 0
    built = (300 + 260) // 10
    assert ref.capacity["li"].mine == (built + 1) // 2  # half now, half next round
    assert sum(p.delta for p in tiny_game.state.pending) == built - (built + 1) // 2


def test_effects_end_after_their_last_round(tiny_game: Game) -> None:
    st = tiny_game.state
    keep = Modifier(kind="mine", mineral="li", delta=1, seat="MIN", from_round=1,
                    until_round=2)
    forever = Modifier(kind="mine", mineral="li", delta=1, seat="MIN", from_round=1,
                       until_round=0)
    st.modifiers += [keep, forever,
                     Modifier(kind="mine", mineral="li", delta=1, seat="MIN", from_round=1,
                              until_round=1)]
    control = Control("li", "ore", ("ALL",))
    st.forced += [ForcedControl("REF", control, 1), ForcedControl("MIN", control, 2)]
    quiet(tiny_game)
    resolve_round(tiny_game)
    assert st.modifiers == [keep, forever]
    assert [f.seat for f in st.forced] == ["MIN"]


def test_due_wto_dispute_is_resolved(tiny_game: Game) -> None:
    st = tiny_game.state
    st.forge.floors["li:ore"] = 100  # far above 150% of the reference 10
    st.forge.disputes.append(Dispute(id="W1", filed_by="REF", kind="floor", round_filed=1,
                                     resolves_round=1, mineral="li", form="ore"))
    quiet(tiny_game)
    events = resolve_round(tiny_game)
    assert st.forge.disputes[0].status == "upheld" and "li:ore" not in st.forge.floors
    assert st.seats["MIN"].reputation == 4 and st.seats["REF"].reputation == 5
    assert any(e.kind == "dispute_resolved" for e in events)


# ---- 8. scores and the report --------------------------------------------------------------
def test_report_is_written_and_orders_cleared(tiny_game: Game) -> None:
    tiny_game.apply("USE", SubmitOrders(orders=Orders()))
    events = resolve_round(tiny_game)
    st = tiny_game.state
    report = st.reports[-1]
    assert report.round == 1
    assert set(report.public) >= {"prices", "volumes", "controls", "deals_signed", "forge",
                                  "headline"}
    assert report.public["headline"]["USE"]["shortage"] >= 0
    assert set(report.private) == set(st.seats)
    assert set(report.private["USE"]) >= {"treasury", "holdings", "fills", "deliveries",
                                          "breaches"}
    assert all(s.orders is None for s in st.seats.values())
    assert set(st.scores) == set(st.seats)
    assert events[-1].kind == "round_resolved" and events[-1].to == ()
    assert st.phase == "orders" and st.round == 1  # the caller moves the game on


def test_report_lists_deals_signed_this_round(tiny_scenario: Scenario) -> None:
    g = deal_game(tiny_scenario, Payment(payer="USE", payee="REF", amount=5))
    quiet(g)
    resolve_round(g)
    assert g.state.reports[-1].public["deals_signed"] == list(g.state.deals)


# ---- whole games ---------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_default_games_conserve_minerals_and_money(
    seed: int, tiny_scenario: Scenario, lite_scenario: Scenario, ministerial_scenario: Scenario,
) -> None:
    for scenario in (tiny_scenario, lite_scenario, ministerial_scenario):
        g = play_out(Game.new(scenario, seed, baseline=False))
        assert g.state.phase == "ended"
        assert all(len(v) == scenario.rounds for v in g.state.prices.values())


def _random_orders(rng: random.Random, game: Game, seat: str) -> Orders:
    sc = game.scenario
    minerals = sc.mineral_ids
    others = [s for s in sc.seat_ids if s != seat]

    def line() -> MarketOrder:
        m = rng.choice(minerals)
        form = rng.choice(FORMS)
        ref = sc.mineral(m).ref_price(form)
        return MarketOrder(m, form, rng.randint(1, 20), rng.randint(0, 3 * ref))

    return Orders(
        controls=tuple(Control(rng.choice(minerals), "refined", (rng.choice([*others, "ALL"]),))
                       for _ in range(rng.randint(0, 1))),
        tariffs=tuple(Tariff(rng.choice(minerals), (rng.choice(others),), rng.randint(0, 5000))
                      for _ in range(rng.randint(0, 1))),
        refine={m: rng.randint(0, 30) for m in minerals if rng.random() < 0.5},
        sell=tuple(line() for _ in range(rng.randint(0, 4))) if rng.random() < 0.7 else None,
        buy=tuple(line() for _ in range(rng.randint(0, 4))) if rng.random() < 0.7 else None,
        stockpile=tuple(StockpileOrder(rng.choice(minerals), buy=rng.randint(0, 3),
                                       release=rng.randint(0, 3)) for _ in range(2)),
        invest=(Investment(rng.choice(minerals), rng.choice(("mine", "refine")), 1),)
        if rng.random() < 0.3 else (),
    )


@pytest.mark.parametrize("seed", range(4))
def test_random_orders_and_deals_conserve_minerals_and_money(
    seed: int, tiny_scenario: Scenario,
) -> None:
    rng = random.Random(seed)
    g = negotiation_phase(tiny_scenario, seed)
    sign(g, "REF", "USE",
         Supply(seller="REF", buyer="USE", mineral="li", form="refined", qty=4, price=22),
         Standards(level=1), rounds=3)
    sign(g, "USE", "MIN",
         Invest(investor="USE", host="MIN", amount=40, mineral="li", kind="refine",
                capacity=3, delay=1, offtake_bp=10000, offtake_price=15),
         Payment(payer="MIN", payee="USE", amount=5), rounds=3)
    g.state.forge.floors["li:ore"] = 12
    g.state.seats["USE"].stockpile_budget = 30
    g.state.ledger.add_money("event", 30)

    def orders(game: Game) -> None:
        for seat in game.state.seats.values():
            if rng.random() < 0.8:
                seat.orders = _random_orders(rng, game, seat.id)

    play_out(g, orders)
    assert g.state.phase == "ended"


def test_same_inputs_give_the_same_state(lite_scenario: Scenario) -> None:
    a = play_out(Game.new(lite_scenario, 11, baseline=False))
    b = play_out(Game.new(lite_scenario, 11, baseline=False))
    assert state_bytes(a.state) == state_bytes(b.state)


def test_orders_phase_fixture_starts_in_round_one(tiny_scenario: Scenario) -> None:
    g = orders_phase(tiny_scenario)
    assert (g.state.round, g.state.phase, g.state.card) == (1, "orders", "quiet")


# ---- FORGE emergency sharing and levies ----------------------------------------------------
def test_a_short_member_draws_on_the_bloc_then_on_other_members_stockpiles(
    tiny_game: Game,
) -> None:
    """USE needs 6 refined lithium and holds 1: it takes the bloc's 2 (paying the fund), then
    3 of MIN's stockpile (MIN has no lithium demand to keep back), at the round's price."""
    st = tiny_game.state
    give(tiny_game, "MIN", "li", "stockpile", 3)
    st.forge.bloc["li"].refined = 2
    st.ledger.add_mineral("li", "refined", "initial", 2)
    quiet(tiny_game)
    fund, use_cash, min_cash = st.forge.fund, st.seats["USE"].treasury, st.seats["MIN"].treasury
    resolve_round(tiny_game)
    shared = st.reports[-1].public["forge"]["shared"]
    # nothing traded, so no price was recorded (0) and sharing paid the reference price
    assert st.prices["li:refined"][-1] == 0
    price = shared[0]["price"]
    assert price == tiny_game.scenario.mineral("li").ref_price_refined
    assert [(x["from"], x["to"], x["qty"]) for x in shared if x["mineral"] == "li"] == [
        ("FORGE", "USE", 2), ("MIN", "USE", 3)]
    assert st.forge.bloc["li"].refined == 0 and st.seats["MIN"].holdings["li"].stockpile == 0
    assert st.seats["USE"].stats.shortage["li"] == [0]
    contributions = 2 * tiny_game.scenario.forge.contribution
    assert st.forge.fund == fund + 2 * price + contributions
    assert st.seats["MIN"].treasury == min_cash + 3 * price - \
        tiny_game.scenario.forge.contribution - st.seats["MIN"].stats.standard_cost
    # sharing meets demand but is not supply secured ahead of the market
    assert st.seats["USE"].stats.secured == {}
    output = st.seats["USE"].stats.output_value  # industry is paid after the sharing
    contribution = tiny_game.scenario.forge.contribution
    assert st.seats["USE"].treasury == use_cash - 5 * price + output - contribution
    assert_conserved(tiny_game)


def test_a_lender_keeps_a_round_of_its_own_demand_and_non_members_get_nothing(
    tiny_game: Game,
) -> None:
    st = tiny_game.state
    give(tiny_game, "USE", "re", "stockpile", 3)  # USE needs 2 rare earths a round itself
    st.seats["MIN"].demand["re"] = 5  # MIN, a member, is short of rare earths
    st.seats["REF"].holdings["re"].ore = 0  # REF, not a member, will be short too
    quiet(tiny_game)
    resolve_round(tiny_game)
    shared = [x for x in st.reports[-1].public["forge"]["shared"] if x["mineral"] == "re"]
    assert [(x["from"], x["to"], x["qty"]) for x in shared] == [("USE", "MIN", 1)]
    assert not any(x["to"] == "REF" for x in st.reports[-1].public["forge"]["shared"])


def test_a_member_importing_below_the_floor_pays_the_levy_into_the_fund(
    tiny_game: Game,
) -> None:
    """REF (not a member) sells USE (a member) refined rare earths below the club's floor:
    USE pays the floor, REF gets the price, the fund the difference."""
    st = tiny_game.state
    st.forge.floors["re:refined"] = 150
    give(tiny_game, "REF", "re", "refined", 3)
    quiet(tiny_game, REF=Orders(sell=(MarketOrder("re", "refined", 3, 1),), buy=()),
          USE=Orders(sell=(), buy=(MarketOrder("re", "refined", 3, 200),)))
    fund = st.forge.fund
    resolve_round(tiny_game)
    fills = [r for r in st.reports[-1].private["USE"]["fills"]
             if r["seller"] == "REF" and r["mineral"] == "re"]
    assert fills and all(r["levy"] == r["qty"] * (150 - r["price"]) for r in fills)
    levy = sum(r["levy"] for r in fills)
    assert levy > 0
    assert st.forge.fund == fund + levy + 2 * tiny_game.scenario.forge.contribution
    assert_conserved(tiny_game)
