"""ASGI entry point: HTTP through Django, WebSockets through Channels (origin-checked,
session-authenticated for facilitators), and the background clock in every process
(uvicorn, as `make run` starts it: on ASGI lifespan startup; daphne: when its reactor runs)."""

import asyncio
import gc
import os
import sys
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "negotiation.settings")

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

# The consoles are a few small ES modules: Django serves them itself (found by the
# staticfiles finders), so `make run` needs no collectstatic and no second server.
django_asgi_app = ASGIStaticFilesHandler(get_asgi_application())

# Commits run on the database thread, which gives up the GIL at each SQL call and must win
# it back from the busy event loop: at the default 5 ms switch interval each such wait may
# cost up to 5 ms, several times per action, on the lane every commit goes through.
sys.setswitchinterval(float(os.environ.get("FORGE_SWITCH_INTERVAL", 0.0005)))

from negotiation.routing import websocket_urlpatterns  # noqa: E402


async def lifespan(scope: dict, receive: Any, send: Any) -> None:
    """ASGI lifespan (uvicorn): start the clock when the server starts. daphne sends no
    lifespan events; it starts the clock through its reactor (below)."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if settings.FORGE_CLOCK:
                from negotiation.realtime import background

                background.start(asyncio.get_running_loop())
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def tune_gc() -> None:
    """Keep the garbage collector's pauses out of the answer times. Every push builds
    thousands of short-lived dicts; at Python's default thresholds that runs a collection
    every few hundred of them and, every so often, a full one over every object the server
    holds (the loaded games, the caches), which measured as most of the ack p99 under the
    benchmark's load. Freeze what start-up built (it lives as long as the process) and
    collect the young generation ten times less often: the full pass becomes rare and
    short. FORGE_GC_THRESHOLD="700,10,10" restores Python's defaults."""
    raw = os.environ.get("FORGE_GC_THRESHOLD", "7000,50,100")
    gc.freeze()
    gc.set_threshold(*(int(x) for x in raw.split(",")))


application = ProtocolTypeRouter({
    "http": django_asgi_app,
    "websocket": AllowedHostsOriginValidator(
        AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
    ),
    "lifespan": lifespan,
})

# Run by daphne (its command, or `manage.py runserver` through the daphne app)? The daphne
# app imports daphne.server in every process, uvicorn's included, so look for the runners.
_DAPHNE = "daphne.cli" in sys.modules or "daphne.management.commands.runserver" in sys.modules
if settings.FORGE_CLOCK and _DAPHNE:
    # daphne has no lifespan events; start the clock when its reactor starts running.
    from twisted.internet import reactor

    from negotiation.realtime import background

    reactor.callWhenRunning(lambda: background.start(reactor._asyncioEventloop))  # type: ignore[attr-defined]

tune_gc()  # last: everything imported and built above is frozen
