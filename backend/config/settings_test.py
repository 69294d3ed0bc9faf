"""Test settings: production settings with the few changes a local test server needs."""

from backend.config.settings import *  # noqa: F403
from backend.config.settings import DATABASES, VAR_DIR

# The test client and the live server speak plain HTTP on localhost.
SECURE_SSL_REDIRECT = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A file, not memory, so that a Celery worker in another process sees the same test database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# Tests point subscriptions at a local push receiver on http://127.0.0.1.
PUSH_ENDPOINT_REQUIRE_HTTPS = False
