"""Production settings: the base settings (negotiation/settings.py) made safe to face the
internet, for a deployment where a reverse proxy terminates HTTPS in front of the uvicorn
processes (docker-compose.yml's layout). With them,

    DJANGO_SETTINGS_MODULE=negotiation.settings_production SECRET_KEY=... \\
        ALLOWED_HOSTS=forge.example.org python manage.py check --deploy

reports no issues. They refuse to load without a real SECRET_KEY or without ALLOWED_HOSTS.

What the proxy must do (docs/security.md, "HTTP and deployment"): serve HTTPS; pass the
Host header through; set X-Forwarded-Proto to the scheme the client used, overwriting any
the client sent (nginx: `proxy_set_header X-Forwarded-Proto $scheme;`); forward the
WebSocket upgrade. And the uvicorn port must be reachable from the proxy only: whoever can
reach it can claim to be on HTTPS and (with uvicorn's --proxy-headers) to be any address.

Environment:
    SECRET_KEY            required; 50 or more characters, not the development key
                          (python -c "import secrets; print(secrets.token_urlsafe(50))")
    ALLOWED_HOSTS         required; the site's host names, comma-separated
    CSRF_TRUSTED_ORIGINS  optional; e.g. https://forge.example.org when the proxy changes
                          the Host header
    FORGE_PROXY_SSL_HEADER=0   when no proxy sets X-Forwarded-Proto (uvicorn then learns
                          the scheme from --proxy-headers, or serves TLS itself)
    FORGE_HSTS_SECONDS    HSTS max-age, default one year; try 3600 on a first deployment
    FORGE_HSTS_PRELOAD=0  leave out the HSTS `preload` directive (check --deploy then says
                          so: W021)
"""

import os

from django.core.exceptions import ImproperlyConfigured

from negotiation.settings import *  # noqa: F403
from negotiation.settings import DEV_SECRET_KEY

DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "negotiation.settings_production needs SECRET_KEY: 50 or more random characters, "
        "not the development key (python -c \"import secrets; "
        "print(secrets.token_urlsafe(50))\")")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",")
                 if h.strip()]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("negotiation.settings_production needs ALLOWED_HOSTS: the "
                               "host names the site is served under, comma-separated")
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",")
                        if o.strip()]

# HTTPS, terminated by the proxy. Django believes a request came over HTTPS when the proxy
# says so in X-Forwarded-Proto; that is safe only because the proxy overwrites the header
# and nobody reaches uvicorn but the proxy (see above).
if os.environ.get("FORGE_PROXY_SSL_HEADER", "1") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("FORGE_HSTS_SECONDS", 365 * 24 * 3600))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = os.environ.get("FORGE_HSTS_PRELOAD", "1") == "1"
# Django's defaults, restated so that a change to the base cannot loosen them unseen.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
