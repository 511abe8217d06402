"""Event cards: one drawn per round, typed effects applied at once, prompts answered in
negotiation (or defaulted when it ends). The facilitator may fire a card at any time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from game import deals
from game.actions import FireCard, RespondPrompt
from game.clauses import License
from game.effects import (
    CapacityChange,
    DemandShock,
    Effect,
    ForceControl,
    GrantBudget,
    ReleaseStockpile,
    Reputation,
    RequestLicense,
    RowShock,
    SetTariff,
    Treasury,
)
from game.errors import ErrorCode, RuleError, ScenarioError, require
from game.event import Event
from game.orders import Control, Tariff
from game.rng import next_u64, shuffled
from game.scenario import Card, Scenario, check_card
from game.state import ForcedControl, Modifier, OpenPrompt, Pending

if TYPE_CHECKING:
    from game.engine import Game


def deal_deck(scenario: Scenario, seed: int, rounds: int) -> tuple[int, list[str]]:
    """(rng state, deck): the unscripted cards shuffled by the seed, then arranged so that
    each of the scenario's draw rules holds in a game of `rounds` rounds. A rule already met
    by the shuffle changes nothing; otherwise one of its cards, chosen by the seed, swaps
    with the card at a window position, also chosen by the seed. The same scenario, seed and
    length always deal the same deck. A window cut off by a shortened game binds only the
    rounds left; one with no deck round left binds nothing."""
    state, deck = shuffled(seed & ((1 << 64) - 1),
                           [c.id for c in scenario.cards if not c.round])
    scripted = {c.round for c in scenario.cards if c.round}
    drawn_in = [r for r in range(1, rounds + 1) if r not in scripted]  # deck[i] -> round
    claimed: set[str] = set()
    for rule in scenario.draw_rules:
        window = [i for i, r in enumerate(drawn_in)
                  if rule.from_round <= r <= rule.to_round and i < len(deck)]
        wanted = set(rule.cards)
        if not window or any(deck[i] in wanted for i in window):
            claimed |= wanted
            continue
        spare = [i for i, c in enumerate(deck) if c in wanted]
        free = [i for i in window if deck[i] not in claimed] or window
        claimed |= wanted
        if not spare:
            continue
        state, a = next_u64(state)
        state, b = next_u64(state)
        i, j = spare[a % len(spare)], free[b % len(free)]
        deck[i], deck[j] = deck[j], deck[i]
    return state, deck


def _card(game: Game, card_id: str) -> Card:
    for c in game.scenario.cards:
        if c.id == card_id:
            return c
    raise RuleError(ErrorCode.UNKNOWN_CARD, f"no card {card_id!r}")


def next_card_id(game: Game) -> str:
    """The scripted card for this round, else the top of the shuffled deck."""
    st = game.state
    for c in game.scenario.cards:
        if c.round == st.round and c.id not in st.cards_drawn:
            return c.id
    return st.deck[0] if st.deck else ""


def draw(game: Game) -> list[Event]:
    card_id = next_card_id(game)
    if not card_id:
        return []
    if card_id in game.state.deck:
        game.state.deck.remove(card_id)
    return reveal(game, _card(game, card_id))


def reveal(game: Game, card: Card) -> list[Event]:
    st = game.state
    st.card, st.card_title, st.card_text = card.id, card.title, card.text
    st.cards_drawn.append(card.id)
    events = [
        Event("card", f"{card.title}: {card.text}", data={"card": card.id, "title": card.title})
    ]
    for effect in card.effects:
        events += apply_effect(game, effect, "")
    if card.prompt is not None:
        for seat in card.prompt.seats:
            prompt = OpenPrompt(id=st.new_id("P"), card=card.id, seat=seat, round=st.round)
            st.prompts.append(prompt)
            events.append(
                Event(
                    "prompt",
                    card.prompt.text,
                    to=(seat,),
                    data={"prompt": prompt.id, "card": card.id},
                )
            )
    return events


def fire(game: Game, actor: str, action: FireCard) -> list[Event]:
    require(
        game.state.phase == "negotiation",
        ErrorCode.WRONG_PHASE,
        "cards are fired during negotiation",
    )
    if action.card_id:
        # (what is sent is logged whole: a field that is ignored must still be empty)
        require(
            not (action.title or action.text or action.effects),
            ErrorCode.BAD_ACTION,
            "name a card from the deck or write one, not both",
        )
        card = _card(game, action.card_id)
        require(
            card.id not in game.state.cards_drawn,
            ErrorCode.UNKNOWN_CARD,
            f"card {card.id} has already been played",
        )
        if card.id in game.state.deck:
            game.state.deck.remove(card.id)
        return reveal(game, card)
    # A written card is held to the very rules and bounds of a scenario's cards.
    seats, minerals = set(game.scenario.seat_ids), set(game.scenario.mineral_ids)
    try:
        check_card(action.title, action.text, action.effects, "card", seats, minerals)
    except ScenarioError as exc:
        raise RuleError(ErrorCode.BAD_ACTION, f"a written card: {exc.message}") from None
    card_id = f"custom-{game.state.next_id}"
    game.state.next_id += 1
    return reveal(
        game, Card(id=card_id, title=action.title, text=action.text, effects=action.effects)
    )


def _prompt(game: Game, prompt_id: str) -> OpenPrompt:
    for p in game.state.prompts:
        if p.id == prompt_id:
            return p
    raise RuleError(ErrorCode.UNKNOWN_PROMPT, f"no prompt {prompt_id!r}")


def respond(game: Game, actor: str, action: RespondPrompt) -> list[Event]:
    require(
        game.state.phase == "negotiation",
        ErrorCode.WRONG_PHASE,
        "prompts are answered during negotiation",
    )
    prompt = _prompt(game, action.prompt)
    require(prompt.seat == actor, ErrorCode.UNKNOWN_PROMPT, "that prompt is not yours")
    require(prompt.status == "open", ErrorCode.PROMPT_CLOSED, "already answered")
    card = _card(game, prompt.card)
    assert card.prompt is not None
    options = {o.id: o for o in card.prompt.options}
    require(action.option in options, ErrorCode.UNKNOWN_OPTION, f"options are {', '.join(options)}")
    return _answer(game, prompt, action.option, "answered")


def _answer(game: Game, prompt: OpenPrompt, option_id: str, status: str) -> list[Event]:
    card = _card(game, prompt.card)
    assert card.prompt is not None
    option = next(o for o in card.prompt.options if o.id == option_id)
    prompt.answer = option_id
    prompt.status = "answered" if status == "answered" else "defaulted"
    events = [
        Event(
            "prompt_answered",
            f"{prompt.seat}: {option.label}",
            to=(prompt.seat,),
            data={"prompt": prompt.id, "option": option_id},
        )
    ]
    for effect in option.effects:
        events += apply_effect(game, effect, prompt.seat)
    return events


def default_open_prompts(game: Game) -> list[Event]:
    events: list[Event] = []
    for p in game.state.prompts:
        if p.status == "open":
            card = _card(game, p.card)
            assert card.prompt is not None
            events += _answer(game, p, card.prompt.default, "defaulted")
    return events


def _seats(game: Game, seat: str, self_seat: str) -> list[str]:
    if seat == "$self":
        return [self_seat]
    if seat == "ALL":
        return list(game.state.seats)
    return [seat]


def apply_effect(game: Game, effect: Effect, self_seat: str) -> list[Event]:
    """Apply one typed effect. Money from outside the table is booked as the "event" flow."""
    st = game.state
    r = st.round
    match effect:
        case ForceControl():
            targets = tuple(self_seat if t == "$self" else t for t in effect.targets)
            for seat in _seats(game, effect.seat, self_seat):
                st.forced.append(
                    ForcedControl(
                        seat=seat,
                        control=Control(effect.mineral, effect.form, targets),
                        until_round=r + effect.rounds - 1,
                    )
                )
        case GrantBudget():
            for seat in _seats(game, effect.seat, self_seat):
                st.seats[seat].stockpile_budget += effect.amount
                st.ledger.add_money("event", effect.amount)
        case Treasury():
            for seat in _seats(game, effect.seat, self_seat):
                s = st.seats[seat]
                change = max(effect.amount, -s.treasury)
                s.treasury += change
                s.stats.flow("event", change)
                st.ledger.add_money("event", change)
        case CapacityChange():
            for seat in _seats(game, effect.seat, self_seat):
                if effect.rounds:
                    st.modifiers.append(
                        Modifier(
                            kind=effect.kind,
                            mineral=effect.mineral,
                            delta=effect.delta,
                            seat=seat,
                            from_round=r + effect.delay,
                            until_round=r + effect.delay + effect.rounds - 1,
                        )
                    )
                elif effect.delay:
                    st.pending.append(
                        Pending(
                            seat=seat,
                            mineral=effect.mineral,
                            kind=effect.kind,
                            delta=effect.delta,
                            due_round=r + effect.delay - 1,
                        )
                    )
                else:
                    cap = st.seats[seat].capacity[effect.mineral]
                    setattr(cap, effect.kind, max(0, getattr(cap, effect.kind) + effect.delta))
        case DemandShock():
            seat = "" if effect.seat == "ALL" else _seats(game, effect.seat, self_seat)[0]
            st.modifiers.append(
                Modifier(
                    kind="demand_bp",
                    mineral=effect.mineral,
                    delta=effect.delta_bp,
                    seat=seat,
                    from_round=r,
                    until_round=r + effect.rounds - 1,
                )
            )
        case RowShock():
            until = r + effect.rounds - 1
            if effect.supply_bp:
                st.modifiers.append(
                    Modifier(
                        kind="row_supply_bp",
                        mineral=effect.mineral,
                        delta=effect.supply_bp,
                        form=effect.form,
                        from_round=r,
                        until_round=until,
                    )
                )
            if effect.demand_bp:
                st.modifiers.append(
                    Modifier(
                        kind="row_demand_bp",
                        mineral=effect.mineral,
                        delta=effect.demand_bp,
                        form=effect.form,
                        from_round=r,
                        until_round=until,
                    )
                )
        case Reputation():
            for seat in _seats(game, effect.seat, self_seat):
                s = st.seats[seat]
                new = min(10, max(0, s.reputation + effect.delta))
                s.stats.rep_change("event", new - s.reputation)
                s.reputation = new
        case ReleaseStockpile():
            for seat in _seats(game, effect.seat, self_seat):
                h = st.seats[seat].holdings[effect.mineral]
                moved = min(max(effect.qty, 0), h.stockpile)
                h.stockpile -= moved
                h.refined += moved
        case SetTariff():
            targets = tuple(t for t in effect.targets if t != self_seat)
            for seat in _seats(game, effect.seat, self_seat):
                st.seats[seat].policy.tariffs.append(
                    Tariff(effect.mineral, targets, min(effect.rate_bp, 10000))
                )
        case RequestLicense():
            rounds = min(effect.rounds, st.rounds - r + 1)
            return [
                deals.open_proposal(
                    game,
                    seat,
                    effect.licensor,
                    # the licence asked for covers the seat's own industry's needs
                    [License(licensor=effect.licensor, licensee=seat, mineral=effect.mineral,
                             qty=max(1, st.seats[seat].demand.get(effect.mineral, 0)))],
                    rounds,
                    "License request (event response)",
                )
                for seat in _seats(game, effect.seat, self_seat)
                if seat != effect.licensor
            ]
    return []
