"""Tonus as production runs it: the image's files, a runtime-only install, compose's commands.

The `production` fixture lays out the files the Dockerfile copies into a folder of their own,
installs them into a fresh virtual environment with bin/install-runtime (the Dockerfile's own
install command, no dev extras), and starts the commands of docker/compose.yaml from there:
setup, then web (gunicorn with the repository's config, serving TLS), the dispatcher worker,
the send worker, the worker of long jobs and beat. It runs against a database and a Redis server of its own, with
DJANGO_DEBUG=False and production settings.
"""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import requests
import trustme
import yaml
from django.db import connection

from backend.reminders.vapid import vapid_keys_read
from tests.conftest import ARTIFACTS, ROOT
from tests.support.databases import needs_postgresql
from tests.support.push_receiver import PushReceiver
from tests.support.redis_server import RedisServer, free_port

COMPOSE = ROOT / "docker" / "compose.yaml"
DOCKERFILE = ROOT / "docker" / "Dockerfile"
# The services of compose that are Tonus's own processes, in the order they start.
PROCESSES = ("web", "dispatcher", "worker", "bulk", "beat")


def compose_services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def image_files(into: Path) -> None:
    """Copy what the Dockerfile's COPY lines copy, where they put it (WORKDIR /app)."""
    for line in DOCKERFILE.read_text().splitlines():
        if not line.startswith("COPY "):
            continue
        *sources, target = shlex.split(line)[1:]
        for source in sources:
            path = ROOT / source
            destination = into / target / path.name if target.endswith("/") else into / target
            if path.is_dir():
                shutil.copytree(
                    path, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
                )
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, destination)


