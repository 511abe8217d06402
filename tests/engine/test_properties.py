"""Hypothesis stateful tests: random legal and illegal action sequences in both scenarios,
checking every invariant of rules.md after every step."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from game import FACILITATOR, Game, RuleError, load_scenario
from game.actions import (
    AcceptDeal,
    Action,
    Advance,
    ApplyForge,
    CounterDeal,
    FileDispute,
    FireCard,
    ProposeDeal,
    ProposeFloor,
    ProposeStandard,
    RespondPrompt,
    Rewind,
    Start,
    SubmitOrders,
    Vote,
)
from game.clauses import Exclusivity, Invest, License, Payment, Standards, Supply, TariffWaiver
from game.orders import Control, Investment, MarketOrder, Orders, StockpileOrder, Tariff
from tests.engine.invariants import (
    check_conservation,
    check_no_floats,
    check_views,
)

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"
FORMS = ("ore", "refined")


def clause_strategy(a: str, b: str, seats: list[str], minerals: list[str]) -> st.SearchStrategy:
    pair = st.sampled_from([(a, b), (b, a)])
    mineral = st.sampled_from(minerals)
    amount = st.integers(min_value=-5, max_value=400)
    return st.one_of(
        st.builds(lambda p, m, f, q, pr: Supply(seller=p[0], buyer=p[1], mineral=m, form=f, qty=q,
                                               price=pr),
                  pair, mineral, st.sampled_from(FORMS), st.integers(0, 30), st.integers(0, 60)),
        st.builds(lambda p, m, x, c, k: Invest(investor=p[0], host=p[1], amount=x, mineral=m,
                                               kind=k, capacity=c, delay=1, offtake_bp=5000,
                                               offtake_price=10),
                  pair, mineral, amount, st.integers(1, 10), st.sampled_from(("mine", "refine"))),
        st.builds(lambda p, x: Payment(payer=p[0], payee=p[1], amount=x), pair, amount),
        st.builds(lambda p: TariffWaiver(waiver=p[0], beneficiary=p[1]), pair),
        st.builds(lambda lv: Standards(level=lv), st.integers(0, 4)),
        st.builds(lambda p, m, x: Exclusivity(seller=p[0], mineral=m, excluded=x), pair, mineral,
                  st.sampled_from(seats)),
        st.builds(lambda p, m: License(licensor=p[0], licensee=p[1], mineral=m, qty=2), pair,
                  mineral),
    )


class GameMachine(RuleBasedStateMachine):
    scenario_name = "classroom-lite"

    def __init__(self) -> None:
        super().__init__()
        self.scenario = load_scenario(SCENARIOS / f"{self.scenario_name}.json")
        self.seats = list(self.scenario.seat_ids)
        self.minerals = list(self.scenario.mineral_ids)
        self.log: list[tuple[str, Action]] = []
        self.seed = 0
        self.game: Game

    @initialize(seed=st.integers(0, 2**32))
    def setup(self, seed: int) -> None:
        self.seed = seed
        self.game = Game.new(self.scenario, seed, baseline=False)
        self.do(FACILITATOR, Start())

    def do(self, actor: str, action: Action) -> None:
        before = self.game.state_bytes()
        try:
            self.game.apply(actor, action)
        except RuleError as exc:
            assert exc.code
            assert self.game.state_bytes() == before, f"{exc.code} changed the state"
        else:
            self.log.append((actor, action))

    # ---- actions ------------------------------------------------------------------------
    @rule(data=st.data())
    def legal(self, data: st.DataObject) -> None:
        actor = data.draw(st.sampled_from([*self.seats, FACILITATOR]))
        actions = [a for a in self.game.legal_actions(actor).actions
                   if not isinstance(a, Advance) or data.draw(st.integers(0, 3)) == 0]
        if actions:
            action = data.draw(st.sampled_from(actions))
            before = self.game.state.seq
            self.do(actor, action)
            assert self.game.state.seq == before + 1, f"listed as legal but refused: {action}"

    @rule(data=st.data())
    def propose(self, data: st.DataObject) -> None:
        a = data.draw(st.sampled_from(self.seats))
        b = data.draw(st.sampled_from(self.seats))
        clauses = data.draw(st.lists(clause_strategy(a, b, self.seats, self.minerals),
                                     min_size=0, max_size=3))
        rounds = data.draw(st.integers(0, 4))
        open_deals = [d for d in self.game.state.deals.values() if d.status == "proposed"]
        if open_deals and data.draw(st.booleans()):
            deal = data.draw(st.sampled_from(open_deals))
            actor = data.draw(st.sampled_from([deal.recipient, a]))
            self.do(actor, CounterDeal(deal=deal.id, clauses=tuple(clauses), rounds=rounds))
        else:
            self.do(a, ProposeDeal(to=b, clauses=tuple(clauses), rounds=rounds, note=f"n{a}{b}"))

    @rule(data=st.data())
    def orders(self, data: st.DataObject) -> None:
        seat = data.draw(st.sampled_from(self.seats))
        mineral = st.sampled_from(self.minerals)
        market = st.builds(MarketOrder, mineral, st.sampled_from(FORMS), st.integers(-1, 40),
                           st.integers(0, 80))
        targets = st.lists(st.sampled_from([*self.seats, "ALL"]), min_size=0, max_size=2,
                           unique=True).map(tuple)
        orders = Orders(
            controls=data.draw(st.none() | st.lists(
                st.builds(Control, mineral, st.sampled_from(FORMS), targets), max_size=2
            ).map(tuple)),
            tariffs=data.draw(st.none() | st.lists(
                st.builds(Tariff, mineral, targets, st.integers(0, 12000)), max_size=2
            ).map(tuple)),
            env_standard=data.draw(st.none() | st.integers(-1, 4)),
            refine=data.draw(st.none() | st.dictionaries(mineral, st.integers(0, 50), max_size=2)),
            sell=data.draw(st.none() | st.lists(market, max_size=3).map(tuple)),
            buy=data.draw(st.none() | st.lists(market, max_size=3).map(tuple)),
            stockpile=tuple(data.draw(st.lists(st.builds(StockpileOrder, mineral,
                                                         st.integers(0, 5), st.integers(0, 5)),
                                               max_size=2))),
            invest=tuple(data.draw(st.lists(st.builds(Investment, mineral,
                                                      st.sampled_from(("mine", "refine")),
                                                      st.integers(1, 4)), max_size=1))),
        )
        self.do(seat, SubmitOrders(orders))

    @rule(data=st.data())
    def forge(self, data: st.DataObject) -> None:
        seat = data.draw(st.sampled_from(self.seats))
        mineral = data.draw(st.sampled_from(self.minerals))
        form = data.draw(st.sampled_from(FORMS))
        motions = [m.id for m in self.game.state.forge.motions] or ["M0"]
        ref = self.scenario.mineral(mineral).ref_price(form)
        action = data.draw(st.sampled_from([
            ApplyForge(),
            ProposeFloor(mineral, form, data.draw(st.integers(0, ref * 3))),  # type: ignore[arg-type]
            ProposeStandard(data.draw(st.integers(0, 3))),
            Vote(data.draw(st.sampled_from(motions)), data.draw(st.booleans())),
            FileDispute(kind="floor", mineral=mineral, form=form),  # type: ignore[arg-type]
        ]))
        self.do(seat, action)

    @rule(data=st.data())
    def illegal(self, data: st.DataObject) -> None:
        """Actions aimed at the wrong seat, unknown ids, or out of turn."""
        seat = data.draw(st.sampled_from(self.seats))
        deal_ids = [*self.game.state.deals, "D0"]
        prompt_ids = [p.id for p in self.game.state.prompts] or ["P0"]
        action = data.draw(st.sampled_from([
            AcceptDeal(data.draw(st.sampled_from(deal_ids))),
            RespondPrompt(data.draw(st.sampled_from(prompt_ids)), "absorb"),
            Start(),
            Rewind(),
        ]))
        self.do(seat, action)

    @precondition(lambda self: self.game.state.phase != "ended")
    @rule(data=st.data())
    def facilitator(self, data: st.DataObject) -> None:
        cards = [c.id for c in self.scenario.cards]
        action = data.draw(st.sampled_from([
            Advance(), Rewind(), FireCard(card_id=data.draw(st.sampled_from(cards)))]))
        self.do(FACILITATOR, action)

    # ---- invariants ---------------------------------------------------------------------
    @invariant()
    def conserved(self) -> None:
        check_conservation(self.game)

    @invariant()
    def integers_only(self) -> None:
        check_no_floats(self.game)

    @invariant()
    def views_hide_secrets(self) -> None:
        check_views(self.game)

    @invariant()
    def replay_is_exact(self) -> None:
        if len(self.log) % 7 == 0 or self.game.is_over:
            again = Game.replay(self.scenario, self.seed, self.log, baseline=False)
            assert again.state_bytes() == self.game.state_bytes()


class MinisterialMachine(GameMachine):
    scenario_name = "ministerial-2026"


_settings = settings(max_examples=20, stateful_step_count=50, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TestClassroomLite = GameMachine.TestCase
TestClassroomLite.settings = _settings
TestMinisterial = MinisterialMachine.TestCase
TestMinisterial.settings = _settings
