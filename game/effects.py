"""Typed effects of event cards and prompt options.

A card is data; these are the verbs it may use. Each effect is a tagged struct so a
scenario file is validated as it is decoded, and `game.cards` applies them. `seat` may be
"ALL" where it says so, and "$self" inside a prompt option (the seat answering).
"""

from __future__ import annotations

from typing import Literal

import msgspec

Form = Literal["ore", "refined"]


class _Effect(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="type"):
    pass


class ForceControl(_Effect, frozen=True, tag="force_control"):
    """Forces an export control on `seat`'s policy for `rounds` resolutions."""

    seat: str
    mineral: str
    form: Form
    targets: tuple[str, ...]
    rounds: int = 1


class GrantBudget(_Effect, frozen=True, tag="grant_budget"):
    """Money from outside the table, earmarked for the seat's stockpile purchases."""

    seat: str
    amount: int


class Treasury(_Effect, frozen=True, tag="treasury"):
    """Money gained (or lost, if negative) from outside the table."""

    seat: str
    amount: int


class CapacityChange(_Effect, frozen=True, tag="capacity"):
    """Mine or refining capacity changes after `delay` rounds; for `rounds`, or for good if 0."""

    seat: str
    mineral: str
    kind: Literal["mine", "refine"]
    delta: int
    delay: int = 0
    rounds: int = 0


class DemandShock(_Effect, frozen=True, tag="demand"):
    """Industrial demand of `seat` ("ALL" = every seat) changes by delta_bp for `rounds`."""

    seat: str
    mineral: str
    delta_bp: int
    rounds: int = 1


class RowShock(_Effect, frozen=True, tag="row"):
    """Rest-of-world supply and demand of a mineral form change by basis points for `rounds`."""

    mineral: str
    form: Form
    supply_bp: int = 0
    demand_bp: int = 0
    rounds: int = 1


class Reputation(_Effect, frozen=True, tag="reputation"):
    seat: str
    delta: int


class ReleaseStockpile(_Effect, frozen=True, tag="release_stockpile"):
    """Moves up to `qty` refined lots from the seat's stockpile into its inventory now."""

    seat: str
    mineral: str
    qty: int


class SetTariff(_Effect, frozen=True, tag="set_tariff"):
    """Adds a tariff to the seat's policy (a retaliation)."""

    seat: str
    mineral: str
    targets: tuple[str, ...]
    rate_bp: int


class RequestLicense(_Effect, frozen=True, tag="request_license"):
    """Opens a proposal from `seat` to `licensor`: a license on `mineral` for `rounds`."""

    seat: str
    licensor: str
    mineral: str
    rounds: int = 2


Effect = (
    ForceControl
    | GrantBudget
    | Treasury
    | CapacityChange
    | DemandShock
    | RowShock
    | Reputation
    | ReleaseStockpile
    | SetTariff
    | RequestLicense
)
