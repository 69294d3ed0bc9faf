"""Test settings: production settings with the few changes a local test server needs."""

from backend.config.env import env_str
from backend.config.settings import *  # noqa: F403
from backend.config.settings import DATABASES, VAR_DIR, WEBPUSH_SETTINGS
from backend.reminders.vapid import vapid_keys_generate, vapid_keys_read, vapid_keys_write

# The test client and the live server speak plain HTTP on localhost.
SECURE_SSL_REDIRECT = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A file, not memory, so that a Celery worker in another process sees the same test database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# Tests point subscriptions at a local push receiver on http://127.0.0.1.
PUSH_ENDPOINT_REQUIRE_HTTPS = False
PUSH_ENDPOINT_ALLOW_PRIVATE = True

# Tests use their own Redis databases so a developer's local queue and cache are never touched.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("CACHE_URL", "redis://127.0.0.1:6379/14"),
        "KEY_PREFIX": "tonus-test",
    }
}

# A fresh clone has no keys yet: make the pair once, where the worker process reads it too.
if not WEBPUSH_SETTINGS["VAPID_PUBLIC_KEY"]:
    _keys = vapid_keys_read(VAR_DIR / "vapid.json")
    if _keys is None:
        _keys = vapid_keys_generate()
        vapid_keys_write(VAR_DIR / "vapid.json", _keys)
    WEBPUSH_SETTINGS = {
        **WEBPUSH_SETTINGS,
        "VAPID_PUBLIC_KEY": _keys.public_key,
        "VAPID_PRIVATE_KEY": _keys.private_key,
    }
