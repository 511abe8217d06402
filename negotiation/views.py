"""HTTP: the lobby (create a game, join by code), the minimal pages the server needs to be
playable, a JSON join endpoint for clients, and the facilitator's exports; the throttles on
joining and logging in; and the error pages (400/403/404/429/500), JSON under /api/.

Every input is checked here, at the edge, before the database sees it: a code is the six
letters of a join code or it names no game, a seat id is short and printable, and the JSON
join body is decoded into one typed shape (docs/security.md, "HTTP and deployment")."""

from __future__ import annotations

import hashlib
import html
import ipaddress
import json
import logging
import re
from typing import Annotated, Any
from urllib.parse import urlsplit

import msgspec
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from game.errors import RuleError
from negotiation import errors, scenarios, tokens
from negotiation.errors import ServiceError
from negotiation.models import Game
from negotiation.services import exports, games
from negotiation.services import lobby as lobby_service
from negotiation.templatetags.forge_tags import badge_colour
from negotiation.templatetags.forge_text import glossary, scenario_text, scenario_texts

log = logging.getLogger("negotiation.http")

_CODE_RE = re.compile(f"[{tokens.CODE_ALPHABET}]{{{tokens.CODE_LENGTH}}}")
SEAT_MAX = 32  # Seat.seat_id's column


# ---- edge checks -----------------------------------------------------------------------------
def _code(raw: str) -> str | None:
    """The join code in canonical form, or None when `raw` cannot be one (then it names no
    game, and no query is made: PostgreSQL refuses a NUL in a string with an error)."""
    code = tokens.normalise_code(raw[:64])
    return code if _CODE_RE.fullmatch(code) else None


def _seat(raw: str) -> str | None:
    ok = 1 <= len(raw) <= SEAT_MAX and raw.isprintable()
    return raw if ok else None


# ---- throttles ---------------------------------------------------------------------------------
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE_RE = re.compile(r"(\d+)/(\d*)([smhd])")


def parse_rate(spec: str) -> tuple[int, int]:
    """"60/m" -> (60, 60): at most 60 in a window of 60 seconds; "100/10m" -> (100, 600)."""
    m = _RATE_RE.fullmatch(spec.strip())
    if not m:
        raise ValueError(f"a rate is N/period, period s, m, h or d (e.g. 60/m), not {spec!r}")
    return int(m[1]), int(m[2] or 1) * _PERIODS[m[3]]


def client_address(request: HttpRequest) -> str:
    """The client's address as the server process saw it (behind a proxy, uvicorn's
    --proxy-headers puts the forwarded client here). IPv6 counts per /64, the block one
    host is usually given, so rotating addresses inside it gains nothing."""
    raw = request.META.get("REMOTE_ADDR") or "unknown"
    try:
        ip = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def over_limit(kind: str, who: str, spec: str) -> bool:
    """Count one attempt for `who` under `kind` and say whether it goes over the rate. The
    counter lives in the cache (Redis with REDIS_URL, so every process counts together) and
    expires a window after its first attempt. Should the cache fail, the attempt is let
    through (and logged): a throttle must not take joining down with it."""
    limit, window = parse_rate(spec)
    key = f"throttle:{kind}:{hashlib.sha256(who.encode()).hexdigest()[:40]}"
    try:
        if cache.add(key, 1, timeout=window):
            count = 1
        else:
            try:
                count = int(cache.incr(key))
            except ValueError:  # expired between the two calls: a new window
                cache.add(key, 1, timeout=window)
                count = 1
    except Exception:
        log.warning("throttle %s: the cache failed; letting the attempt through", kind,
                    exc_info=True)
        return False
    return count > limit


def _retry_after(resp: HttpResponse, spec: str) -> HttpResponse:
    """A 429 says when to come back: at the latest, one window on."""
    resp["Retry-After"] = str(parse_rate(spec)[1])
    return resp


LIMITED = gettext_lazy("too many attempts from here; wait a minute and try again")


def _join_limited(request: HttpRequest) -> bool:
    """Counts a join attempt against its client address."""
    return over_limit("join-addr", client_address(request), settings.FORGE_JOIN_RATE)


def _join_game_limited(code: str) -> bool:
    """Counts a join attempt against its game (checked after the address)."""
    return over_limit("join-game", code, settings.FORGE_JOIN_GAME_RATE)


