"""HTTP: the lobby (create a game, join by code), the minimal pages the server needs to be
playable, a JSON join endpoint for clients, and the facilitator's exports. The full
consoles are built separately against docs/protocol.md."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from negotiation import scenarios
from negotiation.errors import ServiceError
from negotiation.models import Game
from negotiation.services import exports, games


def _token_key(game: Game) -> str:
    return f"forge_token_{game.pk}"


def links(request: HttpRequest, game: Game) -> dict[str, str]:
    base = request.build_absolute_uri("/").rstrip("/")
    return {
        "join": f"{base}{reverse('join')}?code={game.code}",
        "play": f"{base}{reverse('play', args=[game.code])}",
        "watch": f"{base}{reverse('watch', args=[game.code])}",
        "facilitate": f"{base}{reverse('facilitate', args=[game.code])}",
        "ws": f"/ws/v1/games/{game.code}/",
    }


def lobby(request: HttpRequest) -> HttpResponse:
    mine = []
    if request.user.is_authenticated:
        mine = list(Game.objects.filter(created_by=request.user).order_by("-created")[:20])
    return render(request, "forge/lobby.html", {"scenarios": scenarios.available(),
                                                "games": mine})


def _parse_bots(text: str) -> dict[str, str]:
    bots: dict[str, str] = {}
    for part in text.replace("\n", ",").split(","):
        if "=" in part:
            seat, strategy = part.split("=", 1)
            bots[seat.strip()] = strategy.strip()
    return bots


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    options: dict[str, Any] = {"bots": _parse_bots(p.get("bots", ""))}
    for key in ("rounds", "negotiation_seconds", "orders_seconds", "spectator_delay"):
        if p.get(key, "").strip():
            try:
                options[key] = int(p[key])
            except ValueError:
                return render(request, "forge/lobby.html", {
                    "scenarios": scenarios.available(), "error": f"{key} must be a number"},
                    status=400)
    options["school_mode"] = p.get("school_mode") == "on"
    options["advisor"] = p.get("advisor") == "on"
    try:
        game = games.create_game(request.user, p.get("scenario", ""), options)
    except ServiceError as exc:
        return render(request, "forge/lobby.html", {"scenarios": scenarios.available(),
                                                    "error": exc.message}, status=400)
    return redirect("facilitate", game.code)


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    code = (request.POST.get("code") or request.GET.get("code") or "").strip()
    ctx: dict[str, Any] = {"code": code}
    game = None
    if code:
        try:
            game = games.by_code(code)
            ctx["game"] = game
            ctx["seats"] = list(game.seats.filter(controller="human"))
        except ServiceError as exc:
            ctx["error"] = exc.message
    if request.method == "POST" and game is not None and "seat" in request.POST:
        try:
            _player, token = games.join(code, request.POST.get("name", ""),
                                        request.POST.get("seat", ""))
        except ServiceError as exc:
            ctx["error"] = exc.message
            return render(request, "forge/join.html", ctx, status=400)
        request.session[_token_key(game)] = token
        return redirect("play", game.code)
    return render(request, "forge/join.html", ctx)


@csrf_exempt
@require_POST
def api_join(request: HttpRequest) -> JsonResponse:
    """JSON join for clients: {code, name, seat} -> {token, seat, ws}. No cookie is used,
    so there is nothing for a cross-site request to ride on."""
    try:
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"code": "bad_json", "message": "send a JSON object"}, status=400)
    try:
        player, token = games.join(str(body.get("code", "")), str(body.get("name", "")),
                                   str(body.get("seat", "")))
    except ServiceError as exc:
        status = {"not_found": 404, "conflict": 409}.get(exc.code, 400)
        return JsonResponse({"code": exc.code, "message": exc.message}, status=status)
    return JsonResponse({"token": token, "seat": player.seat.seat_id, "player": player.pk,
                         "ws": f"/ws/v1/games/{player.game.code}/"})


def _game(code: str) -> Game:
    try:
        return games.by_code(code)
    except ServiceError:
        raise Http404("no game with that code") from None


def play(request: HttpRequest, code: str) -> HttpResponse:
    game = _game(code)
    token = request.session.get(_token_key(game))
    if not token:
        return redirect(f"{reverse('join')}?code={game.code}")
    return render(request, "forge/client.html", {"game": game, "role": "player",
                                                 "token": token, "links": links(request, game)})


def watch(request: HttpRequest, code: str) -> HttpResponse:
    game = _game(code)
    return render(request, "forge/client.html", {"game": game, "role": "spectator",
                                                 "links": links(request, game)})


def _owned(request: HttpRequest, code: str) -> Game | HttpResponse:
    game = _game(code)
    user = request.user
    if not user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    if not (user.pk == game.created_by_id or user.is_superuser):
        return HttpResponseForbidden("you do not run this game")
    return game


def facilitate(request: HttpRequest, code: str) -> HttpResponse:
    game = _owned(request, code)
    if isinstance(game, HttpResponse):
        return game
    return render(request, "forge/client.html", {"game": game, "role": "facilitator",
                                                 "links": links(request, game),
                                                 "seats": list(game.seats.all())})


EXPORTS = {
    "log.json": ("application/json", lambda g: json.dumps(exports.action_log(g), indent=1)),
    "scores.json": ("application/json", lambda g: json.dumps(exports.scores(g), indent=1)),
    "rounds.csv": ("text/csv", exports.rounds_csv),
    "deals.csv": ("text/csv", exports.deals_csv),
    "assessment.csv": ("text/csv", exports.assessment_csv),
    "advice.json": ("application/json", lambda g: json.dumps(exports.advice_log(g), indent=1)),
}


def export(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    game = _owned(request, code)
    if isinstance(game, HttpResponse):
        return game
    if kind not in EXPORTS:
        raise Http404("no such export")
    content_type, make = EXPORTS[kind]
    resp = HttpResponse(make(game), content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{game.code}-{kind}"'
    return resp
