"""The spot auction on hand-made inputs: price, matching, controls, tariffs, floors, fund."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from game.market import (
    FUND,
    ROW,
    Curve,
    Fill,
    Order,
    Outcome,
    candidate_prices,
    clearing_price,
    row_demand,
    row_supply,
    run_auction,
)

NO_ROW = Curve(0, 0, 10000, 10)
RICH = {s: 10**6 for s in ("A", "B", "C", "D", "E", "T", "F", "CHN")}


def never(_seller: str, _buyer: str) -> bool:
    return False


def no_tariff(_importer: str, _exporter: str) -> int:
    return 0


def auction(sells: list[Order], buys: list[Order], curve: Curve = NO_ROW, *,
            blocked: Callable[[str, str], bool] = never,
            tariff_bp: Callable[[str, str], int] = no_tariff,
            budgets: dict[str, int] | None = None, members: tuple[str, ...] = (),
            floor: int = 0, fund: int = 0,
            licensed: dict[tuple[str, str], int] | None = None) -> Outcome:
    return run_auction(sells, buys, curve, blocked=blocked, tariff_bp=tariff_bp,
                       budgets=RICH if budgets is None else budgets, members=members,
                       floor=floor, fund=fund, licensed=licensed)


# ---- the rest-of-world curve ---------------------------------------------------------------
def test_row_curve_is_linear_around_the_reference() -> None:
    c = Curve(supply=10, demand=10, elasticity_bp=10000, ref=20)
    assert (row_supply(c, 20), row_demand(c, 20)) == (10, 10)
    assert (row_supply(c, 30), row_demand(c, 30)) == (15, 5)
    assert (row_supply(c, 40), row_demand(c, 40)) == (20, 0)
    assert (row_supply(c, 50), row_demand(c, 50)) == (25, 0)  # never below zero
    assert row_supply(c, 0) == 0


def test_half_elasticity_moves_half_as_far() -> None:
    c = Curve(supply=10, demand=10, elasticity_bp=5000, ref=20)
    assert (row_supply(c, 40), row_demand(c, 40)) == (15, 5)


def test_candidates_include_limits_and_the_ladder() -> None:
    prices = candidate_prices([Order("A", 1, 7)], [Order("B", 1, 123)], ref=20)
    assert 7 in prices and 123 in prices
    assert prices[0] == 4 and 60 in prices  # 20% .. 300% of the reference
    assert prices == sorted(set(prices))


# ---- the clearing price --------------------------------------------------------------------
def test_price_maximises_volume_then_prefers_the_reference() -> None:
    sells = [Order("A", 10, 5)]
    buys = [Order("B", 6, 12), Order("C", 4, 8)]
    # any price in 5..8 trades 10; of those, 8 is nearest the reference 10
    assert clearing_price(sells, buys, NO_ROW) == 8


def test_price_prefers_the_smallest_imbalance() -> None:
    sells = [Order("A", 5, 5)]
    buys = [Order("B", 5, 30), Order("C", 3, 12)]
    # 5 lots trade anywhere in 5..30; above 12 only B bids, so demand matches supply
    price = clearing_price(sells, buys, Curve(0, 0, 10000, 10))
    assert price == 13  # the candidate above 12 nearest the reference (ladder 10*26//20)


def test_no_orders_and_balanced_row_clear_at_the_reference() -> None:
    out = auction([], [], Curve(8, 8, 10000, 40))
    assert out.price == 40
    assert out.fills == [] and out.volume == 0  # the rest of the world never trades with itself


def test_row_demand_sets_the_price_for_a_seller() -> None:
    # RoW bids 20 - p lots; a seat offers 10 at any price: they meet at 10
    out = auction([Order("A", 10, 1)], [], Curve(0, 10, 10000, 10))
    assert out.price == 10
    assert out.fills == [Fill("A", ROW, 10, 10, 0)]


def test_scarcity_lifts_the_price_to_the_keenest_bid() -> None:
    out = auction([Order("A", 2, 5)], [Order("B", 5, 15), Order("C", 5, 9)])
    assert out.price > 9 and out.price <= 15
    assert out.fills == [Fill("A", "B", 2, out.price, 0)]


# ---- matching ------------------------------------------------------------------------------
def test_cheapest_seller_meets_keenest_buyer_first() -> None:
    sells = [Order("A", 5, 9), Order("B", 5, 2)]
    buys = [Order("C", 5, 20), Order("D", 5, 30)]
    out = auction(sells, buys)
    assert [(f.seller, f.buyer, f.qty) for f in out.fills] == [("B", "D", 5), ("A", "C", 5)]
    assert {f.price for f in out.fills} == {out.price}


def test_equal_limits_keep_the_given_order() -> None:
    sells = [Order("B", 3, 5), Order("A", 3, 5)]
    out = auction(sells, [Order("C", 3, 20)])
    assert out.fills == [Fill("B", "C", 3, out.price, 0)]


def test_seats_trade_before_the_rest_of_the_world() -> None:
    out = auction([Order("A", 4, 1)], [Order("B", 4, 100)], Curve(10, 10, 10000, 10))
    assert out.fills[0] == Fill("A", "B", 4, out.price, 0)
    assert not any(f.seller == ROW and f.buyer == "B" for f in out.fills)


def test_row_fills_what_seats_leave() -> None:
    out = auction([], [Order("B", 3, 100)], Curve(10, 10, 10000, 10))
    assert out.fills == [Fill(ROW, "B", 3, out.price, 0)]


def test_a_seat_never_trades_with_itself() -> None:
    out = auction([Order("A", 5, 1)], [Order("A", 5, 100), Order("B", 2, 100)])
    assert out.fills == [Fill("A", "B", 2, out.price, 0)]


def test_blocked_pair_is_skipped_for_the_next_counterparty() -> None:
    sells = [Order("A", 5, 5), Order("B", 5, 5)]
    out = auction(sells, [Order("C", 5, 10)], Curve(0, 0, 10000, 8),
                  blocked=lambda s, b: (s, b) == ("A", "C"))
    assert out.fills == [Fill("B", "C", 5, 8, 0)]


def test_blocked_seller_can_still_reach_the_rest_of_the_world() -> None:
    out = auction([Order("A", 5, 1)], [Order("C", 5, 100)], Curve(0, 20, 0, 10),
                  blocked=lambda s, b: b == "C")
    assert [(f.seller, f.buyer) for f in out.fills] == [("A", ROW)]


def test_control_on_all_also_blocks_the_rest_of_the_world() -> None:
    out = auction([Order("A", 5, 1)], [], Curve(0, 20, 10000, 10),
                  blocked=lambda s, b: s == "A")
    assert out.fills == []


def test_buyer_cannot_spend_more_than_its_budget() -> None:
    out = auction([Order("A", 10, 1)], [Order("B", 10, 100)], Curve(0, 0, 10000, 10),
                  budgets={"B": 35})
    assert out.fills == [Fill("A", "B", 3, 10, 0)]


def test_budget_is_shared_across_one_buyers_fills() -> None:
    sells = [Order("A", 2, 1), Order("C", 2, 1)]
    out = auction(sells, [Order("B", 10, 100)], budgets={"B": 30})
    assert out.price == 10
    assert [f.qty for f in out.fills] == [2, 1]


# ---- tariffs -------------------------------------------------------------------------------
def test_tariff_is_withheld_from_the_seller() -> None:
    out = auction([Order("A", 5, 1)], [Order("B", 5, 100)], Curve(0, 0, 10000, 20),
                  tariff_bp=lambda importer, exporter: 2500 if importer == "B" else 0)
    assert out.fills == [Fill("A", "B", 5, 20, 25)]


def test_tariff_rounds_down() -> None:
    out = auction([Order("A", 1, 1)], [Order("B", 1, 100)], Curve(0, 0, 10000, 10),
                  tariff_bp=lambda importer, exporter: 333)
    assert out.fills[0].tariff == 0  # 10 * 333 // 10000


def test_sales_to_the_rest_of_the_world_pay_no_tariff() -> None:
    out = auction([Order("A", 5, 1)], [], Curve(0, 20, 10000, 10),
                  tariff_bp=lambda importer, exporter: 5000)
    assert out.fills[0].buyer == ROW and out.fills[0].tariff == 0


# ---- FORGE floors and the fund -------------------------------------------------------------
def test_members_trade_at_the_floor_when_it_is_above_the_price() -> None:
    sells = [Order("A", 5, 5), Order("B", 5, 5)]
    buys = [Order("C", 10, 15)]
    out = auction(sells, buys, Curve(0, 0, 10000, 8), members=("A", "C"), floor=12)
    by_seller = {f.seller: f for f in out.fills}
    assert by_seller["A"].price == 12  # member to member: the floor
    assert by_seller["B"].price == out.price < 12  # a non-member seller: the market price


def test_floor_trade_needs_the_buyers_limit() -> None:
    out = auction([Order("A", 5, 5)], [Order("C", 5, 11)], Curve(0, 0, 10000, 8),
                  members=("A", "C"), floor=12)
    assert out.fills == []


def test_floor_below_the_price_changes_nothing() -> None:
    out = auction([Order("A", 5, 5)], [Order("C", 5, 50)], Curve(0, 0, 10000, 20),
                  members=("A", "C"), floor=10)
    assert out.fills == [Fill("A", "C", 5, 20, 0)]


def test_member_offering_between_price_and_floor_sells_to_a_member() -> None:
    # B and a fixed RoW supply meet C's demand at 8, but A asks 11: still, a member
    # paying the floor of 12 takes A's lots before the rest of the world's
    sells = [Order("A", 5, 11), Order("B", 5, 1)]
    out = auction(sells, [Order("C", 10, 20)], Curve(5, 0, 0, 8), members=("A", "C"),
                  floor=12)
    assert out.price == 8
    # C imports B's lots below the floor, so it pays the floor: 4 a lot to the fund
    assert out.fills == [Fill("B", "C", 5, 8, 0, 20), Fill("A", "C", 5, 12, 0)]


def test_a_member_importing_below_the_floor_pays_a_levy() -> None:
    out = auction([Order("B", 5, 1)], [Order("C", 5, 20)], Curve(0, 0, 10000, 8),
                  members=("C",), floor=12)
    assert out.fills == [Fill("B", "C", 5, out.price, 0, 5 * (12 - out.price))]
    # a member unwilling to pay the floor buys nothing
    out = auction([Order("B", 5, 1)], [Order("C", 5, 11)], Curve(0, 0, 10000, 8),
                  members=("C",), floor=12)
    assert out.fills == []


def test_a_member_seller_serves_member_buyers_first() -> None:
    buys = [Order("B", 5, 30), Order("C", 5, 30)]
    out = auction([Order("A", 5, 1)], buys, Curve(0, 0, 10000, 10), members=("A", "C"))
    assert [(f.seller, f.buyer, f.qty) for f in out.fills] == [("A", "C", 5)]
    out = auction([Order("A", 5, 1)], buys, Curve(0, 0, 10000, 10))
    assert [(f.seller, f.buyer, f.qty) for f in out.fills] == [("A", "B", 5)]


# ---- controlled flows ------------------------------------------------------------------------
def chn_controls_t(seller: str, buyer: str) -> bool:
    return seller == "CHN" and buyer == "T"


def test_a_target_clears_against_the_supply_it_may_get_and_pays_more() -> None:
    """CHN may not sell to T. T bids high and gets only the rest of the world's supply, at
    its own (restricted) price; CHN sells into the open pool, at a lower price."""
    curve = Curve(supply=4, demand=4, elasticity_bp=10000, ref=80)
    sells = [Order("CHN", 20, 40)]
    buys = [Order("T", 10, 120), Order("F", 6, 120)]
    out = auction(sells, buys, curve, blocked=chn_controls_t)
    assert out.restricted == ("T",)
    assert out.restricted_price > out.price
    t_fills = [f for f in out.fills if f.buyer == "T"]
    assert t_fills and all(f.seller == "ROW" and f.price == out.restricted_price
                           for f in t_fills)
    chn = [f for f in out.fills if f.seller == "CHN"]
    assert chn and all(f.price == out.price for f in chn)
    # the same market without the control: one price, and CHN sells more, dearer
    free = auction(sells, buys, curve)
    assert free.restricted == ()
    assert sum(f.qty for f in chn) < sum(f.qty for f in free.fills if f.seller == "CHN")
    assert out.price <= free.price < out.restricted_price


def test_a_licence_lets_its_volume_through_and_the_control_binds_beyond_it() -> None:
    """CHN licenses 3 lots a round to T: T gets them (at the restricted price, CHN bringing
    only its licensed lots to T's pool) and the rest only from the rest of the world; CHN's
    other lots go to the open pool."""
    curve = Curve(supply=4, demand=4, elasticity_bp=10000, ref=80)
    sells = [Order("CHN", 20, 40)]
    buys = [Order("T", 10, 120), Order("F", 6, 120)]
    out = auction(sells, buys, curve, blocked=chn_controls_t, licensed={("CHN", "T"): 3})
    assert out.restricted == ("T",)
    assert sum(f.qty for f in out.fills if f.seller == "CHN" and f.buyer == "T") == 3
    unlicensed = auction(sells, buys, curve, blocked=chn_controls_t)
    assert sum(f.qty for f in out.fills if f.buyer == "T") == \
        sum(f.qty for f in unlicensed.fills if f.buyer == "T") + 3
    assert out.restricted_price <= unlicensed.restricted_price
    # CHN sells no more than it offered across both pools
    assert sum(f.qty for f in out.fills if f.seller == "CHN") <= 20


def test_a_control_that_does_not_bind_keeps_one_pool() -> None:
    """T can get all it wants from B at the open price: no premium, one price."""
    sells = [Order("CHN", 5, 1), Order("B", 20, 1)]
    buys = [Order("T", 5, 50), Order("F", 5, 50)]
    out = auction(sells, buys, Curve(0, 0, 10000, 10), blocked=chn_controls_t)
    assert out.restricted == ()
    assert {f.price for f in out.fills} == {out.price}
    assert not any(f.seller == "CHN" and f.buyer == "T" for f in out.fills)


def test_the_rest_of_the_world_sells_once_across_both_pools() -> None:
    curve = Curve(supply=6, demand=0, elasticity_bp=0, ref=10)
    out = auction([Order("CHN", 10, 1)], [Order("T", 10, 30), Order("F", 10, 9)], curve,
                  blocked=chn_controls_t)
    assert sum(f.qty for f in out.fills if f.seller == "ROW") <= 6
    assert sum(f.qty for f in out.fills if f.buyer == "T") == 6


def test_fund_buys_unsold_member_supply_at_the_floor() -> None:
    out = auction([Order("A", 10, 5)], [], Curve(0, 0, 10000, 8), members=("A",),
                  floor=12, fund=40)
    assert out.fills == []
    assert out.fund == [Fill("A", FUND, 3, 12, 0)]  # 40 // 12


def test_fund_ignores_non_members_and_asks_above_the_floor() -> None:
    sells = [Order("A", 5, 13), Order("B", 5, 1)]
    out = auction(sells, [], Curve(0, 0, 10000, 8), members=("A",), floor=12, fund=1000)
    assert out.fund == []


def test_fund_spends_in_seller_order_until_empty() -> None:
    sells = [Order("A", 2, 3), Order("C", 5, 1)]
    out = auction(sells, [], Curve(0, 0, 10000, 8), members=("A", "C"), floor=10, fund=45)
    assert out.fund == [Fill("C", FUND, 4, 10, 0)]


def test_no_floor_no_fund_purchases() -> None:
    out = auction([Order("A", 5, 1)], [], Curve(0, 0, 10000, 8), members=("A",), fund=100)
    assert out.fund == []


# ---- properties ----------------------------------------------------------------------------
SEATS = st.sampled_from("ABCDE")
ORDERS = st.lists(st.builds(Order, SEATS, st.integers(0, 20), st.integers(0, 60)), max_size=6)


@settings(max_examples=200, deadline=None)
@given(
    sells=ORDERS,
    buys=ORDERS,
    curve=st.builds(Curve, st.integers(0, 20), st.integers(0, 20), st.integers(0, 20000),
                    st.integers(1, 40)),
    banned=st.sets(st.tuples(SEATS, SEATS), max_size=5),
    budgets=st.dictionaries(SEATS, st.integers(0, 300)),
    members=st.sets(SEATS),
    floor=st.integers(0, 40),
    fund=st.integers(0, 200),
)
def test_fills_respect_orders_limits_budgets_and_controls(
    sells: list[Order], buys: list[Order], curve: Curve, banned: set[tuple[str, str]],
    budgets: dict[str, int], members: set[str], floor: int, fund: int,
) -> None:
    out = auction(sells, buys, curve, blocked=lambda s, b: (s, b) in banned, budgets=budgets,
                  members=tuple(members), floor=floor, fund=fund)
    sold: dict[str, int] = {}
    bought: dict[str, int] = {}
    spent: dict[str, int] = {}
    for f in out.fills:
        assert f.qty > 0 and f.seller != f.buyer and (f.seller, f.buyer) not in banned
        assert f.price >= out.price
        sold[f.seller] = sold.get(f.seller, 0) + f.qty
        bought[f.buyer] = bought.get(f.buyer, 0) + f.qty
        spent[f.buyer] = spent.get(f.buyer, 0) + f.qty * f.price
    for seat in "ABCDE":
        offered = sum(o.qty for o in sells if o.seat == seat)
        wanted = sum(o.qty for o in buys if o.seat == seat)
        funded = sum(f.qty for f in out.fund if f.seller == seat)
        assert sold.get(seat, 0) + funded <= offered
        assert bought.get(seat, 0) <= wanted
        assert spent.get(seat, 0) <= budgets.get(seat, 0)
    assert sold.get(ROW, 0) <= row_supply(curve, out.price)
    assert bought.get(ROW, 0) <= row_demand(curve, out.price)
    assert sum(f.qty * f.price for f in out.fund) <= fund
    assert all(f.price == floor and f.seller in members for f in out.fund)


def _scan_every_candidate(sells: list[Order], buys: list[Order], curve: Curve) -> int:
    """The clearing price by brute force: every candidate keyed by the documented
    tie-breaks, with no early stop."""
    def key(p: int) -> tuple[int, int, int, int]:
        supply = sum(o.qty for o in sells if o.limit <= p) + row_supply(curve, p)
        demand = sum(o.qty for o in buys if o.limit >= p) + row_demand(curve, p)
        return (-min(supply, demand), abs(supply - demand), abs(p - curve.ref), p)
    return min(key(p) for p in candidate_prices(sells, buys, curve.ref))[3]


_orders = st.lists(st.builds(Order, st.sampled_from("ABCDE"), st.integers(0, 30),
                             st.integers(1, 400)), max_size=8)


@settings(max_examples=300, deadline=None)
@given(_orders, _orders, st.integers(0, 40), st.integers(0, 40), st.integers(0, 20000),
       st.integers(1, 200))
def test_clearing_price_stops_early_only_when_nothing_higher_can_win(
        sells: list[Order], buys: list[Order], supply: int, demand: int, elasticity: int,
        ref: int) -> None:
    curve = Curve(supply, demand, elasticity, ref)
    assert clearing_price(sells, buys, curve) == _scan_every_candidate(sells, buys, curve)
