"""WSGI entry point, used by gunicorn in production."""

import os

from django.core.wsgi import get_wsgi_application

from iopfinder.startup import freeze_long_lived_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iopfinder.settings")

application = get_wsgi_application()
freeze_long_lived_objects()
