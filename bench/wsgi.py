"""WSGI entry point for the benchmark's gunicorn, as ``iopfinder/wsgi.py`` but with
``bench.settings``."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from iopfinder.startup import freeze_long_lived_objects, limit_active_requests

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

application = get_wsgi_application()
freeze_long_lived_objects()
application = limit_active_requests(application, settings.ACTIVE_REQUESTS)
