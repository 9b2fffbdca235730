"""WSGI entry point, used by gunicorn in production."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from iopfinder.startup import (
    freeze_long_lived_objects,
    limit_active_requests,
    limit_public_statement_time,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iopfinder.settings")

application = get_wsgi_application()
limit_public_statement_time()
freeze_long_lived_objects()
# After Django is set up (get_wsgi_application), so settings can be read.
application = limit_active_requests(application, settings.ACTIVE_REQUESTS)
