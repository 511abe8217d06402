# FORGE: every target installs what it needs, so a fresh clone needs only `make run` / `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench browser-deps demo clean

install: $(STAMP)

$(STAMP): requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# Debian's Chromium for the browser tests; never a browser downloaded by a test tool.
browser-deps:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; }

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_game
	$(VENV)/bin/uvicorn --host $${HOST:-127.0.0.1} --port $${PORT:-8000} \
	  --loop uvloop --http httptools --ws websockets-sansio \
	  --ws-max-size 65536 --ws-per-message-deflate false \
	  --lifespan on --timeout-graceful-shutdown 5 --no-access-log \
	  negotiation.asgi:application

# A whole game of bots in the terminal, no server needed.
demo: install
	$(PY) -m game.simulate --scenario classroom-lite --games 1 --seed 1

# Two passes, both always run: the whole suite on the embedded defaults (SQLite, in-memory
# channel layer), then the server, security and fault tests on PostgreSQL and Redis, where
# several server processes share the services.
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/0

# One shell for both passes, so the second runs even when the first fails; the target then
# fails naming the passes that failed.
test: install browser-deps
	failed=; \
	$(PY) -m pytest -q -m "not services" || failed="$$failed embedded"; \
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) FORGE_LAYER_PREFIX=forge-test-$$$$ \
	  FORGE_TEST_DB=test_forge_$$$$ \
	  $(PY) -m pytest -q tests/server tests/security tests/faults || failed="$$failed services"; \
	if [ -n "$$failed" ]; then echo "make test: failed pass(es):$$failed"; exit 1; fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy game

# Each benchmark prints its figures and ends with one JSON line.
bench: install
	taskset -c 1 $(PY) bench/engine.py
	taskset -c 1 $(PY) bench/simulate.py
	$(PY) bench/server.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache db.sqlite3
