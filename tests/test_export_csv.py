"""The CSV download /programs/export.csv: the page's search, every page of it, honest cells."""

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.serializers import CSV_NOT_REPORTED
from tests.factories import make_facility, make_program
from tests.search_listings import QUERIES, SAMPLE, make_search_listings

pytestmark = pytest.mark.django_db

URL = "/programs/export.csv"


@pytest.fixture
def listings():
    make_search_listings()


def download(client, query: str = "", status: int = 200):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == status
    return response


def rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def page_slugs(client, query: str) -> list[str]:
    """Every program the results page finds for ``query``, across all its pages, in order."""
    response = client.get(f"/programs/?{query}")
    assert response.status_code == 200
    return [program.slug for program in response.context["page"].paginator.object_list]


def slug_of(row: dict) -> str:
    return row["Page"].rstrip("/").rsplit("/", 1)[-1]


def test_url_name_is_programs_export_csv():
    assert reverse("programs:export_csv") == URL


@pytest.mark.parametrize("query", QUERIES)
def test_csv_lists_the_same_programs_as_the_page_in_the_same_order(client, listings, query):
    expected = page_slugs(client, query)
    assert expected  # every query finds something, so the comparison means something

    assert [slug_of(row) for row in rows(download(client, query))] == expected


def test_csv_holds_every_page_of_results(client):
    facility = make_facility()
    for n in range(23):
        make_program(name=f"Program {n:02}", facility=facility)
    page = client.get("/programs/")
    assert len(page.context["page"].object_list) < 23

    found = rows(download(client))

    assert len(found) == 23
    assert [row["Program"] for row in found] == [f"Program {n:02}" for n in range(23)]


def test_unknown_facts_are_not_reported_never_no(client, listings):
    by_name = {row["Program"]: row for row in rows(download(client))}

    bare = by_name["Bare IOP"]
    for column in (
        "Format",
        "Hours per week",
        "Evening sessions",
        "Staff",
        "Offers medication for addiction treatment",
        "Medications offered",
        "Individual therapy with a licensed therapist",
        "Random drug and alcohol testing",
        "Co-occurring (dual-diagnosis) capability",
        "Payment accepted",
        "Languages spoken by staff",
        "Run by",
    ):
        assert bare[column] == CSV_NOT_REPORTED, column
    assert bare["Address line 2"] == ""

    known = by_name["Evening IOP"]
    assert known["Random drug and alcohol testing"] == "No"
    assert known["Offers medication for addiction treatment"] == "Yes"
    assert known["Individual therapy with a licensed therapist"] == "Yes"
    assert known["Format"] == "Hybrid (in person and virtual)"
    assert known["Hours per week"] == "9"
    assert known["Days"] == "Mon; Wed; Thu"
    assert known["Payment accepted"] == "Medicaid; Self-pay (cash)"
    assert known["Staff"] == "Psychiatrist (MD/DO) (on site)"
    assert known["Co-occurring conditions"] == "Depression: treated on site"
    assert known["Last verified by a person"] == date(2026, 10, 1).isoformat()


def test_demo_listings_are_marked_fictional(client, listings):
    by_name = {row["Program"]: row for row in rows(download(client))}

    assert by_name["Demo IOP"]["Fictional demo listing"] == "Yes"
    assert by_name["Evening IOP"]["Fictional demo listing"] == "No"


def test_csv_is_a_dated_attachment_with_readable_column_names(client, listings):
    response = download(client)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="iop-finder-programs-')
    header = rows(response)[0].keys()
    assert {"Program", "Facility", "Phone", "Payment accepted", "Source"} <= set(header)
    assert "Distance (miles)" not in header


def test_distance_column_appears_when_searching_near_a_place(client, listings):
    found = rows(download(client, "near=22903"))

    assert found
    assert all(float(row["Distance (miles)"]) < 25 for row in found)


def test_a_search_the_page_cannot_understand_answers_400_with_a_message(client, listings):
    response = download(client, "near=zzzzz&max_hours=abc", status=400)

    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "ZIP code or city, state" in text
    assert "At most this many hours a week" in text


def test_cells_that_start_like_a_formula_cannot_run_in_a_spreadsheet(client):
    make_program(name="=HYPERLINK(1)")

    (row,) = rows(download(client))

    assert row["Program"] == "'=HYPERLINK(1)"


