"""game.variants: seeded, within ±25%, valid for the loader, different from the base, and
the CLI writes the files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from game.scenario import parse_scenario
from game.variants import (
    MAX_BP,
    MINERAL_PRICES,
    ROW_SHARES,
    SEAT_NUMBERS,
    Variant,
    main,
    make_variants,
    perturb,
    to_text,
)

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"
LITE = SCENARIOS / "classroom-lite.json"
G20 = SCENARIOS / "g20-summit.json"


def _numbers(doc: dict[str, Any]) -> dict[str, int]:
    """Every perturbed number of a scenario document, by path."""
    out: dict[str, int] = {}
    for m in doc["minerals"]:
        for name in MINERAL_PRICES:
            if name in m:
                out[f"{m['id']}.{name}"] = m[name]
        for form in ("row_ore", "row_refined"):
            for name in ROW_SHARES:
                out[f"{m['id']}.{form}.{name}"] = m[form].get(name, 0)
    for c in doc["countries"]:
        for mid, cm in c["minerals"].items():
            for name in SEAT_NUMBERS:
                out[f"{c['id']}.{mid}.{name}"] = cm.get(name, 0)
    return out


def _unperturbed(doc: dict[str, Any]) -> dict[str, Any]:
    """What a variant must leave alone."""
    return {
        "countries": [
            {k: v for k, v in c.items() if k != "minerals"} for c in doc["countries"]
        ],
        "cards": doc["cards"],
        "forge": doc["forge"],
        "rounds": doc["rounds"],
    }


def _text(v: Variant) -> str:
    assert v.doc is not None
    return to_text(v.doc)


@pytest.fixture(scope="module")
def lite_variants() -> list[Variant]:
    return make_variants(LITE.read_bytes(), 3, 7)


@pytest.mark.parametrize("bp", [-MAX_BP, -1, 0, 1, MAX_BP])
def test_perturb_stays_within_a_quarter(bp: int) -> None:
    for value in range(0, 400):
        new = perturb(value, bp)
        assert 4 * abs(new - value) <= value
        assert (new > 0) == (value > 0)


def test_variants_are_deterministic_by_seed(lite_variants: list[Variant]) -> None:
    again = make_variants(LITE.read_bytes(), 3, 7)
    assert [_text(v) for v in again] == [_text(v) for v in lite_variants]
    other = make_variants(LITE.read_bytes(), 3, 8)
    assert [v.doc for v in other] != [v.doc for v in lite_variants]
    # variant K does not depend on how many were asked for
    assert _text(make_variants(LITE.read_bytes(), 1, 7)[0]) == _text(lite_variants[0])


def test_variants_within_bounds_valid_and_different(lite_variants: list[Variant]) -> None:
    base = json.loads(LITE.read_bytes())
    before = _numbers(base)
    seen: set[str] = set()
    for v in lite_variants:
        assert v.doc is not None
        scenario = parse_scenario(to_text(v.doc))  # every loader check, objectives included
        assert scenario.id == f"classroom-lite-s7-v{v.number}"
        after = _numbers(v.doc)
        assert after.keys() == before.keys()
        assert after != before
        for path, value in before.items():
            assert 4 * abs(after[path] - value) <= value, path
        assert _unperturbed(v.doc) == _unperturbed(base)
        assert v.doc["sources"][:-1] == base["sources"]
        assert v.doc["sources"][-1]["tag"] == "VARIANT"
        assert "seed 7" in v.doc["sources"][-1]["citation"]
        seen.add(_text(v))
    assert len(seen) == len(lite_variants)


def test_g20_variants_load(tmp_path: Path) -> None:
    """The CLI writes loadable files; a refused draw is replaced, not kept."""
    assert main(["--scenario", str(G20), "--count", "2", "--seed", "7",
                 "--out", str(tmp_path)]) == 0
    files = sorted(tmp_path.glob("*.json"))
    assert [f.name for f in files] == ["g20-summit-s7-v1.json", "g20-summit-s7-v2.json"]
    for f in files:
        parse_scenario(f.read_bytes())
