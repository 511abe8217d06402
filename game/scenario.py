"""Scenario data: the board a game is played on, loaded from `fixtures/scenarios/*.json`.

Shape errors are caught by msgspec while decoding (it names the JSON path); the checks
below catch what a type cannot say (unknown references, ranges, duplicates). Either way
the error names the field and the reason, so a scenario author can fix the file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, NamedTuple

import msgspec

from game.clauses import CLAUSE_KINDS
from game.effects import Effect
from game.errors import ScenarioError, text_fault

Form = Literal["ore", "refined"]
FORMS: tuple[Form, Form] = ("ore", "refined")
Part = Literal["prosperity", "security", "sustainability", "reputation"]
PARTS: tuple[Part, ...] = ("prosperity", "security", "sustainability", "reputation")
RESERVED = frozenset({"ALL", "$self", "ROW", "FORGE", "facilitator", "spectator"})


class Source(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    tag: str
    citation: str
    url: str = ""


class RowCurve(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Rest-of-world supply and demand for one mineral form, linear around the reference price.

    At price p the RoW offers supply * (1 + elasticity_bp * (p - ref) / (ref * 10000)) lots
    and bids demand * (1 - elasticity_bp * (p - ref) / (ref * 10000)) lots, never below zero.
    """

    supply: int
    demand: int
    elasticity_bp: int = 10000


