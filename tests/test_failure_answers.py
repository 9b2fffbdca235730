"""What the site answers when something fails (issue 16, item 9): a database outage answers 503
with Retry-After on pages and the API, every /api/ answer is JSON (405 with Allow, 404, 500,
503), the CSV export checks the database before it streams and a cut export says so, /healthz
is not redirected to https, and fullwidth formula characters are prefixed in the CSV."""

import socket

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import path

from iopfinder import urls
from programs import middleware
from programs.serializers import _cell
from programs.views import export
from tests.factories import make_program

pytestmark = pytest.mark.django_db


def database_is_down(execute, sql, params, many, context):
    # What psycopg and sqlite3 raise when the server has gone or the file cannot be read.
    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.parametrize("url", ["/", "/programs/?near=22903", "/compare/?p=a&p=b"])
def test_a_page_answers_503_with_retry_after_when_the_database_is_down(client, url):
    with connection.execute_wrapper(database_is_down):
        response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == str(middleware.RETRY_AFTER)
    assert response["Content-Type"].startswith("text/html")
    assert "not available right now" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/api/programs/", "/api/programs/some-program/"])
def test_the_api_answers_503_in_json_when_the_database_is_down(client, url):
    with connection.execute_wrapper(database_is_down):
        response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == str(middleware.RETRY_AFTER)
    assert "try again" in response.json()["error"]


def test_the_csv_export_answers_503_instead_of_a_header_alone_when_the_database_is_down(
    client,
):
    make_program()
    with connection.execute_wrapper(database_is_down):
        response = client.get("/programs/export.csv")
    assert response.status_code == 503
    assert not response.streaming


def test_a_cut_export_ends_with_a_line_saying_it_is_incomplete(client, monkeypatch):
    for number in range(4):
        make_program(name=f"Program {number}")
    monkeypatch.setattr(export, "CHUNK_SIZE", 1)
    response = client.get("/programs/export.csv")
    assert response.status_code == 200
    received = []
    with pytest.raises(OperationalError), connection.execute_wrapper(database_is_down):
        for line in response.streaming_content:
            received.append(line.decode("utf-8-sig"))
    assert received[-1] == (
        "THIS FILE IS INCOMPLETE: the export was cut short. Download it again.\r\n"
    )
    assert len(received) == 3  # the header, the first chunk's program and the warning


def test_a_cut_spanish_export_says_so_in_spanish_like_its_headings(client, monkeypatch):
    for number in range(4):
        make_program(name=f"Program {number}")
    monkeypatch.setattr(export, "CHUNK_SIZE", 1)
    response = client.get("/es/programs/export.csv")
    received = []
    with pytest.raises(OperationalError), connection.execute_wrapper(database_is_down):
        for line in response.streaming_content:
            received.append(line.decode("utf-8-sig"))
    assert received[0].startswith("Programa,Centro,")
    assert received[-1].startswith("ESTE ARCHIVO ESTÁ INCOMPLETO:")


def test_a_whole_export_has_no_warning(client):
    make_program()
    body = b"".join(client.get("/programs/export.csv").streaming_content).decode()
    assert str(export.CUT_SHORT) not in body
    assert "INCOMPLETE" not in body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_outage_answers_503_and_the_site_recovers(client):
    if connection.vendor != "postgresql":
        pytest.skip("a server to stop is PostgreSQL's")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        nobody_listens = probe.getsockname()[1]
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = nobody_listens
    try:
        down = client.get("/programs/")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert down.status_code == 503
    assert down["Retry-After"] == str(middleware.RETRY_AFTER)
    assert client.get("/programs/").status_code == 200


# --- Every /api/ answer is JSON ----------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_answers_other_methods_with_json_405_and_allow(method):
    # A client that enforces CSRF checks, as a browser's post would meet them.
    response = getattr(Client(enforce_csrf_checks=True), method)("/api/programs/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert "read-only" in response.json()["error"]


def test_an_unknown_api_address_answers_json_404(client):
    response = client.get("/api/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "There is nothing at this address."}


def test_an_unknown_page_still_answers_the_friendly_html_404(client):
    response = client.get("/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def broken_api_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("api/broken/", broken_api_view)]
handler500 = urls.handler500  # the site's own, as iopfinder/urls.py sets it


@pytest.mark.urls("tests.test_failure_answers")
def test_a_crash_under_the_api_answers_json_500():
    response = Client(raise_request_exception=False).get("/api/broken/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "RuntimeError" not in response.content.decode()
    assert response.json()["error"].startswith("Something went wrong on our side")


# --- /healthz over plain http, formula characters ----------------------------------------------


def test_healthz_answers_over_plain_http_when_https_is_enforced(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/programs/").status_code == 301


@pytest.mark.parametrize("text", ["＝1+1", "＋1", "－1", "＠SUM(A1)"])
def test_fullwidth_formula_characters_get_the_formula_prefix(text):
    assert _cell(text) == "'" + text
