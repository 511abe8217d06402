"""docker-compose.yml, docs/deploy.md and the harness the tests and the benchmark run
(tests/topology.py) describe one topology: the same server command, environment, health
check, Redis flags and nginx site. Each block of docs/deploy.md that follows a
`<!-- checked: NAME -->` marker is compared with the harness's own text."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import topology as t

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DEPLOY = ROOT / "docs" / "deploy.md"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())  # type: ignore[no-any-return]


def checked_blocks() -> dict[str, str]:
    text = DEPLOY.read_text()
    found = re.findall(r"<!-- checked: ([\w-]+) -->\s*```[\w-]*\n(.*?)```", text, re.S)
    return {name: body for name, body in found}


def web_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n: s for n, s in compose["services"].items() if re.fullmatch(r"web\d+", n)}


def test_the_compose_servers_run_the_harness_command(compose):
    webs = web_services(compose)
    assert sorted(f"{n}:8000" for n in webs) == sorted(t.COMPOSE_SERVERS)
    proxy_ip = compose["services"]["proxy"]["networks"]["forge"]["ipv4_address"]
    assert proxy_ip == t.COMPOSE_PROXY_IP
    subnet = compose["networks"]["forge"]["ipam"]["config"][0]["subnet"]
    import ipaddress

    assert ipaddress.ip_address(proxy_ip) in ipaddress.ip_network(subnet)
    for name, svc in webs.items():
        assert svc["command"] == t.server_command("uvicorn", "0.0.0.0", 8000, proxy_ip), name
    # the harness starts the same command, but for where it listens and whom it trusts
    mine = t.server_command("uvicorn", "127.0.0.1", 1234, "127.0.0.1")
    assert [a for a in mine if a not in ("127.0.0.1", "1234")] == \
        [a for a in webs["web1"]["command"] if a not in ("0.0.0.0", "8000", proxy_ip)]
    # uvicorn as `make run` and the other tests start it
    from tests.server import procs

    assert t.UVICORN_FLAGS == procs.SERVER_FLAGS


def test_the_compose_environment_is_the_harness_environment(compose):
    env = compose["x-web"]["environment"]
    assert set(env) == set(t.FIXED_ENV) | set(t.DEPLOYMENT_ENV)
    for k, v in t.FIXED_ENV.items():
        assert str(env[k]) == v, k
    assert env["DJANGO_SETTINGS_MODULE"] == "negotiation.settings_production"
    assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:")
    # the key and the names are the deployment's own: compose refuses to start without them
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert env["ALLOWED_HOSTS"].startswith("${ALLOWED_HOSTS:?")


def test_the_harness_environment_has_every_variable(tmp_path):
    """The harness's processes get the same variables (nothing is started here)."""
    topo = t.Topology(tmp_path, processes=2)
    try:
        env = topo.env
        for k, v in t.FIXED_ENV.items():
            assert env[k] == v
        for k in t.DEPLOYMENT_ENV:
            assert env[k], k
        assert len(env["SECRET_KEY"]) >= 50
        assert env["DATABASE_URL"].startswith("postgres://")
    finally:
        assert topo.pg is not None
        topo.pg.remove()


def test_health_checks_agree(compose):
    web = compose["x-web"]
    assert web["healthcheck"]["test"] == ["CMD", ".venv/bin/python", "-c", t.HEALTH_CHECK,
                                          "8000"]
    assert compose["services"]["migrate"]["healthcheck"] == {"disable": True}
    for name in ("postgres", "redis"):
        assert compose["services"][name]["healthcheck"]["test"][0] == "CMD"
        assert web["depends_on"][name] == {"condition": "service_healthy"}
    assert web["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    proxy = compose["services"]["proxy"]
    assert proxy["depends_on"] == {n: {"condition": "service_healthy"}
                                   for n in web_services(compose)}
    # the check reads the database (a join-code look-up), as the harness's does
    assert t.HEALTH_PATH in t.HEALTH_CHECK and "code=" in t.HEALTH_PATH


def test_redis_and_nginx_agree(compose):
    assert compose["services"]["redis"]["command"] == ["redis-server", *t.REDIS_FLAGS]
    content = compose["configs"]["nginx"]["content"].replace("$$", "$")
    assert content == t.compose_site()
    proxy = compose["services"]["proxy"]
    assert proxy["configs"] == [{"source": "nginx", "target": "/etc/nginx/conf.d/default.conf"}]
    assert "443:443" in proxy["ports"] and "80:80" in proxy["ports"]
    certs = Path(t.COMPOSE_CERT).parent
    assert any(v.split(":")[1] == str(certs) for v in proxy["volumes"])


def test_the_image_runs_the_same_server():
    text = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*?\])\s*$", text, re.S | re.M)
    assert cmd is not None
    import json

    argv = json.loads(cmd.group(1).replace("\\\n", ""))
    assert argv[0] == ".venv/bin/uvicorn" and argv[-1] == t.ASGI_APP
    flags = argv[5:-1]
    assert flags == t.UVICORN_FLAGS
    assert f"DJANGO_SETTINGS_MODULE={t.SETTINGS_MODULE}" in text


def test_deploy_md_states_the_same_things(compose):
    blocks = checked_blocks()
    assert set(blocks) == {"server-command", "daphne-command", "environment", "health-check",
                           "redis-command", "nginx-site"}, set(blocks)
    proxy_ip = t.COMPOSE_PROXY_IP
    assert shlex.split(blocks["server-command"].replace("\\\n", " ")) == \
        t.server_command("uvicorn", "0.0.0.0", 8000, proxy_ip)
    assert shlex.split(blocks["daphne-command"].replace("\\\n", " ")) == \
        t.server_command("daphne", "0.0.0.0", 8000, proxy_ip)
    names = re.findall(r"^([A-Z_]+)=", blocks["environment"], re.M)
    assert set(names) == set(t.FIXED_ENV) | set(t.DEPLOYMENT_ENV)
    for k, v in t.FIXED_ENV.items():
        assert f"{k}={v}\n" in blocks["environment"], k
    assert shlex.split(blocks["health-check"].replace("\\\n", " ")) == \
        [".venv/bin/python", "-c", t.HEALTH_CHECK, "8000"]
    assert shlex.split(blocks["redis-command"]) == ["redis-server", *t.REDIS_FLAGS]
    assert blocks["nginx-site"] == t.compose_site()
    text = DEPLOY.read_text()
    for must in ("docker-compose.yml", "tests/topology.py", "bench/load.py", "make proxy-deps",
                 "unavailable"):
        assert must in text, must
