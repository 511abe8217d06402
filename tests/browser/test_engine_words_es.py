"""On a page in Spanish, what the engine says reaches the player in Spanish: a refusal (said
from its code and params, the server's English only in the tooltip), the advisor's reasons
and a computer player's note on its offer. The page then passes the Spanish catalogue walk
(checks.py), which knows the bots' English sayings too."""

from __future__ import annotations

import string

from playwright.sync_api import Page, expect

from game.bots.common import SAYINGS
from tests.browser.checks import Checks
from tests.browser.conftest import Pages, join
from tests.browser.server import ForgeServer

ENGLISH_BITS = ("Propose to", "points to your score", "lots/round", "spot about",
                "by our estimate", "cooperative", "hawk", "counter")


def test_refusals_advice_and_bot_notes_are_in_spanish(server: ForgeServer, pages: Pages) -> None:
    code = server.new_game("--start", "--advisor",
                           "--bots", "CHN=cooperative,EU=cooperative,JPN=cooperative,"
                           "COD=cooperative,AUS=cooperative")["code"]
    usa = join(pages.new(390, 844, is_mobile=True, has_touch=True, locale="es-ES"), server,
               str(code), "Lucía", "USA")
    expect(usa.get_by_test_id("net")).to_have_text("conectado")
    expect(usa.locator("html")).to_have_attribute("lang", "es")
    checks = Checks("es")

    # A refusal: a supply clause of 0 lots (the form lets it through; the engine refuses).
    builder = usa.get_by_test_id("deal-builder")
    builder.get_by_test_id("deal-partner").select_option("CHN")
    builder.get_by_test_id("add-clause").click()  # supply
    builder.locator(".clause-row").first.get_by_label("Lotes por ronda").fill("0")
    builder.get_by_test_id("propose").click()
    toast = usa.locator(".toast-error").last
    expect(toast.locator(".toast-code")).to_have_text("bad_clause")
    text = toast.locator(".toast-text")
    expect(text).to_have_text("La parte 1 del acuerdo (suministro) tiene un número fuera de "
                              "rango: revísalo.")
    expect(text).to_have_attribute("title", "clause 1 (supply): qty must be 1..100000, "
                                            "price 0..1000000")

    # The advisor's proposal, said from its key and params.
    usa.get_by_test_id("ask-advisor").click()
    advice = usa.get_by_test_id("advice")
    proposal = advice.get_by_test_id("advice-proposal")
    expect(proposal).to_contain_text("Proponer a")
    expect(proposal).to_contain_text("Por qué:")
    expect(proposal).to_contain_text("puntos a tu puntuación")

    # A computer player's offer to USA, its note in Spanish (no English, no strategy).
    note = usa.get_by_test_id("incoming-deal").get_by_test_id("bot-note").first
    expect(note).to_contain_text("Nota del jugador del ordenador")
    seen = advice.inner_text() + "\n" + note.inner_text()
    assert not [bit for bit in ENGLISH_BITS if bit in seen], seen

    # With an offer waiting, the advisor gives a verdict on it, in Spanish too.
    usa.get_by_test_id("ask-advisor").click()
    verdict = advice.get_by_test_id("advice-offer").first
    expect(verdict).to_contain_text("según nuestro cálculo")
    assert not [bit for bit in ENGLISH_BITS if bit in verdict.inner_text()]

    _every_saying_is_said_in_spanish(usa)
    checks.page(usa, "player console with a refusal, advice and a bot's offer",
                shot="es-engine-words")
    checks.assert_clean()


SAMPLE = {"qty": 2, "price": 30, "spot": 28, "limit": 25, "level": 2, "percent": 25,
          "points": "+1.5", "form": "refined", "mineral": "lithium", "host": "AUS",
          "investor": "JPN", "seats": "CHN, EU"}


def _every_saying_is_said_in_spanish(page: Page) -> None:
    """Each key the bots say, with the params its English names, through the page's own
    said.js: a Spanish sentence with every param filled and no id left."""
    said = {}
    for key, english in SAYINGS.items():
        names = [f for _, f, _, _ in string.Formatter().parse(english) if f]
        said[key] = {"key": key, "params": {n: SAMPLE[n] for n in names}}
    out = page.evaluate("""async (said) => {
      const m = await import("/static/forge/js/said.js");
      const v = window.forge.store.view;
      return Object.fromEntries(Object.entries(said).map(([k, s]) => [k, m.saidText(v, s)]));
    }""", said)
    for key, text in out.items():
        assert text and "%(" not in text, (key, text)
        assert text != SAYINGS[key].format(**said[key]["params"]), (key, text)
        for raw in ("lithium", "AUS", "JPN", "CHN", "refined"):
            assert raw not in text, (key, text)