def runtime_venv(app: Path, venv: Path) -> Path:
    """A virtual environment with Tonus's runtime dependencies only."""
    subprocess.run([sys._base_executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    done = subprocess.run(
        [str(app / "bin" / "install-runtime"), str(python)],
        cwd=app, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return python


@dataclass
class Production:
    app: Path
    venv: Path
    env: dict[str, str]
    url: str
    ca: Path
    receiver: PushReceiver
    logs: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """A command in the app's folder with the production environment, as `docker compose
        run` would."""
        return subprocess.run(
            args, cwd=self.app, env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return self.run(str(self.venv / "bin" / "python"), "manage.py", *args)

    def start(self, service: str) -> subprocess.Popen:
        command = compose_services()[service]["command"]
        log = (self.logs / f"{service}.log").open("ab")
        process = subprocess.Popen(
            shlex.split(command), cwd=self.app, env=self.env, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.processes[service] = process
        return process

    def stop(self, service: str, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        process = self.processes.pop(service)
        if process.poll() is None:
            os.killpg(process.pid, sig)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        return process.returncode

    def healthcheck(self, service: str) -> subprocess.CompletedProcess:
        """Run the service's compose health check here."""
        kind, *test = compose_services()[service]["healthcheck"]["test"]
        if kind == "CMD-SHELL":
            # Compose hands the shell `$` where the file says `$$`.
            return self.run("sh", "-c", test[0].replace("$$", "$"), timeout=60)
        return self.run(*test, timeout=60)

    def log(self, service: str) -> str:
        path = self.logs / f"{service}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def client(self) -> requests.Session:
        session = requests.Session()
        session.verify = str(self.ca)
        # Else REQUESTS_CA_BUNDLE from the environment would win over `verify`.
        session.trust_env = False
        # Django checks the Origin of unsafe requests against the site, as a browser sends it.
        session.headers.update({"Origin": self.url, "Referer": f"{self.url}/"})
        return session

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(f"{self.url}{path}", verify=str(self.ca), timeout=10, **kwargs)


# bin/test runs these tests in a process of their own beside the rest of the suite (they
# mostly wait for beat's minutes). That process leaves the suite's shared state alone: the
# collected static files, the test cache and the test broker.
@pytest.fixture(scope="session", autouse=True)
def _static_files():
    pass


@pytest.fixture(autouse=True)
def _empty_cache():
    pass


@pytest.fixture(scope="session", autouse=True)
def _tasks_without_a_worker_go_nowhere():
    pass


def _postgres_server() -> dict:
    needs_postgresql("production runs on PostgreSQL")
    return connection.settings_dict


@pytest.fixture(scope="session")
def production(tmp_path_factory) -> Iterator[Production]:
    server = _postgres_server()
    base = tmp_path_factory.mktemp("production")
    app = base / "app"
    image_files(app)
    venv = base / "venv"
    runtime_venv(app, venv)

    name = f"tonus_production_{secrets.token_hex(4)}"
    admin = (
        f"host={server['HOST'] or '127.0.0.1'} port={server['PORT'] or 5432} "
        f"user={server['USER']} dbname=postgres"
    ) + (f" password={server['PASSWORD']}" if server["PASSWORD"] else "")
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    auth = server["USER"] + (f":{server['PASSWORD']}" if server["PASSWORD"] else "")
    database_url = (
        f"postgres://{auth}@{server['HOST'] or '127.0.0.1'}:{server['PORT'] or 5432}/{name}"
    )

    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1", "localhost")
    ca = base / "ca.pem"
    authority.cert_pem.write_to_path(ca)
    server_pem = base / "server.pem"
    certificate.private_key_and_cert_chain_pem.write_to_path(server_pem)

    port = free_port()
    url = f"https://127.0.0.1:{port}"
    logs = ARTIFACTS / "production"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    redis_server = RedisServer(base / "redis").start()
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(base),
        # As in a container, where compose's health checks name the worker by it.
        "HOSTNAME": socket.gethostname(),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "backend.config.settings",
        "DJANGO_DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "TONUS_VAR_DIR": str(app / "var"),
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": redis_server.url,
        "CACHE_URL": redis_server.url.rsplit("/", 1)[0] + "/1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Sign-up links are read from the files the mail backend writes.
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(logs / "mail"),
        "CSRF_TRUSTED_ORIGINS": url,
        "PORT": str(port),
        # TLS straight from gunicorn stands in for the proxy in front of it.
        "GUNICORN_CMD_ARGS": (
            f"--bind 127.0.0.1:{port} --workers 2 --certfile {server_pem} --keyfile {server_pem}"
        ),
        # The one relaxation: the local push receiver speaks plain HTTP on loopback.
        "PUSH_ENDPOINT_REQUIRE_HTTPS": "False",
        "PUSH_ENDPOINT_ALLOW_PRIVATE": "True",
        "PYTHONUNBUFFERED": "1",
    }
    (app / "var").mkdir(exist_ok=True)
    setup = subprocess.run(
        shlex.split(compose_services()["setup"]["command"]),
        cwd=app, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert setup.returncode == 0, setup.stdout + setup.stderr
    keys = vapid_keys_read(app / "var" / "vapid.json")
    receiver = PushReceiver(keys.public_key).__enter__()
    prod = Production(app=app, venv=venv, env=env, url=url, ca=ca, receiver=receiver, logs=logs)
    try:
        static = prod.run(str(venv / "bin" / "python"), "manage.py", "collectstatic", "--noinput")
        assert static.returncode == 0, static.stdout + static.stderr
        yield prod
    finally:
        for service in list(prod.processes):
            prod.stop(service)
        receiver.__exit__(None, None, None)
        redis_server.stop()
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def running(production) -> Production:
    """The five processes of compose up, gunicorn answering."""
    for service in PROCESSES:
        production.start(service)
    wait_for(
        lambda: _answers(production, "/accounts/login/"),
        timeout=60,
        what="gunicorn answering over TLS",
    )
    return production


def _answers(production: Production, path: str) -> bool:
    try:
        return production.get(path).status_code == 200
    except requests.ConnectionError:
        return False


def wait_for(condition, *, timeout: float, what: str, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout}s")
        time.sleep(every)
