"""Sealed orders a seat submits for the resolution, and the policy they set.

`None` in an order field means "the default": keep last round's policy, refine as much as
capacity allows, sell surplus and buy shortfall at market. A seat that submits nothing
gets `Orders()`, i.e. every default.
"""

from __future__ import annotations

from typing import Literal

import msgspec

Form = Literal["ore", "refined"]


class Control(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An export control: controlled material cannot reach `targets` ("ALL" = everyone)."""

    mineral: str
    form: Form
    targets: tuple[str, ...]


class Tariff(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A tariff the seat levies on purchases of mineral from targets ("ALL" = everyone)."""

    mineral: str
    targets: tuple[str, ...]
    rate_bp: int


class Policy(msgspec.Struct, forbid_unknown_fields=True):
    controls: list[Control] = msgspec.field(default_factory=list)
    tariffs: list[Tariff] = msgspec.field(default_factory=list)
    env_standard: int = 1


class MarketOrder(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    mineral: str
    form: Form
    qty: int
    limit: int  # highest price to pay (buy) or lowest to accept (sell), $M per lot


class StockpileOrder(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Move refined lots between inventory and the strategic stockpile after the market."""

    mineral: str
    buy: int = 0
    release: int = 0


class Investment(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Domestic investment: pay capacity x capex now, gain the capacity after the delay."""

    mineral: str
    kind: Literal["mine", "refine"]
    capacity: int


class Orders(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    controls: tuple[Control, ...] | None = None
    tariffs: tuple[Tariff, ...] | None = None
    env_standard: int | None = None
    refine: dict[str, int] | None = None
    sell: tuple[MarketOrder, ...] | None = None
    buy: tuple[MarketOrder, ...] | None = None
    stockpile: tuple[StockpileOrder, ...] = ()
    invest: tuple[Investment, ...] = ()
    # deals under which this seat invests and whose capacity has not all arrived: the
    # investor may put the project back a round, or abandon it (resolution, step 7)
    postpone: tuple[str, ...] = ()
    abandon: tuple[str, ...] = ()
