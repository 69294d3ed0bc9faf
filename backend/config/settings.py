"""Tonus settings, read from the environment with embedded defaults for a local run.

Defaults serve one developer on one machine (SQLite under var/, Redis on localhost);
production sets DJANGO_DEBUG=False, DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and VAPID keys.
"""

import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF

from backend.config.env import env_bool, env_int, env_list, env_str
from backend.reminders.vapid import vapid_keys_read

BASE_DIR = Path(__file__).resolve().parent.parent.parent
FRONTEND_DIR = BASE_DIR / "frontend"
# Local state that must never reach git: the SQLite file, generated keys.
VAR_DIR = Path(env_str("TONUS_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", default=False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    # Without one in the environment, make one per machine and keep it under var/,
    # so sessions survive restarts and no key is ever committed.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "webpush",
    "csp",
    "axes",
    "statici18n",
    "knox",
]
LOCAL_APPS = [
    "backend.accounts",
    "backend.plans",
    "backend.reminders",
    "backend.checkins",
    "backend.goals",
    "backend.treatments",
    "backend.care",
    "backend.web",
    "backend.dashboard",
    "backend.export",
]
# The admin comes last: its registration/ templates would otherwise hide ours, and people
# resetting a password would get the admin's pages instead of Tonus's.
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS + ["django.contrib.admin"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so that static files keep their long caching; before the rest, so
    # that every other answer (a CSRF failure, a lockout page too) passes through it.
    "backend.web.middleware.PrivateAnswersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "backend.care.access.ActingPersonMiddleware",
    "backend.accounts.middleware.PersonTimezoneMiddleware",
    "backend.accounts.middleware.PersonLanguageMiddleware",
    # Last, as django-axes asks: it turns a locked-out log-in into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "backend.config.urls"
WSGI_APPLICATION = "backend.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # frontend/ holds the service worker and manifest, rendered so they name hashed assets.
        "DIRS": [FRONTEND_DIR / "root"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "backend.web.context_processors.push",
                "backend.care.context_processors.acting",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tonus.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every web process, so rate limits hold across gunicorn workers.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("CACHE_URL", "redis://127.0.0.1:6379/1"),
        "KEY_PREFIX": "tonus",
    }
}

AUTH_USER_MODEL = "accounts.User"
# Log-in guessing: after 5 wrong passwords for one address from one network address, that
# pair waits an hour; a right password resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# A signed-in person's own choice (User.language) wins; visitors get their browser's language.
LANGUAGES = [("en", "English"), ("es", "Español")]
# Dates and times read one way per language: templates name a format ("MONTH_DAY_FORMAT"),
# each language's module says how it reads (backend/config/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["backend.config.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Every datetime in the database is UTC; a person's own zone is applied per request.
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [FRONTEND_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "backend.config.storage.StaticStorage"},
}
if DEBUG:
    # Serve straight from the source folders while developing, no collectstatic needed.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# The JavaScript modules' texts come from a static catalog per language (django-statici18n),
# not from Django's JavaScriptCatalog view: a static file gets a hashed name, is precached by
# the service worker with the rest of the shell, so the check-in page speaks the person's
# language offline too, and costs no request to Django or the database on each page.
# `bin/messages compile` writes them to frontend/static/jsi18n/<language>/djangojs.js; only
# our own locale/ goes in (backend.web has no locale folder of its own), not the admin's.
STATICI18N_ROOT = FRONTEND_DIR / "static"
STATICI18N_PACKAGES = ["backend.web"]

# Sign-up finishes by an emailed link: production sets an SMTP server (EMAIL_HOST ...).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
# For the file backend, which the production smoke test reads its sign-up link from.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Tonus <no-reply@tonus.localhost>")

# Security. With DEBUG off these hold production to `manage.py check --deploy` with no warning.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Whether a request came over TLS is gunicorn's call, made from X-Forwarded-Proto only when
# the proxy's address sent it (backend/config/gunicorn.py): no SECURE_PROXY_SSL_HEADER here,
# which would believe that header from any client.
# /healthz answers over plain HTTP too: a load balancer's probe comes from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts, styles and everything else from our own origin only, and no inline script: an
# injected <script> in a note or a name could not run even if escaping ever failed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

REST_FRAMEWORK = {
    # The PWA and the API share one session; DRF's SessionAuthentication enforces CSRF.
    # Access tokens (knox, hashed) for scripts, clinic systems and apps, then the session.
    # Both go through the same permission class, which decides what a token may do.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "backend.accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["backend.care.access.ActingPerson"],
    "DEFAULT_SCHEMA_CLASS": "backend.shared.api.ApiSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["backend.shared.parsers.JSONParser"],
    # Requests made with an access token are counted per token.
    "DEFAULT_THROTTLE_CLASSES": ["backend.accounts.tokens.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "test_reminder": "10/hour",
        # Invitation codes: tries per account, and per client address across accounts.
        "invitation": "10/hour",
        "invitation_address": "20/hour",
        "token": env_str("API_TOKEN_RATE", "600/hour"),
    },
    # A database out of reach for a moment answers 503 with Retry-After, which clients retry.
    "EXCEPTION_HANDLER": "backend.web.errors.api_exception_handler",
}
# Access tokens: django-rest-knox with a model of our own (a name and a scope).
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 (a model, not a secret)
# knox's own migrations would make a table for its model, which ours replaces: ours is made by
# backend/accounts/migrations, and knox's are not run.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {"TOKEN_TTL": None, "AUTH_HEADER_PREFIX": "Token", "TOKEN_PREFIX": "tonus_"}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tonus API",
    "DESCRIPTION": "Plans, reminders and check-ins for home practice with spasticity or dystonia.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ToneEnum": ["0", "1", "1+", "2", "3", "4"],
        "GoalStatusEnum": "backend.goals.models.Goal.Status",
        "TreatmentKindEnum": "backend.treatments.models.TreatmentEvent.Kind",
    },
}

