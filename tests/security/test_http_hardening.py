"""HTTP and deployment, safe by default (docs/security.md, "HTTP and deployment"): DEBUG off
unless `make run` binds loopback; a production settings module that `check --deploy`
passes and that refuses the development key; no request body gives a 500; error pages
that show neither traceback nor URL patterns; throttles on joining and logging in, per
address, per game and per username, shared by every process through Redis.

Runs in both passes: on the embedded defaults (SQLite, the throttles in local memory) and
on PostgreSQL + Redis (the throttles' counters in Redis, shared by two server processes)."""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path

from negotiation import errors, views
from negotiation.models import Game, Player
from tests.server import procs
from tests.server.helpers import DATA, make_game, make_user, on_services, services_only

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
TRACE_MARKERS = ("Traceback", "File \"", "URLconf", "urlpatterns", "api/join/", "SECRET_KEY",
                 "DisallowedHost", "ALLOWED_HOSTS", "settings.py")


def address() -> str:
    """A client address of this test's own (only REMOTE_ADDR: no traffic goes there), so
    counters left in a shared Redis by earlier tests of the run never reach this one."""
    a, b, c = secrets.token_bytes(3)
    return f"127.{a}.{b}.{max(c, 1)}"


def client(**kw: Any) -> Client:
    return Client(REMOTE_ADDR=address(), **kw)


def post_json(c: Client, body: Any) -> Any:
    return c.post("/api/join/", json.dumps(body), content_type="application/json")


def assert_clean(text: str) -> None:
    for marker in TRACE_MARKERS:
        assert marker not in text, f"{marker!r} in the answer:\n{text[:2000]}"


# ---- DEBUG and make run ------------------------------------------------------------------------
def settings_value(name: str, env: dict[str, str], module: str = "negotiation.settings"
                   ) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    code = ("import django; django.setup(); from django.conf import settings; "
            f"print(repr(settings.{name}))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60,
                          env={**base, "DJANGO_SETTINGS_MODULE": module, **env})


def test_debug_is_off_unless_switched_on():
    assert settings_value("DEBUG", {}).stdout.strip() == "False"
    assert settings_value("DEBUG", {"DEBUG": "0"}).stdout.strip() == "False"
    assert settings_value("DEBUG", {"DEBUG": "1"}).stdout.strip() == "True"


FAKE_PYTHON = """#!/bin/sh
if [ "$1" = "-c" ]; then exec "{python}" "$@"; fi
echo "python $* DEBUG=${{DEBUG-unset}} ALLOWED_HOSTS=${{ALLOWED_HOSTS-unset}} HOST=${{HOST-}}"
"""
FAKE_UVICORN = """#!/bin/sh
echo "uvicorn $* DEBUG=${DEBUG-unset} ALLOWED_HOSTS=${ALLOWED_HOSTS-unset} KEY=${#SECRET_KEY}"
"""


@pytest.mark.parametrize(("host", "debug"), [
    (None, "1"), ("127.0.0.1", "1"), ("localhost", "1"), ("::1", "1"),
    ("0.0.0.0", "0"), ("192.0.2.7", "0"), ("::", "0"), ("forge.example.org", "0")])
