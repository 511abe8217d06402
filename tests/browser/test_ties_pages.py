"""Ties on the pages: a classroom-lite game where every country stands still ends with
several countries level at 100 (nobody beats the game with no deals; the targets of the
scripted control fall below it). Equal highest totals share the win, so the projector's
ranking gives them the same place and the discussion names every one of them as first."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import Pages
from tests.browser.server import ForgeServer
from tests.browser.test_par_pages import wait_ended

SEATS = ("USA", "CHN", "EU", "JPN", "AUS", "COD")


def test_a_tie_at_the_top_shares_first_place(server: ForgeServer, pages: Pages) -> None:
    bots = ",".join(f"{s}=passive" for s in SEATS)
    code = str(server.new_game("--scenario", "classroom-lite", "--start", "--bots", bots)["code"])
    projector = pages.new(1920, 1080, locale="en-GB")
    projector.goto(server.url(f"/g/{code}/watch/"))
    expect(projector.get_by_test_id("net")).to_have_class(re.compile(r"\bnet-online\b"))
    projector.wait_for_function("() => window.forge && window.forge.store.view", timeout=30_000)
    rounds = int(projector.evaluate("window.forge.store.view.rounds"))
    for _ in range(2 * rounds):  # the bots' ready may end a phase before the facilitator
        try:
            server.apply(code, '{"type": "advance"}')
        except RuntimeError as e:
            assert "game_over" in str(e), e
            break
    wait_ended(projector)
    v = projector.evaluate("window.forge.store.view")
    totals = {s: x["total"] for s, x in v["scores"].items()}
    top = max(totals.values())
    first = [s for s in SEATS if totals[s] == top]
    assert len(first) >= 2, totals  # else there is no tie to show
    ranking = projector.get_by_test_id("scores")
    for seat, total in totals.items():
        place = 1 + sum(t > total for t in totals.values())
        item = ranking.locator(f"li.rank-item[data-seat='{seat}']")
        expect(item.locator(".rank-no")).to_have_text(str(place))
    question = projector.get_by_test_id("questions").locator("li").first
    names = ", ".join(v["seats"][s]["name"] for s in first)
    expect(question).to_contain_text(f"{names} finished first with {top} points")
