"""Root URL configuration: the admin (with the curators' work queue), the HSDS API and the public
site."""

from django.contrib import admin
from django.urls import include, path

from programs.curation.admin import queue_view

urlpatterns = [
    path("admin/queue/", admin.site.admin_view(queue_view), name="curation_queue"),
    path("admin/", admin.site.urls),
    path("hsds/", include("programs.hsds.urls")),
    path("", include("programs.urls")),
    path("", include("programs.curation.urls")),
]

handler500 = "programs.views.errors.server_error"