def test_imported_listings_appear_next_to_curated_ones_with_their_source(client, listings):
    call_command("import_findtreatment", str(SAMPLE), stdout=io.StringIO())

    by_source = {}
    for row in rows(download(client, "near=22903&radius=50")):
        by_source.setdefault(row["Source"], []).append(row)

    imported = by_source["National treatment locator (FindTreatment.gov)"]
    assert len(imported) == 5
    assert {row["Last verified by a person"] for row in imported} == {CSV_NOT_REPORTED}
    assert all(row["Imported from source on"] for row in imported)
    assert "IOP Finder curator" in by_source


def test_query_count_does_not_grow_with_the_number_of_programs(
    client, listings, django_assert_max_num_queries
):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            rows(download(client, "near=22903"))
        return len(queries)

    few = count_queries()
    for n in range(15):
        make_program(name=f"More {n}", staff={"lcsw": "on_site"}, modalities=("dbt",))
    assert count_queries() == few
    with django_assert_max_num_queries(5):
        rows(download(client, "near=22903"))


def test_only_get_is_allowed(client):
    assert client.post(URL).status_code == 405


def test_results_page_links_to_the_csv_of_the_same_search(client, listings):
    page = client.get("/programs/?near=22903&mat=1&page=1")

    html = page.content.decode()
    link = f'href="{URL}?near=22903&amp;mat=1"'
    assert link in html
    listed = list(page.context["page"].paginator.object_list)
    assert len(listed) > 2  # the two that offer MAT, then those that do not say
    assert f"Download all {len(listed)} results as a spreadsheet (CSV)" in html
    linked = [slug_of(row) for row in rows(download(client, "near=22903&mat=1"))]
    assert linked == [p.slug for p in listed]


def test_no_download_link_when_the_search_is_not_understood(client, listings):
    page = client.get("/programs/?near=zzzzz")

    assert page.status_code == 400
    assert URL not in page.content.decode()


def _spanish_and_english(client, query: str) -> tuple[list[list[str]], list[list[str]]]:
    def table(url):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))

    return table(URL), table("/es" + URL)


def test_the_spanish_csv_has_spanish_headings_and_words_in_the_same_columns(client):
    make_program(
        name="Evening IOP",
        sessions=((0, "18:00", "21:00"), (2, "18:00", "21:00")),
        format="hybrid",
        facility=make_facility(payment=("medicaid",)),
    )
    english, spanish = _spanish_and_english(client, "evening=1")
    assert len(english) == len(spanish) == 2
    assert len(english[0]) == len(spanish[0])  # the same columns, in the same order
    headings = dict(zip(english[0], spanish[0], strict=True))
    assert headings["Program"] == "Programa"
    assert headings["Evening sessions"] == "Sesiones por la tarde o noche"
    assert headings["Co-occurring (dual-diagnosis) capability"] == (
        "Atención de salud mental junto con la adicción (diagnóstico dual)"
    )
    assert headings["Fits your search"] == "Encaja con su búsqueda"
    assert headings["Asked: Evening sessions"] == "Pedido: Sesiones por la tarde o noche"
    english_row = dict(zip(english[0], english[1], strict=True))
    spanish_row = dict(zip(english[0], spanish[1], strict=True))
    assert (english_row["Evening sessions"], spanish_row["Evening sessions"]) == ("Yes", "Sí")
    assert (english_row["Format"], spanish_row["Format"]) == (
        "Hybrid (in person and virtual)",
        "Mixta (en persona y virtual)",
    )
    assert english_row["Typical length (weeks)"] == "Not reported"
    assert spanish_row["Typical length (weeks)"] == "No informado"
    assert spanish_row["Sessions"] == "Lun 18:00-21:00; Mié 18:00-21:00"
    assert spanish_row["Fits your search"] == "Cumple todo lo que pidió"
    assert spanish_row["Payment accepted"] == "Medicaid"  # no Spanish name: the English one
    # The program's name and numbers are data, the same in both.
    assert spanish_row["Program"] == english_row["Program"] == "Evening IOP"
    assert spanish_row["Page"].startswith("http://testserver/es/programs/")
