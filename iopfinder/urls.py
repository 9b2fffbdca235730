"""Root URL configuration: the admin (with the curators' work queue), the HSDS API and the public
site.

The public site (pages, report form, JSON API) is served in English at its plain address and in
Spanish under /es/ (``i18n_patterns`` without a prefix for the default language). The admin is
for curators and stays English; the HSDS API speaks a published English standard, so neither
has an /es/ twin.
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from programs.curation.admin import queue_view

urlpatterns = [
    path("admin/queue/", admin.site.admin_view(queue_view), name="curation_queue"),
    path("admin/", admin.site.urls),
    path("hsds/", include("programs.hsds.urls")),
    *i18n_patterns(
        path("", include("programs.urls")),
        path("", include("programs.curation.urls")),
        prefix_default_language=False,
    ),
]

handler404 = "programs.views.errors.page_not_found"
handler500 = "programs.views.errors.server_error"
