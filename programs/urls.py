from django.urls import path

from programs.views import compare, detail, health, search

app_name = "programs"

urlpatterns = [
    path("", search.home, name="home"),
    path("programs/", search.program_list, name="list"),
    path("programs/<slug:slug>/", detail.program_detail, name="detail"),
    path("compare/", compare.compare, name="compare"),
    path("healthz", health.healthz, name="healthz"),
]
