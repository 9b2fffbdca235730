"""The benchmark's URLconf: the whole site plus the minimal view.

Only the gunicorn that the benchmark starts uses it (``bench.settings``); the public site's
URLconf, ``iopfinder.urls``, never has the minimal view.
"""

from django.urls import path

from bench import views
from iopfinder import urls as site_urls

urlpatterns = [
    path("benchmark-minimal/", views.minimal),
    # The site's patterns themselves, not include(): i18n_patterns (the /es/ pages) may only be
    # used in a root URLconf.
    *site_urls.urlpatterns,
]

handler500 = site_urls.handler500
