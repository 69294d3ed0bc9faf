"""A short run of the load benchmark in CI: the full one is bench/load.py (50 people, 60 s)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.databases import needs_postgresql

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_short_load_run_has_no_errors_and_loses_nothing():
    database = os.environ.get("DATABASE_URL", "")
    needs_postgresql("the load run uses PostgreSQL, as production does", database_url=database)
    env = os.environ | {"DATABASE_URL": database.rsplit("/", 1)[0] + "/tonus_load_ci"}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the benchmark runs production settings

    run = subprocess.run(  # noqa: S603
        [sys.executable, "bench/load.py", "--users", "10", "--seconds", "8"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "0 lost, 0 duplicated" in run.stdout
    assert "PASS: no errors, nothing lost, nothing twice." in run.stdout
