# FORGE: every target installs what it needs, so a fresh clone needs only `make run` / `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench browser-deps proxy-deps demo clean

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

# Debian's nginx for the production topology the tests and bench/load.py run on one machine
# (tests/topology.py: nginx in front of several server processes, as docker-compose.yml and
# docs/deploy.md describe). Only the binary is used: each run writes its own configuration
# to a temporary directory and runs nginx as the current user; no system service is needed.
proxy-deps:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	    nginx >/dev/null; }

# DEBUG is on (unless DEBUG=0) only when HOST is a loopback address; on any other address it
# is off, no demo account is made, and ALLOWED_HOSTS defaults to this machine's names and
# addresses. The secret key is this checkout's own (.secret_key, made once) unless SECRET_KEY
# is set.
run: install
	$(PY) manage.py migrate --noinput
	@host="$${HOST:-127.0.0.1}"; port="$${PORT:-8000}"; \
	case "$$host" in 127.*|localhost|::1|\[::1\]) DEBUG="$${DEBUG:-1}" ;; *) DEBUG=0 ;; esac; \
	if [ "$$DEBUG" = 0 ] && [ -z "$$ALLOWED_HOSTS" ]; then \
	  case "$$host" in 0.0.0.0|::|\[::\]) mine="$$(hostname) $$(hostname -I 2>/dev/null)" ;; *) mine="$$host" ;; esac; \
	  ALLOWED_HOSTS="localhost,127.0.0.1,[::1],$$(printf '%s\n' $$mine | sed '/:/s/^\[*\([^]]*\)\]*$$/[\1]/' | paste -sd, -)"; \
	  echo "ALLOWED_HOSTS=$$ALLOWED_HOSTS (set ALLOWED_HOSTS to change it)"; \
	fi; \
	if [ -z "$$SECRET_KEY" ]; then \
	  test -s .secret_key || (umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > .secret_key); \
	  SECRET_KEY="$$(cat .secret_key)"; \
	fi; \
	export DEBUG ALLOWED_HOSTS SECRET_KEY HOST="$$host" PORT="$$port"; \
	[ -n "$$ALLOWED_HOSTS" ] || unset ALLOWED_HOSTS; \
	$(PY) manage.py demo_game && \
	exec $(VENV)/bin/uvicorn --host "$$host" --port "$$port" \
	  --loop uvloop --http httptools --ws websockets-sansio \
	  --ws-max-size 65536 --ws-per-message-deflate false \
	  --lifespan on --timeout-graceful-shutdown 5 --no-access-log \
	  negotiation.asgi:application

# Classroom mode: the game served to the local network (phones on the school Wi-Fi), on
# every address (HOST=0.0.0.0 unless set), with DEBUG off whatever the environment says,
# ALLOWED_HOSTS set to this machine's names and addresses (as `run` does off loopback), the
# links on the pages made with the LAN address (FORGE_PUBLIC_URL), a facilitator account
# made once with a random password, and the lobby's address printed with a QR code.
.PHONY: class
class: install
	$(PY) manage.py migrate --noinput -v 0
	@host="$${HOST:-0.0.0.0}"; port="$${PORT:-8000}"; \
	mine="$$(hostname) $$(hostname -I 2>/dev/null)"; \
	case "$$host" in 0.0.0.0|::|\[::\]) lan="" ;; *) mine="$$host $$mine"; lan="$$host" ;; esac; \
	if [ -z "$$ALLOWED_HOSTS" ]; then \
	  ALLOWED_HOSTS="localhost,127.0.0.1,[::1],$$(printf '%s\n' $$mine | sed '/:/s/^\[*\([^]]*\)\]*$$/[\1]/' | paste -sd, -)"; \
	fi; \
	[ -n "$$lan" ] || lan="$$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -m1 -E '^[0-9]+(\.[0-9]+){3}$$')"; \
	[ -n "$$lan" ] || lan="$$(hostname)"; \
	case "$$lan" in *:*) lan="[$$(echo "$$lan" | tr -d '[]')]" ;; esac; \
	FORGE_PUBLIC_URL="$${FORGE_PUBLIC_URL:-http://$$lan:$$port}"; \
	echo "ALLOWED_HOSTS=$$ALLOWED_HOSTS (set ALLOWED_HOSTS to change it)"; \
	if [ -z "$$SECRET_KEY" ]; then \
	  test -s .secret_key || (umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > .secret_key); \
	  SECRET_KEY="$$(cat .secret_key)"; \
	fi; \
	export DEBUG=0 ALLOWED_HOSTS SECRET_KEY FORGE_PUBLIC_URL HOST="$$host" PORT="$$port"; \
	$(PY) manage.py shell -v 0 -c "from negotiation.services import lobby; lobby.print_class_banner()" && \
	exec $(VENV)/bin/uvicorn --host "$$host" --port "$$port" \
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
test: install browser-deps proxy-deps
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
bench: install proxy-deps
	taskset -c 1 $(PY) bench/engine.py
	taskset -c 1 $(PY) bench/simulate.py
	$(PY) bench/server.py
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache db.sqlite3
