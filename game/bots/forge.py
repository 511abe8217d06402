"""FORGE business and event prompts for bots: votes, floors, applications, disputes.

A bot judges a motion by its own trade position: a floor helps a seat that sells the
mineral and costs one that buys it; a cooperative seat keeps floors below the level that
invites a WTO dispute, a hawk pushes them above it when it sells.
"""

from __future__ import annotations

from typing import Any

from game.actions import (
    Action,
    ApplyForge,
    FileDispute,
    NominateChair,
    ProposeFloor,
    ProposeStandard,
    RespondPrompt,
    Vote,
)
from game.bots.common import Ctx
from game.bots.deals import Style, standard_step_cost
from game.legal import Legal

COOP_FLOOR_BP = 11000  # a floor a little above the reference: support, not a cartel
HAWK_FLOOR_BP = 16000  # above the 150% dispute line: a cartel floor
SAFE_FLOOR_BP = 13000  # the most a cooperative seat votes for
# what a cooperative seat expects membership to bring (tariff-free trade, floors, sharing),
# in score points, against the standard it must raise to join
MEMBERSHIP_POINTS = 2.0

PROMPT_WORDS = {
    "cooperative": ("local", "licen", "stockpile", "commit", "approve", "moratorium"),
    "hawk": ("retaliat", "tariff", "hold", "back", "approve", "stockpile"),
}


def position(ctx: Ctx, mineral: str) -> int:
    """Refined lots per round I sell (+) or buy (-) of a mineral."""
    b = ctx.own_balance(mineral)
    return b.refined + max(0, b.ore) // 2


def prompts(ctx: Ctx, legal: Legal, style: Style) -> list[Action]:
    """Answer each open prompt with the option whose label suits the strategy best."""
    words = PROMPT_WORDS.get(style.name, ())
    options: dict[str, list[str]] = {}
    for a in legal.actions:
        if isinstance(a, RespondPrompt):
            options.setdefault(a.prompt, []).append(a.option)
    labels = {p["id"]: {o["id"]: o["label"].lower() for o in p["options"]}
              for p in ctx.me.get("prompts", [])}
    out: list[Action] = []
    for pid, opts in options.items():
        named = labels.get(pid, {})

        def rank(option: str, named: dict[str, str] = named) -> tuple[int, str]:
            label = named.get(option, "")
            hits = [i for i, w in enumerate(words) if w in label]
            return (min(hits) if hits else len(words), option)

        out.append(RespondPrompt(pid, min(opts, key=rank)))
    return out


def business(ctx: Ctx, legal: Legal, style: Style) -> list[Action]:
    out: list[Action] = []
    out += _votes(ctx, legal, style)
    if ctx.is_member:
        out += _floors(ctx, legal, style)
        out += _standard(ctx, legal, style)
        out += _chair(ctx, legal, style)
    else:
        out += _apply(ctx, legal, style)
        out += _disputes(ctx, legal, style)
    return out


def _votes(ctx: Ctx, legal: Legal, style: Style) -> list[Action]:
    motions = {m["id"]: m for m in ctx.view["forge"]["motions"]}
    out: list[Action] = []
    seen: set[str] = set()
    for a in legal.actions:
        if isinstance(a, Vote) and a.motion not in seen and a.motion in motions:
            seen.add(a.motion)
            out.append(Vote(a.motion, _yes(ctx, style, motions[a.motion])))
    return out


def _yes(ctx: Ctx, style: Style, m: dict[str, Any]) -> bool:
    kind = m["kind"]
    if kind == "floor":
        return _floor_vote(ctx, style, m)
    if kind == "admit":
        seat = ctx.seats.get(m.get("seat", ""), {})
        if style.name == "hawk":
            return bool(seat) and seat["reputation"] >= 5
        return bool(seat) and seat["reputation"] >= 3
    if kind == "standard":
        level = m.get("level", 0)
        return ctx.public["env_standard"] >= level or (
            style.name == "cooperative" and ctx.weights["sustainability"] >= 25)
    return style.name == "cooperative" or m.get("seat") == ctx.seat


