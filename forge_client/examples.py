"""Example agents: `first` is docs/agents.md's first negotiator; `hostile` sends random
legal-looking actions (the tests hold the server to answering each with a rule's code,
never `server_error`). Both are deterministic functions of what they are shown."""

from __future__ import annotations

import random
from typing import Any


def first(view: dict[str, Any], legal: dict[str, Any]) -> Any:
    """Accept offers worth at least their reference value to me, reject the rest, offer
    my most plentiful mineral at its last price, submit default orders, then ready."""
    me, t = view["me"]["seat"], legal["templates"]
    ref = {f"{m['id']}:{f}": m[f"ref_{f}"] for m in view["minerals"] for f in ("ore", "refined")}

    def worth(deal: dict[str, Any]) -> int:  # what the deal's first round is worth to me
        gain = 0
        for c in deal["clauses"]:
            if c["type"] == "supply":
                value = c["qty"] * (ref[f"{c['mineral']}:{c['form']}"] - c["price"])
                gain += value if c["buyer"] == me else -value
            elif c["type"] == "payment":
                gain += c["amount"] if c["payee"] == me else -c["amount"]
        return gain

    offers = {d["id"]: d for d in view.get("proposals", [])}
    for a in legal["actions"]:
        if a["type"] in ("accept_deal", "reject_deal") and a["deal"] in offers:
            good = worth(offers[a["deal"]]) >= 0
            if good == (a["type"] == "accept_deal"):
                return a
    mine_open = any(d["proposer"] == me and d["status"] == "proposed" for d in offers.values())
    if "propose_deal" in t and not mine_open and not view["seats"][me]["ready"]:
        return t["propose_deal"]["action"]  # sell one lot of what I have most of
    if "submit_orders" in t and not view["seats"][me]["submitted"]:
        return t["submit_orders"]["action"]  # every default: keep policy, trade at market
    if "ready" in legal["kinds"] and not view["seats"][me]["ready"]:
        return {"type": "ready"}
    return None


_WEIRD: list[Any] = [None, -1, 0, 2**40, "", "x" * 300, "D999", "M999", True, [], {},
                     ["ALL"], {"lithium": -5}, 3.5]


def hostile(view: dict[str, Any], legal: dict[str, Any]) -> list[dict[str, Any]]:
    """Up to four random actions: templates with a field set to something odd, made-up
    ids and kinds, extra keys, wild clauses; now and then a real legal action."""
    rng = random.Random(f"{view['me']['seat']}|{view['seq']}|{view['round']}|{view['phase']}")
    templates = legal.get("templates", {})
    out: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.15 and legal["actions"]:
            out.append(rng.choice(legal["actions"]))
            continue
        if roll < 0.25:
            out.append({"type": rng.choice(["steal", "propose_deal", "vote", "advance",
                                             "start", "end_game", "set_controller"]),
                        "seat": rng.choice(list(view["seats"]))})
            continue
        if not templates:
            out.append({"type": "ready", "ready": rng.choice(_WEIRD)})
            continue
        action = dict(rng.choice(list(templates.values()))["action"])
        keys = [k for k in action if k != "type"] or ["bogus"]
        key = rng.choice(keys)
        if roll < 0.6:
            action[key] = rng.choice(_WEIRD)
        elif roll < 0.7:
            action["actor"] = rng.choice(list(view["seats"]))
        elif action["type"] in ("propose_deal", "counter_deal"):
            kinds = ["supply", "invest", "payment", "license", "standards", "exclusivity",
                     "tariff_waiver", "magic"]
            clause: dict[str, Any] = {"type": rng.choice(kinds)}
            for f in ("seller", "buyer", "payer", "payee", "investor", "host", "licensor",
                      "licensee", "waiver", "beneficiary", "excluded"):
                if rng.random() < 0.5:
                    clause[f] = rng.choice([*view["seats"], "NOWHERE"])
            for f in ("qty", "price", "amount", "capacity", "level", "delay"):
                if rng.random() < 0.5:
                    clause[f] = rng.choice([-3, 0, 1, 7, 10**6, 10**9])
            clause["mineral"] = rng.choice([m["id"] for m in view["minerals"]] + ["gold"])
            action["clauses"] = [clause] * rng.randint(0, 9)
            action["rounds"] = rng.choice([-1, 0, 1, 2, 99])
        else:
            action[key] = rng.choice(["D1", "D2", "M1", "P1", "USA", "lithium", 1, 0])
        out.append(action)
    return out
