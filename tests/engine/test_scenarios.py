"""The shipped scenarios load, follow the research figures, and broken ones are refused.

Each broken scenario starts from the valid ministerial file (as a plain dict), breaks one
thing, and must be refused with a ScenarioError whose `field` names the JSON path of the
fault, so a scenario author knows where to look.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from game.errors import ErrorCode, ScenarioError
from game.scenario import Scenario, load_scenario, parse_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"
MINISTERIAL = SCENARIOS / "ministerial-2026.json"
LITE = SCENARIOS / "classroom-lite.json"

REQUIRED_SEATS = {"USA", "CHN", "EU", "JPN", "KOR", "IND", "AUS", "COD", "IDN", "GHA"}
REQUIRED_MINERALS = {"lithium", "cobalt", "nickel", "graphite", "rare_earths"}

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def ministerial() -> Scenario:
    return load_scenario(MINISTERIAL)


@pytest.fixture(scope="module")
def lite() -> Scenario:
    return load_scenario(LITE)


def _raw(path: Path = MINISTERIAL) -> Doc:
    doc: Doc = json.loads(path.read_text(encoding="utf-8"))
    return doc


def _field(err: ScenarioError) -> str:
    # msgspec wraps the path in backticks (`$.a[0].b`); the semantic checks do not.
    # Compare paths without them (see test_decode_error_field_has_no_backticks).
    return err.field.strip("`")


def _seat_index(doc: Doc, seat: str) -> int:
    return next(i for i, c in enumerate(doc["countries"]) if c["id"] == seat)


def _card_index(doc: Doc, card_id: str) -> int:
    return next(i for i, c in enumerate(doc["cards"]) if c["id"] == card_id)


def _refining_share(s: Scenario, seat: str, mineral: str) -> float:
    """A seat's share of all refining capacity: seats plus the RoW refined supply."""
    total = sum(c.minerals[mineral].refine for c in s.countries if mineral in c.minerals)
    total += s.mineral(mineral).row_refined.supply
    own = s.country(seat).minerals[mineral].refine
    return own / total


def _mine_share(s: Scenario, seat: str, mineral: str) -> float:
    """A seat's share of world mining: seat mines plus the RoW's net mining.

    The RoW mines what it offers as ore plus what it refines itself (its refined supply),
    less the ore it buys from seats (its ore demand).
    """
    m = s.mineral(mineral)
    total = sum(c.minerals[mineral].mine for c in s.countries if mineral in c.minerals)
    total += m.row_ore.supply + m.row_refined.supply - m.row_ore.demand
    return s.country(seat).minerals[mineral].mine / total


def _totals(s: Scenario, mineral: str) -> tuple[int, int, int]:
    cms = [c.minerals[mineral] for c in s.countries if mineral in c.minerals]
    return sum(x.mine for x in cms), sum(x.refine for x in cms), sum(x.demand for x in cms)


# ---- the shipped scenarios ----------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.json")), ids=lambda p: p.stem)
def test_every_shipped_scenario_loads(path: Path) -> None:
    s = load_scenario(path)
    assert s.id == path.stem
    assert parse_scenario(path.read_bytes()) == s


def test_both_scenarios_are_shipped() -> None:
    assert MINISTERIAL.is_file()
    assert LITE.is_file()


def test_ministerial_shape(ministerial: Scenario) -> None:
    s = ministerial
    assert 12 <= len(s.countries) <= 14
    seats = set(s.seat_ids)
    assert seats >= REQUIRED_SEATS
    assert seats & {"CHL", "ARG"}
    assert seats & {"SAU", "ARE"}
    assert all(x.isupper() and 2 <= len(x) <= 4 for x in seats)
    assert set(s.mineral_ids) >= REQUIRED_MINERALS
    assert s.rounds == 5
    assert s.round_labels[0] == "February 2026"
    assert s.round_labels[-1] == "June 2026"
    assert len(s.cards) >= 12
    assert s.sources
    assert all(src.tag and src.citation for src in s.sources)
    assert s.title and s.description


def test_ministerial_forge(ministerial: Scenario) -> None:
    f = ministerial.forge
    assert set(f.members) >= {"USA", "JPN", "KOR", "AUS", "EU", "IND"}
    assert "CHN" not in f.members
    assert f.chair == "KOR"
    assert f.chair_until_round == 4
    assert 5 <= f.contribution <= 10
    assert f.fund == 50