# Celery: configured from these CELERY_* settings by backend/config/celery.py.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
# Three queues, each with a worker of its own: sends on the default one; dispatcher passes, so
# that a minute whose sending runs long never holds up the next minute's pass; and long jobs
# a person starts (a CSV import), so that they never wait in front of anyone's reminder.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "tonus")
CELERY_DISPATCH_QUEUE = env_str("CELERY_DISPATCH_QUEUE", "tonus-dispatch")
CELERY_BULK_QUEUE = env_str("CELERY_BULK_QUEUE", "tonus-bulk")
CELERY_TASK_ROUTES = {
    "backend.reminders.tasks.dispatch_due_reminders": {"queue": CELERY_DISPATCH_QUEUE},
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# A task is acknowledged only after it ran, and a worker that dies hands it back:
# sending is at least once per device; the reminder ledger keeps it at most once per occurrence.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands an unacknowledged task (its worker was killed) to another worker only after
# this long. Kept above the longest retry countdown, so a retry waiting in a worker is not
# handed out early (were it, the delivery's claim would make that copy do nothing). A lost
# task comes back sooner through the dispatcher, which queues again whatever the ledger says
# is claimed but not sent (reminders.dispatch.STALLED_AFTER).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
# A send under way when the broker connection drops is finished, not cancelled: cancelling
# it mid-request could send it twice. Its acknowledgement may be lost; the ledger makes a
# second run a no-op.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "dispatch-due-reminders": {
        "task": "backend.reminders.tasks.dispatch_due_reminders",
        # At the start of every minute: reminders fall on whole minutes, so a pass then finds
        # them the moment they are due (an interval from beat's start would be up to 59 s late).
        "schedule": crontab(),
        # A pass missed while beat was down is not worth running late: the next one catches up.
        "options": {"expires": 55},
    },
    "clear-expired-sessions": {
        "task": "backend.accounts.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
    # Once a day: who has stalled (no practice, no check-in for 14 days) for their therapist.
    "raise-stalled-alerts": {
        "task": "backend.checkins.tasks.raise_stalled_alerts",
        "schedule": crontab(hour=5, minute=41),
    },
}

# Web Push. Keys come from the environment in production, else from var/vapid.json,
# which `manage.py vapid_keys` writes on first set-up.
_vapid_file = vapid_keys_read(VAR_DIR / "vapid.json")
WEBPUSH_SETTINGS = {
    "VAPID_PUBLIC_KEY": env_str("VAPID_PUBLIC_KEY", _vapid_file and _vapid_file.public_key),
    "VAPID_PRIVATE_KEY": env_str("VAPID_PRIVATE_KEY", _vapid_file and _vapid_file.private_key),
    "VAPID_ADMIN_EMAIL": env_str("VAPID_ADMIN_EMAIL", "ops@tonus.localhost"),
}
# How long a push service keeps an undelivered reminder (phone off, no signal).
PUSH_TTL_SECONDS = env_int("PUSH_TTL_SECONDS", 60 * 60 * 4)
PUSH_TIMEOUT_SECONDS = env_int("PUSH_TIMEOUT_SECONDS", 10)
# A failed send is tried again after this long, doubling each time, at most 15 minutes apart.
PUSH_RETRY_FIRST_SECONDS = env_int("PUSH_RETRY_FIRST_SECONDS", 5)
# Each worker process keeps this many push requests in flight on pooled connections...
PUSH_CONCURRENCY = env_int("PUSH_CONCURRENCY", 64)
# ...taking deliveries from Celery in batches of this many (one task, one claim, few writes).
PUSH_BATCH_SIZE = env_int("PUSH_BATCH_SIZE", 200)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes notes every log-in at INFO; lockouts (WARNING) are what matter.
    "loggers": {"axes": {"level": "WARNING"}},
}
# Push endpoints come from browsers; only https ones are real push services.
PUSH_ENDPOINT_REQUIRE_HTTPS = env_bool("PUSH_ENDPOINT_REQUIRE_HTTPS", default=True)
# ...and on the public internet: an endpoint whose host resolves to a private, loopback or
# link-local address is refused when a device subscribes and again before each send.
PUSH_ENDPOINT_ALLOW_PRIVATE = env_bool("PUSH_ENDPOINT_ALLOW_PRIVATE", default=False)
