from django.urls import path

from programs.curation import views

app_name = "curation"

urlpatterns = [
    path("programs/<slug:slug>/report/", views.report_problem, name="report"),
    path("programs/<slug:slug>/report/sent/", views.report_sent, name="report_sent"),
    path("provider/<str:token>/", views.provider_update, name="provider_update"),
]
