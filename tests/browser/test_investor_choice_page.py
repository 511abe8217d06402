"""A person chooses for a project it finances abroad (issue 13) on the player page: the US
pays for a lithium refinery in Australia, due at the end of round 1; its orders form lists
the project with the round it arrives, the US puts it back a round, the submitted orders
say so, the round report says it (to the host too) and that it now arrives at the end of
round 2, and round 2's orders form lists it arriving then (the host's form has no such
group). The page in English and in Spanish passes the accessibility, overflow and
translation checks."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from tests.browser.checks import Checks
from tests.browser.conftest import Pages, join
from tests.browser.server import ForgeServer

REFINERY = {"type": "invest", "investor": "USA", "host": "AUS", "amount": 45,
            "mineral": "lithium", "kind": "refine", "capacity": 1, "delay": 1}


def _as(server: ForgeServer, code: str, seat: str, action: dict[str, object]) -> None:
    server.new_game("--apply", code, json.dumps(action), "--actor", seat)


def _signed(server: ForgeServer, code: str, usa: Page) -> str:
    """The US proposes the refinery, Australia signs; the deal's id as the page has it."""
    _as(server, code, "USA", {"type": "propose_deal", "to": "AUS", "clauses": [REFINERY],
                              "rounds": 3})
    usa.wait_for_function("() => (window.forge.store.view.proposals || []).length > 0")
    deal = str(usa.evaluate("window.forge.store.view.proposals[0].id"))
    _as(server, code, "AUS", {"type": "accept_deal", "deal": deal})
    return deal


def test_an_investor_puts_its_project_back_a_round_from_the_orders_form(
    server: ForgeServer, pages: Pages,
) -> None:
    code = str(server.new_game("--start")["code"])
    usa = join(pages.new(), server, code, "Ana", "USA")
    aus = join(pages.new(), server, code, "Bo", "AUS")
    deal = _signed(server, code, usa)
    server.apply(code, json.dumps({"type": "advance"}))  # round 1 orders
    form = usa.get_by_test_id("orders-form")
    projects = form.get_by_test_id("projects-abroad")
    expect(projects).to_contain_text(f"a lithium refinery in Australia (deal {deal})")
    expect(projects).to_contain_text("1 new lot per round, ready at the end of round 1.")
    keep = form.get_by_test_id(f"project-{deal}-keep")
    expect(keep).to_be_checked()
    checks = Checks()
    checks.page(usa, "orders form with a project financed abroad", shot="investor-choice")

    # a second member of the US delegation reads the same form in Spanish
    es = join(pages.new(390, 844, is_mobile=True, has_touch=True, locale="es-ES"), server,
               str(code), "Lucía", "USA")
    es_projects = es.get_by_test_id("projects-abroad")
    expect(es_projects).to_contain_text(f"una refinería de litio en Australia (acuerdo {deal})")
    es.get_by_test_id(f"project-{deal}-abandon").check()
    expect(es.get_by_test_id(f"project-choice-{deal}")).to_contain_text(
        "Abandonarlo: una promesa rota")
    checks_es = Checks("es")
    checks_es.page(es, "orders form with a project financed abroad, in Spanish", phone=True)

    form.get_by_test_id(f"project-{deal}-postpone").check()
    form.get_by_test_id("submit-orders").click()
    status = form.get_by_test_id("orders-status")
    expect(status).to_contain_text("Orders submitted")
    expect(status).to_contain_text(
        f"Projects you finance abroad: a lithium refinery in Australia (deal {deal}): "
        "put back a round")
    assert usa.evaluate("window.forge.store.view.me.orders.postpone") == [deal]

    server.apply(code, json.dumps({"type": "advance"}))  # round 1 resolves
    expect(usa.get_by_test_id("round")).to_contain_text("Round 2 of")
    expect(usa.get_by_test_id("report-investments")).to_have_text(
        f"You put back your project in Australia (deal {deal}) by a round: \u22121 reputation. "
        "Now ready at the end of round 2.")
    expect(es.get_by_test_id("report-investments")).to_contain_text("ronda 2")
    expect(aus.get_by_test_id("report-investments")).to_have_text(
        f"United States put back its project in your country (deal {deal}) by a round.")
    server.apply(code, json.dumps({"type": "advance"}))  # round 2 orders
    expect(projects).to_contain_text("1 new lot per round, ready at the end of round 2.")
    expect(keep).to_be_checked()  # a new round starts at "keep"
    expect(aus.get_by_test_id("orders-form")).to_be_visible()
    expect(aus.get_by_test_id("orders-form").get_by_text("Projects you finance abroad")
           ).to_be_hidden()  # the host does not choose
    checks.page(usa, "round 2 orders, the project a round later")
    checks_es.page(es, "round 2 report and orders, in Spanish", phone=True)
    checks.assert_clean()
    checks_es.assert_clean()
