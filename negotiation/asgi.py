"""ASGI entry point: HTTP through Django, WebSockets through Channels (origin-checked)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "negotiation.settings")

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

application = ProtocolTypeRouter({"http": django_asgi_app})
