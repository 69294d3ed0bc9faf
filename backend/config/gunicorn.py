"""gunicorn's settings, for every deployment: `gunicorn -c python:backend.config.gunicorn`.

docker/compose.yaml and the production smoke test (tests/production) start the web process
with this file. Each setting can still be overridden with GUNICORN_CMD_ARGS.
"""

import os

wsgi_app = "backend.config.wsgi:application"
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = "-"
# A request longer than this is a bug or an attack; the worker is restarted.
timeout = 30
# On SIGTERM, requests under way get this long to finish.
graceful_timeout = 20

# X-Forwarded-Proto (and -For) are believed only from the proxy in front of Tonus, given by
# address in FORWARDED_ALLOW_IPS (a proxy on this host by default). From anyone else they
# change nothing: Django takes the scheme from gunicorn (it sets no SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Tonus is served at the root: no proxy sets SCRIPT_NAME or PATH_INFO for it. Such a header is
# dropped whoever sends it, so the path Django sees is always the path that was asked for.
forwarder_headers = ""
header_map = "drop"
