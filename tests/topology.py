"""The production topology on one machine, without Docker: PostgreSQL, Redis, N server
processes (uvicorn, or daphne) and nginx in front, terminating TLS, forwarding WebSockets,
keeping each game's sockets on one process. Used by the tests (tests/faults/
test_topology_faults.py, tests/server/test_whole_game.py) and by bench/load.py.

Everything runs as the current user from Debian's binaries (`make proxy-deps` installs
nginx), on free loopback ports, with its files in one temporary directory: its own
PostgreSQL cluster (initdb, trust authentication; as the `postgres` user when run as root,
which initdb refuses), its own redis-server, its own nginx configuration. Nothing touches
the machine's shared services, so PostgreSQL and Redis can be stopped and restarted at will.

The pieces that docker-compose.yml and docs/deploy.md state as well (the server commands,
their environment, the health check, nginx's site) are the functions and constants at the
top; tests/server/test_deploy_docs.py checks that the three agree.

    with Topology(Path(tmp), processes=2) as topo:   # started; stopped on leaving
        games = topo.setup_games(3)                  # codes, tokens, a facilitator cookie
        client = topo.client(games[0]["code"], {"role": "spectator"})

`backend="embedded"` runs the embedded defaults instead (SQLite and the in-memory layer,
so one process) behind the same nginx: the first pass of `make test` has no services.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ASGI_APP = "negotiation.asgi:application"
SETTINGS_MODULE = "negotiation.settings_production"
SERVERS = ("uvicorn", "daphne")

# ---- what docker-compose.yml and docs/deploy.md say too ---------------------------------
# uvicorn as `make run` starts it (tests/server/procs.py SERVER_FLAGS), trusting the
# X-Forwarded-For and -Proto headers of the proxy's address only.
UVICORN_FLAGS = ["--loop", "uvloop", "--http", "httptools", "--ws", "websockets-sansio",
                 "--ws-max-size", "65536", "--ws-per-message-deflate", "false",
                 "--lifespan", "on", "--timeout-graceful-shutdown", "5", "--no-access-log"]
DAPHNE_FLAGS = ["-v", "0", "--websocket-max-message-size", "65536",
                "--websocket-max-frame-size", "65536"]
# Redis carries the channel layer and the throttles' counters only; nothing durable.
REDIS_FLAGS = ["--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"]
# The environment every server process gets (values for the fixed ones; the others are
# the deployment's: where the services are, the key, the site's names).
FIXED_ENV = {"DJANGO_SETTINGS_MODULE": SETTINGS_MODULE, "PYTHONUNBUFFERED": "1"}
DEPLOYMENT_ENV = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS")
# The health check: a page that reads the database (a join-code look-up), asked on the
# server's own port as the proxy would ask it (the site's first name, over "https").
# 200 when the process serves and its database answers. Run as
#   python -c HEALTH_CHECK <port>
# with the server's environment (it reads ALLOWED_HOSTS).
HEALTH_PATH = "/join/?code=ZZZZZZ"
HEALTH_CHECK = (
    "import os, sys, urllib.request as u; "
    "h = os.environ['ALLOWED_HOSTS'].split(',')[0].strip().lstrip('.'); "
    "r = u.urlopen(u.Request('http://127.0.0.1:' + sys.argv[1] + '" + HEALTH_PATH + "', "
    "headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=5); "
    "sys.exit(r.status != 200)")


# docker-compose.yml's values for the same functions: the proxy's fixed address on the
# compose network (the only one whose forwarding headers the servers trust), the
# servers' names and port, the certificate files mounted into nginx.
COMPOSE_PROXY_IP = "172.28.0.10"
COMPOSE_SERVERS = ["web1:8000", "web2:8000"]
COMPOSE_CERT = "/etc/nginx/certs/fullchain.pem"
COMPOSE_KEY = "/etc/nginx/certs/privkey.pem"


def compose_site() -> str:
    """nginx's site as docker-compose.yml (and docs/deploy.md) state it."""
    return nginx_site(COMPOSE_SERVERS, https_listen="443", http_listen="80",
                      cert=COMPOSE_CERT, key=COMPOSE_KEY)