def _floor_vote(ctx: Ctx, style: Style, m: dict[str, Any]) -> bool:
    mineral, form, price = m.get("mineral", ""), m.get("form", "refined"), m.get("price", 0)
    if mineral not in ctx.minerals:
        return style.name == "cooperative"
    pos = position(ctx, mineral)
    if price == 0:
        return pos < 0
    if style.name == "hawk":
        return pos > 0
    ref = ctx.minerals[mineral].ref(form)
    return price * 10000 <= SAFE_FLOOR_BP * ref and (pos >= 0 or price * 10 <= ref * 11)


def _floors(ctx: Ctx, legal: Legal, style: Style) -> list[Action]:
    """Propose one floor per game on the refined mineral I sell most, if none exists."""
    if "propose_floor" not in legal.kinds:
        return []
    motions = ctx.view["forge"]["motions"]
    if any(x["kind"] == "floor" and x["proposer"] == ctx.seat for x in motions):
        return []
    best = max(ctx.minerals, key=lambda k: (position(ctx, k), k))
    if position(ctx, best) <= 0 or f"{best}:refined" in ctx.floors:
        return []
    if any(x["kind"] == "floor" and x["status"] == "open" and x.get("mineral") == best
           for x in motions):
        return []
    bp = HAWK_FLOOR_BP if style.name == "hawk" else COOP_FLOOR_BP
    return [ProposeFloor(best, "refined", ctx.minerals[best].ref_refined * bp // 10000)]


def _standard(ctx: Ctx, legal: Legal, style: Style) -> list[Action]:
    forge = ctx.view["forge"]
    if style.name != "cooperative" or "propose_standard" not in legal.kinds:
        return []
    if ctx.weights["sustainability"] < 30 or forge["min_standard"] >= 2:
        return []
    if any(x["kind"] == "standard" for x in forge["motions"]):
        return []
    return [ProposeStandard(2)] if ctx.public["env_standard"] >= 2 else []


def _chair(ctx: Ctx, legal: Legal, style: Style) -> list[Action]:
    """The sitting chair, once its term is over, puts the most reputable member forward."""
    forge = ctx.view["forge"]
    if "nominate_chair" not in legal.kinds or forge["chair"] != ctx.seat:
        return []
    if any(x["kind"] == "chair" for x in forge["motions"]):
        return []
    if style.name == "hawk":
        return [NominateChair(ctx.seat)]
    best = max(sorted(ctx.members), key=lambda s: ctx.seats[s]["reputation"])
    return [NominateChair(best)]


def _apply(ctx: Ctx, legal: Legal, style: Style) -> list[Action]:
    """Join when an objective asks for it, or (cooperative) when I trade with the members."""
    if not any(isinstance(a, ApplyForge) for a in legal.actions):
        return []
    if any(x["kind"] == "admit" and x.get("seat") == ctx.seat for x in
           ctx.view["forge"]["motions"]):
        return []  # applied once already; a refusal is an answer
    wants = ctx.objective("forge_member") is not None
    if style.name == "cooperative" and not wants:
        # membership binds me to the club's minimum standard, which costs every round
        steps = max(0, ctx.view["forge"]["min_standard"] - ctx.public["env_standard"])
        cost = steps * standard_step_cost(ctx) * ctx.rounds_left
        wants = ctx.public["reputation"] >= 4 and ctx.me["treasury"] >= 150 and \
            cost <= MEMBERSHIP_POINTS
    return [ApplyForge()] if wants else []


def _disputes(ctx: Ctx, legal: Legal, style: Style) -> list[Action]:
    """A hawk outside FORGE files every dispute it may; a cooperative seat only over floors
    on minerals it buys."""
    out: list[Action] = []
    for a in legal.actions:
        if not isinstance(a, FileDispute):
            continue
        if style.name == "hawk" or (a.kind == "floor" and position(ctx, a.mineral) < 0):
            out.append(a)
    return out
