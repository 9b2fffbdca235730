"""WSGI entry point for the benchmark's gunicorn: the production application
(``iopfinder.startup.web_application``) with ``bench.settings``."""

import os

from iopfinder.startup import web_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

application = web_application()
