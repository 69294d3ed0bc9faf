"""gunicorn as backend/config/gunicorn.py configures it, with production settings.

Forwarded headers count only from the proxy's address; a SCRIPT_NAME header never moves the
path Django sees; the containers' probe of /healthz says what is wrong.
"""

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import requests
from django.conf import settings
from django.utils import timezone

from backend.reminders.tasks import dispatch_pass
from tests.conftest import ARTIFACTS, ROOT
from tests.support.redis_server import free_port
from tests.support.worker import test_database_url as database_url


class Gunicorn:
    def __init__(self, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = (
            os.environ
            | {
                "DJANGO_SETTINGS_MODULE": "backend.config.settings",
                "DJANGO_DEBUG": "False",
                "SECRET_KEY": "not-secret-but-long-enough-for-the-deploy-checks-0123456789abcdef",
                "DATABASE_URL": database_url(),
                "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
                "CACHE_URL": settings.CACHES["default"]["LOCATION"],
                "ALLOWED_HOSTS": "127.0.0.1",
                "PORT": str(self.port),
                "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{self.port} --workers 1",
            }
            | env
        )
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        log = (ARTIFACTS / "gunicorn.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:backend.config.gunicorn"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/offline/", timeout=10, allow_redirects=False)
                return self
            except requests.RequestException:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start; see test-artifacts/gunicorn.log")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(20)

    def get(self, path: str, **headers: str) -> requests.Response:
        return requests.get(f"{self.url}{path}", headers=headers, allow_redirects=False, timeout=10)

    def probe(self) -> subprocess.CompletedProcess:
        """The web container's health check, as compose runs it."""
        return subprocess.run(
            [sys.executable, "-m", "backend.config.probe"],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=30,
        )  # fmt: skip


@pytest.fixture
def gunicorn() -> Iterator[type[Gunicorn]]:
    ARTIFACTS.mkdir(exist_ok=True)
    return Gunicorn


def test_x_forwarded_proto_is_believed_from_the_proxy_only(gunicorn):
    # Production settings send plain HTTP to HTTPS; a client cannot talk its way past that.
    with gunicorn(FORWARDED_ALLOW_IPS="192.0.2.10") as web:
        forged = web.get("/accounts/login/", **{"X-Forwarded-Proto": "https"})
        assert forged.status_code == 301
        assert forged.headers["Location"].startswith("https://")

    with gunicorn(FORWARDED_ALLOW_IPS="127.0.0.1") as web:
        proxied = web.get("/accounts/login/", **{"X-Forwarded-Proto": "https"})
        assert proxied.status_code == 200
        assert "secure" in proxied.headers["Set-Cookie"].lower()


def test_a_script_name_header_never_moves_the_path(gunicorn):
    # From the address a proxy would use, too: the header is dropped, not obeyed.
    with gunicorn(FORWARDED_ALLOW_IPS="127.0.0.1") as web:
        shifted = web.get(
            "/accounts/api/v1/accounts/me/",
            SCRIPT_NAME="/accounts",
            **{"X-Forwarded-Proto": "https"},
        )
        assert shifted.status_code == 404
        direct = web.get("/api/v1/accounts/me/", **{"X-Forwarded-Proto": "https"})
        assert direct.status_code == 403  # the API itself, asking for a log-in


@pytest.mark.django_db(transaction=True)
def test_the_health_probe_names_what_is_wrong(gunicorn):
    with gunicorn() as web:
        # /healthz answers over plain HTTP for a load balancer inside: no redirect.
        before = web.probe()
        assert before.returncode == 1
        assert "503" in before.stdout and "no dispatcher pass has finished yet" in before.stdout

        dispatch_pass(now=timezone.now())
        after = web.probe()
        assert after.returncode == 0, after.stdout
        assert '"ok"' in after.stdout

    broken = f"postgres://postgres@127.0.0.1:{free_port()}/none"
    with gunicorn(DATABASE_URL=broken) as web:
        down = web.get("/healthz")
        assert down.status_code == 503
        assert down.json() == {
            "status": "fail",
            "failing": {"database": "the database does not answer"},
        }
