"""Scores: four parts, each measured against the seat's own no-deal baseline, plus objectives.

Fair by construction: a part is 100 + 100 x (raw - baseline) / scale, where the scale is
the same for every seat at the table (security, sustainability and reputation are shares
or points on fixed scales; prosperity the table's mean starting treasury), whatever the
seat's own baseline; 100 is "as good as doing nothing"; a part is clamped to 0..300. The
total's distance from 100 is then multiplied by the seat's par factor (game.par: how much
room the country has to gain, measured by the same procedure on any scenario), so the $M
that move a total by 10 points differ across seats by at most 5x.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from game import par
from game.clauses import clause_kind
from game.effects import ForceControl
from game.scenario import PARTS, Country, Objective, Scenario
from game.state import Deal, Score, Seat

if TYPE_CHECKING:
    from game.engine import Game

SIGNED = ("active", "completed", "breached")  # deal statuses that count as signed
ROW = "ROW"
FORGE = "FORGE"  # the club's bloc stockpile as a source: not a foreign seat
# raw units worth 100 part points, the same for every seat: all of the value of one's demand
# met, every traded lot traceable, five points of reputation
PART_SCALE = {"security": 10000, "sustainability": 10000, "reputation": 5000}
MIN_PART, BASE_PART, MAX_PART = 0, 100, 300
MAX_STANDARD = 3
# every seat has the same objective points at stake, shared among its objectives in
# proportion to the bonuses the scenario gives them (a seat's bonuses are relative weights)
OBJECTIVE_POINTS = 30
# the $M that move a seat's total by 10 points are MONEY_PER_10_PCT% of its money measure
MONEY_PER_10_PCT = 100
# the no-deal worlds' own prosperity keys in the baseline: `@<i>:prosperity...` and each
# world's spot volumes `@<i>:vol:<round>:<market>` and their values `@<i>:val:...`
_WORLD = "@"
_WORLDS = 2  # calm, and as dealt


# ---- raw parts -----------------------------------------------------------------------------
def _rounds_played(seat: Seat) -> int:
    """Industry records one shortage entry per mineral at every resolution, so the longest
    list counts the resolutions this seat has been through."""
    return max(map(len, seat.stats.shortage.values()), default=0)


# lots held count at this share of their reference price: the least a seat doing nothing
# sells them for (default sell orders, resolution.SELL_LIMIT_PCT)
STOCK_VALUE_PCT = 50

# per mineral: (starting ore, starting refined, $M per ore lot held, $M per refined lot held)
StockBasis = Mapping[str, tuple[int, int, int, int]]


def prosperity(seat: Seat, stock: StockBasis | None = None, held: int | None = None) -> int:
    """Treasury gain plus the book value of the capacity the seat paid for at home (arrived
    or still being built: a plant is an asset, so building one is not a loss, and capacity
    still counts at the end of the game), plus the change in the lots it holds (`stock`).
    Industrial output value is paid into the treasury, so it is in here once already."""
    if held is None:  # `held`: stock_value(seat, stock), when the caller has it
        held = stock_value(seat, stock)
    return seat.treasury - seat.start_treasury + seat.stats.capex + held


def stock_value(seat: Seat, stock: StockBasis | None) -> int:
    """Ore and refined lots held beyond (or short of) the starting ones, each at half its
    reference price. Why: a lot the market would not take at the price a seat doing nothing
    accepts is still the seat's, so a glut that others made costs a producer its price,
    not the whole lot; and a lot sold below half its reference is a loss, as it would be
    for a seat on defaults. The strategic stockpile is security's, not counted here."""
    if stock is None:
        return 0
    total = 0
    for m, (ore0, ref0, ore_v, ref_v) in stock.items():
        h = seat.holdings.get(m)
        if h is not None:
            total += (h.ore - ore0) * ore_v + (h.refined - ref0) * ref_v
    return total


