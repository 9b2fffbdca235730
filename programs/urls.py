from django.urls import path

from programs.views import api, assets, compare, detail, export, health, openapi, search

app_name = "programs"

urlpatterns = [
    path("", search.home, name="home"),
    path("programs/", search.program_list, name="list"),
    path("programs/export.csv", export.export_csv, name="export_csv"),
    path("programs/<slug:slug>/", detail.program_detail, name="detail"),
    path("compare/", compare.compare, name="compare"),
    path("compare/call-sheet/", compare.call_sheet, name="call_sheet"),
    path("favicon.ico", assets.favicon, name="favicon"),
    path("healthz", health.healthz, name="healthz"),
    path("api/openapi.json", openapi.openapi_json, name="api_openapi"),
    path("api/programs/", api.program_list, name="api_list"),
    path("api/programs/<str:slug>/", api.program_detail, name="api_detail"),
]