def test_make_run_has_debug_only_on_loopback(tmp_path, host, debug):
    """The Makefile's own decision, run by make: its python and uvicorn are stand-ins that
    print the environment they were started with (nothing is served)."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    for name, text in (("python", FAKE_PYTHON.format(python=sys.executable)),
                       ("uvicorn", FAKE_UVICORN)):
        (venv / "bin" / name).write_text(text)
        (venv / "bin" / name).chmod(0o755)
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBUG", "HOST", "ALLOWED_HOSTS", "SECRET_KEY", "MAKEFLAGS")}
    if host is not None:
        env["HOST"] = host
    for forced in ("", "1"):  # DEBUG=1 in the environment changes nothing off loopback
        run_env = {**env, "DEBUG": forced} if forced else env
        out = subprocess.run(
            ["make", "-s", "-C", str(tmp_path), "-f", str(ROOT / "Makefile"), "-o", "install",
             "run", f"VENV={venv}", f"PY={venv / 'bin' / 'python'}"],
            capture_output=True, text=True, timeout=60, env=run_env)
        assert out.returncode == 0, out.stderr
        served = [line for line in out.stdout.splitlines() if line.startswith("uvicorn")]
        assert len(served) == 1 and f"DEBUG={debug}" in served[0], out.stdout
        assert "KEY=67" in served[0]  # this checkout's own random key, not the shared one
        assert "demo_game" in out.stdout
        if debug == "0":
            allowed = re.search(r"ALLOWED_HOSTS=(\S+)", served[0])[1].split(",")  # type: ignore[index]
            assert "127.0.0.1" in allowed and allowed != ["unset"]
            if host not in ("0.0.0.0", "::"):
                assert (f"[{host}]" if ":" in host else host) in allowed
    assert (tmp_path / ".secret_key").stat().st_mode & 0o077 == 0


# ---- production settings -----------------------------------------------------------------------
def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**base, **env})


PRODUCTION = {"DJANGO_SETTINGS_MODULE": "negotiation.settings_production",
              "ALLOWED_HOSTS": "example.org"}


def test_production_settings_pass_check_deploy():
    key = secrets.token_urlsafe(50)[:50]
    out = manage("check", "--deploy", env={**PRODUCTION, "SECRET_KEY": key, "DEBUG": "1"})
    assert out.returncode == 0, out.stderr
    assert "System check identified no issues (0 silenced)." in out.stdout
    assert "WARNING" not in out.stdout + out.stderr
    # ...where the base settings, DEBUG off and a key set, do not.
    base = manage("check", "--deploy", env={"SECRET_KEY": key, "DEBUG": "0"})
    assert "security.W008" in base.stdout + base.stderr


@pytest.mark.parametrize("key", [None, "dev-only-insecure-key-change-me", "short-key"])
def test_production_refuses_to_start_without_a_real_key(key):
    env = dict(PRODUCTION) if key is None else {**PRODUCTION, "SECRET_KEY": key}
    out = manage("check", env=env)
    assert out.returncode != 0 and "needs SECRET_KEY" in out.stderr
    assert "needs ALLOWED_HOSTS" in manage("check", env={
        **PRODUCTION, "ALLOWED_HOSTS": "", "SECRET_KEY": secrets.token_urlsafe(50)}).stderr


PROXY_PROBE = """
import django; django.setup()
from django.test import Client
c = Client()
plain = c.get("/")
tls = c.get("/", HTTP_X_FORWARDED_PROTO="https")
print(plain.status_code, plain.get("Location"))
print(tls.status_code, tls.get("Strict-Transport-Security"))
"""


def test_production_behind_a_tls_proxy():
    """Plain HTTP is sent to HTTPS; what the proxy marks as HTTPS is served with HSTS."""
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    out = subprocess.run([sys.executable, "-c", PROXY_PROBE], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, env={
                             **base, **PRODUCTION, "ALLOWED_HOSTS": "testserver",
                             "SECRET_KEY": secrets.token_urlsafe(50)})
    assert out.returncode == 0, out.stderr
    plain, tls = out.stdout.splitlines()
    assert plain == "301 https://testserver/"
    assert tls == "200 max-age=31536000; includeSubDomains; preload"


# ---- no request body gives a 500 --------------------------------------------------------------
LIMIT = 256 * 1024
DEEP = b'{"x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
FORM = "application/x-www-form-urlencoded"
HOSTILE: list[tuple[str, bytes, str]] = [
    ("100k [", b"[" * 100_000, "application/json"),
    ("deep inside an object", DEEP, "application/json"),
    ("over the limit (json)", b" " * (LIMIT + 1), "application/json"),
    ("over the limit (form)", b"a=" + b"x" * LIMIT, FORM),
    ("not UTF-8", b'{"code": "\xff\xfe", "name": "\xc3\x28"}', "application/json"),
    ("not UTF-8 (form)", b"code=%ff%fe&name=%c3%28&seat=\xff", FORM),
    ("a list", b"[]", "application/json"),
    ("a number", b"1e999999", "application/json"),
    ("null", b"null", "application/json"),
    ("wrong types", b'{"code": 5, "name": [], "seat": {"a": 1}}', "application/json"),
    ("NUL in strings", json.dumps({"code": "AB\x00CDE", "name": "A\x00", "seat": "\x00"})
     .encode(), "application/json"),
    ("overlong strings", json.dumps({"code": "A" * 5000, "name": "n" * 5000, "seat": "S" * 5000})
     .encode(), "application/json"),
    ("form with NULs", b"code=%00ABCDEF&name=A%00&seat=US%00&username=%00&password=%00"
                       b"&scenario=%00&rounds=9999999999999999999999&bots=USA%3D%00", FORM),
    ("form, huge numbers", b"rounds=" + b"9" * 5000 + b"&scenario=server-tiny", FORM),
    ("too many fields", "&".join(f"f{i}=1" for i in range(3000)).encode(), FORM),
    ("unknown charset", b"code=ABCDEF&name=A&seat=USA", FORM + "; charset=no-such-charset"),
    ("broken multipart", b"--xyz\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\nAB",
     "multipart/form-data; boundary=xyz"),
    ("multipart without boundary", b"garbage", "multipart/form-data"),
    ("JSON posted as a form", b'{"code": "ABCDEF"}', FORM),
]


def post_targets(game: Game) -> list[str]:
    """Every URL pattern of negotiation/urls.py (the admin's included), parameters filled in
    with an existing game and object: POST reaches them all."""
    values = {"code": game.code, "kind": "log.json", "object_id": "1", "app_label": "negotiation",
              "content_type_id": "1", "id": "1", "uidb64": "MQ", "token": "x"}
    out: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
                continue
            assert isinstance(p, URLPattern)
            url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m[1], "x"), route)
            url = url.replace("^", "").replace("$", "").replace("\\Z", "")
            if re.fullmatch(r"[\w/.\-]*", url):  # the admin's regex patterns: the plain ones
                out.append("/" + url)

    walk(get_resolver().url_patterns, "")
    return sorted(set(out))


ADMIN_SAMPLE = ("/admin/", "/admin/login/", "/admin/password_change/")


def test_every_post_endpoint_answers_hostile_bodies_without_a_500(settings):
    settings.FORGE_JOIN_RATE = settings.FORGE_LOGIN_RATE = "100000/m"
    settings.FORGE_JOIN_GAME_RATE = settings.FORGE_LOGIN_USER_RATE = "100000/m"
    admin = make_user("root", superuser=True)
    admin.is_staff = True
    admin.save()
    game = make_game(admin)
    targets = post_targets(game)
    assert {"/api/join/", "/join/", "/games/new/", "/accounts/login/", "/admin/login/",
            f"/g/{game.code}/play/"} <= set(targets)
    anon, root = client(), client()
    root.force_login(admin)
    seen: set[int] = set()
    for who, c in (("anonymous", anon), ("superuser", root)):
        for url in targets:
            if who == "superuser" and url.startswith("/admin/") and url not in ADMIN_SAMPLE \
                    and "/negotiation/game/" not in url:
                continue  # the rest of the admin is the same code on other models
            for name, body, content_type in HOSTILE:
                r = c.generic("POST", url, body, content_type=content_type)
                seen.add(r.status_code)
                assert r.status_code < 500, f"{who} {url} {name}: {r.status_code}"
                text = r.content.decode("utf-8", "replace")
                if url.startswith("/api/"):
                    assert r.json()["error"]["code"] in errors.CODES, (url, name, text)
                assert_clean(text) if r.status_code >= 400 else None
    assert {200, 302, 400, 404, 413} <= seen
    assert Player.objects.count() == 0  # nothing hostile got anyone in


@pytest.mark.parametrize(("name", "body", "status", "code"), [
    ("100k [", b"[" * 100_000, 400, "bad_request"),
    ("deep", DEEP, 400, "bad_json"),
    ("not JSON", b"nope", 400, "bad_json"),
    ("not UTF-8", b'{"code": "\xff"}', 400, "bad_json"),
    ("a list", b"[1]", 400, "bad_request"),
    ("wrong type", b'{"code": "ABCDEF", "name": 3, "seat": "AUS"}', 400, "bad_request"),
    ("NUL in the code", json.dumps({"code": "\x00", "name": "A", "seat": "AUS"}).encode(),
     404, "not_found"),
    ("NUL in the seat", None, 404, "not_found"),
    ("NUL in the name", None, 400, "bad_request"),
    ("over the limit", b" " * (LIMIT + 1), 413, "too_large"),
])
def test_api_join_refusals_name_a_stable_code(name, body, status, code):
    game = make_game()
    if body is None:
        body = json.dumps({"code": game.code, "name": "A\x00" if "name" in name else "Ann",
                           "seat": "AU\x00S" if "seat" in name else "AUS"}).encode()
    r = client().generic("POST", "/api/join/", body, content_type="application/json")
    assert r.status_code == status and set(r.json()) == {"error"}
    assert r.json()["error"]["code"] == code and r.json()["error"]["message"]
    assert code in errors.CODES and not Player.objects.exists()
    assert client().get("/api/join/").status_code == 405


# ---- error pages -------------------------------------------------------------------------------
def boom(request: Any) -> Any:
    raise RuntimeError("a bug with a secret in it: hunter2")


urlpatterns = [path("boom/", boom), path("api/boom/", boom)]
handler500 = "negotiation.views.server_error"


def test_error_pages_are_friendly_and_say_nothing_of_the_server(settings):
    game = make_game()
    c = client()
    r = c.get("/no/such/page/")
    assert r.status_code == 404 and b"<h1>Not found</h1>" in r.content
    assert_clean(r.content.decode())
    r = c.get("/g/NOSUCH/watch/")
    assert r.status_code == 404 and b"check it" in r.content
    assert c.get("/g/AB%00CD/watch/").status_code == 404  # a NUL never reaches the database
    assert c.get("/join/?code=%00").status_code == 200
    r = c.get("/api/nothing/")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    other = client()
    other.force_login(make_user("other"))
    r = other.get(f"/g/{game.code}/facilitate/")
    assert r.status_code == 403 and b"You do not run this game." in r.content
    r = c.get("/", HTTP_HOST="evil.example")
    assert r.status_code == 400 and b"<h1>Bad request</h1>" in r.content
    assert_clean(r.content.decode())
    r = client(enforce_csrf_checks=True).post("/join/", {"code": game.code})
    assert r.status_code == 403 and b"This form has expired" in r.content
    assert_clean(r.content.decode())
    settings.ROOT_URLCONF = __name__
    quiet = client(raise_request_exception=False)
    r = quiet.get("/boom/")
    assert r.status_code == 500 and b"<h1>Server error</h1>" in r.content
    assert b"hunter2" not in r.content
    assert_clean(r.content.decode())
    r = quiet.get("/api/boom/")
    assert r.status_code == 500 and r.json()["error"]["code"] == "server_error"
    assert b"hunter2" not in r.content


# ---- a real server on the defaults -------------------------------------------------------------
@pytest.fixture
def default_server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """uvicorn as `make run` starts it, with none of the development switches: no DEBUG in
    the environment. On PostgreSQL + Redis it shares the test database and Redis."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "ALLOWED_HOSTS")}
    env.update({"FORGE_CLOCK": "0", "FORGE_EXTRA_SCENARIOS": str(DATA),
                "FORGE_LAYER_PREFIX": f"forge-http-{uuid.uuid4().hex[:8]}"})
    if on_services():
        env["DATABASE_URL"] = pg_url()
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'forge.sqlite3'}"
        env["REDIS_URL"] = ""
        out = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
        assert out.returncode == 0, out.stderr
    port = procs.free_port()
    log = tmp_path / "server.log"
    proc = subprocess.Popen(procs.server_command(port), cwd=ROOT, env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)
    try:
        procs.wait_port(port, proc)
        yield port, log
    finally:
        procs.stop(proc)