def server_command(kind: str, host: str, port: int, proxy: str,
                   bin_dir: str = ".venv/bin") -> list[str]:
    """One server process. `proxy`: the address whose forwarding headers are trusted."""
    if kind == "uvicorn":
        return [f"{bin_dir}/uvicorn", "--host", host, "--port", str(port), *UVICORN_FLAGS,
                "--proxy-headers", "--forwarded-allow-ips", proxy, ASGI_APP]
    if kind == "daphne":  # trusts X-Forwarded-For from whoever reaches it: keep it private
        return [f"{bin_dir}/daphne", "-b", host, "-p", str(port), *DAPHNE_FLAGS,
                "--proxy-headers", ASGI_APP]
    raise ValueError(f"server is one of {SERVERS}, not {kind!r}")


def nginx_site(servers: list[str], *, https_listen: str, http_listen: str, cert: str,
               key: str, https_port: str = "", sticky: bool = True) -> str:
    """nginx's site: HTTPS in front of the server processes. A game's sockets and pages
    go to one process (hashed on the join code in the path; docs/security.md: budgets and
    caps are per process), everything else round robin. A process that refuses
    connections is skipped for 3 s (passive health checks: open-source nginx has no
    active ones). Plain HTTP is redirected to HTTPS."""
    balance = "    hash $forge_game consistent;\n" if sticky else ""
    upstreams = "".join(f"    server {s} max_fails=1 fail_timeout=3s;\n" for s in servers)
    port = f":{https_port}" if https_port else ""
    return (
        "map $uri $forge_game {\n"
        "    default \"\";\n"
        "    \"~^/(?:ws/v1/games|g)/([^/]+)/\" $1;\n"
        "}\n"
        "map $http_upgrade $connection_upgrade {\n"
        "    default upgrade;\n"
        "    \"\" \"\";\n"
        "}\n"
        "upstream forge {\n"
        f"{balance}{upstreams}"
        "    keepalive 32;\n"
        "}\n"
        "server {\n"
        f"    listen {http_listen};\n"
        f"    return 301 https://$host{port}$request_uri;\n"
        "}\n"
        "server {\n"
        f"    listen {https_listen} ssl;\n"
        f"    ssl_certificate {cert};\n"
        f"    ssl_certificate_key {key};\n"
        "    ssl_protocols TLSv1.2 TLSv1.3;\n"
        "    client_max_body_size 256k;\n"
        "    client_body_timeout 10s;\n"
        "    location / {\n"
        "        proxy_pass http://forge;\n"
        "        proxy_http_version 1.1;\n"
        "        proxy_set_header Upgrade $http_upgrade;\n"
        "        proxy_set_header Connection $connection_upgrade;\n"
        "        proxy_set_header Host $http_host;\n"
        "        proxy_set_header X-Forwarded-For $remote_addr;\n"
        "        proxy_set_header X-Forwarded-Proto $scheme;\n"
        "        proxy_connect_timeout 2s;\n"
        "        proxy_next_upstream error timeout http_502;\n"
        "        proxy_read_timeout 3600s;\n"
        "        proxy_send_timeout 3600s;\n"
        "    }\n"
        "}\n")


# ---- helpers ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until(pred: Any, timeout: float, what: str, interval: float = 0.1) -> Any:
    end = time.monotonic() + timeout
    while True:
        found = pred()
        if found:
            return found
        if time.monotonic() > end:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def _stop(proc: subprocess.Popen[bytes] | None, sig: int = signal.SIGTERM,
          timeout: float = 15) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx")
                                      else None)
    if found is None:
        raise RuntimeError("nginx is not installed: `make proxy-deps` installs Debian's")
    return found


