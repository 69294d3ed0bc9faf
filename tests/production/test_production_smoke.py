"""The production path, end to end: a runtime-only install starts and sends a real reminder.

See conftest.py: the image's files, bin/install-runtime, DJANGO_DEBUG=False, compose's
commands (gunicorn with backend/config/gunicorn.py, the dispatcher worker, the send worker,
the worker of long jobs, beat), PostgreSQL and a Redis server of its own, and the local push receiver.
"""

import re
import time
import uuid
import zoneinfo
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from backend.checkins.export import COLUMNS
from tests.production.conftest import wait_for

pytestmark = pytest.mark.production

IMPORT_EVERY_MODULE = """
import importlib, pkgutil, sys
import django
django.setup()
import backend
failed = {}
for module in pkgutil.walk_packages(backend.__path__, "backend."):
    try:
        importlib.import_module(module.name)
    except Exception as error:
        failed[module.name] = f"{type(error).__name__}: {error}"
for name, error in sorted(failed.items()):
    print(name, error)
print(len(failed), "modules failed to import")
sys.exit(1 if failed else 0)
"""


def test_the_runtime_install_has_no_development_tools(production):
    python = str(production.venv / "bin" / "python")
    for tool in ("pytest", "playwright", "hypothesis"):
        done = production.run(python, "-c", f"import {tool}")
        assert done.returncode != 0, f"{tool} is in the runtime install"


def test_every_module_imports_with_the_runtime_dependencies_only(production):
    done = production.run(str(production.venv / "bin" / "python"), "-c", IMPORT_EVERY_MODULE)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 modules failed to import" in done.stdout


def test_the_deploy_check_passes_with_no_warning(production):
    done = production.manage("check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def _next_minute_at_least(seconds: int, zone: zoneinfo.ZoneInfo) -> datetime:
    soon = datetime.now(zone) + timedelta(seconds=seconds)
    return soon.replace(second=0, microsecond=0) + timedelta(minutes=1)


def _sign_up_link(mail_dir: str) -> str:
    for message in sorted(Path(mail_dir).glob("*.log")):
        found = re.search(r"https?://\S+/accounts/signup/confirm/\S+/", message.read_text())
        if found:
            return found.group()
    raise AssertionError(f"no sign-up link in {mail_dir}")


def test_a_person_signs_up_subscribes_and_their_reminder_arrives(running):
    production = running
    chicago = zoneinfo.ZoneInfo("America/Chicago")
    client = production.client()
    # As the app's pages do: the CSRF cookie comes with a page, and goes back in a header.
    client.get(f"{production.url}/accounts/signup/")
    client.headers["X-CSRFToken"] = client.cookies["csrftoken"]
    signed_up = client.post(
        f"{production.url}/api/v1/accounts/signup/",
        json={
            "email": "production@example.com",
            "password": "calf-stretch-every-morning",
            "time_zone": "America/Chicago",
        },
    )
    assert signed_up.status_code == 202, signed_up.text
    uid, token = _sign_up_link(production.env["EMAIL_FILE_PATH"]).strip("/").split("/")[-2:]
    confirmed = client.post(
        f"{production.url}/api/v1/accounts/signup/confirm/", json={"uid": uid, "token": token}
    )
    assert confirmed.status_code == 200, confirmed.text
    assert "secure" in confirmed.headers["Set-Cookie"].lower()
    # Log-in rotates the CSRF token.
    client.headers["X-CSRFToken"] = client.cookies["csrftoken"]

    device = production.receiver.new_subscription()
    subscribed = client.post(f"{production.url}/api/v1/devices/", json=device.as_dict())
    assert subscribed.status_code == 201, subscribed.text

    due = _next_minute_at_least(25, chicago)
    planned = client.put(
        f"{production.url}/api/v1/plans/stretches/",
        json={
            "times": [due.strftime("%H:%M")],
            "stretches": [
                {
                    "name": "Calf stretch",
                    "target_muscle": "calf",
                    "side": "both",
                    "hold_seconds": 30,
                    "repetitions": 3,
                }
            ],
        },
    )
    assert planned.status_code == 200, planned.text

    # Beat starts a pass at the top of the minute, the dispatcher worker runs it, the send
    # worker sends; the receiver checks VAPID and decrypts.
    [message] = production.receiver.wait_for(1, timeout=150)
    assert message.endpoint == device.endpoint
    assert message.json()["title"] == "Stretches"
    assert message.json()["body"] == "Calf stretch, 3 × 30 s"
    assert message.received_at - due.timestamp() < 60, production.log("worker")

    [health] = wait_for(
        lambda: [r for r in [production.get("/healthz")] if r.status_code == 200],
        timeout=90,
        what="/healthz answering 200",
    )
    assert health.json() == {"status": "ok"}
    status = production.manage("reminders_status")
    assert status.returncode == 0, status.stderr
    assert "Dispatcher: passes finish on time" in status.stdout
    assert "dispatch_pass " in production.log("dispatcher")

    # A check-in file goes to the worker of long jobs, which checks and stores it.
    rows = [
        f"{uuid.uuid4()},2026-03-0{day}T08:00:00+00:00,,1+,{day},6,,,,,,no,,,," for day in (1, 2)
    ]
    imported = client.post(
        f"{production.url}/api/v1/checkins/import/",
        data="\n".join([",".join(COLUMNS), *rows]) + "\n",
        headers={"Content-Type": "text/csv"},
    )
    assert imported.status_code == 202, imported.text
    [job] = wait_for(
        lambda: [
            job
            for job in [client.get(f"{production.url}{imported.json()['url']}").json()]
            if job["status"] in ("done", "failed")
        ],
        timeout=60,
        what="the import finished",
    )
    assert (job["status"], job["created"]) == ("done", 2), (job, production.log("bulk"))

    # What compose's health checks run says so too.
    for service in ("dispatcher", "worker", "bulk", "beat"):
        check = production.healthcheck(service)
        assert check.returncode == 0, (service, check.stdout, check.stderr)


def test_healthz_names_the_dispatcher_while_beat_is_stopped_and_recovers(running):
    production = running
    wait_for(lambda: production.get("/healthz").status_code == 200, timeout=90, what="healthy")
    production.stop("beat")
    stopped = time.monotonic()

    unhealthy = wait_for(
        lambda: [r for r in [production.get("/healthz")] if r.status_code == 503],
        timeout=300,
        every=5,
        what="/healthz answering 503",
    )[0]
    # The last pass finished less than a minute before beat stopped; the alarm waits for three
    # minutes without one, so a late minute or two is no alarm.
    assert time.monotonic() - stopped > 2 * 60
    assert unhealthy.json()["status"] == "fail"
    assert list(unhealthy.json()["failing"]) == ["dispatcher"]
    assert "minutes ago" in unhealthy.json()["failing"]["dispatcher"]
    assert production.healthcheck("beat").returncode != 0
    assert "production@example.com" not in unhealthy.text  # nothing personal

    production.start("beat")
    [recovered] = wait_for(
        lambda: [r for r in [production.get("/healthz")] if r.status_code == 200],
        timeout=150,
        every=2,
        what="/healthz answering 200 again",
    )
    assert recovered.json() == {"status": "ok"}
    assert production.healthcheck("beat").returncode == 0
