"""A real Celery worker process for tests, on the real broker and the test database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    """The URL of the database pytest-django created, for another process to use."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """`celery worker` in a subprocess, consuming a queue of its own so runs never mix."""

    def __init__(
        self,
        *,
        log_dir: Path,
        queue: str | None = None,
        env: dict[str, str] | None = None,
        pool: str = "solo",
    ) -> None:
        self.queue = queue or f"tonus-test-{uuid.uuid4().hex[:8]}"
        # "solo" runs tasks in the worker process; "prefork" forks two children, as production.
        self.pool = pool
        # Settings the worker reads from its environment, e.g. another broker or a shorter
        # push timeout.
        self.env = dict(env or {})
        self.log_path = log_dir / f"worker-{self.queue}.log"
        self.hostname = f"{self.queue}@{socket.gethostname()}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> WorkerProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = (
            os.environ
            | {
                "DJANGO_SETTINGS_MODULE": "backend.config.settings_test",
                "DATABASE_URL": test_database_url(),
                "CELERY_TASK_DEFAULT_QUEUE": self.queue,
                "PYTHONUNBUFFERED": "1",
            }
            | self.env
        )
        log = self.log_path.open("ab")
        offset = self.log_path.stat().st_size
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "backend.config", "worker",
                f"--pool={self.pool}", "-Q", self.queue, "-n", self.hostname,
                *(["--concurrency=2"] if self.pool == "prefork" else []),
                "--without-gossip", "--without-mingle", "--loglevel=INFO",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early; see {self.log_path}")
            with self.log_path.open("rb") as f:
                f.seek(offset)
                if b" ready." in f.read():
                    return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"worker not ready in {timeout}s; see {self.log_path}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # To the main process only, as `docker stop` signals a container's first process.
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
