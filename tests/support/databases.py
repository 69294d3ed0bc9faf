"""Tests that only PostgreSQL can run: skipped on a laptop's SQLite, never skipped in CI."""

import os

import pytest
from django.db import connection


def needs_postgresql(why: str, *, database_url: str | None = None) -> None:
    """Skips with `why` unless the database is PostgreSQL; fails instead when CI is set."""
    if database_url is not None:
        on_postgresql = database_url.startswith("postgres")
    else:
        on_postgresql = connection.vendor == "postgresql"
    if on_postgresql:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI runs on PostgreSQL, and this test needs it: {why}")
    pytest.skip(why)
