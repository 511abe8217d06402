"""The seven clause types a bilateral deal is made of.

Each clause names its parties explicitly (seller/buyer, payer/payee, ...) rather than
"A" and "B", so a counter-proposal cannot silently flip who owes what.
"""

from __future__ import annotations

from typing import Literal

import msgspec

Form = Literal["ore", "refined"]


class _Clause(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="type"):
    pass


class Supply(_Clause, frozen=True, tag="supply"):
    """Seller delivers qty lots per round of mineral/form to buyer at price per lot."""

    seller: str
    buyer: str
    mineral: str
    form: Form
    qty: int
    price: int


class Invest(_Clause, frozen=True, tag="invest"):
    """Investor pays amount at the first resolution; host gains capacity after delay rounds.

    With offtake_bp > 0 the investor may buy that share of the new capacity's output each
    round after it arrives, at offtake_price (cost-plus), until the deal ends.
    """

    investor: str
    host: str
    amount: int
    mineral: str
    kind: Literal["mine", "refine"]
    capacity: int
    delay: int = 1
    offtake_bp: int = 0
    offtake_price: int = 0


class Payment(_Clause, frozen=True, tag="payment"):
    """Payer pays payee amount once, at the first resolution after signing."""

    payer: str
    payee: str
    amount: int


class TariffWaiver(_Clause, frozen=True, tag="tariff_waiver"):
    """Waiver's tariffs do not apply to beneficiary while the deal is active."""

    waiver: str
    beneficiary: str


class Standards(_Clause, frozen=True, tag="standards"):
    """Both parties keep an environmental standard of at least `level` while active."""

    level: int


class Exclusivity(_Clause, frozen=True, tag="exclusivity"):
    """Seller will not sell mineral to `excluded` (spot or deals) while active."""

    seller: str
    mineral: str
    excluded: str


class License(_Clause, frozen=True, tag="license"):
    """Licensor lets up to qty lots per round of mineral (either form, deal deliveries first,
    then the spot market) reach licensee despite its export controls, from the round after
    signing while active. Beyond qty the control binds. A licence is granted for a volume,
    as MOFCOM's are, so a licensor keeps its leverage; what it costs the licensee is what the
    two agree in the same deal (a payment clause: the fee)."""

    licensor: str
    licensee: str
    mineral: str
    qty: int


Clause = Supply | Invest | Payment | TariffWaiver | Standards | Exclusivity | License
CLAUSE_KINDS = (
    "supply",
    "invest",
    "payment",
    "tariff_waiver",
    "standards",
    "exclusivity",
    "license",
)


def clause_kind(clause: Clause) -> str:
    tag = clause.__struct_config__.tag
    assert isinstance(tag, str)
    return tag
