"""Words for people: the glossary of game terms in plain language (the "How to play" page
lists it; the consoles show each entry as a tooltip beside the term), and the scenario's
texts in the page's language.

Scenario files stay in English (they belong to the engine); a translation lives in
fixtures/i18n/<language>/<scenario id>.json, a flat map from a dotted key to the text:
"title", "description", "countries.<SEAT>.name", "countries.<SEAT>.profile",
"countries.<SEAT>.objectives.<id>", "minerals.<id>.name", "cards.<id>.title",
"cards.<id>.text", "cards.<id>.prompt", "cards.<id>.options.<option id>",
"round_labels.<n>". A key with no translation shows the English text."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from django import template
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

I18N_DIR = Path(settings.BASE_DIR) / "fixtures" / "i18n"

# key -> (the term, what it means). Plain words for a 15-year-old; the consoles put the
# meaning beside the term (a "?" button) and "How to play" lists them all.
GLOSSARY: dict[str, tuple[Any, Any]] = {
    "lot": (_("Lot"), _("The game's unit of quantity: one shipment of a mineral. Prices are "
                        "in millions of dollars ($M) per lot.")),
    "ore": (_("Ore"), _("Rock as it comes out of the mine. It must be refined before "
                        "factories can use it.")),
    "refined": (_("Refined"), _("Mineral cleaned and processed so factories can use it. "
                                "Worth more than ore.")),
    "reference_price": (_("Reference price"), _("A fair price to start from: what a lot "
                                                "usually costs before the game moves it.")),
    "last_price": (_("Last price"), _("What a lot sold for on the market in the last "
                                      "round. 'No trade' means nobody traded it.")),
    "treasury": (_("Treasury"), _("Your country's money, in millions of dollars.")),
    "stockpile": (_("Reserve (stockpile)"), _("Minerals your country keeps aside for an "
                                              "emergency. You can put lots in or take them "
                                              "out.")),
    "stockpile_budget": (_("Reserve money"), _("Money you may spend only on filling your "
                                               "reserve.")),
    "demand": (_("Demand"), _("How many refined lots your factories need each round. "
                              "Missing lots are a shortage.")),
    "capacity": (_("Capacity"), _("How many lots your mines can dig, or your refineries "
                                  "can process, each round.")),
    "deal": (_("Deal"), _("An agreement between two countries for one or more rounds. Its "
                          "terms stay private until both sign.")),
    "supply": (_("Supply clause"), _("One country sells lots to the other every round at "
                                     "an agreed price.")),
    "invest": (_("Investment clause"), _("One country pays to build a mine or refinery in "
                                         "the other. It can ask for a share of what it "
                                         "produces.")),
    "offtake": (_("Share of output"), _("The part of a new mine's or refinery's output the "
                                        "investor may buy, at a fixed price.")),
    "payment": (_("Payment clause"), _("One country pays the other once.")),
    "tariff": (_("Import tax (tariff)"), _("A tax a country puts on minerals coming from "
                                           "another country.")),
    "tariff_waiver": (_("No import tax"), _("A promise not to tax the partner's minerals.")),
    "standards": (_("Environmental standard"), _("How clean mining and refining must be, "
                                                 "from 0 (no rules) to 3 (strict).")),
    "exclusivity": (_("Don't sell to a rival"), _("A promise not to sell a mineral to a "
                                                  "third country.")),
    "license": (_("Export permit"), _("An exception to a country's export ban, for one "
                                      "partner.")),
    "export_control": (_("Export ban (control)"), _("A country stops a mineral from being "
                                                    "sold to some countries.")),
    "forge": (_("FORGE"), _("A club of allied countries: no tariffs between members, "
                            "minimum prices (floors) and a shared fund.")),
    "floor": (_("Floor price"), _("A minimum price FORGE sets: members do not sell below "
                                  "it.")),
    "motion": (_("Motion"), _("A proposal FORGE members vote on: admit a country, set a "
                              "floor, a standard or a chair.")),
    "reputation": (_("Reputation"), _("How far others can trust you, from 0 to 10. "
                                      "Breaking deals lowers it.")),
    "breach": (_("Broken promise (breach)"), _("A deal was not delivered as promised. It "
                                               "costs reputation and points.")),
    "orders": (_("Orders"), _("Your secret decisions for the round: what to refine, sell, "
                              "buy, store and build. Revealed when the round is resolved.")),
    "limit": (_("Price limit"), _("When selling: the lowest price you accept. When buying: "
                                  "the highest price you pay.")),
    "objective": (_("Secret objective"), _("A goal only you know. Reaching it adds bonus "
                                           "points at the end.")),
    "score": (_("Score"), _("Points at the end. 100 in a part means you did as well as if "
                            "you had made no deals at all; more is better.")),
    "par": (_("Par"), _("Some countries have more room to gain than others. Your points "
                        "above or below 100 are multiplied by your par (for example x1.4), "
                        "so a strong game is worth the same for every country. Where that "
                        "would make money worth far more to one country than another, the "
                        "points from money count less and the others more.")),
    "weights": (_("What matters most"), _("Each country cares about some parts of the score "
                                          "more than others: a part that counts 4 times "
                                          "matters twice as much as one that counts 2 "
                                          "times.")),
    "prompt": (_("Event question"), _("An event asks your country to choose a response. No "
                                      "answer by the end of negotiation means the "
                                      "default.")),
    "wto": (_("Trade complaint (WTO)"), _("A complaint to the World Trade Organization that "
                                          "FORGE's rules are unfair. It is decided a few "
                                          "rounds later.")),
}


def glossary() -> list[dict[str, str]]:
    """The glossary in the current language, in the order above."""
    return [{"key": k, "term": str(t), "text": str(d)} for k, (t, d) in GLOSSARY.items()]


@functools.lru_cache(maxsize=32)
def _table(language: str, scenario_id: str, mtime: float) -> dict[str, str]:
    path = I18N_DIR / language / f"{scenario_id}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}


def scenario_texts(scenario_id: str, language: str | None = None) -> dict[str, str]:
    """The scenario's translated texts for `language` (the page's by default), or {}."""
    lang = (language or get_language() or "en").split("-")[0]
    if lang == "en" or "/" in scenario_id or scenario_id.startswith("."):
        return {}
    path = I18N_DIR / lang / f"{scenario_id}.json"
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return {}
    return _table(lang, scenario_id, mtime)


def scenario_text(scenario_id: str, key: str, english: str) -> str:
    return scenario_texts(scenario_id).get(key, english)
