"""Friendly 404 and 500 pages in the site's style."""

import pytest
from django.template.loader import get_template
from django.test import Client
from django.urls import get_resolver, path

from programs.views.errors import server_error

pytestmark = pytest.mark.django_db


def test_unknown_address_shows_the_friendly_not_found_page(client):
    response = client.get("/programs/no-such-program/")

    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    page = response.content.decode()
    assert "We could not find that page" in page
    assert 'href="/programs/"' in page  # a way back to the search
    assert "/static/css/site.css" in page


def broken_view(request):
    raise RuntimeError("something broke")


urlpatterns = [path("broken/", broken_view)]
handler500 = "programs.views.errors.server_error"


@pytest.mark.urls("tests.test_error_pages")
def test_a_crash_shows_the_friendly_server_error_page_without_details():
    client = Client(raise_request_exception=False)

    response = client.get("/broken/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "/static/css/site.css" in page
    assert "something broke" not in page
    assert "RuntimeError" not in page


def test_server_error_page_renders_without_a_request_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        page = get_template("500.html").render()

    assert "Something went wrong on our side" in page
    assert 'href="/"' in page


def test_the_site_uses_the_server_error_view_with_a_fallback():

    assert get_resolver("iopfinder.urls").resolve_error_handler(500) is server_error


@pytest.mark.urls("tests.test_error_pages")
def test_a_plain_error_page_is_shown_when_the_styled_one_cannot_be_rendered(settings, tmp_path):
    # Manifest storage with no collected files: {% static %} in 500.html fails.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    client = Client(raise_request_exception=False)

    response = client.get("/broken/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "site.css" not in page
    assert "something broke" not in page