# ---- the services --------------------------------------------------------------------------
class Postgres:
    """A PostgreSQL cluster of this run's own, in `workdir`, on a free port."""

    def __init__(self, workdir: Path, fsync: bool = False) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                      key=lambda p: int(p.split("/")[-2]))
        if not bins:
            raise RuntimeError("no PostgreSQL under /usr/lib/postgresql")
        self.bin = Path(bins[-1])
        # A directory of its own under the system's temporary directory: as root the
        # cluster belongs to `postgres`, who cannot enter a test's private (0700) workdir.
        self.dir = Path(tempfile.mkdtemp(prefix="forge-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.fsync = fsync
        # initdb and postgres refuse to run as root
        self.user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        out = subprocess.run([str(self.bin / args[0]), *args[1:]], user=self.user,
                             capture_output=True, text=True, timeout=120, cwd=self.dir)
        if check and out.returncode:
            log = self.dir / "log"
            raise RuntimeError(f"{args[0]} failed ({out.returncode}): {out.stderr[-2000:]}"
                               + (log.read_text()[-2000:] if log.exists() else ""))
        return out

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def init(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        if self.user:
            shutil.chown(self.dir, self.user)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8", "--locale", "C")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "forge")

    def start(self) -> None:
        opts = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} "
                f"-c max_connections=200 -c fsync={'on' if self.fsync else 'off'}")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-o", opts,
                  "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop",
                      check=False)

    @property
    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/forge"

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://"),
                             connect_timeout=10) as conn:
            return list(conn.execute(sql, params).fetchall())


