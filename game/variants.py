"""Variants of a scenario: every share, stock and price perturbed by up to ±25%.

    python -m game.variants --scenario NAME --count N --seed S --out DIR

Balance is judged on boards the tuning never saw. A variant is the scenario file with each
of these numbers multiplied by its own factor drawn in [0.75, 1.25] (integer arithmetic,
basis points, rounded to the nearest integer and kept within ±25% of the original):

- prices: every mineral's `ref_price_ore`, `ref_price_refined`, `output_value`,
  `capex_mine`, `capex_refine`;
- shares: every seat's `mine`, `refine` and `demand` of every mineral, and the rest of the
  world's `supply` and `demand` of every mineral form;
- stocks: every seat's starting `ore`, `refined` and `stockpile`.

A zero stays zero (a seat that mines nothing does not start mining); treasuries, weights,
objectives, cards and FORGE's settings are unchanged. The variant gets its own id
(`NAME-sS-vK`), a title saying what it is, and a `VARIANT` entry in `sources` naming the
base, the seed, the variant number and the draw.

Variant K of seed S depends only on (S, K, draw), never on --count, so `--count 3` writes the
first three of `--count 10`. Each variant must load and pass every check of the scenario
loader (`game.scenario.parse_scenario`, including "objectives need action"); a draw it
refuses, or one that changes no number, is replaced by the next draw of the same K, up to
MAX_DRAWS; a K with no valid draw is skipped and the reason printed (exit status 1).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, NamedTuple

from game.errors import ScenarioError
from game.rng import next_u64
from game.scenario import parse_scenario

MAX_BP = 2500  # ±25%
MAX_DRAWS = 20  # draws tried per variant before it is skipped
MINERAL_PRICES = ("ref_price_ore", "ref_price_refined", "output_value", "capex_mine",
                  "capex_refine")
ROW_SHARES = ("supply", "demand")
SEAT_NUMBERS = ("mine", "refine", "demand", "ore", "refined", "stockpile")  # shares, stocks
_MASK = (1 << 64) - 1


def perturb(value: int, bp: int) -> int:
    """`value` * (10000 + bp) / 10000, rounded half up, then kept within ±25% of `value`
    (so a small number rounds towards itself rather than past the bound)."""
    if value <= 0:
        return value
    scaled = (value * (10000 + bp) + 5000) // 10000
    low = (value * (10000 - MAX_BP) + 9999) // 10000  # ceil(0.75 * value)
    high = value * (10000 + MAX_BP) // 10000  # floor(1.25 * value)
    return max(low, min(high, scaled))


class _Draws:
    """A stream of factors in basis points, in [-MAX_BP, MAX_BP], from (seed, index, draw)."""

    def __init__(self, seed: int, index: int, draw: int) -> None:
        state = seed & _MASK
        for part in (index, draw):
            state, mixed = next_u64(state ^ (part & _MASK))
            state = mixed
        self.state = state

    def next_bp(self) -> int:
        self.state, value = next_u64(self.state)
        return value % (2 * MAX_BP + 1) - MAX_BP


def _perturb_fields(obj: dict[str, Any], fields: tuple[str, ...], draws: _Draws) -> int:
    """Perturbs obj's integer `fields` in place (a missing field is 0 and stays absent);
    returns how many values changed."""
    changed = 0
    for name in fields:
        bp = draws.next_bp()  # drawn whether or not the field is there: the stream stays aligned
        value = obj.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            new = perturb(value, bp)
            changed += new != value
            obj[name] = new
    return changed


def variant_doc(base: dict[str, Any], seed: int, index: int,
                draw: int) -> tuple[dict[str, Any], int]:
    """The variant document (a new dict; `base` is not changed) and the number of values the
    draw changed. Minerals and seats are visited in file order, fields in a fixed order."""
    doc: dict[str, Any] = json.loads(json.dumps(base))
    draws = _Draws(seed, index, draw)
    changed = 0
    for mineral in doc["minerals"]:
        changed += _perturb_fields(mineral, MINERAL_PRICES, draws)
        for form in ("row_ore", "row_refined"):
            changed += _perturb_fields(mineral[form], ROW_SHARES, draws)
    for country in doc["countries"]:
        for mineral_id in sorted(country["minerals"]):
            changed += _perturb_fields(country["minerals"][mineral_id], SEAT_NUMBERS, draws)
    base_id = base["id"]
    doc["id"] = f"{base_id}-s{seed}-v{index}"
    doc["title"] = f"{base['title']} [variant {index}, seed {seed}]"
    doc["sources"] = [*doc["sources"], {
        "tag": "VARIANT",
        "citation": (
            f"Variant {index} of {base_id} by `python -m game.variants --seed {seed}` "
            f"(draw {draw}): every mineral's prices, output value and capex, every seat's "
            "mine, refine and demand, the rest of the world's supply and demand, and every "
            "starting ore, refined and stockpile were each multiplied by a factor drawn in "
            "[0.75, 1.25] and rounded (zeros stay zero). These numbers are no longer the "
            "sourced figures above; the rest of the scenario is unchanged."
        ),
    }]
    return doc, changed


class Variant(NamedTuple):
    number: int  # K, from 1
    draw: int  # which draw was kept (0 = the first)
    doc: dict[str, Any] | None  # None = skipped
    refused: tuple[str, ...]  # why each earlier draw was refused


def make_variant(base: dict[str, Any], seed: int, index: int) -> Variant:
    """Variant `index` of `base`: the first draw that changes something and that the loader
    accepts with all its checks."""
    refused: list[str] = []
    for draw in range(MAX_DRAWS):
        doc, changed = variant_doc(base, seed, index, draw)
        if not changed:
            refused.append(f"draw {draw}: changes no number")
            continue
        try:
            parse_scenario(to_text(doc))
        except ScenarioError as exc:
            refused.append(f"draw {draw}: {exc}")
            continue
        return Variant(index, draw, doc, tuple(refused))
    return Variant(index, MAX_DRAWS, None, tuple(refused))


def make_variants(base_text: str | bytes, count: int, seed: int) -> list[Variant]:
    """Variants 1..count of a scenario document, which must itself load."""
    parse_scenario(base_text)
    base: dict[str, Any] = json.loads(base_text)
    return [make_variant(base, seed, k) for k in range(1, count + 1)]


def to_text(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    from game.simulate import scenario_path

    parser = argparse.ArgumentParser(prog="python -m game.variants", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", required=True, help="a shipped scenario's id or a path")
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", required=True, help="directory for the variant files")
    a = parser.parse_args(argv)
    if a.count < 1:
        parser.error("--count must be at least 1")
    path = scenario_path(a.scenario)
    try:
        variants = make_variants(path.read_bytes(), a.count, a.seed)
    except (OSError, ScenarioError) as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 2
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    status = 0
    for v in variants:
        for reason in v.refused:
            print(f"variant {v.number}: {reason}", file=sys.stderr)
        if v.doc is None:
            print(f"variant {v.number}: skipped, no valid draw in {MAX_DRAWS}", file=sys.stderr)
            status = 1
            continue
        target = out / f"{v.doc['id']}.json"
        target.write_text(to_text(v.doc), encoding="utf-8")
        print(f"{target} (draw {v.draw})")
    return status


if __name__ == "__main__":
    sys.exit(main())