def stock_basis(scenario: Scenario, seat: str) -> dict[str, tuple[int, int, int, int]]:
    country = scenario.country(seat)
    out = {}
    for m in scenario.minerals:
        cm = country.minerals.get(m.id)
        ore0, ref0 = (cm.ore, cm.refined) if cm is not None else (0, 0)
        out[m.id] = (ore0, ref0, m.ref_price_ore * STOCK_VALUE_PCT // 100,
                     m.ref_price_refined * STOCK_VALUE_PCT // 100)
    return out


def security(seat: Seat, values: Mapping[str, int] | None = None) -> int:
    met_bp, exposure = security_parts(seat, values)
    return met_bp + exposure


def security_parts(seat: Seat, values: Mapping[str, int] | None = None) -> tuple[int, int]:
    """Security's two terms, (demand met, minus a quarter of the exposed demand), in bp.

    Demand met, less a quarter of the demand left exposed; both are shares of the value of
    the seat's demand (`values`: each mineral's output value per refined lot, so a magnet lot
    at risk is not a graphite lot; without values every lot counts 1).

    Exposed is the demand not secured ahead of the market away from the seat's largest
    foreign supplier: not covered by its own refining or by deal deliveries from other
    seats. A cut-off therefore costs a seat through the demand it
    fails to meet, and never flatters it by making it buy less from the seat that cut it off;
    preparing (deals with others, refining at home, the club) is what lowers exposure.
    """
    st = seat.stats

    def v(mineral: str) -> int:
        return 1 if values is None else values.get(mineral, 1)

    demand = sum(v(m) * q for m, q in st.demand_by.items())
    if not demand:
        return 10000, 0
    short = sum(v(m) * sum(qs) for m, qs in st.shortage.items())
    met_bp = (demand - short) * 10000 // demand
    largest = largest_supplier(seat, values)
    secured = 0
    for m, q in st.demand_by.items():
        by_deal = sum(n for s, n in st.secured.get(m, {}).items() if s != largest)
        secured += v(m) * min(q, st.refined_out.get(m, 0) + by_deal)
    exposed_bp = (demand - secured) * 10000 // demand
    return met_bp, -(exposed_bp // 4)


def largest_supplier(seat: Seat, values: Mapping[str, int] | None = None) -> str:
    """The foreign seat that supplied the most value of refined lots ("" if none); the rest
    of the world is many suppliers, not one, and the FORGE bloc is the club's, so neither
    counts."""
    totals: dict[str, int] = {}
    for m, suppliers in seat.stats.sources.items():
        w = 1 if values is None else values.get(m, 1)
        for supplier, qty in suppliers.items():
            if supplier not in (ROW, FORGE, seat.id):
                totals[supplier] = totals.get(supplier, 0) + w * qty
    return min(totals, key=lambda s: (-totals[s], s)) if totals else ""


def sustainability(seat: Seat) -> int:
    """Traceable trade: the share of the lots the seat traded (deals, spot and sales to the
    FORGE fund) that moved under a standards clause. The standard itself scores nothing: it
    costs every round (resolution, step 1) and pays through the trade it opens (standards
    clauses need it), FORGE's minimum standard and the reputation of keeping deals."""
    st = seat.stats
    return st.traceable * 10000 // (MAX_STANDARD * max(1, st.traded))


REP_UNIT = 1000  # raw reputation per point of reputation


def reputation(seat: Seat) -> int:
    return seat.reputation * REP_UNIT


def output_values(scenario: Scenario) -> dict[str, int]:
    return {m.id: m.output_value for m in scenario.minerals}


# what `raw_parts` and `components` both compute: (`security_parts`, `stock_value`), for a
# caller that wants both parts and components of the same seat at the same moment
Terms = tuple[tuple[int, int], int]


def raw_parts(seat: Seat, values: Mapping[str, int] | None = None,
              stock: StockBasis | None = None, terms: Terms | None = None) -> dict[str, int]:
    if terms is None:
        terms = security_parts(seat, values), stock_value(seat, stock)
    (met_bp, exposure), held = terms
    return {
        "prosperity": prosperity(seat, held=held),
        "security": met_bp + exposure,
        "sustainability": sustainability(seat),
        "reputation": reputation(seat),
    }


def part_score(raw: int, base: int, scale: int) -> int:
    return max(MIN_PART, min(MAX_PART, BASE_PART + 100 * (raw - base) // max(1, scale)))


def money_measure(scenario: Scenario, seat: str) -> int:
    """$M for scoring: the table's mean starting treasury, the same for every seat (a $M
    is a $M; how much room a country has to gain is its par's business, game.par)."""
    return max(1, sum(c.treasury for c in scenario.countries) // max(1, len(scenario.countries)))


def part_scales(scenario: Scenario, seat: str) -> dict[str, int]:
    """Raw units worth 100 points of each part. Prosperity's is set so that
    MONEY_PER_10_PCT% of the seat's money measure moves its *total* by 10 points whatever
    its profile weights: 100 part points = 10 x measure x (share of weight) x 40/100 x 10 / 10."""
    weights = scenario.country(seat).weights
    w_sum = max(1, sum(weights.get(p, 0) for p in PARTS))
    w_p = weights.get("prosperity", 0)
    money = money_measure(scenario, seat)
    prosperity = money * MONEY_PER_10_PCT * 10 * w_p // (100 * w_sum)
    return {"prosperity": max(1, prosperity), **PART_SCALE}


def money_per_10_points(scenario: Scenario, seat: str, factor: int = par.UNIT) -> int:
    """$M of extra prosperity that move the seat's total by +10 points (0: prosperity has no
    weight for this seat); `factor` is the seat's par factor (game.par), per mille."""
    weights = scenario.country(seat).weights
    w_sum = max(1, sum(weights.get(p, 0) for p in PARTS))
    w_p = weights.get("prosperity", 0)
    if not w_p:
        return 0
    scale = part_scales(scenario, seat)["prosperity"]
    # 10 total points = 10 x w_sum / w_p part points = scale x (10 x w_sum / w_p) / 100 $M,
    # before par; the par factor stretches every point
    return scale * 10 * w_sum * par.UNIT // (100 * w_p * max(1, factor))


# ---- objectives ----------------------------------------------------------------------------
def objective_met(game: Game, seat: Seat, o: Objective,
                  signed: dict[str, list[Deal]] | None = None) -> bool:
    """Whether the seat meets the objective now. `signed` (from `signed_by_seat`) saves
    scanning every deal ever proposed for each 'signed deal' objective."""
    st = seat.stats
    m = o.mineral
    if o.kind == "max_import_share":
        return secured_outside(seat, m, o.other) * 10000 >= (10000 - o.share_bp) * \
            st.demand_by.get(m, 0)
    if o.kind == "home_refining_share":
        mined = st.mined.get(m, 0)
        return mined > 0 and st.refined_home.get(m, 0) * 10000 >= o.share_bp * mined
    if o.kind == "world_refining_share":
        world = sum(s.stats.refined_out.get(m, 0) for s in game.state.seats.values())
        return world > 0 and st.refined_out.get(m, 0) * 10000 >= o.share_bp * world
    if o.kind == "no_shortage":
        return not any(st.shortage.get(m, ()))
    if o.kind == "signed_deal":
        return _signed_deal(game, seat.id, m, o.clauses, signed)
    if o.kind == "treasury_gain":
        return seat.treasury - seat.start_treasury >= o.amount
    if o.kind == "forge_member":
        return seat.id in game.state.forge.members
    return False


def secured_outside(seat: Seat, mineral: str, other: str) -> int:
    """Refined lots of the mineral the seat secured outside `other`: its own refining and
    deal deliveries from any seat but `other`. Spot purchases and FORGE's emergency sharing
    do not count (nothing was secured ahead; both grow when `other` cuts the seat off), so a
    cut-off by `other` can never meet an objective judged on this: only preparing can."""
    st = seat.stats
    deals = sum(q for s, q in st.secured.get(mineral, {}).items() if s != other)
    return st.refined_out.get(mineral, 0) + deals


def objective_points(country: Country) -> dict[str, int]:
    """Each objective's bonus in points: OBJECTIVE_POINTS shared among the seat's objectives
    in proportion to their scenario bonuses (largest remainder, so they sum exactly)."""
    objs = country.objectives
    weight = sum(max(0, o.bonus) for o in objs)
    if not weight:
        return {o.id: 0 for o in objs}
    shares = {o.id: OBJECTIVE_POINTS * max(0, o.bonus) for o in objs}
    out = {k: v // weight for k, v in shares.items()}
    left = OBJECTIVE_POINTS - sum(out.values())
    for k in sorted(shares, key=lambda k: (-(shares[k] % weight), list(shares).index(k)))[:left]:
        out[k] += 1
    return out


def _signed_deal(game: Game, seat: str, mineral: str, kinds: tuple[str, ...],
                 signed: dict[str, list[Deal]] | None = None) -> bool:
    """A signed deal on the mineral (any clause naming it) with a clause of a wanted kind."""
    deals = game.state.deals.values() if signed is None else signed.get(seat, ())
    for d in deals:
        if d.status not in SIGNED or seat not in (d.a, d.b):
            continue
        on_mineral = any(getattr(c, "mineral", None) == mineral for c in d.clauses)
        wanted = not kinds or any(clause_kind(c) in kinds for c in d.clauses)
        if on_mineral and wanted:
            return True
    return False


# ---- totals --------------------------------------------------------------------------------
def signed_by_seat(game: Game) -> dict[str, list[Deal]]:
    """Each seat's signed deals, in the order made: gathered once when every seat is scored."""
    out: dict[str, list[Deal]] = {}
    for d in game.state.deals.values():
        if d.status in SIGNED:
            out.setdefault(d.a, []).append(d)
            if d.b != d.a:
                out.setdefault(d.b, []).append(d)
    return out


def score_seat(game: Game, seat: Seat, country: Country,
               signed: dict[str, list[Deal]] | None = None) -> Score:
    base = _baseline_now(game, seat.id)
    raw = raw_parts(seat, _values(game), _stock(game, seat.id))
    scales = _scales(game, seat.id)
    weights = country.weights
    parts: dict[str, int] = {}
    weight_sum = weighted_sum = 0
    for p in PARTS:
        parts[p] = part = part_score(raw[p], base.get(p, raw[p]), scales[p])
        w = weights.get(p, 0)
        weight_sum += w
        weighted_sum += w * part
    weighted = weighted_sum // max(1, weight_sum)
    # an objective the no-deal world meets by itself at this point never counts (the loader
    # refuses such scenarios; this keeps "doing nothing meets nothing" true for any seed)
    objectives = {o.id: not base.get(f"obj:{o.id}", 0) and objective_met(game, seat, o, signed)
                  for o in country.objectives}
    points = objective_points(country)
    bonus = sum(objective_bonus(game, seat, o, points[o.id], objectives[o.id], base)
                for o in country.objectives)
    factor = game.state.par.get(seat.id, par.UNIT)
    money = game.state.par_money.get(seat.id)
    share = money_share(country, parts) if money is not None else 0
    return Score(parts=parts, objectives=objectives, par=factor,
                 total=par.apply(weighted + bonus, factor, share, money))


def money_share(country: Country, parts: Mapping[str, int]) -> int:
    """The share of the weighted parts' distance from 100 that is prosperity's, in
    milli-points (game.par holds the $M a point is worth apart from the rest)."""
    weights = country.weights
    w_sum = max(1, sum(weights.get(p, 0) for p in PARTS))
    return weights.get("prosperity", 0) * (parts["prosperity"] - BASE_PART) * par.UNIT // w_sum


def objective_bonus(game: Game, seat: Seat, o: Objective, points: int, met: bool,
                    base: Mapping[str, int]) -> int:
    """An objective's points: all of them when met; for an objective measured as a share
    (home or world refining, supply secured outside a seat), the part of the way the seat
    went beyond the no-deal game toward it. Why: a share the seat moved most of the way is
    work done, and all-or-nothing bonuses made a seat's chance of winning hang on whether
    its objective happened to be within reach in a few rounds; measured from the no-deal
    game's own progress, doing nothing still earns nothing."""
    if met:
        return points
    done = objective_progress(game, seat, o)
    if done < 0:
        return 0
    start = base.get(f"objp:{o.id}", 0)
    if done <= start or start >= 10000:
        return 0
    return min(points - 1, points * (done - start) // (10000 - start))


def objective_progress(game: Game, seat: Seat, o: Objective) -> int:
    """How far toward a share objective the seat is, in bp of the target (10000 = met or
    beyond); -1 for yes/no objectives (a deal, membership, no shortage, a sum)."""
    st = seat.stats
    m = o.mineral
    if o.kind == "home_refining_share":
        have, of = st.refined_home.get(m, 0), st.mined.get(m, 0) * o.share_bp
    elif o.kind == "world_refining_share":
        world = sum(s.stats.refined_out.get(m, 0) for s in game.state.seats.values())
        have, of = st.refined_out.get(m, 0), world * o.share_bp
    elif o.kind == "max_import_share":
        have = secured_outside(seat, m, o.other)
        of = (10000 - o.share_bp) * st.demand_by.get(m, 0)
    else:
        return -1
    if of <= 0:
        return 0
    return min(10000, have * 10000 * 10000 // of)


def _values(game: Game) -> dict[str, int]:
    found = game.memo.get("output_values")
    if found is None:
        found = game.memo["output_values"] = output_values(game.scenario)
    assert isinstance(found, dict)
    return found


def _stock(game: Game, seat: str) -> dict[str, tuple[int, int, int, int]]:
    found = game.memo.get(("stock_basis", seat))
    if found is None:
        found = game.memo["stock_basis", seat] = stock_basis(game.scenario, seat)
    assert isinstance(found, dict)
    return found


def _scales(game: Game, seat: str) -> dict[str, int]:
    found = game.memo.get(("part_scales", seat))
    if found is None:
        found = game.memo["part_scales", seat] = part_scales(game.scenario, seat)
    assert isinstance(found, dict)
    return found


def _baseline_now(game: Game, seat: str) -> dict[str, int]:
    """The no-deal game's parts after as many resolutions as this game has had, so a score
    mid-game (or after an early end) compares like with like; prosperity's revalued at the
    prices this game had (`revalued_prosperity`)."""
    rounds = game.state.baseline.get(seat, [])
    if not rounds:
        return {}
    i = max(0, min(len(game.state.reports), len(rounds)) - 1)
    base = rounds[i]
    # the baseline never changes, so its keys are sorted out once per seat and round (every
    # seat is scored after every resolution); the same dict object, or it is read anew
    hit = game.memo.get(("baseline_worlds", seat, i))
    if hit is None or hit[0] is not base:
        kinds = game.memo.setdefault("baseline_keys", {})
        hit = game.memo["baseline_worlds", seat, i] = (base, _world_terms(base, kinds))
    return revalued_prosperity(base, spot_prices(game, seat), hit[1])


def spot_prices(game: Game, seat: str) -> Mapping[str, list[int]]:
    """The price this seat met in each market and round: the market's price, or, where an
    export control split the market and the seat was a restricted buyer, what restricted
    buyers paid (0: no trade)."""
    prices = game.state.prices
    out: dict[str, list[int]] | None = None
    for j, report in enumerate(game.state.reports):
        for key, split in (report.public.get("restricted") or {}).items():
            if seat in split.get("buyers", ()) and key in prices and j < len(prices[key]):
                if out is None:
                    out = {k: list(v) for k, v in prices.items()}
                out[key][j] = split.get("price", 0) or out[key][j]
    return prices if out is None else out


# One no-deal world's prosperity terms in a baseline dict (see `_world_terms`): its
# prosperity, its spot trades as (round, market, volume, value at its own price,
# the value's key) and its `prosperity...` items with the world's tag taken off.
_WorldTerms = tuple[int, list[tuple[int, str, int, int | None, str]], list[tuple[str, int]]]


# What a baseline key says, for `_world_terms`: (kind, world, round, market or the key with
# its world's tag taken off, the key of the matching value): a key not a world's (_REST), a
# world's spot volume (_VOL), a world's prosperity key (_PROSPERITY), or another (_OTHER).
_REST, _VOL, _PROSPERITY, _OTHER = range(4)
_KeyKind = tuple[int, int, int, str, str]
_WORLD_TAGS = {str(w): w for w in range(_WORLDS)}


def _key_kind(k: str) -> _KeyKind:
    if not k.startswith(_WORLD):
        return _REST, 0, 0, "", ""
    tag, _, tail = k[len(_WORLD):].partition(":")
    w = _WORLD_TAGS.get(tag)
    if w is None:
        return _OTHER, 0, 0, "", ""
    if tail.startswith("vol:"):  # `vol:<round>:<market>`
        j, _, key = tail[4:].partition(":")
        return _VOL, w, int(j), key, f"{_WORLD}{w}:val:{j}:{key}"
    if tail.startswith("prosperity"):
        return _PROSPERITY, w, 0, tail, ""
    return _OTHER, w, 0, "", ""


def _world_terms(base: dict[str, int], kinds: dict[str, _KeyKind] | None = None,
                 ) -> tuple[dict[str, int], list[_WorldTerms]]:
    """A baseline dict sorted out for `revalued_prosperity`: its items that belong to no
    world, and each world's terms. Parsing the `@<w>:vol:<round>:<market>` keys is most of
    the work of revaluing, and a game revalues the same dict for a seat at every scoring;
    `kinds` keeps each key's `_key_kind` (the same keys recur for every seat and round)."""
    if kinds is None:
        kinds = {}
    rest: dict[str, int] = {}
    trades: list[list[tuple[int, str, int, int | None, str]]] = [[] for _ in _WORLD_TAGS]
    items: list[list[tuple[str, int]]] = [[] for _ in _WORLD_TAGS]
    for k, v in base.items():  # one pass: a late round's dict holds every round's trades
        found = kinds.get(k)
        if found is None:
            found = kinds[k] = _key_kind(k)
        kind, w, j, name, val_key = found
        if kind == _REST:
            rest[k] = v
        elif kind == _VOL:
            trades[w].append((j, name, v, base.get(val_key), val_key))
        elif kind == _PROSPERITY:
            items[w].append((name, v))
    worlds: list[_WorldTerms] = []
    for w in range(_WORLDS):
        own = base.get(f"{_WORLD}{w}:prosperity")
        if own is not None:
            worlds.append((own, trades[w], items[w]))
    return rest, worlds


def revalued_prosperity(base: dict[str, int], prices: Mapping[str, list[int]],
                        worlds: tuple[dict[str, int], list[_WorldTerms]] | None = None,
                        ) -> dict[str, int]:
    """The baseline with prosperity revalued at the prices the game actually had.

    Why: a seat's spot sales and purchases in the no-deal world are what doing nothing
    trades; when other seats' deals move a market's price, doing nothing trades those lots
    at the new price. Measured against the no-deal world at its own prices, a producer that
    did nothing lost points for prices others moved (and a buyer gained them). So the
    no-deal world's net spot volume per round and market is valued at the price this game
    recorded in that round (a round with no trade in this game keeps the no-deal price),
    and each part of the difference is the seat's own doing. The better no-deal world
    (calm or as dealt) is chosen after revaluing both, so a table where nobody does
    anything (this game is then the no-deal game as dealt, at its own prices) still scores
    at most 100. The difference shows in the debrief as the `prices` source.

    `worlds` is `_world_terms(base)`, passed by a caller that keeps it."""
    rest, terms = _world_terms(base) if worlds is None else worlds
    out = dict(rest)
    best: tuple[int, int, int] | None = None  # (revalued, shift, index in terms)
    for i, (own, trades, _) in enumerate(terms):
        shift = 0
        for j, key, vol, val, val_key in trades:
            got = prices.get(key, ())
            now = got[j] if j < len(got) else 0
            if now:
                if val is None:
                    raise KeyError(val_key)
                shift += vol * now - val
        if best is None or own + shift > best[0]:
            best = (own + shift, shift, i)
    if best is None:
        return out
    value, shift, i = best
    out.update(terms[i][2])
    out["prosperity"] = value
    out["prosperity:prices"] = out.get("prosperity:prices", 0) + shift
    return out


def update_scores(game: Game) -> None:
    country = game.scenario.country
    signed = signed_by_seat(game)
    game.state.scores = {
        sid: score_seat(game, s, country(sid), signed) for sid, s in game.state.seats.items()
    }


def ranking(game: Game) -> list[str]:
    """Seats by total, best first; equal totals are listed in the scenario's seat order
    (a list needs an order) but share their place: see `winners`."""
    scores = game.state.scores
    order = list(game.state.seats)
    return sorted(order, key=lambda s: (-(scores[s].total if s in scores else 0),
                                        order.index(s)))


def winners(game: Game) -> list[str]:
    """Every seat with the highest total: equal highest totals share the win.

    Why: totals are whole points, and about one game in ten ends with two or more seats
    level at the top (6-17% of 500-game bot runs on the shipped boards and their variants);
    settling those by the scenario's seat order handed them to the seats listed first, and
    the producers are listed last."""
    order = ranking(game)
    scores = game.state.scores
    if not order or order[0] not in scores:
        return order[:1]
    top = scores[order[0]].total
    return [s for s in order if s in scores and scores[s].total == top]


def calm(scenario: Scenario) -> Scenario:
    """The scenario without the export controls its cards would force (and without those
    cards' prompts, which answer the control): the world a seat could prepare for. Every
    card keeps its place, so the deck and every other draw are unchanged."""
    cards = []
    for c in scenario.cards:
        if any(isinstance(e, ForceControl) for e in c.effects):
            c = msgspec.structs.replace(
                c, effects=tuple(e for e in c.effects if not isinstance(e, ForceControl)),
                prompt=None)
        cards.append(c)
    return msgspec.structs.replace(scenario, cards=tuple(cards))


def compute_baseline(
    scenario: Scenario, seed: int, rounds: int
) -> dict[str, list[dict[str, int]]]:
    """Raw parts per seat, after each round, in a game where nobody negotiates and everyone
    takes the default orders, plus `obj:<id>` = 1 for each objective that game meets.

    The no-deal game is played twice when the deck forces export controls: in the calm world
    (the cards without the controls they force, the shocks a seat can prepare for) and in
    the world as dealt. Each part's baseline is the better of the two, and an objective met
    in either counts as met by doing nothing. So an unprepared target of a control scores
    below 100 (the calm world was better for it), a seat that gains from someone else's
    control by doing nothing does not score above 100, and an all-passive table scores 100
    or less on every part and meets no objective."""
    worlds = [calm(scenario)]
    if worlds[0] != scenario:
        worlds.append(scenario)
    out: dict[str, list[dict[str, int]]] = {}
    kinds: dict[str, str] = {}  # _merge_kind of each key: the same keys recur for every seat
    for w, world in enumerate(worlds):
        for sid, per_round in _no_deal_game(world, scenario, seed, rounds, w).items():
            mine = out.setdefault(sid, [])
            for i, parts in enumerate(per_round):
                if i == len(mine):
                    mine.append(parts)
                else:
                    mine[i] = _better(mine[i], parts, kinds)
    return out


# a key's kind for `_better` when it is no part's (the part's name otherwise): neither
# holds a ":", which the name before a key's first ":" cannot
_OF_WORLD, _OBJECTIVE = ":world", ":objective"


def _merge_kind(k: str) -> str:
    if k.startswith(_WORLD):
        return _OF_WORLD
    if k.startswith(("obj:", "objp:")):
        return _OBJECTIVE
    return k.partition(":")[0]  # the part of `part` and of `part:<source>`


def _better(old: dict[str, int], new: dict[str, int],
            kinds: dict[str, str] | None = None) -> dict[str, int]:
    """Each part from the better world, with that world's components of the part (the
    `part:source` keys the debrief compares against); an objective met in either world.
    `kinds` keeps each key's `_merge_kind` from call to call."""
    if kinds is None:
        kinds = {}
    src: dict[str, dict[str, int]] = {p: new if new.get(p, 0) > old.get(p, 0) else old
                                      for p in PARTS if p != "prosperity"}
    # gathered in one pass over each dict (the no-deal game merges them after every round),
    # then laid out in this order: the objectives (old's keys), each world's prosperity
    # keys, each part's keys (the part, `part:<source>`) from its better world, part by part
    objectives: list[tuple[str, int]] = []
    worlds: list[tuple[str, int]] = []
    taken: dict[str, list[tuple[str, int]]] = {p: [] for p in src}
    for d in (old, new):
        for k, v in d.items():
            kind = kinds.get(k)
            if kind is None:
                kind = kinds[k] = _merge_kind(k)
            if kind == _OF_WORLD:
                # prosperity is chosen when the game's prices are known
                # (revalued_prosperity): each world keeps its own keys
                worlds.append((k, v))
            elif kind == _OBJECTIVE:
                if d is old:
                    objectives.append((k, max(v, new.get(k, v))))
            elif src.get(kind) is d:
                taken[kind].append((k, v))
    out = dict(objectives)
    out.update(worlds)
    for items in taken.values():
        out.update(items)
    return out


def components(seat: Seat, values: Mapping[str, int] | None = None,
               stock: StockBasis | None = None, terms: Terms | None = None) -> dict[str, int]:
    """The sources a part adds up from, as `part:source` keys: prosperity's $M by source,
    security's two terms, reputation's changes by source (sustainability is traceable
    trade, which only deals carry: the no-deal game has none). `terms`: as for
    `raw_parts`."""
    st = seat.stats
    if terms is None:
        terms = security_parts(seat, values), stock_value(seat, stock)
    (met, exposure), held = terms
    out = {f"prosperity:{k}": v for k, v in st.money.items()}
    if held:
        out["prosperity:stock"] = held
    out["security:met"] = met
    out["security:exposure"] = exposure
    out.update((f"reputation:{k}", v * REP_UNIT) for k, v in st.rep.items())
    return out


def _no_deal_game(world: Scenario, scenario: Scenario, seed: int, rounds: int,
                  w: int = 0) -> dict[str, list[dict[str, int]]]:
    from game.actions import FACILITATOR, Advance, Start
    from game.engine import Game

    g = Game.new(world, seed, rounds=rounds, baseline=False)
    g.scratch = True  # its scores and phase snapshots are never read
    g.apply(FACILITATOR, Start())
    values = output_values(scenario)
    out: dict[str, list[dict[str, int]]] = {sid: [] for sid in g.state.seats}
    # each seat's net spot volume per (round, market) so far, with its value at this
    # world's price: what revalued_prosperity reprices at the game's prices
    spot: dict[str, dict[str, int]] = {sid: {} for sid in g.state.seats}
    stocks = {sid: stock_basis(scenario, sid) for sid in g.state.seats}
    tag = f"{_WORLD}{w}:"
    while g.state.phase != "ended":
        resolved = len(g.state.reports)
        g.apply(FACILITATOR, Advance())
        if len(g.state.reports) > resolved:
            j = len(g.state.reports) - 1
            report = g.state.reports[-1]
            signed = signed_by_seat(g)
            for sid, s in g.state.seats.items():
                met = spot_prices(g, sid)
                net: dict[str, int] = {}
                for f in report.private.get(sid, {}).get("fills", ()):
                    key = f"{f['mineral']}:{f['form']}"
                    sign = (f["seller"] == sid) - (f["buyer"] == sid)
                    net[key] = net.get(key, 0) + sign * f["qty"]
                for key, vol in net.items():
                    if vol:
                        spot[sid][f"{tag}vol:{j}:{key}"] = vol
                        spot[sid][f"{tag}val:{j}:{key}"] = vol * met[key][j]
                stock = stocks[sid]
                # raw_parts, then components: security's terms and the stock's value once
                terms = security_parts(s, values), stock_value(s, stock)
                parts = raw_parts(s, values, stock, terms)
                parts.update(components(s, values, stock, terms))
                for p in [k for k in parts if k == "prosperity" or k.startswith("prosperity:")]:
                    parts[tag + p] = parts.pop(p)
                parts.update(spot[sid])
                for o in scenario.country(sid).objectives:
                    parts[f"obj:{o.id}"] = int(objective_met(g, s, o, signed))
                    done = objective_progress(g, s, o)
                    if done >= 0:
                        parts[f"objp:{o.id}"] = done
                out[sid].append(parts)
    return out


def objectives_met_by_doing_nothing(scenario: Scenario, seeds: tuple[int, ...] = (1, 2, 3),
                                    ) -> list[str]:
    """Paths (countries[i].objectives[j]) of the objectives a no-deal game meets at its end
    for any of `seeds`, in the calm world or as dealt: the loader refuses such scenarios."""
    found: set[tuple[int, int]] = set()
    for seed in seeds:
        base = compute_baseline(scenario, seed, scenario.rounds)
        for i, c in enumerate(scenario.countries):
            rounds = base.get(c.id, [])
            for j, o in enumerate(c.objectives):
                if any(r.get(f"obj:{o.id}") for r in rounds):
                    found.add((i, j))
    return [f"countries[{i}].objectives[{j}]" for i, j in sorted(found)]


# ---- the debrief: where each part's points came from ----------------------------------------
MONEY_SOURCES = ("output", "market", "prices", "stock", "standard", "forge", "stockpile",
                 "event")


def breakdown(game: Game, seat_id: str) -> dict[str, list[dict[str, Any]]]:
    """Per part, the points above or below 100 by source, and the objectives' points:
    `{part: [{"source": ..., "points": n, ...}], "objectives": [...]}` (docs/rules.md, §9).

    Each source's points are its raw difference from the no-deal game's, scaled like the
    part (100 x difference / the part's scale, rounded to the nearest point); a part's items
    add up exactly to its points minus 100: a `rounding` item takes what rounding each item
    leaves, a `limit` item what the 0..300 clamp cut. Sources with 0 points are left out.
    The `objectives` items add up to the objective bonus in the total."""
    st = game.state
    seat, score = st.seats[seat_id], st.scores.get(seat_id)
    if score is None:
        return {}
    base = _baseline_now(game, seat_id)
    values = _values(game)
    stock = _stock(game, seat_id)
    raw = raw_parts(seat, values, stock)
    mine = components(seat, values, stock)
    scales = _scales(game, seat_id)
    deals = {d.id: d for d in signed_by_seat(game).get(seat_id, ())}
    out: dict[str, list[dict[str, Any]]] = {}
    for p in PARTS:
        items: list[tuple[dict[str, Any], int]] = []
        if p in base:
            items = _sources(p, seat, mine, base, raw[p], deals)
            total = raw[p] - base[p]
        else:
            total = 0
        out[p] = _points(items, total, scales[p], score.parts[p])
    country = game.scenario.country(seat_id)
    points = objective_points(country)
    out["objectives"] = []
    for o in country.objectives:
        met = score.objectives.get(o.id, False)
        got = objective_bonus(game, seat, o, points[o.id], met, base)
        if got:
            out["objectives"].append({"source": "objective" if met else "objective_progress",
                                      "objective": o.id, "points": got})
    # the par factor's share: the total less the weighted parts and the objectives' points
    weights = country.weights
    w_sum = max(1, sum(weights.get(p, 0) for p in PARTS))
    unscaled = sum(weights.get(p, 0) * score.parts[p] for p in PARTS) // w_sum + sum(
        i["points"] for i in out["objectives"])
    item: dict[str, Any] = {"source": "par", "factor": score.par, "points": score.total - unscaled}
    if seat_id in game.state.par_money:  # the money window set its money's factor apart
        item["money_factor"] = game.state.par_money[seat_id]
    out["par"] = [item] if score.total != unscaled else []
    return out


def _sources(part: str, seat: Seat, mine: dict[str, int], base: dict[str, int], raw: int,
             deals: dict[str, Deal]) -> list[tuple[dict[str, Any], int]]:
    """(item without its points, raw difference from the no-deal game) for one part."""
    def deal_item(source: str, key: str) -> dict[str, Any]:
        d = deals.get(key)
        item: dict[str, Any] = {"source": source, "deal": key}
        if d is not None:
            item["partner"] = d.other(seat.id)
        return item

    out: list[tuple[dict[str, Any], int]] = []
    if part == "sustainability":
        traded = MAX_STANDARD * max(1, seat.stats.traded)
        for key, t in seat.stats.traceable_by.items():
            out.append((deal_item("deal", key), t * 10000 // traded))
        if base[part]:
            out.append(({"source": "no_deal"}, -base[part]))
        return out  # what integer division leaves goes to the rounding item
    prefix = f"{part}:"
    diff = {k[len(prefix):]: v for k, v in mine.items() if k.startswith(prefix)}
    for k, v in base.items():
        if k.startswith(prefix):
            diff[k[len(prefix):]] = diff.get(k[len(prefix):], 0) - v
    for key, v in diff.items():
        kind, _, ident = key.partition(":")
        if kind == "deal" or kind == "breach":
            out.append((deal_item(kind, ident), v))
        elif kind == "framework":
            out.append(({"source": "framework", "framework": ident}, v))
    out.extend(({"source": k}, diff[k]) for k in (*MONEY_SOURCES, "met", "exposure")
               if k in diff)
    if part == "security":
        for item, _ in out:
            item["source"] = "supply" if item["source"] == "met" else item["source"]
    left = raw - base[part] - sum(v for _, v in out)
    if left:  # a change no source recorded (reputation lost to an upheld FORGE dispute)
        out.append(({"source": "other"}, left))
    return out


def _points(items: list[tuple[dict[str, Any], int]], total: int, scale: int,
            part: int) -> list[dict[str, Any]]:
    unclamped = 100 * total // max(1, scale)
    out = []
    for item, v in items:
        pts = (200 * v + scale) // (2 * scale)  # the nearest point (half up)
        if pts:
            out.append({**item, "points": pts})
    rounding = unclamped - sum(i["points"] for i in out)
    if rounding:
        out.append({"source": "rounding", "points": rounding})
    limit = part - BASE_PART - unclamped
    if limit:
        out.append({"source": "limit", "points": limit})
    return out


def world_outcome(game: Game) -> dict[str, Any]:
    """The shared result for the debrief, to set against each seat's own score."""
    seats = list(game.state.seats.values())
    demand = sum(s.stats.demand for s in seats)
    met = sum(s.stats.met for s in seats)
    shortages: dict[str, list[int]] = {}
    for m in game.scenario.mineral_ids:
        per_round: list[int] = []
        for s in seats:
            for i, q in enumerate(s.stats.shortage.get(m, [])):
                if i == len(per_round):
                    per_round.append(0)
                per_round[i] += q
        shortages[m] = per_round
    return {
        "demand_met_bp": met * 10000 // demand if demand else 10000,
        "output_value": sum(s.stats.output_value for s in seats),
        "prices": {k: list(v) for k, v in game.state.prices.items()},
        "shortages": shortages,
    }
