"""The lobby's own services: the games a facilitator lists, archiving and deleting a game,
the seats a join page offers (by name, taken or bot-played), the addresses of this machine
for classroom mode, and the banner `make class` prints.

Archiving keeps everything (log, chat, exports) and only takes the game off the lobby's
list; it is a flag in the game's options, like `demo`. Deleting removes the game and all
that hangs on it (seats, people, the action log, snapshots, chat) through the database's
cascades; the person deleting must run the game."""

from __future__ import annotations

import ipaddress
import os
import secrets
import socket
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext

from negotiation import scenarios
from negotiation.errors import CONFLICT, FORBIDDEN, NOT_FOUND, ServiceError
from negotiation.models import Game, Player

FACILITATOR_USERNAME = "facilitator"
STRATEGIES = ("cooperative", "hawk", "passive")


# ---- a facilitator's games -------------------------------------------------------------------
def games_of(user: Any, archived: bool = False, limit: int = 30) -> list[Game]:
    qs = Game.objects.filter(created_by=user).order_by("-created")
    # A game made before archiving existed has no "archived" key: on SQLite and PostgreSQL a
    # missing key is NULL, which `exclude(options__archived=True)` would drop as well.
    live = Q(options__archived__isnull=True) | Q(options__archived=False)
    qs = qs.filter(options__archived=True) if archived else qs.filter(live)
    return list(qs[:limit])


def _owned(user: Any, code: str) -> Game:
    game = Game.objects.filter(code=code).first()
    if game is None:
        raise ServiceError(NOT_FOUND, gettext("no game with that code"))
    if not (user.is_authenticated and (user.pk == game.created_by_id or user.is_superuser)):
        raise ServiceError(FORBIDDEN, gettext("you do not run this game"))
    return game


def set_archived(user: Any, code: str, archived: bool = True) -> Game:
    with transaction.atomic():
        game = _owned(user, code)
        row = Game.objects.select_for_update().get(pk=game.pk)
        opts = dict(row.options)
        if archived:
            opts["archived"] = True
        else:
            opts.pop("archived", None)
        row.options = opts
        row.save(update_fields=["options"])
    return row


def delete(user: Any, code: str) -> None:
    """A game nobody plays any more: not started, over, or with nobody in it. A game
    being played is ended (or archived) first, so no one's page loses its game mid-round."""
    with transaction.atomic():
        game = _owned(user, code)
        live = game.status in (Game.RUNNING, Game.PAUSED)
        if live and Player.objects.filter(game=game, revoked=False).exists():
            raise ServiceError(CONFLICT, gettext("people are playing this game: end it first, or "
                                                 "archive it"))
        game.delete()


# ---- the join page's seats -------------------------------------------------------------------
@dataclass
class SeatChoice:
    id: str
    name: str
    profile: str
    bot: bool
    people: int


def seat_choices(game: Game) -> list[SeatChoice]:
    """Every seat of the game in the scenario's order: its name, whether a bot plays it
    and how many people have joined it (a seat with people can still be joined: as a
    member of that delegation)."""
    scenario = scenarios.get(game.scenario_id)
    names = {c.id: (c.name, c.profile) for c in scenario.countries}
    rows = (game.seats.annotate(people=Count("players", filter=Q(players__revoked=False)))
            .values_list("seat_id", "controller", "people"))
    by_id = {sid: (ctl, n) for sid, ctl, n in rows}
    out = []
    for sid in scenario.seat_ids:
        ctl, n = by_id.get(sid, ("human", 0))
        name, profile = names.get(sid, (sid, ""))
        out.append(SeatChoice(sid, name, profile, ctl != "human", n))
    return out


def people_in(game: Game) -> int:
    return Player.objects.filter(game=game, revoked=False).count()


# ---- classroom mode --------------------------------------------------------------------------
def lan_addresses() -> list[str]:
    """This machine's addresses other people can reach (IPv4 first, no loopback)."""
    found: list[str] = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None):
            found.append(str(info[4][0]))
    except OSError:
        pass
    try:  # the address of the default route, without sending anything
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))
            found.insert(0, s.getsockname()[0])
    except OSError:
        pass
    out: list[str] = []
    for a in found:
        try:
            ip = ipaddress.ip_address(a.split("%")[0])
        except ValueError:
            continue
        if ip.is_loopback or ip.is_link_local or ip.is_unspecified or str(ip) in out:
            continue
        out.append(str(ip))
    return sorted(out, key=lambda a: ":" in a)


def public_base() -> str:
    """FORGE_PUBLIC_URL (set by `make class`): the address phones use, or ""."""
    return os.environ.get("FORGE_PUBLIC_URL", "").strip().rstrip("/")


def ensure_facilitator() -> str:
    """An account that can log in, made once with a random password; returns how to log
    in (the password is shown only when it is set)."""
    User = get_user_model()
    if User.objects.filter(is_active=True, is_staff=True).exclude(password="").exclude(
            password__startswith="!").exists():
        return ("log in with your facilitator account (`.venv/bin/python manage.py "
                "changepassword facilitator` sets a new password)")
    user, _ = User.objects.get_or_create(username=FACILITATOR_USERNAME,
                                         defaults={"is_staff": True})
    chosen = os.environ.get("FORGE_DEMO_PASSWORD", "")
    password = chosen or secrets.token_urlsafe(9)
    user.is_staff = True
    user.is_active = True
    user.set_password(password)
    user.save()
    if chosen:
        return f"log in as {FACILITATOR_USERNAME} with FORGE_DEMO_PASSWORD"
    return f"log in as {FACILITATOR_USERNAME} / {password}   (shown once: note it now)"


def class_banner(base: str | None = None) -> str:
    """What `make class` prints before it serves: the lobby's address on the network, how
    the facilitator logs in, and a QR code of the lobby for the teacher's own phone."""
    base = base or public_base() or "http://127.0.0.1:8000"
    login = ensure_facilitator()
    lines = [
        "",
        "FORGE classroom mode: DEBUG off, reachable from this network.",
        f"  lobby (phones on the same Wi-Fi): {base}/",
        f"  facilitator: {base}/accounts/login/  ({login})",
        "  then create a game in the lobby; its console shows the join code, a QR code",
        "  and the projector link.",
    ]
    others = [a for a in lan_addresses() if a not in base]
    if others:
        lines.append(f"  other addresses of this machine: {', '.join(others)}")
    try:
        import io

        import segno

        buf = io.StringIO()
        segno.make(f"{base}/", error="m").terminal(out=buf, compact=True)
        lines += ["", buf.getvalue()]
    except Exception:  # a terminal that cannot take the code loses only the picture
        pass
    return "\n".join(lines)


def print_class_banner() -> None:
    print(class_banner(), flush=True)
