"""WebSocket routes. The protocol version is in the path, so a v2 can live beside v1."""

import os

from django.urls import path

from negotiation.consumers import EchoConsumer, GameConsumer

websocket_urlpatterns = [
    path("ws/v1/games/<str:code>/", GameConsumer.as_asgi()),
]
if os.environ.get("FORGE_ECHO") == "1":
    websocket_urlpatterns.append(path("ws/echo/", EchoConsumer.as_asgi()))
