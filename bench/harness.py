"""What every benchmark here shares: a throwaway PostgreSQL database, production settings on
loopback, and the app under gunicorn. Imported by the scripts beside it."""

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"


def bench_environment(var_dir: Path, database_url: str) -> dict[str, str]:
    """Production settings, as a deployment would set them, for a server on loopback."""
    return {
        "DJANGO_SETTINGS_MODULE": "backend.config.settings",
        "DJANGO_DEBUG": "False",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # No TLS on loopback: the only production setting turned off, else every page is a
        # redirect to https. Secure cookies, HSTS and the rest stay as in production.
        "DJANGO_SECURE_SSL_REDIRECT": "False",
        "TONUS_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
    }


def manage(*args: str) -> None:
    subprocess.run(  # noqa: S603
        [str(PYTHON), str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _admin_connection(database_url: str):
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    return psycopg.connect(admin_url, autocommit=True), name


def database_recreate(database_url: str) -> None:
    from psycopg import sql

    connection, name = _admin_connection(database_url)
    with connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_drop(database_url: str) -> None:
    from psycopg import sql

    connection, name = _admin_connection(database_url)
    with connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def server(env: dict[str, str], log_path: Path, workers: int = 2):
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "backend.config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
            ],
            cwd=ROOT,
            env=os.environ | env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    probe = f"{base_url}/accounts/login/"
                    with urllib.request.urlopen(probe, timeout=5):  # noqa: S310
                        break
                except OSError:  # refused, reset or timed out while the workers boot
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(
                            f"gunicorn did not start:\n{log_path.read_text()}"
                        ) from None
                    time.sleep(0.2)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def bench_world(database_url: str, *, collectstatic: bool = True, **extra_env: str):
    """A fresh database with migrations and VAPID keys, production-like settings in
    os.environ (and returned), and everything removed afterwards."""
    work = Path(tempfile.mkdtemp(prefix="tonus-bench-"))
    env = bench_environment(work / "var", database_url) | extra_env
    os.environ.update(env)
    created = False
    try:
        print(f"Setting up {urlsplit(database_url).path.lstrip('/')}...", flush=True)
        database_recreate(database_url)
        created = True
        manage("vapid_keys", "--skip-checks")
        manage("migrate", "--verbosity=0")
        if collectstatic:
            manage("collectstatic", "--noinput", "--verbosity=0")
        yield env, work
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may never have been set up
            pass
        if created:
            database_drop(database_url)
        shutil.rmtree(work, ignore_errors=True)