def test_ministerial_seats(ministerial: Scenario) -> None:
    for c in ministerial.countries:
        assert 1 <= len(c.objectives) <= 2, c.id
        assert c.reputation == 5, c.id
        assert 0 <= c.env_standard <= 3, c.id
        assert c.profile, c.id
        assert set(c.minerals) == set(ministerial.mineral_ids), c.id
    big = ("USA", "CHN", "EU", "JPN", "KOR", "IND")
    for seat in big:
        assert 500 <= ministerial.country(seat).treasury <= 2000, seat
    for seat in ("COD", "GHA", "CHL", "ARG"):
        assert 100 <= ministerial.country(seat).treasury <= 300, seat
    # the weights lean as the profiles say
    w = {c.id: c.weights for c in ministerial.countries}
    assert w["USA"]["security"] == max(w["USA"].values())
    assert w["COD"]["prosperity"] == max(w["COD"].values())
    assert w["EU"]["sustainability"] == max(w["EU"].values())
    assert w["CHN"]["prosperity"] + w["CHN"]["security"] > 2 * w["CHN"]["sustainability"]


def test_ministerial_objectives_from_the_rules(ministerial: Scenario) -> None:
    def objectives(seat: str) -> list[tuple[Any, ...]]:
        return [
            (o.kind, o.mineral, o.other, o.share_bp, tuple(sorted(o.clauses)))
            for o in ministerial.country(seat).objectives
        ]

    assert ("max_import_share", "rare_earths", "CHN", 5000, ()) in objectives("USA")
    assert ("home_refining_share", "cobalt", "", 3000, ()) in objectives("COD")
    # objectives need action (the no-deal world meets none): China ties buyers to its
    # refining by contract or licence; Japan secures half its rare earths outside China
    assert ("signed_deal", "rare_earths", "", 0, ("license", "supply")) in objectives("CHN")
    assert ("max_import_share", "rare_earths", "CHN", 5000, ()) in objectives("JPN")
    assert ("signed_deal", "lithium", "", 0, ("invest", "payment")) in objectives("GHA")


def test_ministerial_cards(ministerial: Scenario) -> None:
    cards = {c.id: c for c in ministerial.cards}
    scripted = [c.round for c in ministerial.cards if c.round]
    assert len(scripted) == len(set(scripted))
    assert 1 in scripted
    assert len([c for c in ministerial.cards if c.round == 0]) >= ministerial.rounds
    for c in ministerial.cards:
        assert c.title and c.text, c.id
        assert len(c.text) <= 450, c.id  # 1-3 sentences on a card
        assert c.effects or c.prompt, c.id
    ctl = cards["china_re_controls"]
    force = ctl.effects[0]
    assert force.__struct_config__.tag == "force_control"
    assert (force.seat, force.mineral, force.form) == ("CHN", "rare_earths", "refined")
    assert ctl.prompt is not None
    assert set(ctl.prompt.seats) == set(force.targets)
    kinds = {o.id: {e.__struct_config__.tag for e in o.effects} for o in ctl.prompt.options}
    assert kinds["stockpile"] == {"release_stockpile"}
    assert kinds["license"] == {"request_license"}
    assert kinds["retaliate"] == {"set_tariff"}
    assert kinds[ctl.prompt.default] == set()
    assert cards["ghana_ewoyaa"].prompt is not None
    assert cards["ghana_ewoyaa"].prompt.seats == ("GHA",)


def test_ministerial_follows_the_research(ministerial: Scenario) -> None:
    s = ministerial
    # refining (IEA 2025): China ~90% REE, ~70% Li, ~75-80% Co, ~95% graphite; Indonesia ~45% Ni
    assert _refining_share(s, "CHN", "rare_earths") >= 0.80
    assert 0.65 <= _refining_share(s, "CHN", "lithium") <= 0.75
    assert 0.72 <= _refining_share(s, "CHN", "cobalt") <= 0.82
    assert _refining_share(s, "CHN", "graphite") >= 0.90
    assert 0.40 <= _refining_share(s, "IDN", "nickel") <= 0.50
    # mining (USGS 2026 / 2025)
    assert 0.64 <= _mine_share(s, "CHN", "rare_earths") <= 0.74
    assert 0.70 <= _mine_share(s, "COD", "cobalt") <= 0.78
    assert 0.60 <= _mine_share(s, "IDN", "nickel") <= 0.74
    assert 0.29 <= _mine_share(s, "AUS", "lithium") <= 0.35
    assert 0.18 <= _mine_share(s, "CHN", "lithium") <= 0.24
    assert 0.16 <= _mine_share(s, "CHL", "lithium") <= 0.22