# ---- JSON answers ------------------------------------------------------------------------------
def api_error(code: str, message: str, status: int) -> JsonResponse:
    """The API's one error shape: {"error": {"code", "message"}}, code from errors.py."""
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def too_large_body(path: str, max_bytes: int) -> tuple[int, str, bytes]:
    """The 413 answer negotiation.asgi.BodyLimit sends before Django sees the request."""
    message = f"the request body is over {max_bytes} bytes"
    if path.startswith("/api/"):
        body = json.dumps({"error": {"code": errors.TOO_LARGE, "message": message}}).encode()
        return 413, "application/json", body
    page = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>FORGE: too large</title></head><body style=\"font-family:system-ui,"
            "sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem\"><p><a href=\"/\">"
            f"FORGE</a></p><h1>Too large</h1><p>{html.escape(message)}.</p></body></html>")
    return 413, "text/html; charset=utf-8", page.encode()


# ---- error pages (urls.handler400 ... handler500) -----------------------------------------------
ERROR_TEXT = {
    400: (gettext_lazy("Bad request"),
          gettext_lazy("The server could not understand that request.")),
    403: (gettext_lazy("Not allowed"), gettext_lazy("You are not allowed to see this page.")),
    404: (gettext_lazy("Not found"), gettext_lazy(
        "There is no page at this address. If you typed a game code, check it with your "
        "facilitator.")),
}


def _error_page(request: HttpRequest, status: int, code: str, message: str | None = None
                ) -> HttpResponse:
    title, text = ERROR_TEXT[status]
    if _wants_json(request):
        return api_error(code, str(message or text), status)
    return render(request, f"{status}.html", {"title": title, "message": message or text},
                  status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 400, errors.BAD_REQUEST)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 403, errors.FORBIDDEN)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 404, errors.NOT_FOUND)


def server_error(request: HttpRequest) -> HttpResponse:
    """No traceback, no settings: a page (or the API's JSON) that says it failed. Rendered
    without the request's context, so a failing session or database cannot fail it too."""
    if _wants_json(request):
        return api_error(errors.SERVER_ERROR, _("the server failed; nothing was changed"), 500)
    return defaults.server_error(request, template_name="500.html")


def _token_key(game: Game) -> str:
    return f"forge_token_{game.pk}"


def _base(request: HttpRequest) -> str:
    """The address people type: FORGE_PUBLIC_URL in classroom mode (the LAN address, even
    when the teacher's own browser is on localhost), else the address of this request."""
    return lobby_service.public_base() or request.build_absolute_uri("/").rstrip("/")


def _is_loopback_url(url: str) -> bool:
    host = (urlsplit(url).hostname or "").strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def links(request: HttpRequest, game: Game) -> dict[str, Any]:
    base = _base(request)
    return {
        "join": f"{base}{reverse('join')}?code={game.code}",
        "play": f"{base}{reverse('play', args=[game.code])}",
        "watch": f"{base}{reverse('watch', args=[game.code])}",
        "facilitate": f"{base}{reverse('facilitate', args=[game.code])}",
        "lobby": f"{base}/",
        "help": reverse("help"),
        "ws": f"/ws/v1/games/{game.code}/",
        # phones cannot reach a loopback address: the share panel says how to fix it
        "local_only": not lobby_service.public_base() and _is_loopback_url(base),
    }


# ---- the lobby and the create form ---------------------------------------------------------------
CONTROLLERS = ("human", "bot:cooperative", "bot:hawk", "bot:passive")


def _controller_labels() -> dict[str, str]:
    return {"human": _("A person (students)"), "bot:cooperative": _("Computer: cooperative"),
            "bot:hawk": _("Computer: tough"), "bot:passive": _("Computer: quiet")}


