"""Settings: embedded defaults (SQLite, in-memory channel layer) unless DATABASE_URL / REDIS_URL
point at real services, so `make run` needs nothing and production needs no code change."""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# The key every checkout shares: good for tests and a server on loopback only. `make run`
# uses a random key of its own (.secret_key); negotiation.settings_production refuses this one.
DEV_SECRET_KEY = "dev-only-insecure-key-change-me"
SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY
# Off unless a development switch says otherwise: DEBUG=1 in the environment. `make run` sets
# it only when it binds a loopback address (never on a LAN); nothing else does.
DEBUG = os.environ.get("DEBUG", "0") == "1"
ALLOWED_HOSTS = [h.strip() for h in
                 os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
                 if h.strip()]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "negotiation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (the consoles' ES modules, CSS, the admin's), with or without DEBUG.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page's language: the one chosen on the page (set_language's cookie), else the
    # browser's Accept-Language, else English.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "negotiation.urls"
ASGI_APPLICATION = "negotiation.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if os.environ.get("FORGE_TEST_DB"):
    # A test database of this run's own, so two test runs on one PostgreSQL never collide.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["FORGE_TEST_DB"]}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time, taken at BEGIN (so two writers queue instead of failing with
    # "database is locked" half-way), WAL so readers never wait for the writer, and
    # synchronous=NORMAL: a process crash loses nothing committed; only a power cut may.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Channel layer. The layer is at-most-once by specification, so a broadcast only says
# "game G is at version N" and every connection reads its own view from the database; a
# lost broadcast is healed by the per-process version watcher (negotiation/realtime/watch.py).
# RedisPubSubChannelLayer is the one that carried the full broadcast load without drops
# in ../shared/research/stack-ceiling.md (RedisChannelLayer's capacity=100 silently drops
# group messages under load, and its 5 s socket timeout meets its 5 s BZPOPMIN). See
# docs/protocol.md, "Channel layer".
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{
                    "address": REDIS_URL,
                    "socket_connect_timeout": 2,
                    "socket_timeout": 15,
                    "health_check_interval": 10,
                    "retry_on_timeout": True,
                }],
                "prefix": os.environ.get("FORGE_LAYER_PREFIX", "forge"),
            },
        }
    }
else:
    # One hub channel per process receives every game's broadcasts (negotiation/realtime/hub.py),
    # so its queue needs room beyond the default 100 when the loop is briefly busy.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer",
                                  "CONFIG": {"capacity": 10000}}}

# Cache: the throttles' counters (negotiation/views.py). Shared by every server process
# through Redis when REDIS_URL is set, so a limit holds however many processes serve; in
# this process's memory otherwise (the embedded default runs one process).
if REDIS_URL:
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("FORGE_LAYER_PREFIX", "forge"),
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "LOCATION": "forge"}}

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "frontend" / "static"]
# WhiteNoise serves straight from the finders (frontend/static, the admin's files), so
# neither `make run` nor the tests need collectstatic; with DEBUG on it re-reads the disk
# on every request. Same-origin pages only: no CORS header on static files.
WHITENOISE_USE_FINDERS = True
WHITENOISE_ALLOW_ALL_ORIGINS = False

# No request body reaches a view above this size: the ASGI app answers 413 before Django
# reads it (negotiation/asgi.py), and Django itself refuses larger form or JSON data (400).
FORGE_MAX_BODY_BYTES = int(os.environ.get("FORGE_MAX_BODY_BYTES", 256 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = FORGE_MAX_BODY_BYTES
# Throttles, "N/period" with period s, m, h or d (optionally a count: "100/10m"), counted in
# the cache above per fixed window that opens at the first request. Joining (the form and
# POST /api/join/): per client address and per game. Logging in (ours and the admin's):
# per client address and per username. A classroom behind one NAT address shares the
# address budget, hence the generous defaults. The client address is REMOTE_ADDR (behind a
# proxy, run uvicorn with --proxy-headers --forwarded-allow-ips=<the proxy's address>).
FORGE_JOIN_RATE = os.environ.get("FORGE_JOIN_RATE", "60/m")
FORGE_JOIN_GAME_RATE = os.environ.get("FORGE_JOIN_GAME_RATE", "120/m")
FORGE_LOGIN_RATE = os.environ.get("FORGE_LOGIN_RATE", "10/m")
FORGE_LOGIN_USER_RATE = os.environ.get("FORGE_LOGIN_USER_RATE", "30/h")
for _rate in ("FORGE_JOIN_RATE", "FORGE_JOIN_GAME_RATE", "FORGE_LOGIN_RATE",
              "FORGE_LOGIN_USER_RATE"):  # the format negotiation.views.parse_rate reads
    if not re.fullmatch(r"\d+/\d*[smhd]", globals()[_rate].strip()):
        raise ImproperlyConfigured(f"{_rate} is N/period, period s, m, h or d (e.g. 60/m), "
                                   f"not {globals()[_rate]!r}")

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
# Every page in English and Spanish (locale/<lang>/LC_MESSAGES: django.po for templates and
# Python, djangojs.po for the consoles' scripts; scenario texts in fixtures/i18n/<lang>/).
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "forge_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"negotiation": {"handlers": ["console"],
                                "level": os.environ.get("FORGE_LOG", "INFO")},
                # With DEBUG off Django sends a failed request's traceback only to the
                # (unconfigured) admins' mail: print it in the server's log instead. Never
                # to the client, which gets the 500 page.
                "django.request": {"handlers": ["console"], "level": "ERROR",
                                   "propagate": False}},
}