@pytest.mark.parametrize("path", [MINISTERIAL, LITE], ids=lambda p: p.stem)
def test_economics_are_playable(path: Path) -> None:
    s = load_scenario(path)
    for m in s.minerals:
        mine, refine, demand = _totals(s, m.id)
        ore = mine + m.row_ore.supply - m.row_ore.demand
        assert 0.9 * refine <= ore <= 1.15 * refine, m.id
        supply = refine + m.row_refined.supply
        use = demand + m.row_refined.demand
        assert supply <= use <= 1.12 * supply, m.id  # slightly tight, so deals matter
        assert 1.5 * m.ref_price_refined <= m.output_value <= 3 * m.ref_price_refined, m.id
        assert 0.4 * m.ref_price_refined <= m.ref_price_ore <= 0.6 * m.ref_price_refined, m.id
        assert 3 * m.ref_price_ore <= m.capex_mine <= 6 * m.ref_price_ore, m.id
        assert 3 * m.ref_price_refined <= m.capex_refine <= 6 * m.ref_price_refined, m.id
    for c in s.countries:
        for mid, cm in c.minerals.items():
            assert cm.mine + cm.refine + cm.demand <= 300, (c.id, mid)


def test_lite_shape(lite: Scenario) -> None:
    assert 4 <= len(lite.countries) <= 6
    assert set(lite.mineral_ids) == {"lithium", "cobalt", "rare_earths"}
    assert lite.rounds == 3
    assert len(lite.round_labels) == 3
    assert len(lite.cards) >= 3
    assert lite.sources
    assert 300 <= lite.negotiation_seconds <= 420
    assert 90 <= lite.orders_seconds <= 150
    f = lite.forge
    assert f.chair in f.members
    assert "CHN" not in f.members
    assert {c.id for c in lite.countries if c.forge_member} == set(f.members)
    assert _refining_share(lite, "CHN", "rare_earths") >= 0.80
    for c in lite.countries:
        assert c.objectives, c.id


# ---- broken scenarios -----------------------------------------------------------------------

Mutation = Callable[[Doc], str]  # breaks the document, returns the expected field path


def _wrong_type(d: Doc) -> str:
    i = _seat_index(d, "COD")
    d["countries"][i]["treasury"] = "lots"
    return f"$.countries[{i}].treasury"


def _negative_treasury(d: Doc) -> str:
    i = _seat_index(d, "GHA")
    d["countries"][i]["treasury"] = -5
    return f"$.countries[{i}].treasury"


def _missing_field(d: Doc) -> str:
    i = _seat_index(d, "IND")
    del d["countries"][i]["treasury"]
    return f"$.countries[{i}]"  # msgspec names the object; the reason names the field


def _unknown_mineral(d: Doc) -> str:
    i = _seat_index(d, "USA")
    d["countries"][i]["minerals"]["gallium"] = {"demand": 1}
    return f"$.countries[{i}].minerals.gallium"


def _duplicate_seat(d: Doc) -> str:
    i = _seat_index(d, "CHN")
    assert i > 0
    d["countries"][i]["id"] = d["countries"][0]["id"]
    return f"$.countries[{i}].id"  # the second occurrence is the duplicate


def _chair_not_member(d: Doc) -> str:
    d["forge"]["chair"] = "CHN"
    return "$.forge.chair"


def _reputation_11(d: Doc) -> str:
    i = _seat_index(d, "JPN")
    d["countries"][i]["reputation"] = 11
    return f"$.countries[{i}].reputation"


def _bad_prompt_default(d: Doc) -> str:
    i = _card_index(d, "china_re_controls")
    d["cards"][i]["prompt"]["default"] = "surrender"
    return f"$.cards[{i}].prompt.default"


