"""WSGI entry point, used by gunicorn in production."""

import os

from iopfinder.startup import web_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iopfinder.settings")

application = web_application()
