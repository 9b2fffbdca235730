"""The HSDS 3.0 API under /hsds/: answers valid against the specification, facts as reported."""

import uuid
from datetime import UTC, date, datetime
from urllib.parse import urlencode

import pytest
import time_machine
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from programs.hsds import taxonomy
from programs.models import Facility, Program
from tests.factories import make_facility, make_program, north_of_cville
from tests.hsds import (
    assert_valid,
    assert_valid_index,
    assert_valid_list_page,
    assert_valid_page,
    import_locator_sample,
    load_demo,
)

pytestmark = pytest.mark.django_db


def get_json(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()


def every_page(client, url: str, query: str = ""):
    """Each page of a list in turn, seven items a page (``query`` adds parameters)."""
    page = 1
    while True:
        body = get_json(client, f"{url}?page={page}&per_page=7{query}")
        yield body
        if body["last_page"]:
            break
        page += 1


@pytest.mark.parametrize("load", [load_demo, import_locator_sample], ids=["demo", "locator"])
def test_every_endpoint_answers_valid_hsds(client, load):
    load()
    assert Program.objects.published().exists()

    assert_valid_index(get_json(client, "/hsds/"))

    services, short_services = [], []
    for page in every_page(client, "/hsds/services", "&full=true"):
        assert_valid_page(page, "service")
        services += page["contents"]
    for page in every_page(client, "/hsds/services"):
        assert_valid_list_page(page, "service")
        short_services += page["contents"]
    assert [short["id"] for short in short_services] == [service["id"] for service in services]
    assert len(services) == Program.objects.published().count()
    assert len({service["id"] for service in services}) == len(services)
    for service in services:
        detail = get_json(client, f"/hsds/services/{service['id']}")
        assert_valid("service", detail)
        assert_valid("organization", detail["organization"])
        assert detail["organization"]["id"] == service["organization_id"]

    organizations = []
    for page in every_page(client, "/hsds/organizations", "&full=true"):
        assert_valid_page(page, "organization")
        organizations += page["contents"]
    assert {org["id"] for org in organizations} == {s["organization_id"] for s in services}
    for page in every_page(client, "/hsds/organizations"):
        assert_valid_list_page(page, "organization")
    for organization in organizations[:10]:
        assert_valid("organization", get_json(client, f"/hsds/organizations/{organization['id']}"))

    located = []
    for page in every_page(client, "/hsds/service_at_locations", "&full=true"):
        assert_valid_page(page, "service_at_location")
        located += page["contents"]
    assert {item["service_id"] for item in located} == {service["id"] for service in services}
    for page in every_page(client, "/hsds/service_at_locations"):
        assert_valid_list_page(page, "service_at_location")
    near = "&postcode=22903&proximity=80000"
    for full, check in (("&full=true", assert_valid_page), ("", assert_valid_list_page)):
        for page in every_page(client, "/hsds/service_at_locations", near + full):
            check(page, "service_at_location")

    for page in every_page(client, "/hsds/taxonomies"):
        assert_valid_page(page, "taxonomy")
    terms = []
    for page in every_page(client, "/hsds/taxonomy_terms"):
        assert_valid_page(page, "taxonomy_term")
        terms += page["contents"]
    assert_valid("taxonomy_term", get_json(client, f"/hsds/taxonomy_terms/{terms[0]['id']}"))
    assert_valid("taxonomy", get_json(client, f"/hsds/taxonomies/{terms[0]['taxonomy_id']}"))
    # Every attribute of every service tags it with a published term.
    term_ids = {term["id"] for term in terms}
    for service in services:
        for attribute in service["attributes"]:
            assert attribute["taxonomy_term_id"] in term_ids


def test_a_program_becomes_a_service_with_its_facts(client):
    facility = make_facility(
        payment=("medicaid", "sliding-scale"),
        languages=("spanish",),
        intake_phone="(434) 555-0199",
        last_verified=datetime(2026, 10, 1).date(),
    )
    program = make_program(
        facility=facility,
        level_of_care="iop",
        format="hybrid",
        sessions=((0, "18:00", "21:00", "Evening"), (2, "18:00", "21:00")),
        staff={"lcsw": "on_site", "psychiatrist": "referral"},
        conditions={"ptsd": "on_site", "bipolar": "referral"},
        modalities=("cbt",),
        offers_mat=True,
        drug_testing=False,
    )

    service = get_json(client, f"/hsds/services/{program.hsds_id}")

    assert_valid("service", service)
    assert service["id"] == str(program.hsds_id)
    assert service["organization_id"] == str(facility.hsds_id)
    assert service["assured_date"] == "2026-10-01"
    assert service["url"] == f"http://testserver/programs/{program.slug}/"
    schedules = service["schedules"]
    assert [(s["byday"], s["opens_at"], s["closes_at"], s["freq"]) for s in schedules] == [
        ("MO", "18:00", "21:00", "WEEKLY"),
        ("WE", "18:00", "21:00", "WEEKLY"),
    ]
    assert [phone["number"] for phone in service["phones"]] == ["(434) 555-0100", "(434) 555-0199"]
    assert [(lang["name"], lang["code"]) for lang in service["languages"]] == [("Spanish", "es")]
    assert sorted(option["option"] for option in service["cost_options"]) == [
        "Medicaid",
        "Sliding fee scale",
    ]
    tags = {
        (a["link_type"], a["taxonomy_term"]["code"]): a.get("value") for a in service["attributes"]
    }
    assert tags[("level-of-care", "iop")] is None
    assert tags[("format", "hybrid")] is None
    assert tags[("approach", "cbt")] is None
    assert tags[("condition", "ptsd")] == "on_site"
    assert tags[("condition", "bipolar")] == "referral"
    assert tags[("staff-role", "lcsw")] == "on_site"
    assert tags[("staff-role", "psychiatrist")] == "referral"
    assert tags[("program-fact", "offers_mat")] == "true"
    assert tags[("program-fact", "drug_testing")] == "false"
    assert tags[("program-fact", "hours_per_week")] == "6.0"
    assert service["organization"]["locations"][0]["addresses"][0]["postal_code"] == "22903"


def _one_to_one(data: dict) -> dict:
    return {key: value for key, value in data.items() if not isinstance(value, list | dict)}


def _holds_a_list(data) -> bool:
    if isinstance(data, dict):
        return any(_holds_a_list(value) for value in data.values())
    return isinstance(data, list)


def test_list_pages_carry_the_short_objects_and_full_true_the_whole_ones(client):
    facility = make_facility(
        payment=("medicaid",), languages=("spanish",), accreditations=("carf", "state-license")
    )
    program = make_program(
        facility=facility,
        populations=("veterans", "adults"),
        sessions=((0, "18:00", "21:00"),),
        staff={"lcsw": "on_site"},
        modalities=("cbt",),
    )
    detail = get_json(client, f"/hsds/services/{program.hsds_id}")
    near = "postcode=22903&proximity=1000"

    short = get_json(client, "/hsds/services")["contents"]
    whole = get_json(client, "/hsds/services?full=true")["contents"]
    assert whole == [{key: value for key, value in detail.items() if key != "organization"}]
    assert short == [{**_one_to_one(detail), "organization": _one_to_one(detail["organization"])}]
    assert short[0]["eligibility_description"] == "Serves: Adults, Veterans and military."
    assert "CARF" in short[0]["accreditations"]

    located = get_json(client, f"/hsds/service_at_locations?{near}")["contents"]
    located_whole = get_json(client, f"/hsds/service_at_locations?{near}&full=true")["contents"]
    assert located == [
        {
            **_one_to_one(located_whole[0]),
            "location": _one_to_one(located_whole[0]["location"]),
            "service": short[0],
        }
    ]
    assert located[0]["distance_miles"] == 0.0

    organizations = get_json(client, "/hsds/organizations")["contents"]
    organizations_whole = get_json(client, "/hsds/organizations?full=true")["contents"]
    assert organizations == [_one_to_one(organizations_whole[0])]
    assert organizations_whole[0]["services"] == [
        {"id": str(program.hsds_id), "name": program.name}
    ]
    assert organizations_whole[0]["locations"] == [detail["organization"]["locations"][0]]

    for item in (*short, *located, *organizations):
        assert not _holds_a_list(item)
    assert get_json(client, "/hsds/services?full=false") == get_json(client, "/hsds/services")


def test_facts_not_reported_are_absent_never_false(client):
    program = make_program(facility=make_facility(phone="", last_verified=None))

    service = get_json(client, f"/hsds/services/{program.hsds_id}")

    assert_valid("service", service)
    for key in ("schedules", "phones", "languages", "cost_options", "assured_date"):
        assert key not in service
    facts = {a["taxonomy_term"]["code"]: a.get("value") for a in service["attributes"]}
    for name in ("individual_therapy", "drug_testing", "offers_mat", "accepting_new_clients"):
        assert name not in facts
    assert "false" not in [value for code, value in facts.items() if code != "is_demo"]
    assert not [a for a in service["attributes"] if a["link_type"] in ("format", "condition")]


@time_machine.travel(datetime(2026, 12, 2, 15, 0, tzinfo=UTC), tick=False)
def test_availability_is_published_with_the_day_it_was_confirmed(client):
    confirmed, stale = date(2026, 11, 28), date(2026, 9, 1)
    program = make_program(
        accepting_new_clients=True,
        accepting_confirmed_on=stale,
        typical_wait_days=7,
        wait_confirmed_on=confirmed,
    )

    service = get_json(client, f"/hsds/services/{program.hsds_id}")

    assert_valid("service", service)
    facts = {a["taxonomy_term"]["code"]: a.get("value") for a in service["attributes"]}
    assert facts["accepting_new_clients"] == "true"
    assert facts["accepting_confirmed_on"] == "2026-09-01"
    assert facts["typical_wait_days"] == "7"
    assert facts["wait_confirmed_on"] == "2026-11-28"
    assert service["wait_time"] == "About 7 days (confirmed Nov 28, 2026)"
    with time_machine.travel(datetime(2027, 1, 15, 15, 0, tzinfo=UTC), tick=False):
        later = get_json(client, f"/hsds/services/{program.hsds_id}")
    assert later["wait_time"] == "About 7 days (last confirmed Nov 28, 2026 - ask)"


def test_demo_listings_say_they_are_fictional(client):
    load_demo()
    short = get_json(client, "/hsds/services?per_page=1")["contents"][0]
    service = get_json(client, "/hsds/services?per_page=1&full=true")["contents"][0]

    assert "Fictional" in short["alert"] == service["alert"]
    assert "Fictional" in short["organization"]["description"]
    facts = {a["taxonomy_term"]["code"]: a.get("value") for a in service["attributes"]}
    assert facts["is_demo"] == "true"


def test_only_published_listings_are_served(client):
    shown = make_program()
    hidden = make_program(is_published=False)
    closed_facility = make_facility(is_published=False)
    behind_closed_facility = make_program(facility=closed_facility)

    ids = {s["id"] for s in get_json(client, "/hsds/services")["contents"]}
    assert ids == {str(shown.hsds_id)}
    for program in (hidden, behind_closed_facility):
        get_json(client, f"/hsds/services/{program.hsds_id}", status=404)
    get_json(client, f"/hsds/organizations/{closed_facility.hsds_id}", status=404)
    assert [org["id"] for org in get_json(client, "/hsds/organizations")["contents"]] == [
        str(shown.facility.hsds_id)
    ]
    organizations = get_json(client, "/hsds/organizations?full=true")["contents"]
    assert [org["id"] for org in organizations] == [str(shown.facility.hsds_id)]
    assert organizations[0]["services"] == [{"id": str(shown.hsds_id), "name": shown.name}]


def test_ids_are_stored_uuids_stable_across_answers(client):
    program = make_program(sessions=((1, "09:00", "12:00"),))
    assert isinstance(program.hsds_id, uuid.UUID)
    assert isinstance(program.facility.hsds_id, uuid.UUID)
    assert make_program().hsds_id != program.hsds_id

    first = get_json(client, f"/hsds/services/{program.hsds_id}")
    program.name = "Renamed"
    program.save()
    second = get_json(client, f"/hsds/services/{program.hsds_id}")

    assert second["name"] == "Renamed"
    for key in ("schedules", "phones", "service_at_locations"):
        assert [item["id"] for item in first[key]] == [item["id"] for item in second[key]]
    assert [a["id"] for a in first["attributes"]] == [a["id"] for a in second["attributes"]]


def test_proximity_is_meters_from_the_postcode_centroid_nearest_first(client):
    far = make_program(facility=make_facility(**north_of_cville(30)))
    near = make_program(facility=make_facility(**north_of_cville(5)))
    here = make_program()

    body = get_json(client, "/hsds/service_at_locations?postcode=22903&proximity=16093")

    assert [item["service_id"] for item in body["contents"]] == [
        str(here.hsds_id),
        str(near.hsds_id),
    ]
    assert [item["distance_miles"] for item in body["contents"]] == [0.0, 5.0]
    wide = get_json(client, "/hsds/service_at_locations?postcode=22903&proximity=80000")
    assert wide["contents"][-1]["service_id"] == str(far.hsds_id)


def test_postcode_alone_keeps_locations_in_that_zip_code(client):
    here = make_program()
    make_program(facility=make_facility(zip_code="22901"))

    body = get_json(client, "/hsds/service_at_locations?postcode=22903")

    assert [item["service_id"] for item in body["contents"]] == [str(here.hsds_id)]


def test_search_and_organization_id_narrow_the_services(client):
    evening = make_program(name="Evening Recovery Group")
    other = make_program(name="Daytime Track")

    found = get_json(client, "/hsds/services?search=evening")["contents"]
    assert [s["id"] for s in found] == [str(evening.hsds_id)]
    mine = get_json(client, f"/hsds/services?organization_id={other.facility.hsds_id}")
    assert [s["id"] for s in mine["contents"]] == [str(other.hsds_id)]
    orgs = get_json(client, "/hsds/organizations?search=evening")["contents"]
    assert [org["id"] for org in orgs] == [str(evening.facility.hsds_id)]


def test_modified_after_keeps_programs_or_facilities_changed_since(client):
    old = make_program()
    changed_program = make_program()
    changed_facility = make_program()
    long_ago = datetime(2026, 1, 1, tzinfo=UTC)
    Program.objects.update(updated_at=long_ago)
    Facility.objects.update(updated_at=long_ago)
    Program.objects.filter(pk=changed_program.pk).update(
        updated_at=datetime(2026, 6, 1, tzinfo=UTC)
    )
    Facility.objects.filter(pk=changed_facility.facility_id).update(
        updated_at=datetime(2026, 6, 1, tzinfo=UTC)
    )

    body = get_json(client, "/hsds/services?modified_after=2026-05-31T12:00:00Z")

    assert {s["id"] for s in body["contents"]} == {
        str(changed_program.hsds_id),
        str(changed_facility.hsds_id),
    }
    assert len(get_json(client, "/hsds/services?modified_after=2025-12-31")["contents"]) == 3
    assert str(old.hsds_id) not in {s["id"] for s in body["contents"]}


def test_a_session_change_counts_as_a_change_of_its_program(client):
    program = make_program(sessions=((1, "09:00", "12:00"),))
    Program.objects.update(updated_at=datetime(2026, 1, 1, tzinfo=UTC))
    Facility.objects.update(updated_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert not get_json(client, "/hsds/services?modified_after=2026-02-01")["contents"]

    session = program.sessions.get()
    session.end = session.end.replace(hour=13)
    session.save()

    listed = get_json(client, "/hsds/services?modified_after=2026-02-01")["contents"]
    assert [s["id"] for s in listed] == [str(program.hsds_id)]


@pytest.mark.parametrize(
    "query",
    [
        "?colour=red",
        "?page=0",
        "?page=abc",
        "?per_page=101",
        "?per_page=-1",
        "?page=1&page=2",
        "?modified_after=yesterday",
        "?modified_after=2026-13-45",
        "?organization_id=not-a-uuid",
        "?format=ndjson",
        "?full=yes",
        "?full=",
        "?full=true&full=false",
        "?search=" + "x" * 201,
    ],
)
def test_bad_parameters_answer_400_as_json(client, query):
    make_program()
    body = get_json(client, f"/hsds/services{query}", status=400)
    assert body["error"]


@pytest.mark.parametrize(
    "query",
    [
        "?proximity=1000",
        "?postcode=2290",
        "?postcode=00000&proximity=1000",
        "?postcode=22903&proximity=0",
        "?postcode=22903&proximity=far",
        "?postcode=22903&proximity=nan",
    ],
)
def test_bad_place_parameters_answer_400_as_json(client, query):
    body = get_json(client, f"/hsds/service_at_locations{query}", status=400)
    assert body["error"]


def test_unknown_ids_and_pages_past_the_end_answer_json_errors(client):
    make_program()
    get_json(client, f"/hsds/services/{uuid.uuid4()}", status=404)
    get_json(client, "/hsds/services/not-a-uuid", status=400)
    get_json(client, f"/hsds/organizations/{uuid.uuid4()}", status=404)
    get_json(client, f"/hsds/taxonomy_terms/{uuid.uuid4()}", status=404)
    get_json(client, "/hsds/taxonomies/nope", status=404)
    get_json(client, "/hsds/services?page=2", status=404)
    get_json(client, "/hsds/?x=1", status=400)
    response = client.post("/hsds/services")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"


def test_taxonomy_terms_filter_by_taxonomy(client):
    body = get_json(
        client, f"/hsds/taxonomy_terms?taxonomy_id={taxonomy.LEVEL_OF_CARE.id}&per_page=100"
    )
    assert [term["code"] for term in body["contents"]] == ["op", "iop", "php"]
    staff = get_json(client, f"/hsds/taxonomy_terms?taxonomy_id={taxonomy.STAFF_ROLE.id}")
    assert "lcsw" in {term["code"] for term in staff["contents"]}


def test_services_cost_the_same_queries_whatever_the_page_size(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    for n in range(12):
        make_program(
            sessions=((n % 7, "09:00", "12:00"),),
            staff={"lcsw": "on_site"},
            conditions={"ptsd": "on_site"},
            modalities=("cbt",),
            facility=make_facility(payment=("medicaid",), languages=("spanish",)),
        )
    counts = {}
    for path in ("services", "service_at_locations", "organizations"):
        for full in ("", "&full=true"):
            for size in (1, 12):
                # Each size from cold: the list's ids are kept under the listings stamp.
                caches["default"].clear()
                caches["lists"].clear()
                with CaptureQueriesContext(connection) as queries:
                    body = get_json(client, f"/hsds/{path}?per_page={size}{full}")
                assert body["size"] == size
                counts[path, full, size] = len(queries)
            assert counts[path, full, 1] == counts[path, full, 12] <= 8, counts


@pytest.mark.parametrize(
    ("path", "most"),
    [
        # The short objects: stamp, count, page, one union of the two lists they show.
        ("/hsds/services?per_page=50", 4),
        ("/hsds/services?per_page=50&search=recovery", 4),
        ("/hsds/service_at_locations?per_page=50&postcode=22903&proximity=40000", 4),
        ("/hsds/service_at_locations?per_page=50&postcode=22903", 4),
        ("/hsds/organizations?per_page=50", 3),
        # The whole objects: sessions, staff, co-occurring support and every lookup list too.
        ("/hsds/services?per_page=50&full=true", 7),
        ("/hsds/services?per_page=50&search=recovery&full=true", 7),
        ("/hsds/service_at_locations?per_page=50&postcode=22903&proximity=40000&full=true", 7),
        ("/hsds/service_at_locations?per_page=50&postcode=22903&full=true", 7),
        ("/hsds/organizations?per_page=50&full=true", 6),
        ("/hsds/taxonomy_terms?per_page=50", 12),
    ],
)
def test_each_endpoint_page_reads_a_fixed_number_of_queries(
    client, settings, django_assert_max_num_queries, path, most
):
    settings.PAGE_CACHE_SECONDS = 0
    for n in range(6):
        make_program(
            name=f"Recovery program {n}",
            sessions=((n % 7, "09:00", "12:00"),),
            staff={"lcsw": "on_site"},
            conditions={"ptsd": "on_site"},
            modalities=("cbt",),
            facility=make_facility(zip_code="22903", payment=("medicaid",), languages=("spanish",)),
        )

    with django_assert_max_num_queries(most):
        body = get_json(client, path)
    assert body["size"] > 0


def _reads_every_id(query: dict) -> bool:
    sql = query["sql"]
    return sql.startswith('SELECT "programs_program"."id"') and "LIMIT 50001" in sql


def test_a_lists_sorted_ids_are_read_once_per_listings_stamp_and_again_after_any_change(
    client, settings, monkeypatch
):
    settings.PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr("programs.hsds.views.KEEP_FROM", 2)  # from page 2, two a page
    for n in range(5):
        make_program(name=f"Program {n}")
    lists = ("/hsds/services?per_page=2", "/hsds/service_at_locations?per_page=2")

    with CaptureQueriesContext(connection) as first:
        assert get_json(client, lists[0])["total_items"] == 5
    with CaptureQueriesContext(connection) as deep:
        body = get_json(client, lists[0] + "&page=3")
    with CaptureQueriesContext(connection) as whole:
        assert get_json(client, lists[0] + "&page=2&full=true")["size"] == 2
    with CaptureQueriesContext(connection) as again:
        assert get_json(client, lists[0])["size"] == 2
    assert (body["total_items"], body["total_pages"], body["size"]) == (5, 3, 1)
    assert body["contents"][0]["name"] == "Program 4"

    def counted(queries):
        return len([q for q in queries.captured_queries if "COUNT(" in q["sql"]])

    def read_every_id(queries):
        return len([q for q in queries.captured_queries if _reads_every_id(q)])

    # The first page is read by offset and counted; the first deeper page reads the list's
    # ids in order (the count is kept); from then on any page, in either shape, reads only
    # its own rows.
    assert (counted(first), read_every_id(first)) == (1, 0)
    assert (counted(deep), read_every_id(deep)) == (0, 1)
    for queries in (whole, again):
        assert (counted(queries), read_every_id(queries)) == (0, 0)
    assert len(again) == len(first) - 1

    # Any change rewrites the listings stamp, so the lists are read afresh.
    make_program(name="Program 5")
    Program.objects.filter(name="Program 0").update(is_published=False)
    for path in lists:
        assert get_json(client, path)["total_items"] == 5
    names = [s["name"] for s in get_json(client, lists[0] + "&page=3")["contents"]]
    assert names == ["Program 5"]
    # Another narrowing is read for itself.
    assert get_json(client, lists[0] + "&search=program+3")["total_items"] == 1
    assert get_json(client, lists[1] + "&postcode=99999")["total_items"] == 0


LISTS = [
    ("/hsds/services", ""),
    ("/hsds/services", "&search=program"),
    ("/hsds/services", "&search=evening+program"),
    ("/hsds/services", "&modified_after=2026-01-01"),
    ("/hsds/service_at_locations", "&postcode=22903"),
    ("/hsds/service_at_locations", "&postcode=22903&proximity=30000"),
    ("/hsds/organizations", ""),
    ("/hsds/organizations", "&search=evening&full=true"),
]


def _every_id(client, path: str, query: str) -> list[str]:
    found = []
    for page in every_page(client, path, query):
        found += [item.get("service_id", item["id"]) for item in page["contents"]]
    return found


@pytest.mark.parametrize(("path", "query"), LISTS)
def test_pages_from_kept_ids_are_the_pages_by_offset(client, settings, monkeypatch, path, query):
    settings.PAGE_CACHE_SECONDS = 0
    for n in range(30):
        make_program(
            name=f"Evening program {n}" if n % 3 else f"Program {n}",
            description="Evening group program. " * (n % 4),
            facility=make_facility(**north_of_cville(n % 12)),
        )
    Program.objects.filter(name="Program 9").update(is_published=False)

    monkeypatch.setattr("programs.hsds.views.KEEP_FROM", 0)  # every page from kept ids
    kept = _every_id(client, path, query)
    monkeypatch.setattr("programs.hsds.views.KEEP_IDS", 0)  # every list too long to keep
    caches["lists"].clear()
    by_offset = _every_id(client, path, query)

    assert kept == by_offset
    assert len(kept) == len(set(kept)) > 7
    if path == "/hsds/services" and query in ("", "&modified_after=2026-01-01"):
        published = Program.objects.published().order_by("pk")
        assert kept == [str(program.hsds_id) for program in published]
    if path == "/hsds/organizations" and not query:
        listed = Facility.objects.filter(programs__is_published=True).order_by("pk")
        assert kept == [str(facility.hsds_id) for facility in listed]
    if path == "/hsds/services" and "search=program" in query:
        ranked = Program.objects.published().search("program").order_by("-rank", "pk")
        assert kept == [str(program.hsds_id) for program in ranked]


def test_a_list_too_long_to_keep_is_counted_once_and_paged_by_offset(client, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr("programs.hsds.views.KEEP_IDS", 3)
    monkeypatch.setattr("programs.hsds.views.KEEP_FROM", 0)
    for n in range(5):
        make_program(name=f"Program {n}")

    with CaptureQueriesContext(connection) as first:
        assert get_json(client, "/hsds/services?per_page=2")["total_items"] == 5
    with CaptureQueriesContext(connection) as again:
        body = get_json(client, "/hsds/services?per_page=2&page=3")

    assert [s["name"] for s in body["contents"]] == ["Program 4"]
    assert len([q for q in first.captured_queries if "COUNT(" in q["sql"]]) == 1
    assert not [q for q in again.captured_queries if "COUNT(" in q["sql"]]
    assert not [q for q in again.captured_queries if "LIMIT 4" in q["sql"]]


def test_answers_are_cacheable_and_cookie_free(client, django_assert_max_num_queries):
    make_program()
    first = client.get("/hsds/services")
    assert first["Cache-Control"] == f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}"
    assert not first.cookies
    with django_assert_max_num_queries(1):
        again = client.get("/hsds/services")
    assert again.content == first.content


HSDS_NAMES = ["page", "per_page", "search", "modified_after", "organization_id", "postcode",
              "proximity", "format", "taxonomy_id"]  # fmt: skip
HSDS_VALUES = ["1", "0", "-1", "50", "101", "22903", "99999", "1e999", "NaN", "inf", "16093",
               "2026-01-01", "2026-02-30", "2026-01-01T09:00:00+05:00", "json", "\x00", "%",
               "'", "a:*", "!(", "", str(uuid.UUID(int=1))]  # fmt: skip
_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30)
_pairs = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(HSDS_NAMES), _text),
        st.one_of(st.sampled_from(HSDS_VALUES), _text),
    ),
    max_size=5,
)


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pairs=_pairs, path=st.sampled_from(["services", "service_at_locations", "organizations"]))
def test_random_parameters_answer_json_never_a_server_error(client, pairs, path):
    make_program()
    response = client.get(f"/hsds/{path}?" + urlencode(pairs))
    assert response.status_code in (200, 400, 404)
    assert response["Content-Type"] == "application/json"