def _unknown_effect_seat(d: Doc) -> str:
    i = _card_index(d, "project_vault")
    d["cards"][i]["effects"][0]["seat"] = "XXX"
    return f"$.cards[{i}].effects[0].seat"


def _self_outside_prompt(d: Doc) -> str:
    i = _card_index(d, "project_vault")
    d["cards"][i]["effects"][0]["seat"] = "$self"
    return f"$.cards[{i}].effects[0].seat"


def _unknown_prompt_seat(d: Doc) -> str:
    i = _card_index(d, "ghana_ewoyaa")
    d["cards"][i]["prompt"]["seats"] = ["GHA", "ZMB"]
    return f"$.cards[{i}].prompt.seats[1]"


def _round_labels_mismatch(d: Doc) -> str:
    d["round_labels"] = d["round_labels"][:-1]
    return "$.round_labels"


def _unknown_field(d: Doc) -> str:
    i = _seat_index(d, "AUS")
    d["countries"][i]["colour"] = "green"
    return f"$.countries[{i}]"


def _unknown_effect_type(d: Doc) -> str:
    i = _card_index(d, "project_vault")
    d["cards"][i]["effects"][0]["type"] = "teleport"
    return f"$.cards[{i}].effects[0].type"


def _forge_flag_disagrees(d: Doc) -> str:
    i = _seat_index(d, "CHN")
    d["countries"][i]["forge_member"] = True
    return f"$.countries[{i}].forge_member"


def _two_cards_one_round(d: Doc) -> str:
    i = _card_index(d, "nickel_glut")
    d["cards"][i]["round"] = 1
    return "$.cards"


def _card_round_beyond_game(d: Doc) -> str:
    i = _card_index(d, "nickel_glut")
    d["cards"][i]["round"] = 6
    return f"$.cards[{i}].round"


def _objective_unknown_seat(d: Doc) -> str:
    i = _seat_index(d, "USA")
    j = next(
        j for j, o in enumerate(d["countries"][i]["objectives"]) if o["kind"] == "max_import_share"
    )
    d["countries"][i]["objectives"][j]["other"] = "RUS"
    return f"$.countries[{i}].objectives[{j}].other"


def _objective_share_out_of_range(d: Doc) -> str:
    i = _seat_index(d, "COD")
    j = next(
        j
        for j, o in enumerate(d["countries"][i]["objectives"])
        if o["kind"] == "home_refining_share"
    )
    d["countries"][i]["objectives"][j]["share_bp"] = 12000
    return f"$.countries[{i}].objectives[{j}].share_bp"


def _env_standard_4(d: Doc) -> str:
    i = _seat_index(d, "EU")
    d["countries"][i]["env_standard"] = 4
    return f"$.countries[{i}].env_standard"


def _unknown_weight(d: Doc) -> str:
    i = _seat_index(d, "KOR")
    d["countries"][i]["weights"]["luck"] = 1
    return f"$.countries[{i}].weights.luck"


def _unknown_mineral_in_effect(d: Doc) -> str:
    i = _card_index(d, "nickel_glut")
    d["cards"][i]["effects"][0]["mineral"] = "unobtainium"
    return f"$.cards[{i}].effects[0].mineral"


def _bad_form(d: Doc) -> str:
    i = _card_index(d, "china_re_controls")
    d["cards"][i]["effects"][0]["form"] = "powder"
    return f"$.cards[{i}].effects[0].form"


def _negative_row_supply(d: Doc) -> str:
    d["minerals"][1]["row_refined"]["supply"] = -1
    return "$.minerals[1].row_refined.supply"


def _zero_price(d: Doc) -> str:
    d["minerals"][0]["ref_price_refined"] = 0
    return "$.minerals[0].ref_price_refined"


def _no_sources(d: Doc) -> str:
    d["sources"] = []
    return "$.sources"


def _float_price(d: Doc) -> str:
    d["minerals"][2]["ref_price_ore"] = 8.5
    return "$.minerals[2].ref_price_ore"


def _reserved_seat_id(d: Doc) -> str:
    d["countries"][0]["id"] = "ALL"
    return "$.countries[0].id"


def _empty_prompt_seats(d: Doc) -> str:
    i = _card_index(d, "china_re_controls")
    d["cards"][i]["prompt"]["seats"] = []
    return f"$.cards[{i}].prompt.seats"


