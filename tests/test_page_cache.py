"""Whole public pages are served from the cache until anything they show changes."""

import pytest
from django.apps import apps
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from programs.models import (
    Facility,
    ListingsVersion,
    Modality,
    PaymentType,
    Program,
    Session,
    StaffRole,
)
from programs.models.changes import current_token, tables_with_triggers
from programs.pagecache import CACHE_ALIAS, _key
from tests.factories import EVENING_MON_WED_THU, make_facility, make_program

pytestmark = pytest.mark.django_db


def _get(client, url, status=200):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status
    return response.content.decode(), len(queries)


def test_a_repeated_page_is_served_from_the_cache_for_one_query(client):
    program = make_program(name="Harbor Evening IOP", sessions=EVENING_MON_WED_THU)
    for url in ("/programs/?near=22903", program.get_absolute_url(), "/api/programs/?near=22903"):
        first, first_queries = _get(client, url)
        again, again_queries = _get(client, url)
        assert "Harbor Evening IOP" in first
        assert again == first
        assert first_queries > 1 and again_queries == 1  # only the listings stamp is read


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda p: Program.objects.filter(pk=p.pk).update(name="Renamed"), id="update"),
        pytest.param(
            lambda p: Facility.objects.filter(pk=p.facility_id).update(phone="(434) 555-0199"),
            id="facility",
        ),
        pytest.param(lambda p: Session.objects.filter(program=p).delete(), id="delete child"),
        pytest.param(
            lambda p: StaffRole.objects.bulk_create(
                [StaffRole(program=p, credential_id=1, availability="on_site")]
            ),
            id="bulk insert",
        ),
        pytest.param(lambda p: p.modalities.add(Modality.objects.get(slug="dbt")), id="m2m add"),
        pytest.param(
            lambda p: PaymentType.objects.filter(slug="medicaid").update(name="Medicaid (state)"),
            id="lookup rename",
        ),
        pytest.param(
            lambda p: connection.cursor().execute("UPDATE programs_program SET description = 'x'"),
            id="raw sql",
        ),
    ],
)
def test_any_change_to_the_listings_makes_the_stored_page_unreachable(client, change):
    program = make_program(sessions=EVENING_MON_WED_THU, modalities=("cbt",))
    program.facility.payment_types.add(PaymentType.objects.get(slug="medicaid"))
    url = program.get_absolute_url()
    _get(client, url)
    before = current_token()

    change(program)

    assert current_token() != before
    _html, queries = _get(client, url)
    assert queries > 1  # rendered afresh


def test_an_unpublished_program_disappears_at_once_from_a_cached_results_page(client):
    program = make_program(name="Harbor Evening IOP")
    assert "Harbor Evening IOP" in _get(client, "/programs/?near=22903")[0]
    program.is_published = False
    program.save()
    assert "Harbor Evening IOP" not in _get(client, "/programs/?near=22903")[0]


def test_a_demo_reload_changes_the_stamp(client):
    call_command("load_demo", verbosity=0)
    first = current_token()
    _get(client, "/programs/")
    call_command("load_demo", verbosity=0)
    assert current_token() != first


def test_signed_in_curators_always_get_a_fresh_page(client, curator):
    make_program()
    client.force_login(curator)
    _first, first_queries = _get(client, "/programs/")
    _again, again_queries = _get(client, "/programs/")
    assert again_queries > 1


def _stored(url: str):
    request = RequestFactory().get(url)
    return caches[CACHE_ALIAS].get(_key(request, current_token()))


def test_errors_are_not_stored_and_pages_are(client):
    make_program()
    _get(client, "/programs/?radius=7", status=400)
    assert _stored("/programs/?radius=7") is None
    _get(client, "/programs/?radius=5")
    assert _stored("/programs/?radius=5") is not None


def test_the_cache_can_be_switched_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    make_program()
    _get(client, "/programs/")
    _html, again = _get(client, "/programs/")
    assert again > 1


def test_a_stored_page_keeps_its_content_type_and_sets_no_cookie(client):
    make_program()
    client.get("/api/programs/")
    response = client.get("/api/programs/")
    assert response["Content-Type"] == "application/json"
    assert not response.cookies
    html = client.get("/programs/")
    html = client.get("/programs/")
    assert html["Content-Type"].startswith("text/html")
    assert "Content-Security-Policy" in html


def test_with_no_stamp_pages_are_rendered_every_time(client):
    make_program()
    ListingsVersion.objects.all().delete()
    # Deleting the row is itself no change to a listings table, so no stamp comes back.
    assert current_token() is None
    _get(client, "/programs/")
    _html, again = _get(client, "/programs/")
    assert again > 1


def test_every_table_of_the_app_has_the_change_triggers():

    tables = {
        model._meta.db_table
        for model in apps.get_app_config("programs").get_models(include_auto_created=True)
        if model._meta.managed  # the SQLite search index follows its programs' triggers
    } - {ListingsVersion._meta.db_table}
    assert tables and tables <= tables_with_triggers()


def test_a_facility_change_reaches_the_pages_of_its_programs(client):
    facility = make_facility(phone="(434) 555-0100")
    program = make_program(facility=facility)
    assert "555-0100" in _get(client, program.get_absolute_url())[0]
    facility.phone = "(434) 555-0199"
    facility.save()
    assert "555-0199" in _get(client, program.get_absolute_url())[0]
