"""Root URL configuration: the admin, the HSDS API and the programs app."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("hsds/", include("programs.hsds.urls")),
    path("", include("programs.urls")),
]

handler500 = "programs.views.errors.server_error"
