"""Games and the people in them: creating a game, joining a seat, reconnecting by token,
forking a past round into a new game, and proving a game from its log."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from game import FACILITATOR, RuleError
from game.actions import Pause, decode_action
from game.errors import text_fault
from game.phases import check_controller
from negotiation import scenarios, tokens
from negotiation.errors import BAD_REQUEST, CONFLICT, FORBIDDEN, NOT_FOUND, ServiceError
from negotiation.models import ActionLog, Game, ModerationLog, Player, Seat
from negotiation.realtime import broadcast
from negotiation.services import loading
from negotiation.services.actions import apply_locked

MAX_SPECTATOR_DELAY = 600
MIN_PHASE_SECONDS, MAX_PHASE_SECONDS = 1, 4 * 3600
NAME_MAX = 40


def _int(options: dict[str, Any], key: str, lo: int, hi: int, default: int | None) -> int | None:
    value = options.get(key, default)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise ServiceError(BAD_REQUEST, gettext("%(key)s must be a whole number in %(lo)s..%(hi)s")
                           % {"key": key, "lo": lo, "hi": hi})
    return value


def clean_options(scenario_id: str, options: dict[str, Any] | None) -> dict[str, Any]:
    """Validate what a facilitator asked for; unknown keys are refused, not ignored."""
    options = dict(options or {})
    known = {"rounds", "negotiation_seconds", "orders_seconds", "bots", "spectator_delay",
             "school_mode", "advisor"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise ServiceError(BAD_REQUEST, f"unknown option(s): {', '.join(unknown)}")
    scenario = scenarios.get(scenario_id)
    rounds = _int(options, "rounds", 1, scenario.rounds, scenario.rounds)
    bots = options.get("bots") or {}
    if not isinstance(bots, dict):
        raise ServiceError(BAD_REQUEST, "bots maps seat ids to 'bot:<strategy>'")
    controllers: dict[str, str] = {}
    for seat, ctl in bots.items():
        if seat not in scenario.seat_ids:
            raise ServiceError(BAD_REQUEST, f"no seat {seat!r} in {scenario_id}")
        ctl = ctl if isinstance(ctl, str) and ctl.startswith("bot:") else f"bot:{ctl}"
        try:
            check_controller(ctl)
        except RuleError as exc:
            raise ServiceError(BAD_REQUEST, exc.message) from None
        controllers[seat] = ctl
    out: dict[str, Any] = {
        "negotiation_seconds": _int(options, "negotiation_seconds", MIN_PHASE_SECONDS,
                                    MAX_PHASE_SECONDS, scenario.negotiation_seconds),
        "orders_seconds": _int(options, "orders_seconds", MIN_PHASE_SECONDS, MAX_PHASE_SECONDS,
                               scenario.orders_seconds),
        "spectator_delay": _int(options, "spectator_delay", 0, MAX_SPECTATOR_DELAY, 0),
        "school_mode": bool(options.get("school_mode", False)),
        "advisor": bool(options.get("advisor", False)),
        "engine": {"rounds": rounds, "controllers": controllers},
    }
    return out


def _unique_code() -> str:
    for _ in range(50):
        code = tokens.new_code()
        if not Game.objects.filter(code=code).exists():
            return code
    raise ServiceError(CONFLICT, gettext("could not find a free join code"))


def create_game(user: Any, scenario_id: str, options: dict[str, Any] | None = None,
                seed: int | None = None) -> Game:
    opts = clean_options(scenario_id, options)
    seed = secrets.randbits(48) if seed is None else seed
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**62:
        raise ServiceError(BAD_REQUEST, "seed must be a non-negative whole number")
    scenario = scenarios.get(scenario_id)
    controllers = opts["engine"]["controllers"]
    with transaction.atomic():
        row = Game.objects.create(code=_unique_code(), scenario_id=scenario_id, seed=seed,
                                  options=opts, created_by=user)
        Seat.objects.bulk_create([Seat(game=row, seat_id=s, controller=controllers.get(s, "human"))
                                  for s in scenario.seat_ids])
        loading.new_engine(row)  # fails here, not later, if the engine refuses the options
    return row


def by_code(code: str) -> Game:
    code = tokens.normalise_code((code or "")[:64])
    if not tokens.CODE_RE.fullmatch(code):  # a NUL would be a database error on PostgreSQL
        raise ServiceError(NOT_FOUND, gettext("no game with that code"))
    row = Game.objects.filter(code=code).first()
    if row is None:
        raise ServiceError(NOT_FOUND, gettext("no game with that code"))
    return row


def join(code: str, name: str, seat_id: str) -> tuple[Player, str]:
    """A person takes (or joins the delegation at) a human seat; returns them and their token."""
    row = by_code(code)
    name = name.strip() if isinstance(name, str) else ""
    # one line, no control characters (game.errors.text_fault): the engine's rule for text
    if text_fault(name, NAME_MAX, min_len=1) is not None:
        raise ServiceError(BAD_REQUEST, gettext("a display name is 1 to %(n)s printable characters")
                           % {"n": NAME_MAX})
    if row.status == Game.ENDED:
        raise ServiceError(CONFLICT, gettext("this game is over"))
    seat = Seat.objects.filter(game=row, seat_id=seat_id).first()
    if seat is None:
        raise ServiceError(NOT_FOUND, gettext("no seat %(seat)r in this game") % {"seat": seat_id})
    if seat.controller != "human":
        raise ServiceError(CONFLICT, gettext("%(seat)s is played by a bot; ask the facilitator")
                           % {"seat": seat_id})
    token_id = tokens.new_token_id()
    try:
        player = Player.objects.create(game=row, seat=seat, name=name,
                                       token_hash=tokens.hash_token_id(token_id))
    except IntegrityError:
        raise ServiceError(CONFLICT, gettext("please try again")) from None
    broadcast.roster(row.pk)
    return player, tokens.mint(row.pk, player.pk, token_id)


def player_for_token(token: str, game_id: int | None = None) -> Player:
    """The player a token names, if it is genuine, unrevoked and (if given) for this game."""
    parsed = tokens.read(token)
    if parsed is None:
        raise ServiceError(FORBIDDEN, gettext("that token is not valid"))
    g, p, t = parsed
    player = Player.objects.select_related("seat", "game").filter(pk=p, game_id=g).first()
    if player is None or player.revoked or not tokens.matches(t, player.token_hash):
        raise ServiceError(FORBIDDEN, gettext("that token is not valid (or was revoked)"))
    if game_id is not None and player.game_id != game_id:
        raise ServiceError(FORBIDDEN, gettext("that token is for another game"))
    return player


def fork(game_id: int, round_number: int, user: Any) -> Game:
    """A new game that replays this one's log up to the start of `round_number` ("what if
    round 3 had gone otherwise?"). It starts paused, with its own code and no players."""
    src = Game.objects.filter(pk=game_id).first()
    if src is None:
        raise ServiceError(NOT_FOUND, gettext("no such game"))
    with loading.lock(src.pk):
        engine = loading.load(src).game
        starts = list(engine.state.round_start_seq)
    if not isinstance(round_number, int) or not 1 <= round_number <= len(starts):
        raise ServiceError(BAD_REQUEST, gettext("round must be one of 1..%(n)s (rounds begun)")
                           % {"n": len(starts)})
    cut = starts[round_number - 1] + 1  # the action that began the round is included
    rows = list(ActionLog.objects.filter(game=src, seq__lte=cut).order_by("seq"))
    with transaction.atomic():
        new = Game.objects.create(code=_unique_code(), scenario_id=src.scenario_id,
                                  seed=src.seed, options=src.options, created_by=user,
                                  parent=src, forked_from_round=round_number)
        Seat.objects.bulk_create([Seat(game=new, seat_id=s.seat_id,
                                       controller=(src.options.get("engine", {})
                                                   .get("controllers", {})
                                                   .get(s.seat_id, "human")))
                                  for s in src.seats.all()])
        new_row = Game.objects.select_for_update().get(pk=new.pk)
        for r in rows:
            apply_locked(new_row, r.actor, decode_action(r.payload), sender=r.sender,
                         client_msg_id=r.client_msg_id)
        if new_row.status == Game.RUNNING:
            apply_locked(new_row, FACILITATOR, Pause(), sender="facilitator")
        ModerationLog.objects.create(game=src, by=str(user), act="fork",
                                     target=new.code, detail={"round": round_number})
    return Game.objects.get(pk=new.pk)


def verify_log(game_id: int) -> bool:
    """True if replaying the whole log from scratch gives the state the server holds."""
    row = Game.objects.get(pk=game_id)
    with loading.lock(row.pk):
        live = loading.load(row).game.state_bytes()
    return loading.rebuild_from_log(row).state_bytes() == live
