"""Public pages, the API and the CSV leave gzipped; nothing that carries a secret does (BREACH)."""

import gzip

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.urls import resolve

from programs.middleware import PublicCompressionMiddleware
from tests.factories import EVENING_MON_WED_THU, make_facility, make_program, north_of_cville

pytestmark = pytest.mark.django_db

GZIP = {"accept-encoding": "gzip, deflate, br"}


@pytest.fixture
def twenty_programs():
    for n in range(25):
        make_program(
            name=f"Evening Program {n}",
            facility=make_facility(payment=("medicaid", "self-pay"), **north_of_cville(n % 20)),
            sessions=EVENING_MON_WED_THU,
            staff={"psychiatrist": "on_site", "lcsw": "on_site"},
            modalities=("cbt", "dbt"),
            conditions={"depression": "on_site", "anxiety": "referral"},
        )


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize(
    "url", ["/programs/?near=22903", "/api/programs/", "/programs/export.csv", "/"]
)
def test_public_pages_api_and_csv_are_gzipped_for_a_browser_that_accepts_it(
    client, twenty_programs, url
):
    plain = client.get(url)
    gzipped = client.get(url, headers=GZIP)

    assert gzipped.status_code == 200
    assert gzipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in gzipped["Vary"]
    assert gzip.decompress(body(gzipped)) == body(plain)
    assert "Content-Encoding" not in plain


def test_the_twenty_card_results_page_is_under_15_kb_on_the_wire(client, twenty_programs):
    response = client.get("/programs/?near=22903", headers=GZIP)

    assert len(response.context["page"].object_list) == 20
    assert len(response.content) < 15 * 1024
    assert len(gzip.decompress(response.content)) > 3 * len(response.content)


def test_the_admin_is_never_compressed(client, admin_user):
    login = client.get("/admin/login/", headers=GZIP)
    assert "csrfmiddlewaretoken" in login.content.decode()
    assert "Content-Encoding" not in login

    client.force_login(admin_user)
    changelist = client.get("/admin/programs/program/", headers=GZIP)
    assert changelist.status_code == 200
    assert "Content-Encoding" not in changelist


def test_a_signed_in_visitor_gets_public_pages_uncompressed(client, admin_user, twenty_programs):
    # Their pages can carry what is theirs (a session, a token); no compression oracle.
    client.force_login(admin_user)

    response = client.get("/programs/?near=22903", headers=GZIP)

    assert response.status_code == 200
    assert "Content-Encoding" not in response


def _through_middleware(view) -> HttpResponse:
    request = RequestFactory().get("/programs/", headers=GZIP)
    request.resolver_match = resolve("/programs/")
    return PublicCompressionMiddleware(view)(request)


def test_a_public_answer_that_sets_a_cookie_is_not_compressed():
    def view(request):
        response = HttpResponse("<p>results</p>" * 100, content_type="text/html")
        response.set_cookie("example", "value")
        return response

    assert "Content-Encoding" not in _through_middleware(view)


def test_a_public_answer_whose_page_holds_a_csrf_token_is_not_compressed():
    def view(request):
        return HttpResponse(f"<input value='{get_token(request)}'>" * 50, content_type="text/html")

    assert "Content-Encoding" not in _through_middleware(view)


def test_the_same_public_answer_without_secrets_is_compressed():
    def view(request):
        return HttpResponse("<p>results</p>" * 100, content_type="text/html")

    assert _through_middleware(view)["Content-Encoding"] == "gzip"
