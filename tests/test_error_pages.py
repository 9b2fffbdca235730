"""Friendly 404 and 500 pages in the site's style, and the short problem pages, in the page's
language with a way home in that language; the plain fallbacks too."""

import json

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.template.loader import get_template
from django.test import Client
from django.urls import get_resolver, path
from django.utils import translation

from programs.middleware import MAX_QUERY_STRING
from programs.views import errors
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


urlpatterns = i18n_patterns(path("broken/", broken_view), prefix_default_language=False)
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


@pytest.mark.urls("tests.test_error_pages")
def test_a_spanish_plain_error_page_is_in_spanish_and_leads_to_the_spanish_home(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    client = Client(raise_request_exception=False)

    response = client.get("/es/broken/")

    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="es">' in page
    assert "<h1>Algo falló de nuestro lado</h1>" in page
    assert '<a href="/es/">Ir a la página de inicio de IOP Finder</a>' in page
    assert "Something went wrong" not in page


def test_a_refused_spanish_search_is_explained_in_spanish_with_the_spanish_home(client):
    too_long = "q=" + "x" * MAX_QUERY_STRING

    response = client.get(f"/es/programs/?{too_long}")

    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>Esta búsqueda es demasiado grande</h1>" in page
    assert '<a class="brand" href="/es/">' in page
    assert '<a href="/es/">Ir a la página de inicio de IOP Finder</a>' in page
    english = client.get(f"/programs/?{too_long}").content.decode()
    assert "<h1>This search is too big</h1>" in english
    assert '<a href="/">Go to the IOP Finder home page</a>' in english
    assert 'href="/es/"' not in english


def test_a_problem_page_falls_back_to_plain_words_in_the_page_language(client, monkeypatch):
    def cannot_render(*args, **kwargs):
        raise RuntimeError("no stylesheet")

    monkeypatch.setattr(errors, "render_to_string", cannot_render)

    page = client.get("/es/programs/?q=" + "x" * MAX_QUERY_STRING).content.decode()

    assert '<html lang="es">' in page
    assert "<title>Esta búsqueda es demasiado grande · IOP Finder</title>" in page
    assert '<a href="/es/">Ir a la página de inicio de IOP Finder</a>' in page


def test_the_api_server_error_message_is_in_the_address_language(rf):
    with translation.override("es"):
        response = errors.server_error(rf.get("/es/api/programs/"))
    assert response.status_code == 500
    assert json.loads(response.content) == {
        "error": "Algo falló de nuestro lado. Vuelva a intentarlo en unos minutos."
    }


def test_an_unknown_spanish_api_address_answers_in_spanish_json(client):
    response = client.get("/es/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"error": "No hay nada en esta dirección."}