FORGE_SCENARIO_DIR = BASE_DIR / "fixtures" / "scenarios"
# Extra directories searched for scenarios (os.pathsep-separated); tests add their own table.
FORGE_SCENARIO_DIRS = [FORGE_SCENARIO_DIR] + [
    Path(p) for p in os.environ.get("FORGE_EXTRA_SCENARIOS", "").split(os.pathsep) if p
]
# Protocol limits (docs/protocol.md). The server process itself refuses messages over 64 KiB.
FORGE_MAX_MESSAGE_BYTES = int(os.environ.get("FORGE_MAX_MESSAGE_BYTES", 16384))
FORGE_RATE_PER_SECOND = float(os.environ.get("FORGE_RATE_PER_SECOND", 10))
FORGE_RATE_BURST = int(os.environ.get("FORGE_RATE_BURST", 40))
FORGE_HELLO_TIMEOUT = float(os.environ.get("FORGE_HELLO_TIMEOUT", 10))
FORGE_SNAPSHOT_EVERY = int(os.environ.get("FORGE_SNAPSHOT_EVERY", 50))
FORGE_REPLAY_WINDOW = int(os.environ.get("FORGE_REPLAY_WINDOW", 500))
# The clock loop runs inside every server process (negotiation/asgi.py) unless FORGE_CLOCK=0;
# `manage.py run_clock` runs it on its own. Exactly-once is guarded in the database.
FORGE_CLOCK = os.environ.get("FORGE_CLOCK", "1") == "1"
FORGE_CLOCK_INTERVAL = float(os.environ.get("FORGE_CLOCK_INTERVAL", 0.5))
FORGE_WATCH_INTERVAL = float(os.environ.get("FORGE_WATCH_INTERVAL", 2.0))
FORGE_TOKEN_MAX_AGE = int(os.environ.get("FORGE_TOKEN_MAX_AGE", 14 * 24 * 3600))

# What one client may cost the server (negotiation/limits.py, realtime/outbox.py,
# docs/security.md). Messages: per socket (FORGE_RATE_*), and shared by all the sockets of
# one person and of one seat (a delegation), as (per second, burst).
FORGE_PERSON_RATE = (float(os.environ.get("FORGE_PERSON_RATE", 10)),
                     int(os.environ.get("FORGE_PERSON_BURST", 40)))
FORGE_SEAT_RATE = (float(os.environ.get("FORGE_SEAT_RATE", 20)),
                   int(os.environ.get("FORGE_SEAT_BURST", 80)))
FORGE_MAX_PERSON_SOCKETS = int(os.environ.get("FORGE_MAX_PERSON_SOCKETS", 4))
FORGE_MAX_GAME_CONNECTIONS = int(os.environ.get("FORGE_MAX_GAME_CONNECTIONS", 400))
# A connection whose client stops reading: at most this many frames / bytes queued, and
# no send may take longer than this, or it is closed (4408) and its TCP connection dropped.
FORGE_OUTBOX_FRAMES = int(os.environ.get("FORGE_OUTBOX_FRAMES", 256))
FORGE_OUTBOX_BYTES = int(os.environ.get("FORGE_OUTBOX_BYTES", 2 * 1024 * 1024))
FORGE_SEND_STALL_SECONDS = float(os.environ.get("FORGE_SEND_STALL_SECONDS", 5))
# Per WebSocket, what the kernel (0: the system's default, which grows to megabytes) and the
# server's transport (0: its default, 64 KiB) may hold before a send waits.
FORGE_SOCKET_SEND_BUFFER = int(os.environ.get("FORGE_SOCKET_SEND_BUFFER", 64 * 1024))
FORGE_SOCKET_WRITE_BUFFER = int(os.environ.get("FORGE_SOCKET_WRITE_BUFFER", 16 * 1024))