def _scenario_forms(form: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Each scenario with its seats by name, for the create form, filled in with what was
    typed (`form`) or the scenario's defaults."""
    form = form or {}
    out = []
    for sid in scenarios.available():
        try:
            sc = scenarios.get(sid)
        except (ServiceError, RuleError):  # a scenario file that does not load: not offered
            log.warning("scenario %s does not load; left out of the create form", sid,
                        exc_info=True)
            continue
        neg = max(1, round(sc.negotiation_seconds / 60))
        orders = max(1, round(sc.orders_seconds / 60))
        out.append({
            "id": sid, "title": scenario_text(sid, "title", sc.title),
            "description": scenario_text(sid, "description", sc.description),
            "rounds": int(form.get(f"rounds-{sid}", "") or sc.rounds)
            if str(form.get(f"rounds-{sid}", "")).isdigit() else sc.rounds,
            "round_choices": list(range(1, sc.rounds + 1)),
            "negotiation_minutes": form.get(f"negotiation_minutes-{sid}", neg),
            "orders_minutes": form.get(f"orders_minutes-{sid}", orders),
            "seats": [{"id": c.id, "name": scenario_text(sid, f"countries.{c.id}.name", c.name),
                       "bot_allowed": c.bot_allowed,
                       "value": form.get(f"ctl-{sid}-{c.id}", "human")} for c in sc.countries],
        })
    return out


def _lobby_context(request: HttpRequest, form: dict[str, str] | None = None,
                   error: str = "") -> dict[str, Any]:
    ctx: dict[str, Any] = {"scenarios": _scenario_forms(form), "form": form or {},
                           "controllers": list(_controller_labels().items()), "error": error,
                           "games": [], "archived": []}
    if request.user.is_authenticated:
        ctx["games"] = lobby_service.games_of(request.user)
        ctx["archived"] = lobby_service.games_of(request.user, archived=True, limit=10)
    return ctx


def lobby(request: HttpRequest) -> HttpResponse:
    return render(request, "forge/lobby.html", _lobby_context(request))


def _minutes(p: Any, key: str, label: str) -> int | None:
    raw = str(p.get(key, "")).strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ServiceError(errors.BAD_REQUEST,
                           _("%(field)s must be a whole number of minutes") % {"field": label}
                           ) from None
    if not 1 <= value <= 240:
        raise ServiceError(errors.BAD_REQUEST,
                           _("%(field)s must be between 1 and 240 minutes") % {"field": label})
    return value * 60


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    p = request.POST
    scenario_id = str(p.get("scenario", ""))[:64]
    # What was typed, to show again if something is refused.
    form = {k: str(v)[:64] for k, v in p.items() if k != "csrfmiddlewaretoken"}
    try:
        sc = scenarios.get(scenario_id)
        bots: dict[str, str] = {}
        for c in sc.countries:
            ctl = str(p.get(f"ctl-{scenario_id}-{c.id}", "human"))
            if ctl not in CONTROLLERS:
                raise ServiceError(errors.BAD_REQUEST, _("choose a person or a computer for "
                                                         "each country"))
            if ctl != "human":
                bots[c.id] = ctl
        if len(bots) == len(sc.countries):
            raise ServiceError(errors.BAD_REQUEST, _("at least one country must be played by "
                                                     "people"))
        options: dict[str, Any] = {"bots": bots}
        rounds = str(p.get(f"rounds-{scenario_id}", "")).strip()
        if rounds:
            try:
                options["rounds"] = int(rounds)
            except ValueError:
                raise ServiceError(errors.BAD_REQUEST,
                                   _("rounds must be a whole number")) from None
        for key, label in (("negotiation", _("Negotiation time")),
                           ("orders", _("Orders time"))):
            seconds = _minutes(p, f"{key}_minutes-{scenario_id}", str(label))
            if seconds is not None:
                options[f"{key}_seconds"] = seconds
        delay = str(p.get("spectator_delay", "")).strip()
        if delay:
            try:
                options["spectator_delay"] = int(delay)
            except ValueError:
                raise ServiceError(errors.BAD_REQUEST,
                                   _("the projector delay must be a whole number of seconds")
                                   ) from None
        options["school_mode"] = p.get("school_mode") == "on"
        options["advisor"] = p.get("advisor") == "on"
        game = games.create_game(request.user, scenario_id, options)
    except ServiceError as exc:
        return render(request, "forge/lobby.html",
                      _lobby_context(request, form, exc.message), status=400)
    return redirect("facilitate", game.code)


@login_required
@require_POST
def archive(request: HttpRequest, code: str) -> HttpResponse:
    canonical = _code(code)
    try:
        if canonical is None:
            raise ServiceError(errors.NOT_FOUND, _("no game with that code"))
        lobby_service.set_archived(request.user, canonical,
                                   request.POST.get("archived", "1") != "0")
    except ServiceError as exc:
        return render(request, "forge/lobby.html", _lobby_context(request, error=exc.message),
                      status=403 if exc.code == errors.FORBIDDEN else 400)
    return redirect("lobby")


@login_required
@require_POST
def delete_game(request: HttpRequest, code: str) -> HttpResponse:
    canonical = _code(code)
    try:
        if canonical is None:
            raise ServiceError(errors.NOT_FOUND, _("no game with that code"))
        lobby_service.delete(request.user, canonical)
    except ServiceError as exc:
        status = {errors.FORBIDDEN: 403, errors.CONFLICT: 409}.get(exc.code, 400)
        return render(request, "forge/lobby.html", _lobby_context(request, error=exc.message),
                      status=status)
    return redirect("lobby")


def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "forge/help.html", {"glossary": glossary()})


