"""A player sees the bilateral frameworks on the board (issue 14, item 4): the US seat's
own frameworks sit with its active deals, labelled as not binding, with their text and
how they become binding, in Spanish on a Spanish page; everyone sees them among the deals
at the table."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.checks import Checks
from tests.browser.conftest import Pages, join
from tests.browser.server import ForgeServer


def test_frameworks_show_on_the_player_page_in_spanish(server: ForgeServer,
                                                       pages: Pages) -> None:
    code = server.new_game("--start")["code"]
    usa = join(pages.new(390, 844, is_mobile=True, has_touch=True, locale="es-ES"), server,
               str(code), "Lucía", "USA")
    expect(usa.get_by_test_id("net")).to_have_text("conectado")

    mine = usa.get_by_test_id("active-deals").locator('[data-deal="usa-aus"]')
    expect(mine).to_contain_text("marco (no vinculante)")
    expect(mine).to_contain_text("Marco de minerales críticos EE. UU.-Australia")
    expect(mine).to_contain_text("lo hace vinculante")
    expect(mine).to_contain_text("+1 de reputación")
    expect(usa.get_by_test_id("active-deals").locator('[data-deal="usa-jpn"]')).to_have_count(1)
    checks = Checks("es")
    checks.page(usa, "player console with the frameworks on the board", shot="es-frameworks")
    checks.assert_clean()
