"""The benchmarks of bench/ in a small, quick form, so that they keep working. Speed is not
asserted here (these machines are noisy): only what a run must never show, and that it ran."""

import os
import subprocess
import sys

import pytest

from tests.bench.test_load import ROOT
from tests.support.databases import needs_postgresql


def run(script: str, *args: str, database: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    needs_postgresql("the benchmarks use PostgreSQL, as production does", database_url=url)
    env = os.environ | {"DATABASE_URL": url.rsplit("/", 1)[0] + "/" + database}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the benchmarks run production settings
    done = subprocess.run(  # noqa: S603
        [sys.executable, f"bench/{script}", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
def test_push_peak_delivers_every_reminder_once_and_prints_the_ratios():
    out = run(
        "push_peak.py", "--people", "300", "--naive", "40", "--crypto", "200",
        "--sample-every", "20", database="tonus_push_peak_ci",
    )  # fmt: skip
    assert "Tonus, 2 process(es): pass" in out or "Tonus, 1 process(es): pass" in out
    assert "0 lost, 0 duplicated" in out
    assert "Tonus ÷ naive" in out and "Tonus ÷ crypto limit" in out
    assert "Checked 15 sampled messages: VAPID valid, decrypted, title and body right." in out


@pytest.mark.slow
def test_dispatch_scale_keeps_its_queries_and_uses_indexes():
    out = run(
        "dispatch_scale.py", "--sizes", "1000,3000", "--due", "100",
        database="tonus_dispatch_scale_ci",
    )  # fmt: skip
    assert "PASS" in out


@pytest.mark.slow
def test_api_bench_has_no_failed_request_and_constant_queries():
    out = run("api.py", "--users", "6", "--seconds", "5", database="tonus_api_ci")
    assert "GET /api/v1/trends/ (2 years)" in out
    assert "PASS: no failed request, queries constant" in out


@pytest.mark.slow
def test_csv_import_bench_stores_every_row_once_and_prints_the_ratios():
    out = run("csv_import.py", "--rows", "300", database="tonus_csv_import_ci")
    assert "import time, row by row ÷ background" in out
    assert "PASS: every row stored once" in out