def _scenario_title(game: Game) -> str:
    try:
        sc = scenarios.get(game.scenario_id)
    except (ServiceError, RuleError):
        return game.scenario_id
    return scenario_text(game.scenario_id, "title", sc.title)


def _seat_ctx(game: Game, c: lobby_service.SeatChoice) -> dict[str, Any]:
    sid = game.scenario_id
    return {"id": c.id, "name": scenario_text(sid, f"countries.{c.id}.name", c.name),
            "profile": scenario_text(sid, f"countries.{c.id}.profile", c.profile),
            "bot": c.bot, "people": c.people, "colour": badge_colour(c.id)}


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    raw = (request.POST.get("code") or request.GET.get("code") or "").strip()
    ctx: dict[str, Any] = {"code": raw[:64]}
    attempt = request.method == "POST" and "seat" in request.POST
    if attempt and _join_limited(request):
        ctx["error"] = str(LIMITED)
        return _retry_after(render(request, "forge/join.html", ctx, status=429),
                            settings.FORGE_JOIN_RATE)
    code = _code(raw)
    game = None
    if raw:
        try:
            if code is None:
                raise ServiceError(errors.NOT_FOUND, _("no game with that code"))
            game = games.by_code(code)
            ctx["game"] = game
            ctx["scenario_title"] = _scenario_title(game)
            ctx["seats"] = [_seat_ctx(game, c) for c in lobby_service.seat_choices(game)]
            ctx["chosen"] = str(request.POST.get("seat", ""))[:SEAT_MAX]
            ctx["name"] = str(request.POST.get("name", ""))[:40]
        except ServiceError as exc:
            ctx["error"] = exc.message
    if attempt and game is not None:
        assert code is not None
        if _join_game_limited(code):
            ctx["error"] = _("too many people are joining this game right now; try again shortly")
            return _retry_after(render(request, "forge/join.html", ctx, status=429),
                                settings.FORGE_JOIN_GAME_RATE)
        seat = _seat(request.POST.get("seat", ""))
        try:
            if seat is None:
                raise ServiceError(errors.NOT_FOUND, _("no such seat in this game"))
            _player, token = games.join(code, request.POST.get("name", ""), seat)
        except ServiceError as exc:
            ctx["error"] = exc.message
            return render(request, "forge/join.html", ctx, status=400)
        request.session[_token_key(game)] = token
        return redirect("play", game.code)
    return render(request, "forge/join.html", ctx, status=400 if attempt else 200)


class JoinRequest(msgspec.Struct):
    """POST /api/join/'s body; extra keys are ignored, a wrong type is refused."""

    code: Annotated[str, msgspec.Meta(max_length=64)] = ""
    name: Annotated[str, msgspec.Meta(max_length=200)] = ""
    seat: Annotated[str, msgspec.Meta(max_length=64)] = ""


_join_decoder = msgspec.json.Decoder(JoinRequest)


