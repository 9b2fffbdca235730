"""Security headers on every public response: CSP, HSTS, nosniff, referrer, permissions, framing."""

import pytest

from tests.public_pages import STATUS, make_public_pages

pytestmark = pytest.mark.django_db

EXPECTED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def pages():
    return make_public_pages()


def each_public_response(client, pages):
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == STATUS.get(name, 200), url
        yield url, response


def test_every_public_page_sends_the_strict_content_security_policy(client, pages):
    for url, response in each_public_response(client, pages):
        assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP, url


def test_content_security_policy_allows_no_inline_code_or_outside_hosts(client, pages):
    csp = parse_csp(client.get(pages["home"])["Content-Security-Policy"])
    values = {value for directive in csp.values() for value in directive}
    assert "'unsafe-inline'" not in values
    assert "'unsafe-eval'" not in values
    assert not any(value.startswith(("http", "*", "https:")) for value in values)


def test_every_public_page_forbids_sniffing_framing_and_leaking_the_address(client, pages):
    for url, response in each_public_response(client, pages):
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["X-Frame-Options"] == "DENY", url
        # A search (ZIP code, filters) lives in the URL: no part of it may reach another site.
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url


def test_every_public_page_switches_off_camera_microphone_location_and_ad_topics(client, pages):
    for url, response in each_public_response(client, pages):
        features = {
            item.strip().split("=")[0]: item.strip().split("=")[1]
            for item in response["Permissions-Policy"].split(",")
        }
        for feature in ("camera", "microphone", "geolocation", "browsing-topics", "payment"):
            assert features[feature] == "()", (url, feature)


def test_hsts_is_sent_over_https_when_the_deployer_configures_it(client, settings, pages):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = False

    response = client.get(pages["home"], secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_hsts_is_off_by_default_so_a_local_http_server_is_not_pinned_to_https(client, pages):
    response = client.get(pages["home"], secure=True)

    assert "Strict-Transport-Security" not in response


def test_https_redirect_when_the_deployer_switches_it_on(client, settings, pages):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/programs/?near=22903")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/programs/?near=22903"


def test_admin_pages_get_the_same_policy_and_are_never_cached(client):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert "no-store" in response["Cache-Control"]


def test_admin_cookies_are_secure_and_http_only_when_debug_is_off(client, django_user_model):
    django_user_model.objects.create_superuser("boss", "boss@example.com", "a-long-test-password")

    login_page = client.get("/admin/login/")
    signed_in = client.post(
        "/admin/login/", {"username": "boss", "password": "a-long-test-password", "next": "/admin/"}
    )

    assert login_page.cookies["csrftoken"]["secure"] is True
    assert signed_in.status_code == 302
    assert signed_in.cookies["sessionid"]["secure"] is True
    assert signed_in.cookies["sessionid"]["httponly"] is True


def test_public_pages_may_be_cached_for_five_minutes(client, pages):
    for name in ("home", "results", "detail"):
        response = client.get(pages[name])
        assert response["Cache-Control"] == "public, max-age=300", name


def test_not_found_pages_and_signed_in_visitors_are_not_publicly_cached(admin_client, pages):
    assert "public" not in admin_client.get(pages["not-found"]).get("Cache-Control", "")
    assert "public" not in admin_client.get(pages["home"]).get("Cache-Control", "")