def _huge_grant(d: Doc) -> str:
    i = _card_index(d, "project_vault")
    d["cards"][i]["effects"][0]["amount"] = 10**9
    return f"$.cards[{i}].effects[0].amount"


def _no_open_proposals(d: Doc) -> str:
    d["max_open_proposals"] = 0
    return "$.max_open_proposals"


BROKEN: dict[str, Mutation] = {
    "reserved_seat_id": _reserved_seat_id,
    "empty_prompt_seats": _empty_prompt_seats,
    "huge_grant": _huge_grant,
    "no_open_proposals": _no_open_proposals,
    "wrong_type": _wrong_type,
    "negative_treasury": _negative_treasury,
    "missing_field": _missing_field,
    "unknown_mineral_in_country": _unknown_mineral,
    "duplicate_seat": _duplicate_seat,
    "chair_not_member": _chair_not_member,
    "reputation_11": _reputation_11,
    "prompt_default_not_option": _bad_prompt_default,
    "unknown_seat_in_effect": _unknown_effect_seat,
    "self_outside_prompt": _self_outside_prompt,
    "unknown_prompt_seat": _unknown_prompt_seat,
    "round_labels_mismatch": _round_labels_mismatch,
    "unknown_field": _unknown_field,
    "unknown_effect_type": _unknown_effect_type,
    "forge_flag_disagrees": _forge_flag_disagrees,
    "two_cards_one_round": _two_cards_one_round,
    "card_round_beyond_game": _card_round_beyond_game,
    "objective_unknown_seat": _objective_unknown_seat,
    "objective_share_out_of_range": _objective_share_out_of_range,
    "env_standard_4": _env_standard_4,
    "unknown_weight": _unknown_weight,
    "unknown_mineral_in_effect": _unknown_mineral_in_effect,
    "bad_form": _bad_form,
    "negative_row_supply": _negative_row_supply,
    "zero_price": _zero_price,
    "no_sources": _no_sources,
    "float_price": _float_price,
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_scenario_is_refused(name: str) -> None:
    doc = copy.deepcopy(_raw())
    expected = BROKEN[name](doc)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(doc).encode())
    err = info.value
    assert err.code == ErrorCode.BAD_SCENARIO
    assert _field(err) == expected, err.reason
    assert err.reason


def test_missing_field_reason_names_the_field() -> None:
    doc = _raw()
    expected = _missing_field(doc)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(doc))
    assert _field(info.value) == expected
    assert "treasury" in info.value.reason


@pytest.mark.parametrize("raw", [b"{not json", b"", b'{"id": "x"'], ids=["garbage", "empty", "cut"])
def test_not_json_is_refused(raw: bytes) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(raw)
    assert info.value.field == "$"
    assert "JSON" in info.value.reason


def test_not_an_object_is_refused() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(b"[]")
    assert _field(info.value) == "$"


def test_load_scenario_reports_the_field(tmp_path: Path) -> None:
    doc = _raw()
    expected = _reputation_11(doc)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(bad)
    assert info.value.field == expected
    assert expected in str(info.value)


def test_broken_mutations_leave_the_original_valid() -> None:
    doc = _raw()
    for mutate in BROKEN.values():
        mutate(copy.deepcopy(doc))
    assert parse_scenario(json.dumps(doc)) == load_scenario(MINISTERIAL)


# ---- gaps found in the validator, now closed ------------------------------------------------


def test_decode_error_field_has_no_backticks() -> None:
    doc = _raw()
    expected = _wrong_type(doc)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(doc))
    assert info.value.field == expected


def test_unknown_licensor_is_refused() -> None:
    doc = _raw()
    i = _card_index(doc, "china_re_controls")
    j = next(j for j, o in enumerate(doc["cards"][i]["prompt"]["options"]) if o["id"] == "license")
    doc["cards"][i]["prompt"]["options"][j]["effects"][0]["licensor"] = "XXX"
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(doc))
    assert info.value.field == f"$.cards[{i}].prompt.options[{j}].effects[0].licensor"


def test_unknown_objective_clause_is_refused() -> None:
    doc = _raw()
    i = _seat_index(doc, "GHA")
    doc["countries"][i]["objectives"][0]["clauses"] = ["bribe"]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(doc))
    assert info.value.field.startswith(f"$.countries[{i}].objectives[0]")