class Mineral(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: str
    name: str
    ref_price_ore: int
    ref_price_refined: int
    output_value: int  # $M of industrial output per refined lot consumed at home
    row_ore: RowCurve
    row_refined: RowCurve
    capex_mine: int = 10  # $M per lot/round of new mine capacity (domestic investment)
    capex_refine: int = 10
    invest_delay: int = 1  # rounds before domestic investment adds capacity

    def ref_price(self, form: Form) -> int:
        return self.ref_price_ore if form == "ore" else self.ref_price_refined

    def row(self, form: Form) -> RowCurve:
        return self.row_ore if form == "ore" else self.row_refined


class CountryMineral(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    mine: int = 0  # ore lots per round
    refine: int = 0  # ore lots refined per round (1 ore -> 1 refined)
    demand: int = 0  # refined lots consumed per round by industry
    ore: int = 0  # starting inventory
    refined: int = 0
    stockpile: int = 0  # starting strategic stockpile (refined)


ObjectiveKind = Literal[
    "max_import_share",  # share of refined `mineral` bought from `other` stays <= share_bp
    "home_refining_share",  # refine >= share_bp of own mined `mineral` at home
    "world_refining_share",  # own refined output of `mineral` >= share_bp of all seats'
    "no_shortage",  # no shortage of `mineral` in any round
    "signed_deal",  # sign a deal on `mineral` including any clause kind in `clauses`
    "treasury_gain",  # treasury at the end >= start + amount
    "forge_member",  # be a FORGE member at the end
]


class Objective(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: str
    kind: ObjectiveKind
    text: str
    bonus: int = 20
    mineral: str = ""
    other: str = ""
    share_bp: int = 0
    amount: int = 0
    clauses: tuple[str, ...] = ()


class Country(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: str
    name: str
    treasury: int
    minerals: dict[str, CountryMineral]
    weights: dict[str, int]  # per score part, integers; relative weights
    objectives: tuple[Objective, ...] = ()
    reputation: int = 5
    env_standard: int = 1
    forge_member: bool = False
    bot_allowed: bool = True
    profile: str = ""  # one line for players: what this delegation wants


class Prompt(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    text: str
    seats: tuple[str, ...]  # affected seats
    options: tuple[PromptOption, ...]
    default: str  # option id taken when no answer by the end of negotiation


class PromptOption(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: str
    label: str
    effects: tuple[Effect, ...] = ()


class Card(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: str
    title: str
    text: str
    effects: tuple[Effect, ...] = ()
    prompt: Prompt | None = None
    round: int = 0  # 0 = shuffled into the deck; n = scripted for round n


class DrawRule(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """At least one of `cards` (shuffled deck cards) is drawn in a round of
    `from_round`..`to_round`. The shuffle is arranged once when the game is dealt
    (`cards.deal_deck`), so an event the scenario is about (a second export control, say)
    happens in every game while which card and which round still vary with the seed.
    Cards are named, not picked by their effects, so a copy of the scenario with those
    effects blanked (the calm baseline, experiments) deals the very same deck."""

    cards: tuple[str, ...]
    from_round: int
    to_round: int


class Framework(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A non-binding bilateral framework already signed before the game (the US agreements
    with Australia, Japan, ...). It sits on the board as a public deal with status
    "framework"; a binding deal of the two seats with a supply or invest clause on one of
    its minerals makes it "upgraded", and each of them gains `bonus` reputation."""

    id: str
    seats: tuple[str, ...]
    minerals: tuple[str, ...]
    title: str
    text: str
    source: str  # the citation it comes from
    bonus: int = 1


class ForgeSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    members: tuple[str, ...]
    chair: str
    chair_until_round: int
    admission_bp: int = 6667  # share of members' yes votes needed to admit
    contribution: int = 5  # $M per member per round into the fund
    min_standard: int = 0  # 0 = none adopted yet
    fund: int = 0
    cartel_floor_bp: int = 15000  # a floor above this share of the RoW reference is disputable
    dispute_rounds: int = 2
    dispute_penalty: int = 1  # reputation lost by every member when a dispute is upheld


class Scenario(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    id: str
    title: str
    description: str
    rounds: int
    round_labels: tuple[str, ...]
    minerals: tuple[Mineral, ...]
    countries: tuple[Country, ...]
    cards: tuple[Card, ...]
    forge: ForgeSettings
    sources: tuple[Source, ...]
    negotiation_seconds: int = 480
    orders_seconds: int = 180
    max_open_proposals: int = 20  # per seat, so one seat cannot flood the table
    draw_rules: tuple[DrawRule, ...] = ()
    frameworks: tuple[Framework, ...] = ()

    def mineral(self, mineral_id: str) -> Mineral:
        return _lookups(self).minerals[mineral_id]

    def country(self, seat: str) -> Country:
        return _lookups(self).countries[seat]

    def framework(self, framework_id: str) -> Framework | None:
        return _lookups(self).frameworks.get(framework_id)

    @property
    def seat_ids(self) -> tuple[str, ...]:
        return _lookups(self).seat_ids

    @property
    def mineral_ids(self) -> tuple[str, ...]:
        return _lookups(self).mineral_ids


class _Lookups(NamedTuple):
    """Indexes of one scenario's tuples, built once: a Scenario is frozen, so they stay true."""

    scenario: Scenario  # held so that its id() cannot be reused while the entry exists
    minerals: dict[str, Mineral]
    countries: dict[str, Country]
    seat_ids: tuple[str, ...]
    mineral_ids: tuple[str, ...]
    frameworks: dict[str, Framework]


_LOOKUPS: dict[int, _Lookups] = {}
_MAX_LOOKUPS = 32  # scenarios indexed at once; the oldest entry goes first


def _lookups(scenario: Scenario) -> _Lookups:
    found = _LOOKUPS.get(id(scenario))
    if found is not None and found.scenario is scenario:
        return found
    found = _Lookups(
        scenario,
        {m.id: m for m in scenario.minerals},
        {c.id: c for c in scenario.countries},
        tuple(c.id for c in scenario.countries),
        tuple(m.id for m in scenario.minerals),
        {f.id: f for f in scenario.frameworks},
    )
    if len(_LOOKUPS) >= _MAX_LOOKUPS:
        _LOOKUPS.pop(next(iter(_LOOKUPS)), None)
    _LOOKUPS[id(scenario)] = found
    return found


def parse_scenario(raw: bytes | str, *, require_action: bool = True) -> Scenario:
    """Decode and validate a scenario document; raises ScenarioError naming the field.
    `require_action=False` skips the no-deal objective check (unit-test boards only)."""
    try:
        scenario = msgspec.json.decode(raw, type=Scenario)
    except msgspec.ValidationError as exc:
        text = str(exc)
        field = text.rsplit(" - at ", 1)[1].strip("`") if " - at " in text else "$"
        raise ScenarioError(field, text.split(" - at ")[0]) from None
    except msgspec.DecodeError as exc:
        raise ScenarioError("$", f"not valid JSON ({exc})") from None
    validate(scenario)
    if require_action:
        check_objectives_need_action(scenario)
    return scenario


def check_objectives_need_action(scenario: Scenario) -> None:
    """Refuse a scenario in which the no-deal game (nobody negotiates, default orders; in the
    calm world and as dealt, for three seeds) meets an objective by itself: an objective must
    reward doing something. Costs a few no-deal games, once per load."""
    from game.scoring import objectives_met_by_doing_nothing

    found = objectives_met_by_doing_nothing(scenario)
    if found:
        raise ScenarioError(found[0], "met by the no-deal game (nobody negotiating, default "
                            "orders): an objective must need action")


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file, and its stored par factors if they are current (game.par). The
    only file access in the engine, kept at its edge."""
    from game.par import read_stored

    scenario = parse_scenario(Path(path).read_bytes())
    read_stored(scenario, Path(path))
    return scenario


def _unique(ids: list[str], where: str) -> None:
    seen: set[str] = set()
    for i, x in enumerate(ids):
        if not x:
            raise ScenarioError(f"{where}[{i}].id", "must not be empty")
        if x in seen:
            raise ScenarioError(f"{where}[{i}].id", f"duplicate id {x!r}")
        seen.add(x)


def _check(cond: bool, field: str, reason: str) -> None:
    if not cond:
        raise ScenarioError(field, reason)


def validate(s: Scenario) -> None:
    """Semantic checks that the type system cannot express."""
    _check(1 <= s.rounds <= 12, "$.rounds", "must be between 1 and 12")
    _check(len(s.round_labels) == s.rounds, "$.round_labels", "needs one label per round")
    _check(len(s.minerals) >= 1, "$.minerals", "needs at least one mineral")
    _check(2 <= len(s.countries) <= 32, "$.countries", "needs between 2 and 32 seats")
    _check(len(s.sources) >= 1, "$.sources", "cite at least one source")
    _check(s.negotiation_seconds > 0, "$.negotiation_seconds", "must be positive")
    _check(s.orders_seconds > 0, "$.orders_seconds", "must be positive")
    _unique([m.id for m in s.minerals], "$.minerals")
    _unique([c.id for c in s.countries], "$.countries")
    _unique([c.id for c in s.cards], "$.cards")
    minerals = set(s.mineral_ids)
    seats = set(s.seat_ids)
    _check(s.max_open_proposals >= 1, "$.max_open_proposals", "must be at least 1")
    for i, c in enumerate(s.countries):
        _check(c.id not in RESERVED, f"$.countries[{i}].id", f"{c.id!r} is a reserved word")
    for i, mineral_def in enumerate(s.minerals):
        _check(mineral_def.id not in RESERVED, f"$.minerals[{i}].id", "a reserved word")
    for i, mineral_def in enumerate(s.minerals):
        at = f"$.minerals[{i}]"
        for name in ("ref_price_ore", "ref_price_refined", "output_value"):
            _check(getattr(mineral_def, name) > 0, f"{at}.{name}", "must be positive")
        for name in ("capex_mine", "capex_refine"):
            _check(getattr(mineral_def, name) > 0, f"{at}.{name}", "must be positive")
        _check(mineral_def.invest_delay >= 0, f"{at}.invest_delay", "must not be negative")
        for form in ("ore", "refined"):
            curve: RowCurve = getattr(mineral_def, f"row_{form}")
            for name in ("supply", "demand"):
                _check(getattr(curve, name) >= 0, f"{at}.row_{form}.{name}", "must not be negative")
            _check(
                0 <= curve.elasticity_bp <= 50000,
                f"{at}.row_{form}.elasticity_bp",
                "must be between 0 and 50000",
            )
    for i, c in enumerate(s.countries):
        at = f"$.countries[{i}]"
        _check(c.treasury >= 0, f"{at}.treasury", "must not be negative")
        _check(0 <= c.reputation <= 10, f"{at}.reputation", "must be between 0 and 10")
        _check(0 <= c.env_standard <= 3, f"{at}.env_standard", "must be between 0 and 3")
        for mid, cm in c.minerals.items():
            _check(mid in minerals, f"{at}.minerals.{mid}", "unknown mineral")
            for name in ("mine", "refine", "demand", "ore", "refined", "stockpile"):
                _check(
                    getattr(cm, name) >= 0, f"{at}.minerals.{mid}.{name}", "must not be negative"
                )
        for part in c.weights:
            _check(part in PARTS, f"{at}.weights.{part}", f"unknown score part; use {PARTS}")
        _check(
            all(w >= 0 for w in c.weights.values()) and sum(c.weights.values()) > 0,
            f"{at}.weights",
            "weights must be non-negative and not all zero",
        )
        _unique([o.id for o in c.objectives], f"{at}.objectives")
        for j, o in enumerate(c.objectives):
            oat = f"{at}.objectives[{j}]"
            if o.kind in (
                "max_import_share",
                "home_refining_share",
                "world_refining_share",
                "no_shortage",
                "signed_deal",
            ):
                _check(o.mineral in minerals, f"{oat}.mineral", "unknown mineral")
            if o.kind == "max_import_share":
                _check(o.other in seats and o.other != c.id, f"{oat}.other", "must be another seat")
            if o.kind == "treasury_gain":
                _check(o.amount > 0, f"{oat}.amount", "must be positive")
            if o.kind in ("max_import_share", "home_refining_share", "world_refining_share"):
                _check(0 < o.share_bp <= 10000, f"{oat}.share_bp", "must be in 1..10000")
            _check(o.bonus >= 0, f"{oat}.bonus", "must not be negative")
            for k, kind in enumerate(o.clauses):
                _check(kind in CLAUSE_KINDS, f"{oat}.clauses[{k}]", f"unknown clause kind {kind!r}")
    f = s.forge
    for j, member in enumerate(f.members):
        _check(member in seats, f"$.forge.members[{j}]", f"unknown seat {member!r}")
    _check(f.chair in f.members, "$.forge.chair", "the chair must be a founding member")
    _check(0 <= f.chair_until_round <= s.rounds, "$.forge.chair_until_round", "must be a round")
    _check(5000 < f.admission_bp <= 10000, "$.forge.admission_bp", "must be in 5001..10000")
    _check(f.contribution >= 0, "$.forge.contribution", "must not be negative")
    _check(0 <= f.min_standard <= 3, "$.forge.min_standard", "must be between 0 and 3")
    _check(f.fund >= 0, "$.forge.fund", "must not be negative")
    for i, c in enumerate(s.countries):
        _check(
            c.forge_member == (c.id in f.members),
            f"$.countries[{i}].forge_member",
            "must agree with $.forge.members",
        )
    for i, card in enumerate(s.cards):
        at = f"$.cards[{i}]"
        _check(0 <= card.round <= s.rounds, f"{at}.round", "must be 0 (shuffled) or a round")
        _check_text(card.id, ID_MAX, f"{at}.id")
        check_card(card.title, card.text, card.effects, at, seats, minerals)
        if card.prompt is not None:
            p = card.prompt
            _check_text(p.text, CARD_TEXT_MAX, f"{at}.prompt.text", multiline=True)
            for j, opt in enumerate(p.options):
                _check_text(opt.id, ID_MAX, f"{at}.prompt.options[{j}].id")
                _check_text(opt.label, CARD_TITLE_MAX, f"{at}.prompt.options[{j}].label")
                _check(len(opt.effects) <= MAX_CARD_EFFECTS, f"{at}.prompt.options[{j}].effects",
                       f"at most {MAX_CARD_EFFECTS} effects")
            _check(len(p.options) >= 1, f"{at}.prompt.options", "needs at least one option")
            _unique([o.id for o in p.options], f"{at}.prompt.options")
            _check(p.default in {o.id for o in p.options}, f"{at}.prompt.default", "not an option")
            _check(len(p.seats) >= 1, f"{at}.prompt.seats", "name at least one seat")
            _check(len(set(p.seats)) == len(p.seats), f"{at}.prompt.seats", "a seat is repeated")
            for j, seat in enumerate(p.seats):
                _check(seat in seats, f"{at}.prompt.seats[{j}]", f"unknown seat {seat!r}")
            for j, opt in enumerate(p.options):
                for k, e in enumerate(opt.effects):
                    _check_effect(
                        e,
                        f"{at}.prompt.options[{j}].effects[{k}]",
                        seats,
                        minerals,
                        allow_self=True,
                    )
    scripted = [c.round for c in s.cards if c.round]
    _check(len(scripted) == len(set(scripted)), "$.cards", "two cards scripted for one round")
    _check(len(s.cards) >= s.rounds, "$.cards", "needs at least one card per round")
    _check_draw_rules(s)
    _check_frameworks(s, seats, minerals)


FRAMEWORK_ID = re.compile(r"[a-z][a-z0-9-]*")  # never a generated id such as "D12"
MAX_FRAMEWORK_BONUS = 3


def _check_draw_rules(s: Scenario) -> None:
    """Each rule names deck cards and a window of rounds in which at least one round is
    drawn from the deck; no card serves two rules, so arranging one cannot undo another."""
    deck = {c.id for c in s.cards if not c.round}
    scripted = {c.round for c in s.cards if c.round}
    claimed: set[str] = set()
    for i, rule in enumerate(s.draw_rules):
        at = f"$.draw_rules[{i}]"
        _check(len(rule.cards) >= 1, f"{at}.cards", "name at least one card")
        for j, card_id in enumerate(rule.cards):
            _check(card_id in deck, f"{at}.cards[{j}]",
                   f"{card_id!r} is not a shuffled deck card (unknown or scripted)")
            _check(card_id not in claimed, f"{at}.cards[{j}]",
                   f"{card_id!r} is repeated or named by another rule")
            claimed.add(card_id)
        _check(1 <= rule.from_round <= s.rounds, f"{at}.from_round", "must be a round")
        _check(rule.from_round <= rule.to_round <= s.rounds, f"{at}.to_round",
               "must be a round from from_round on")
        _check(any(r not in scripted for r in range(rule.from_round, rule.to_round + 1)),
               f"{at}", "every round of the window has a scripted card: none draws from "
               "the deck")


def _check_frameworks(s: Scenario, seats: set[str], minerals: set[str]) -> None:
    _unique([f.id for f in s.frameworks], "$.frameworks")
    pairs: set[frozenset[str]] = set()
    for i, fw in enumerate(s.frameworks):
        at = f"$.frameworks[{i}]"
        _check(bool(FRAMEWORK_ID.fullmatch(fw.id)) and len(fw.id) <= ID_MAX, f"{at}.id",
               "lower-case letters, digits and hyphens, starting with a letter")
        _check(len(fw.seats) == 2 and fw.seats[0] != fw.seats[1], f"{at}.seats",
               "name two different seats")
        for j, seat in enumerate(fw.seats):
            _check(seat in seats, f"{at}.seats[{j}]", f"unknown seat {seat!r}")
        pair = frozenset(fw.seats)
        _check(pair not in pairs, f"{at}.seats", "these two seats already have a framework")
        pairs.add(pair)
        _check(len(fw.minerals) >= 1, f"{at}.minerals", "name at least one mineral")
        _check(len(set(fw.minerals)) == len(fw.minerals), f"{at}.minerals",
               "a mineral is repeated")
        for j, m in enumerate(fw.minerals):
            _check(m in minerals, f"{at}.minerals[{j}]", f"unknown mineral {m!r}")
        _check_text(fw.title, CARD_TITLE_MAX, f"{at}.title")
        _check_text(fw.text, CARD_TEXT_MAX, f"{at}.text", multiline=True)
        _check_text(fw.source, CARD_TEXT_MAX, f"{at}.source")
        _check(1 <= fw.bonus <= MAX_FRAMEWORK_BONUS, f"{at}.bonus",
               f"must be 1 to {MAX_FRAMEWORK_BONUS} (reputation points)")


# Bounds on a card's words and effects: the same for a scenario's cards and for a card the
# facilitator writes during a game (`cards.fire`), so neither can put into a game what the
# other could not.
CARD_TITLE_MAX = 120
CARD_TEXT_MAX = 1000
MAX_CARD_EFFECTS = 12
ID_MAX = 64
MAX_EFFECT_ROUNDS = 12  # no scenario is longer (see `validate`)


def _check_text(value: str, max_len: int, field: str, *, multiline: bool = False,
                min_len: int = 1) -> None:
    fault = text_fault(value, max_len, multiline=multiline, min_len=min_len)
    if fault is not None:
        raise ScenarioError(field, fault)


def check_card(title: str, text: str, effects: tuple[Effect, ...], at: str, seats: set[str],
               minerals: set[str]) -> None:
    """A card's title (one line, 1-120 characters, not blank), text (0-1000 characters;
    newlines and tabs allowed) and effects (at most 12, each within `_check_effect`'s
    bounds). Raises ScenarioError naming the field."""
    _check_text(title, CARD_TITLE_MAX, f"{at}.title")
    _check(bool(title.strip()), f"{at}.title", "must not be blank")
    _check_text(text, CARD_TEXT_MAX, f"{at}.text", multiline=True, min_len=0)
    _check(len(effects) <= MAX_CARD_EFFECTS, f"{at}.effects",
           f"at most {MAX_CARD_EFFECTS} effects")
    for j, e in enumerate(effects):
        _check_effect(e, f"{at}.effects[{j}]", seats, minerals, allow_self=False)


def _check_effect(
    e: Effect, at: str, seats: set[str], minerals: set[str], allow_self: bool
) -> None:
    """An effect names real seats and minerals and keeps every number within a range the
    state can hold (a card lasting 10**30 rounds would overflow the snapshot)."""
    allowed = seats | {"$self"} if allow_self else seats
    seat = getattr(e, "seat", None)
    if seat is not None and seat != "ALL":
        _check(seat in allowed, f"{at}.seat", f"unknown seat {seat!r}")
    licensor = getattr(e, "licensor", None)
    if licensor is not None:
        _check(licensor in seats, f"{at}.licensor", f"unknown seat {licensor!r}")
    mineral = getattr(e, "mineral", None)
    if mineral is not None:
        _check(mineral in minerals, f"{at}.mineral", f"unknown mineral {mineral!r}")
    targets = getattr(e, "targets", ())
    for t in targets:
        _check(t == "ALL" or t in allowed, f"{at}.targets", f"unknown seat {t!r}")
    _check(len(set(targets)) == len(targets), f"{at}.targets", "a seat is repeated")
    rounds = getattr(e, "rounds", 1)
    _check(
        (0 if e.__struct_config__.tag == "capacity" else 1) <= rounds <= MAX_EFFECT_ROUNDS,
        f"{at}.rounds",
        f"must be 1 to {MAX_EFFECT_ROUNDS} (0 allowed only for a permanent capacity change)",
    )
    for name, low, high in _EFFECT_RANGES:
        value = getattr(e, name, None)
        if isinstance(value, int) and not isinstance(value, bool):
            _check(low <= value <= high, f"{at}.{name}", f"must be between {low} and {high}")


# Ranges for effect fields wherever they appear: no card may drain more than everything.
_EFFECT_RANGES = (
    ("delay", 0, 12),
    ("qty", 0, 1_000_000),
    ("amount", -1_000_000, 1_000_000),
    ("rate_bp", 0, 10_000),
    ("delta_bp", -10_000, 50_000),
    ("supply_bp", -10_000, 50_000),
    ("demand_bp", -10_000, 50_000),
    ("delta", -1_000_000, 1_000_000),
)
