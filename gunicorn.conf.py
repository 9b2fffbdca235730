"""gunicorn's settings for `make serve-production` (and anyone running `gunicorn iopfinder.wsgi`
from this folder, which loads this file by itself). See README, "Production", and
docs/robustness.md for the measurements behind the choices.

Threaded workers (gthread): a connection waits in the worker's poller, costing no thread, until
its first bytes arrive, and each worker answers `threads` requests at once, so a few clients
sending their headers slowly (slowloris) hold a few threads, not the site. A proxy that buffers
whole requests in front (README) is still the real defence against many of them.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "16"))
# A request that runs longer is killed; the statement time limit (STATEMENT_TIMEOUT_MS, 5 s)
# answers a slow search with 503 long before.
timeout = 30
keepalive = 5
# No access log (a search is in the URL); errors go to stderr without query strings.
accesslog = None
errorlog = "-"
logger_class = "iopfinder.gunicorn_logging.PrivateLogger"
