# The FORGE server image for docker-compose.yml: the repository with its pinned
# requirements in a virtualenv at /app/.venv (the compose commands run .venv/bin/uvicorn and
# .venv/bin/python). The production settings (negotiation/settings_production.py): they
# need SECRET_KEY and ALLOWED_HOSTS, and DATABASE_URL and REDIS_URL for the services
# (docs/deploy.md). The CMD below is uvicorn as `make run` starts it, trusting no proxy's
# headers; docker-compose.yml's command adds the proxy's address.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=negotiation.settings_production

WORKDIR /app

COPY requirements.txt .
RUN python -m venv .venv && .venv/bin/pip install -r requirements.txt

COPY . .

RUN useradd --create-home --uid 1000 forge && chown -R forge /app
USER forge

EXPOSE 8000
CMD [".venv/bin/uvicorn", "--host", "0.0.0.0", "--port", "8000", \
     "--loop", "uvloop", "--http", "httptools", "--ws", "websockets-sansio", \
     "--ws-max-size", "65536", "--ws-per-message-deflate", "false", \
     "--lifespan", "on", "--timeout-graceful-shutdown", "5", "--no-access-log", \
     "negotiation.asgi:application"]
