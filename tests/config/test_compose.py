"""docker/compose.yaml and the Procfile start what the code has.

Where the docker CLI has compose, `docker compose config` checks the file. Everywhere, these
tests check that it parses, that every command names a module, a management command and a
queue that exist, that every queue a task goes to has a worker, and that every environment
variable it sets is one the code reads.
"""

import importlib
import re
import shlex
import shutil
import subprocess

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

from tests.conftest import ROOT

COMPOSE = ROOT / "docker" / "compose.yaml"
TONUS_SERVICES = ("setup", "web", "dispatcher", "worker", "bulk", "beat")
PROCESSES = ("web", "dispatcher", "worker", "bulk", "beat")
# Read by gunicorn itself or by the images of PostgreSQL and Redis, not by Tonus's code.
READ_ELSEWHERE = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"}


def services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def code_text() -> str:
    return "\n".join(path.read_text() for path in (ROOT / "backend").rglob("*.py"))


def commands_in(command: str) -> list[list[str]]:
    """The commands a service runs: `sh -c "a && b"` is two."""
    words = shlex.split(command)
    if words[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in words[2].split("&&")]
    return [words]


def option(words: list[str], name: str) -> str | None:
    for index, word in enumerate(words):
        if word.startswith(f"{name}="):
            return word.split("=", 1)[1]
        if word == name:
            return words[index + 1]
    return None


def check_command(words: list[str]) -> None:
    program = words[0].rsplit("/", 1)[-1]
    if program == "gunicorn":
        config = option(words, "-c")
        assert config and config.startswith("python:"), words
        importlib.import_module(config.removeprefix("python:"))
    elif program == "celery":
        importlib.import_module(option(words, "-A"))
        queues = option(words, "--queues")
        if "worker" in words:
            assert queues, f"a worker names its queue: {words}"
    elif program == "python" and words[1] == "manage.py":
        assert words[2] in get_commands(), f"no management command {words[2]}"
    elif program == "python" and words[1] == "-m":
        importlib.import_module(words[2])
    else:
        pytest.fail(f"unexpected command {words}")


def test_docker_compose_accepts_the_file_where_the_cli_has_compose():
    docker = shutil.which("docker")
    if (
        docker is None
        or subprocess.run([docker, "compose", "version"], capture_output=True).returncode
    ):
        pytest.skip("no docker compose here; the other tests in this file check the file")
    done = subprocess.run(
        [docker, "compose", "-f", str(COMPOSE), "config", "--quiet"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_every_command_names_what_exists():
    for name in TONUS_SERVICES:
        service = services()[name]
        for words in commands_in(service["command"]):
            check_command(words)
        test = service.get("healthcheck", {}).get("test")
        if test:
            kind, *rest = test
            words = shlex.split(rest[0].replace("$$", "$")) if kind == "CMD-SHELL" else rest
            check_command(words)
    for command in procfile().values():
        check_command(shlex.split(command))


def test_the_five_processes_are_the_same_in_compose_and_the_procfile():
    assert set(PROCESSES) <= set(services())
    assert set(procfile()) == set(PROCESSES)
    for name in ("dispatcher", "worker", "bulk", "beat"):
        compose_words = shlex.split(services()[name]["command"])
        procfile_words = shlex.split(procfile()[name])
        assert compose_words[1:4] == procfile_words[1:4], name  # -A backend.config worker|beat
        assert option(compose_words, "--queues") == option(procfile_words, "--queues")


def test_every_queue_a_task_goes_to_has_its_own_worker():
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    # The import names its queue when it sends (backend.checkins.tasks.checkin_import_queue).
    queues = {settings.CELERY_TASK_DEFAULT_QUEUE, settings.CELERY_BULK_QUEUE, *routed}
    consumed = {
        name: option(shlex.split(services()[name]["command"]), "--queues")
        for name in ("dispatcher", "worker", "bulk")
    }
    assert consumed == {
        "dispatcher": settings.CELERY_DISPATCH_QUEUE,
        "worker": settings.CELERY_TASK_DEFAULT_QUEUE,
        "bulk": settings.CELERY_BULK_QUEUE,
    }
    assert set(consumed.values()) == queues


def test_every_environment_variable_is_one_the_code_reads():
    code = code_text()
    for name, service in services().items():
        for variable in service.get("environment", {}):
            if variable in READ_ELSEWHERE:
                continue
            assert re.search(rf"[\"']{variable}[\"']", code), f"{name}: nothing reads {variable}"


def test_the_dockerfile_starts_web_as_compose_does_and_copies_what_exists():
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    for line in dockerfile.splitlines():
        if line.startswith("COPY "):
            for source in shlex.split(line)[1:-1]:
                assert (ROOT / source).exists(), source
    cmd = re.search(r"^CMD (.+)$", dockerfile, re.MULTILINE).group(1)
    assert " ".join(yaml.safe_load(cmd)) == services()["web"]["command"]
    assert "bin/install-runtime" in dockerfile