@csrf_exempt
def api_join(request: HttpRequest) -> JsonResponse:
    """JSON join for clients: {code, name, seat} -> {token, seat, player, ws}. No cookie is
    used, so there is nothing for a cross-site request to ride on. Refusals are
    {"error": {"code", "message"}} with a code from errors.py; none is a 500."""
    if request.method != "POST":
        resp = api_error(errors.BAD_REQUEST, "POST a JSON object", 405)
        resp["Allow"] = "POST"
        return resp
    if _join_limited(request):
        return _retry_after(api_error(errors.RATE_LIMITED, str(LIMITED), 429),
                            settings.FORGE_JOIN_RATE)
    try:
        raw = request.body
    except RequestDataTooBig:
        return api_error(errors.TOO_LARGE,
                         f"the body is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes", 413)
    try:
        body = _join_decoder.decode(raw or b"{}")
    except msgspec.ValidationError as exc:
        return api_error(errors.BAD_REQUEST, f"send {{code, name, seat}} as strings: {exc}", 400)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        return api_error(errors.BAD_JSON, "send a JSON object in UTF-8", 400)
    code, seat = _code(body.code), _seat(body.seat)
    if code is None:
        return api_error(errors.NOT_FOUND, "no game with that code", 404)
    if _join_game_limited(code):
        return _retry_after(api_error(errors.RATE_LIMITED, "too many people are joining this "
                                      "game right now; try again shortly", 429),
                            settings.FORGE_JOIN_GAME_RATE)
    try:
        if seat is None:
            raise ServiceError(errors.NOT_FOUND, "no such seat in this game")
        player, token = games.join(code, body.name, seat)
    except ServiceError as exc:
        status = {errors.NOT_FOUND: 404, errors.CONFLICT: 409}.get(exc.code, 400)
        return api_error(exc.code, exc.message, status)
    return JsonResponse({"token": token, "seat": player.seat.seat_id, "player": player.pk,
                         "ws": f"/ws/v1/games/{player.game.code}/"})


# ---- logging in (ours and the admin's), throttled --------------------------------------------
def _login_limited(request: HttpRequest) -> HttpResponse | None:
    if request.method != "POST":
        return None
    rate = settings.FORGE_LOGIN_RATE
    if not over_limit("login-addr", client_address(request), rate):
        rate = settings.FORGE_LOGIN_USER_RATE
        username = str(request.POST.get("username", ""))[:150].strip().lower()
        if not over_limit("login-user", username, rate):
            return None
    page = render(request, "429.html", {"title": _("Too many attempts"),
                                        "message": _("Too many log-in attempts. Wait a while "
                                                     "and try again.")}, status=429)
    return _retry_after(page, rate)


_login_view = auth_views.LoginView.as_view()


def login(request: HttpRequest) -> HttpResponse:
    return _login_limited(request) or _login_view(request)


def admin_login(request: HttpRequest) -> HttpResponse:
    return _login_limited(request) or admin.site.login(request)


def _game(code: str) -> Game:
    canonical = _code(code)
    try:
        if canonical is None:
            raise ServiceError(errors.NOT_FOUND, "no game with that code")
        return games.by_code(canonical)
    except ServiceError:
        raise Http404("no game with that code") from None


def _client_ctx(request: HttpRequest, game: Game, role: str, token: str | None = None
                ) -> dict[str, Any]:
    """A console's page: the links (with the address phones use), the glossary and the
    scenario's texts in the page's language, for the script."""
    return {"game": game, "role": role, "token": token, "links": links(request, game),
            "glossary": {g["key"]: {"term": g["term"], "text": g["text"]} for g in glossary()},
            "scenario_i18n": scenario_texts(game.scenario_id),
            "scenario_title": _scenario_title(game)}


def play(request: HttpRequest, code: str) -> HttpResponse:
    game = _game(code)
    token = request.session.get(_token_key(game))
    if not token:
        return redirect(f"{reverse('join')}?code={game.code}")
    return render(request, "forge/client.html", _client_ctx(request, game, "player", token=token))


def watch(request: HttpRequest, code: str) -> HttpResponse:
    game = _game(code)
    return render(request, "forge/client.html", _client_ctx(request, game, "spectator"))


def _owned(request: HttpRequest, code: str) -> Game | HttpResponse:
    game = _game(code)
    user = request.user
    if not user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    if not (user.pk == game.created_by_id or user.is_superuser):
        return _error_page(request, 403, errors.FORBIDDEN, _("You do not run this game."))
    return game


def facilitate(request: HttpRequest, code: str) -> HttpResponse:
    game = _owned(request, code)
    if isinstance(game, HttpResponse):
        return game
    return render(request, "forge/client.html", _client_ctx(request, game, "facilitator"))


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
