"""The "Report a problem" form of a program page: what it stores, what it refuses, what it sets."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from programs.models import Report, ReportReason
from tests.factories import make_facility, make_program
from tests.form_html import errors_next_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return make_program(name="Evening IOP", facility=make_facility(name="Blue Ridge Recovery"))


def report_url(program) -> str:
    return reverse("curation:report", args=[program.slug])


def send(client, program, **fields):
    data = {"reason": ReportReason.PHONE, "details": "", "email": "", "website": ""}
    data.update(fields)
    return client.post(report_url(program), data, REMOTE_ADDR="203.0.113.9")


def test_program_page_links_to_its_report_form(client, program):
    html = client.get(program.get_absolute_url()).content.decode()
    assert f'href="{report_url(program)}"' in html
    assert "Report a problem with this listing" in html


def test_report_form_page_sets_only_the_csrf_cookie_and_is_never_cached(client, program):
    response = client.get(report_url(program))

    assert response.status_code == 200
    assert set(response.cookies) == {"csrftoken"}
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "public" not in cache_control
    assert "only this page" in response.content.decode()


def test_a_report_is_stored_with_its_facility_and_program_and_nothing_about_the_visitor(
    client, program
):
    response = send(
        client, program, details="  The number belongs to a pizza shop.  ", email="a@example.org"
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("curation:report_sent", args=[program.slug])
    report = Report.objects.get()
    assert (report.program, report.facility) == (program, program.facility)
    assert report.reason == ReportReason.PHONE
    assert report.details == "The number belongs to a pizza shop."
    assert report.email == "a@example.org"
    assert report.is_open
    # Nothing typed by no one: no field of the row holds the visitor's address.
    stored = [str(getattr(report, f.attname)) for f in Report._meta.concrete_fields]
    assert not any("203.0.113.9" in value for value in stored)


def test_something_else_without_details_is_refused_next_to_the_field(client, program):
    response = send(client, program, reason=ReportReason.OTHER, details="   ")

    assert response.status_code == 400
    html = response.content.decode()
    assert "Please say what is wrong" in errors_next_to(html, "details")
    assert "Nothing was saved" in html
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"reason": "lost"}, "reason", "Select a valid choice"),
        ({"email": "not-an-address"}, "email", "Enter a valid email address"),
        ({"details": "x" * 2001}, "details", "at most 2000 characters"),
    ],
)
def test_bad_input_answers_400_with_the_message_and_stores_nothing(
    client, program, fields, field, message
):
    response = send(client, program, **fields)

    assert response.status_code == 400
    assert message in errors_next_to(response.content.decode(), field)
    assert Report.objects.count() == 0


def test_a_filled_honeypot_looks_like_success_and_stores_nothing(client, program):
    response = send(client, program, website="http://spam.example")

    assert response.status_code == 302
    assert Report.objects.count() == 0


def test_reports_from_one_address_are_limited_and_the_limit_keeps_no_address(
    client, program, settings
):
    settings.REPORT_LIMIT = 2
    assert send(client, program).status_code == 302
    assert send(client, program).status_code == 302

    refused = send(client, program)

    assert refused.status_code == 429
    assert "Too many reports" in refused.content.decode()
    assert Report.objects.count() == 2
    # Another address is not held back.
    other = client.post(
        report_url(program), {"reason": ReportReason.ADDRESS}, REMOTE_ADDR="198.51.100.7"
    )
    assert other.status_code == 302
    # The counters are keyed by a hash: the address itself is nowhere in the cache.
    keys = list(cache._cache.keys())
    assert keys and not any("203.0.113.9" in key or "198.51.100.7" in key for key in keys)


def test_the_limit_window_is_the_counters_lifetime(client, program, settings):
    settings.REPORT_LIMIT = 1
    settings.REPORT_LIMIT_WINDOW = 60
    send(client, program)

    (expiry,) = cache._expire_info.values()
    assert 0 < expiry - time.time() <= 60


def test_unpublished_programs_cannot_be_reported(client):
    hidden = make_program(is_published=False)
    assert client.get(report_url(hidden)).status_code == 404
    assert send(client, hidden).status_code == 404
    assert Report.objects.count() == 0
