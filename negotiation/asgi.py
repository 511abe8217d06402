"""ASGI entry point: HTTP through Django, WebSockets through Channels (origin-checked,
session-authenticated for facilitators), and the background clock in every process
(uvicorn, as `make run` starts it: on ASGI lifespan startup; daphne: when its reactor runs)."""

import asyncio
import gc
import os
import sys
import warnings
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "negotiation.settings")

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.conf import settings
from django.core.asgi import get_asgi_application


class BodyLimit:
    """Refuse an HTTP request body over `max_bytes` with 413 before Django reads it: Django's
    ASGI handler spools a whole body to a temporary file before any check of its own, so a
    client could otherwise fill the disk. A declared Content-Length over the bound is refused
    at once; a chunked body is cut off (Django sees the client go) once it passes the bound.
    Static files are served by WhiteNoise inside Django (settings.MIDDLEWARE)."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and (not value.isdigit()
                                              or int(value) > self.max_bytes):
                await self.refuse(scope, send)
                return
        seen = 0
        cut = started = False

        async def bounded_receive() -> dict:
            nonlocal seen, cut
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    cut = True
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, bounded_receive, watched_send)
        if cut and not started:
            await self.refuse(scope, send)

    async def refuse(self, scope: dict, send: Any) -> None:
        from negotiation.views import too_large_body

        status, content_type, body = too_large_body(scope.get("path", ""), self.max_bytes)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", content_type.encode()),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


# WhiteNoise answers a static file with a FileResponse, whose iterator is synchronous: Django
# reads the (small) file on a thread and warns that it did so, once per process. Expected.
warnings.filterwarnings("ignore", category=Warning, module="django.core.handlers.asgi",
                        message="StreamingHttpResponse must consume synchronous iterators")
django_asgi_app = BodyLimit(get_asgi_application(), settings.FORGE_MAX_BODY_BYTES)

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