class Redis:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.log = workdir / "redis.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", *REDIS_FLAGS],
                stdout=out, stderr=subprocess.STDOUT)
        wait_until(lambda: port_open(self.port), 20, "redis-server")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        _stop(self.proc, sig)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class Server:
    """One server process (uvicorn or daphne) on its own port, behind the proxy."""

    def __init__(self, topo: Topology, index: int) -> None:
        self.topo, self.index = topo, index
        self.port = free_port()
        self.log = topo.workdir / f"server-{index}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, wait: bool = True) -> None:
        cmd = server_command(self.topo.server, "127.0.0.1", self.port, "127.0.0.1",
                             bin_dir=str(Path(sys.executable).parent))
        with open(self.log, "ab") as out:  # the child keeps its own copy
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.topo.env, stdout=out,
                                         stderr=subprocess.STDOUT)
        if wait:
            self.wait_healthy()

    def healthy(self) -> bool:
        if self.proc is None or self.proc.poll() is not None:
            return False
        out = subprocess.run([sys.executable, "-c", HEALTH_CHECK, str(self.port)],
                             env=self.topo.env, capture_output=True, timeout=30)
        return out.returncode == 0

    def wait_healthy(self, timeout: float = 60) -> None:
        def ok() -> bool:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"server {self.index} exited with {self.proc.returncode}; "
                                   f"see {self.log}:\n{self.log.read_text()[-3000:]}")
            return port_open(self.port) and self.healthy()

        wait_until(ok, timeout, f"server {self.index} to be healthy", interval=0.2)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        _stop(self.proc, sig)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class Nginx:
    def __init__(self, topo: Topology) -> None:
        self.topo = topo
        self.dir = topo.workdir / "nginx"
        self.port = free_port()  # HTTPS: the site
        self.http_port = free_port()  # plain HTTP: redirects
        self.proc: subprocess.Popen[bytes] | None = None

    def write(self) -> None:
        d = self.dir
        for sub in ("tmp", "logs"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        cert, key = d / "cert.pem", d / "key.pem"
        if not cert.exists():
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                            "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                            "-subj", "/CN=localhost", "-addext",
                            "subjectAltName=DNS:localhost,IP:127.0.0.1",
                            "-keyout", str(key), "-out", str(cert)],
                           check=True, capture_output=True)
        site = nginx_site([f"127.0.0.1:{s.port}" for s in self.topo.servers],
                          https_listen=f"127.0.0.1:{self.port}",
                          http_listen=f"127.0.0.1:{self.http_port}", cert=str(cert),
                          key=str(key), https_port=str(self.port), sticky=self.topo.sticky)
        user = ""
        if os.geteuid() == 0:  # workers keep the current user (never nobody)
            import pwd

            user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n"
        tmp = d / "tmp"
        (d / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes {self.topo.nginx_workers};\n"
            f"worker_rlimit_nofile 65536;\npid {d / 'nginx.pid'};\n"
            f"error_log {d / 'logs' / 'error.log'} warn;\n"
            "events { worker_connections 16384; }\n"
            "http {\n    access_log off;\n"
            f"    client_body_temp_path {tmp}/body;\n    proxy_temp_path {tmp}/proxy;\n"
            f"    fastcgi_temp_path {tmp}/fastcgi;\n    uwsgi_temp_path {tmp}/uwsgi;\n"
            f"    scgi_temp_path {tmp}/scgi;\n"
            + "".join(f"    {line}\n" for line in site.splitlines()) + "}\n")

    def start(self) -> None:
        self.write()
        conf = str(self.dir / "nginx.conf")
        test = subprocess.run([nginx_binary(), "-t", "-q", "-p", str(self.dir), "-c", conf],
                              capture_output=True, text=True)
        if test.returncode:
            raise RuntimeError(f"nginx refused its configuration:\n{test.stderr}")
        self.proc = subprocess.Popen([nginx_binary(), "-p", str(self.dir), "-c", conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: port_open(self.port), 20, "nginx")

    def reload(self) -> None:
        """A new configuration (e.g. sticky on or off), taken up by new connections."""
        assert self.proc is not None
        old = set(_children(self.proc.pid))
        self.write()
        self.proc.send_signal(signal.SIGHUP)
        # the old workers finish, the new ones (new pids) take the new configuration
        wait_until(lambda: set(_children(self.proc.pid)) - old, 20,  # type: ignore[union-attr]
                   "nginx's new workers")

    def stop(self) -> None:
        # fast (SIGTERM): a graceful stop would wait for every open WebSocket to end
        _stop(self.proc, signal.SIGTERM)


def _children(pid: int) -> list[int]:
    import psutil

    try:
        return [c.pid for c in psutil.Process(pid).children()]
    except psutil.NoSuchProcess:
        return []


# ---- the whole ------------------------------------------------------------------------------
class Topology:
    def __init__(self, workdir: Path, processes: int = 2, server: str = "uvicorn",
                 backend: str = "services", sticky: bool = True, pg_fsync: bool = False,
                 nginx_workers: int = 1, env: dict[str, str] | None = None) -> None:
        if server not in SERVERS:
            raise ValueError(f"server is one of {SERVERS}")
        if backend == "embedded" and processes != 1:
            raise ValueError("the embedded defaults (SQLite, in-memory layer) are one process")
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.server, self.backend, self.sticky = server, backend, sticky
        self.nginx_workers = nginx_workers
        self.pg = Postgres(workdir, fsync=pg_fsync) if backend == "services" else None
        self.redis = Redis(workdir) if backend == "services" else None
        self.extra_env = dict(env or {})
        self.secret_key = secrets.token_urlsafe(50)
        self.servers = [Server(self, i) for i in range(processes)]
        self.nginx = Nginx(self)
        self._ssl: ssl.SSLContext | None = None

    # -- environment
    @property
    def env(self) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items()
                if k not in ("DATABASE_URL", "REDIS_URL", "FORGE_TEST_DB", "DEBUG",
                             "FORGE_LAYER_PREFIX", "DJANGO_SETTINGS_MODULE")}
        env = {**base, **FIXED_ENV,
               "SECRET_KEY": self.secret_key, "ALLOWED_HOSTS": "127.0.0.1,localhost",
               "FORGE_LOG": "WARNING",
               "FORGE_EXTRA_SCENARIOS": str(ROOT / "tests" / "server" / "data"),
               "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get(
                   "PYTHONPATH")) if p)}
        if self.pg is not None and self.redis is not None:
            env["DATABASE_URL"] = self.pg.url
            env["REDIS_URL"] = self.redis.url
        else:
            env["DATABASE_URL"] = f"sqlite:///{self.workdir / 'forge.sqlite3'}"
        env.update(self.extra_env)
        return env

    # -- life
    def start(self) -> Topology:
        try:
            if self.pg is not None:
                self.pg.init()
            if self.redis is not None:
                self.redis.start()
            self.manage("migrate", "--noinput", "-v", "0")
            for s in self.servers:
                s.start(wait=False)
            for s in self.servers:
                s.wait_healthy()
            self.nginx.start()
            self.wait_proxy()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.nginx.stop()
        for s in self.servers:
            with contextlib.suppress(Exception):
                s.stop()
        if self.redis is not None:
            with contextlib.suppress(Exception):
                self.redis.stop()
        if self.pg is not None:
            with contextlib.suppress(Exception):
                self.pg.stop("immediate")
            self.pg.remove()

    def __enter__(self) -> Topology:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def restart_all(self) -> dict[str, float]:
        """Everything down (proxy, servers, Redis, PostgreSQL) and up again on the same
        ports, with the same data; returns how long the stop and the start took (s)."""
        t0 = time.monotonic()
        self.nginx.stop()
        for s in self.servers:  # all at once, then wait for each
            if s.alive:
                s.proc.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
        for s in self.servers:
            s.stop()
        assert self.redis is not None and self.pg is not None
        self.redis.stop()
        self.pg.stop("fast")
        t1 = time.monotonic()
        self.pg.start()
        self.redis.start()
        for s in self.servers:
            s.start(wait=False)
        for s in self.servers:
            s.wait_healthy()
        self.nginx.start()
        self.wait_proxy()
        return {"stop_s": t1 - t0, "start_s": time.monotonic() - t1}

    def ensure_up(self) -> None:
        """After a test that took something down: bring back whatever is not running."""
        if self.pg is not None and not self.pg.running:
            self.pg.start()
        if self.redis is not None and not port_open(self.redis.port):
            self.redis.start()
        for s in self.servers:
            if not s.alive:
                s.start()
        if self.nginx.proc is None or self.nginx.proc.poll() is not None:
            self.nginx.start()
        self.wait_proxy()

    def set_sticky(self, sticky: bool) -> None:
        if sticky != self.sticky:
            self.sticky = sticky
            self.nginx.reload()

    # -- the front
    @property
    def port(self) -> int:
        return self.nginx.port

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def ws_url(self, code: str) -> str:
        return f"wss://127.0.0.1:{self.port}/ws/v1/games/{code}/"

    def ssl_context(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = ssl.create_default_context(cafile=str(self.nginx.dir / "cert.pem"))
        return self._ssl

    def get(self, path: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
        """GET through the proxy: (status, headers with lower-case names, body)."""
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(self.base_url + path, timeout=timeout,
                                        context=self.ssl_context()) as r:
                return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
        except urllib.error.HTTPError as e:
            return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()

    def wait_proxy(self, timeout: float = 30) -> None:
        wait_until(lambda: self.get(HEALTH_PATH)[0] == 200, timeout, "the proxy",
                   interval=0.2)

    def client(self, code: str, hello: dict[str, Any], cookie: str | None = None,
               name: str = "") -> ProxyClient:
        return ProxyClient(self, code, hello, cookie, name)

    # -- the back
    def manage(self, *args: str) -> str:
        out = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
                             capture_output=True, text=True, timeout=300)
        if out.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stderr[-3000:]}")
        return out.stdout

    def setup_games(self, n: int, scenario: str = "server-tiny", seats: int = 0,
                    start: bool = True, **options: Any) -> list[dict[str, Any]]:
        """n games made through the services (a subprocess on the topology's database),
        every human seat joined; each {code, id, tokens: {seat: token}, cookie} (the
        facilitator's session cookie)."""
        out = subprocess.run(
            [sys.executable, "-m", "tests.topology", "setup", json.dumps(
                {"n": n, "scenario": scenario, "seats": seats, "start": start,
                 "options": options})],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=600)
        if out.returncode:
            raise RuntimeError(f"setup failed:\n{out.stderr[-3000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]

    def verify_log(self, game_id: int) -> bool:
        out = subprocess.run([sys.executable, "-m", "tests.topology", "verify", str(game_id)],
                             cwd=ROOT, env=self.env, capture_output=True, text=True,
                             timeout=300)
        return out.returncode == 0 and out.stdout.strip().endswith("ok")

    def log_rows(self, game_id: int) -> list[tuple[int, str, str | None, dict[str, Any]]]:
        """(seq, sender, client_msg_id, payload) of the game's action log, in order."""
        assert self.pg is not None
        return [(r[0], r[1], r[2], r[3] if isinstance(r[3], dict) else json.loads(r[3]))
                for r in self.pg.query(
                    "SELECT seq, sender, client_msg_id, payload FROM negotiation_actionlog "
                    "WHERE game_id = %s ORDER BY seq", game_id)]

    def game_row(self, game_id: int) -> dict[str, Any]:
        assert self.pg is not None
        version, phase, rnd, status, deadline = self.pg.query(
            "SELECT version, phase, round, status, deadline FROM negotiation_game "
            "WHERE id = %s", game_id)[0]
        return {"version": version, "phase": phase, "round": rnd, "status": status,
                "deadline": deadline}

    def owner(self) -> int:
        """The index of the server process holding the most client connections from the
        proxy (a game's sockets all land on one process when sticky)."""
        import psutil

        counts = []
        for s in self.servers:
            n = 0
            if s.alive:
                for c in psutil.Process(s.pid).net_connections(kind="tcp"):
                    if c.laddr and c.laddr.port == s.port and \
                            c.status == psutil.CONN_ESTABLISHED:
                        n += 1
            counts.append(n)
        return max(range(len(counts)), key=lambda i: counts[i])


# ---- a protocol client through the proxy ------------------------------------------------------
from tests.server.wsclient import WAIT, Client  # noqa: E402


class ProxyClient(Client):
    """tests/server/wsclient.py's client over wss:// through the topology's nginx."""

    def __init__(self, topo: Topology, code: str, hello: dict[str, Any],
                 cookie: str | None = None, name: str = "") -> None:
        super().__init__(topo.port, code, hello, cookie, name)
        self.topo = topo
        self.errors: list[dict[str, Any]] = []

    @property
    def url(self) -> str:
        return self.topo.ws_url(self.code)

    async def open(self, port: int | None = None) -> None:
        from websockets.asyncio.client import connect

        headers = [("Cookie", self.cookie)] if self.cookie else None
        self.conn = await connect(self.url, origin=self.topo.base_url,  # type: ignore[arg-type]
                                  additional_headers=headers, compression=None,
                                  open_timeout=WAIT, max_size=2**22,
                                  ssl=self.topo.ssl_context())
        import asyncio

        self.reader = asyncio.ensure_future(self._read(self.conn))
        payload = dict(self.hello_payload)
        if self.last_seq is not None:
            payload["last_seq"] = self.last_seq
        payload["last_chat"] = self.last_chat
        reply = await self.request("hello", payload)
        if reply["type"] != "welcome":
            await self.close()
            raise ConnectionError(f"hello refused: {reply}")

    async def reopen(self, timeout: float = 30) -> int:
        """Connect again through the proxy (resuming from the last seq) until it works;
        returns the number of attempts."""
        import asyncio

        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        attempts = 0
        while True:
            attempts += 1
            try:
                await self.open()
                return attempts
            except Exception as exc:
                if loop.time() > end:
                    raise AssertionError(f"{self.name}: could not reconnect: {exc!r}") from exc
                await asyncio.sleep(0.2)

    @property
    def connected(self) -> bool:
        return self.conn is not None and self.reader is not None and not self.reader.done()


# ---- `python -m tests.topology setup|verify`: run inside the topology's environment ------------
def _setup(spec: dict[str, Any]) -> list[dict[str, Any]]:
    from django.contrib.auth import get_user_model
    from django.test import Client as HttpClient

    from game import FACILITATOR
    from negotiation.services import actions, games

    user, _ = get_user_model().objects.get_or_create(username="topology",
                                                     defaults={"is_staff": True})
    http = HttpClient()
    http.force_login(user)
    cookie = f"sessionid={http.cookies['sessionid'].value}"
    out = []
    for g in range(spec["n"]):
        row = games.create_game(user, spec["scenario"], spec["options"], seed=g + 1)
        seats = list(row.seats.filter(controller="human").values_list("seat_id", flat=True))
        if spec["seats"]:
            seats = seats[: spec["seats"]]
        tokens = {s: games.join(row.code, f"p-{s}", s)[1] for s in seats}
        if spec["start"]:
            actions.apply_action(row.pk, FACILITATOR, {"type": "start"}, sender="topology")
        out.append({"code": row.code, "id": row.pk, "tokens": tokens, "cookie": cookie})
    return out


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()
    if argv[0] == "setup":
        print(json.dumps(_setup(json.loads(argv[1]))))
    elif argv[0] == "verify":
        from negotiation.services import games

        print("ok" if games.verify_log(int(argv[1])) else "mismatch")
    else:
        raise SystemExit(f"unknown command {argv[0]}")


if __name__ == "__main__":
    main(sys.argv[1:])
