"""``/hsds/``: the HSDS 3.0 API (``programs.hsds.views``)."""

from django.urls import path

from . import views

app_name = "hsds"

urlpatterns = [
    path("", views.index, name="index"),
    path("services", views.services, name="services"),
    path("services/<str:id>", views.service, name="service"),
    path("organizations", views.organizations, name="organizations"),
    path("organizations/<str:id>", views.organization, name="organization"),
    path("service_at_locations", views.service_at_locations, name="service_at_locations"),
    path("export.zip", views.export_zip, name="export_zip"),
    path("taxonomies", views.taxonomies, name="taxonomies"),
    path("taxonomies/<str:id>", views.taxonomy_detail, name="taxonomy"),
    path("taxonomy_terms", views.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:id>", views.taxonomy_term, name="taxonomy_term"),
]