def pg_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def request(port: int, method: str, url: str, body: Any = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, url, body=body, headers=headers or {},
                     encode_chunked=body is not None and not isinstance(body, bytes))
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def chunks(total: int) -> Iterator[bytes]:
    for _ in range(total // 65536 + 1):
        yield b" " * 65536


def test_the_default_server_serves_pages_and_refuses_cleanly(default_server):
    port, log = default_server
    status, headers, body = request(port, "GET", "/static/forge/js/app.js")
    assert status == 200 and "javascript" in headers["content-type"] and b"import" in body
    assert "max-age" in headers["cache-control"] and "access-control-allow-origin" not in headers
    assert request(port, "GET", "/static/admin/css/base.css")[0] == 200
    assert request(port, "GET", "/static/forge/no-such.js")[0] == 404
    assert request(port, "GET", "/")[0] == 200
    assert request(port, "GET", "/join/?code=ABCDEF")[0] == 200
    status, _, body = request(port, "GET", "/no/such/page/")
    assert status == 404 and b"<h1>Not found</h1>" in body
    assert_clean(body.decode())
    status, _, body = request(port, "GET", "/", headers={"Host": "evil.example"})
    assert status == 400
    assert_clean(body.decode())
    json_headers = {"Content-Type": "application/json"}
    status, _, body = request(port, "POST", "/api/join/", b"[" * 100_000, json_headers)
    assert status == 400 and json.loads(body)["error"]["code"] in errors.CODES
    status, _, body = request(port, "POST", "/api/join/", DEEP, json_headers)
    assert (status, json.loads(body)["error"]["code"]) == (400, "bad_json")
    # Over the bound: refused before Django reads it, declared or chunked.
    status, _, body = request(port, "POST", "/api/join/", b" " * (LIMIT + 1), json_headers)
    assert (status, json.loads(body)["error"]["code"]) == (413, "too_large")
    status, _, body = request(port, "POST", "/api/join/", chunks(LIMIT), json_headers)
    assert (status, json.loads(body)["error"]["code"]) == (413, "too_large")
    status, _, body = request(port, "POST", "/join/", chunks(4 * LIMIT),
                              {"Content-Type": FORM})
    assert status == 413 and b"Too large" in body
    status, _, body = request(port, "POST", "/api/join/", b"x", {
        **json_headers, "Content-Length": "99999999999999999999"})
    assert status in (400, 413)
    # And the server still answers.
    status, _, body = request(port, "POST", "/api/join/", b'{"code": "ZZZZZZ"}', json_headers)
    assert (status, json.loads(body)["error"]["code"]) == (404, "not_found")
    assert "Traceback" not in log.read_text(errors="replace")


# ---- throttles ---------------------------------------------------------------------------------
def test_the_cache_is_redis_on_the_services_pass():
    backend = django_settings.CACHES["default"]["BACKEND"]
    expected = "redis.RedisCache" if os.environ.get("REDIS_URL") else "locmem.LocMemCache"
    assert backend.endswith(expected)


def test_parse_rate():
    assert views.parse_rate("60/m") == (60, 60)
    assert views.parse_rate("100/10m") == (100, 600)
    assert views.parse_rate(" 3/h ") == (3, 3600)
    for bad in ("", "60", "60/w", "-1/m", "1/0.5m"):
        with pytest.raises(ValueError):
            views.parse_rate(bad)
    # A rate that cannot be read stops the server at start-up, not each join with a 500.
    out = settings_value("FORGE_JOIN_RATE", {"FORGE_JOIN_RATE": "60 per minute"})
    assert out.returncode != 0 and "FORGE_JOIN_RATE is N/period" in out.stderr
    assert settings_value("FORGE_LOGIN_RATE", {"FORGE_LOGIN_RATE": "5/10m"}).stdout == "'5/10m'\n"


def test_default_join_limit_bites():
    """No override: the limits `make run` and production start with."""
    assert django_settings.FORGE_JOIN_RATE == "60/m"
    limit = views.parse_rate(django_settings.FORGE_JOIN_RATE)[0]
    games = [make_game(), make_game(seed=8)]
    c = client()
    statuses = [post_json(c, {"code": games[i % 2].code, "name": f"P{i}", "seat": "AUS"})
                .status_code for i in range(limit + 2)]
    assert statuses == [200] * limit + [429, 429]
    r = post_json(c, {"code": games[0].code, "name": "late", "seat": "AUS"})
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert r["Retry-After"] == "60"
    assert Player.objects.count() == limit
    # Another address is not held back.
    assert post_json(client(), {"code": games[0].code, "name": "Bo", "seat": "AUS"}
                     ).status_code == 200


def username() -> str:
    """A user of this test's own: counters per username outlive a test in the cache."""
    return f"fac-{uuid.uuid4().hex[:10]}"


def test_default_login_limit_bites():
    assert django_settings.FORGE_LOGIN_RATE == "10/m"
    limit = views.parse_rate(django_settings.FORGE_LOGIN_RATE)[0]
    name = make_user(username()).username
    c = client()
    for i in range(limit):
        r = c.post("/accounts/login/", {"username": name, "password": f"wrong{i}"})
        assert r.status_code == 200 and b"correct username" in r.content
    r = c.post("/accounts/login/", {"username": name, "password": "pw"})  # right, too late
    assert r.status_code == 429 and b"Too many log-in attempts" in r.content
    assert r["Retry-After"] == "60" and "_auth_user_id" not in c.session
    assert c.get("/accounts/login/").status_code == 200  # the page itself still shows
    r = client().post("/accounts/login/", {"username": name, "password": "pw"})
    assert r.status_code == 302  # from another address the facilitator gets in


def test_login_limit_per_username_and_the_admin_shares_it(settings):
    settings.FORGE_LOGIN_USER_RATE = "3/h"
    fac, ann = make_user(username()).username, make_user(username()).username
    for i in range(3):  # each from another address: only the username's budget binds
        urls = ("/accounts/login/", "/admin/login/")
        r = client().post(urls[i % 2], {"username": fac.upper(), "password": f"wrong{i}"})
        assert r.status_code == 200
    r = client().post("/admin/login/", {"username": fac, "password": "pw"})
    assert r.status_code == 429 and r["Retry-After"] == "3600"
    assert client().post("/accounts/login/", {"username": ann, "password": "pw"}
                         ).status_code == 302


def test_join_limit_per_game(settings):
    settings.FORGE_JOIN_GAME_RATE = "3/m"
    crowded, other = make_game(), make_game(seed=8)
    statuses = [post_json(client(), {"code": crowded.code, "name": f"P{i}", "seat": "AUS"})
                .status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    form = client().post("/join/", {"code": crowded.code, "name": "Zed", "seat": "AUS"})
    assert form.status_code == 429 and b"too many people are joining this game" in form.content
    assert form["Retry-After"] == "60"
    assert post_json(client(), {"code": other.code.lower(), "name": "Q", "seat": "AUS"}
                     ).status_code == 200


def test_join_form_limit_per_address(settings):
    settings.FORGE_JOIN_RATE = "2/m"
    game = make_game()
    c = client()
    assert c.post("/join/", {"code": game.code, "name": "A", "seat": "AUS"}).status_code == 302
    assert c.post("/join/", {"code": game.code, "name": "", "seat": "AUS"}).status_code == 400
    r = c.post("/join/", {"code": game.code, "name": "B", "seat": "AUS"})
    assert r.status_code == 429 and b"too many attempts" in r.content
    # Looking a code up is no join attempt.
    assert c.post("/join/", {"code": game.code}).status_code == 200
    assert c.get(f"/join/?code={game.code}").status_code == 200
    # The form and the API share the budget.
    assert post_json(c, {"code": game.code, "name": "C", "seat": "AUS"}).status_code == 429


def test_ipv6_clients_count_per_64(settings):
    settings.FORGE_JOIN_RATE = "2/m"
    game = make_game()
    net = f"2001:db8:{secrets.randbelow(65536):x}:{secrets.randbelow(65536):x}"
    for i, host in enumerate(("::1", "::2", "::3")):
        r = Client(REMOTE_ADDR=f"{net}{host}").post(
            "/api/join/", json.dumps({"code": game.code, "name": f"P{i}", "seat": "AUS"}),
            content_type="application/json")
        assert r.status_code == (429 if i == 2 else 200)
    assert views.client_address(Client().get("/").wsgi_request) == "127.0.0.1"


def test_a_failing_cache_lets_joins_through(settings, caplog):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_connect_timeout": 1}}}
    game = make_game()
    r = post_json(client(), {"code": game.code, "name": "Ann", "seat": "AUS"})
    assert r.status_code == 200
    assert "the cache failed" in caplog.text


@services_only
def test_throttles_hold_across_two_server_processes(tmp_path):
    """Two uvicorn processes sharing PostgreSQL and Redis: the counts are one count."""
    env = {**{k: v for k, v in os.environ.items() if k != "DEBUG"},
           "DATABASE_URL": pg_url(), "FORGE_CLOCK": "0", "FORGE_EXTRA_SCENARIOS": str(DATA),
           "FORGE_LAYER_PREFIX": f"forge-throttle-{uuid.uuid4().hex[:8]}",
           "FORGE_JOIN_RATE": "6/m", "FORGE_JOIN_GAME_RATE": "4/m"}
    crowded, other = make_game(), make_game(seed=8)
    ports = [procs.free_port(), procs.free_port()]
    servers = [procs.start_server(p, env, log=tmp_path / f"s{i}.log")
               for i, p in enumerate(ports)]
    try:
        def join(i: int, code: str) -> int:
            body = json.dumps({"code": code, "name": f"P{i}", "seat": "AUS"}).encode()
            return request(ports[i % 2], "POST", "/api/join/", body,
                           {"Content-Type": "application/json"})[0]

        # Per game: 4 in the window, whichever process takes them.
        assert [join(i, crowded.code) for i in range(5)] == [200, 200, 200, 200, 429]
        # Per address: that was 5 of 6; one more, on either process, then none.
        assert [join(i, other.code) for i in range(5, 8)] == [200, 429, 429]
    finally:
        for s in servers:
            procs.stop(s)
    assert Player.objects.count() == 5
