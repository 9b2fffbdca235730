"""Pages read by id (programs/paging.py): the same programs in the same order as slicing the
sorted search, the last page as cheap in queries as the first, distances read once."""

import pytest
from django.http import QueryDict

from programs import paging
from programs.models import Program
from programs.search import ProgramSearch
from tests.factories import make_facility, make_program, north_of_cville
from tests.searching import search

pytestmark = pytest.mark.django_db

PER_PAGE = 20


@pytest.fixture
def listings():
    """45 IOPs (three pages) at distances of 0 to 44 miles, hours and names that do not
    follow the same order, and one virtual program far away in the same state."""
    for n in range(45):
        make_program(
            name=f"Program {(n * 7) % 45:02d}",
            facility=make_facility(name=f"Facility {(n * 11) % 45:02d}", **north_of_cville(n)),
            hours_per_week=[9, 12, 15][n % 3],
        )
    make_program(
        name="Virtual far",
        format="virtual",
        facility=make_facility(name="Far away", **north_of_cville(300)),
    )


def _pages(params: str) -> list[list[Program]]:
    search = ProgramSearch(
        QueryDict(params),
        queryset=Program.objects.published().select_related("facility"),
    )
    paginator = search.paginator(PER_PAGE)
    return [list(paginator.page(n).object_list) for n in paginator.page_range]


def _sliced(params: str) -> list[Program]:
    """The whole sorted search in one query, as Django's own Paginator would slice it."""
    search = ProgramSearch(
        QueryDict(params),
        queryset=Program.objects.published(),
    )
    return list(search.qs)


@pytest.mark.parametrize(
    "params",
    [
        "",
        "sort=hours",
        "sort=verified",
        "near=22903&radius=50",
        "near=22903&radius=25",
        "q=program",
    ],
)
def test_pages_by_id_list_every_program_once_in_the_sorted_order(listings, params):
    pages = _pages(params)
    listed = [program for page in pages for program in page]
    expected = _sliced(params)

    assert [p.pk for p in listed] == [p.pk for p in expected]
    assert all(len(page) == PER_PAGE for page in pages[:-1])
    if "near" in params:
        assert [p.distance for p in listed] == [p.distance for p in expected]
        assert listed[-1].name == "Virtual far" and listed[-1].distance is None


@pytest.mark.parametrize(
    "params",
    [
        "near=22903&radius=50&max_hours=12",
        "near=22903&radius=50&max_hours=12&nofit=1",
        "max_hours=10&sort=hours&nofit=1",
    ],
)
def test_pages_of_a_search_with_criteria_list_every_program_once_matches_first(listings, params):
    pages = _pages(params)
    listed = [program for page in pages for program in page]
    expected = _sliced(params)

    def shown(program):
        return (program.pk, program.fit_group, program.fit_0, getattr(program, "distance", None))

    assert [shown(p) for p in listed] == [shown(p) for p in expected]
    groups = [program.fit_group for program in listed]
    assert groups == sorted(groups) and len(set(groups)) > 1
    assert ("nofit" in params) == (2 in groups)


def test_a_page_near_a_place_with_criteria_runs_the_place_filter_once(
    client, django_assert_max_num_queries
):
    for n in range(30):
        make_program(
            name=f"Program {n}",
            hours_per_week=[9, 12, 15][n % 3],
            facility=make_facility(payment=("medicaid",) if n % 4 else (), **north_of_cville(n)),
        )
    search(client, "")  # the lookup lists and the filters panel are cached from here on
    with django_assert_max_num_queries(7) as captured:
        response = search(client, "near=22903&max_hours=12&payment=medicaid")
    assert response.context["page"].object_list
    (rows,) = [q["sql"] for q in captured.captured_queries if '"description"' in q["sql"]]
    # The page's ids were filtered near the place; its rows are not filtered again.
    assert rows.count("UNION ALL") == 1


def test_a_search_with_more_matches_than_the_probe_counts_them_and_pages_the_same(
    listings, monkeypatch
):
    monkeypatch.setattr(paging, "PROBE", 10)
    params = "near=22903&radius=50"
    pages = _pages(params)

    assert sum(len(page) for page in pages) == 46
    assert [p.pk for page in pages for p in page] == [p.pk for p in _sliced(params)]


def test_the_last_page_costs_no_more_queries_than_the_first(
    client, listings, django_assert_max_num_queries
):
    search(client, "")  # the lookup lists and the filters panel are cached from here on
    with django_assert_max_num_queries(7) as first:
        search(client, "sort=hours&page=1")
    with django_assert_max_num_queries(len(first)) as last:
        response = search(client, "sort=hours&page=3")
    assert len(response.context["page"].object_list) == 6  # 46 programs
    assert len(last) == len(first)


def test_a_search_near_a_place_counts_its_matches_with_the_page_and_computes_distance_once(
    client, listings, django_assert_max_num_queries
):
    search(client, "near=22903&radius=25")
    with django_assert_max_num_queries(7) as captured:
        response = search(client, "near=22903&radius=25&page=2")
    page = response.context["page"]
    assert page.paginator.count == len(_sliced("near=22903&radius=25")) > PER_PAGE
    assert [p.distance for p in page.object_list][:3] == pytest.approx([20, 21, 22], abs=0.1)
    sql = [query["sql"] for query in captured.captured_queries]
    assert not any("COUNT(" in text for text in sql)
    assert sum("ASIN(" in text for text in sql) == 1


@pytest.fixture
def common_word():
    """90 IOPs, 60 of them about "counseling", some more than others (so their ranks differ),
    at 0 to 89 miles, in person, virtual or hybrid, plus a partial-hospitalization program."""
    for n in range(90):
        make_program(
            name=f"Counseling {(n * 7) % 45:02d}" if n % 4 == 0 else f"Program {n:02d}",
            description=("Group counseling. " * (1 + n % 5)) if n % 3 else "Group therapy.",
            facility=make_facility(name=f"Facility {(n * 11) % 45:02d}", **north_of_cville(n)),
            hours_per_week=[9, 12, 15][n % 3],
            format=["in_person", "virtual", "hybrid"][n % 3],
        )
    make_program(name="Counseling day program", level_of_care="php")


@pytest.mark.parametrize(
    "params",
    [
        "q=counseling",
        "q=counseling&sort=hours",
        "q=counseling&sort=name&format=in_person&format=hybrid",
        "q=counsel&max_hours=12&level=iop&level=php",
        "q=counseling&near=22903&radius=50&sort=relevance",
    ],
)
def test_deep_pages_of_a_common_word_list_every_match_once_in_rank_order(
    common_word, monkeypatch, params
):
    # Deep pages are read by id on both databases; SQLite slices only its first page here.
    monkeypatch.setattr(paging, "SLICED_WORDS", PER_PAGE)
    pages = _pages(params)
    listed = [program for page in pages for program in page]
    expected = _sliced(params)

    assert len(pages) >= 2
    assert [p.pk for p in listed] == [p.pk for p in expected]
    if "near" not in params:  # near a place the rows come without their rank
        assert [p.rank for p in listed] == pytest.approx([p.rank for p in expected])
        if "sort" not in params:
            assert len({round(p.rank, 6) for p in listed}) > 1  # the ranks really order them


def test_a_deep_page_of_a_common_word_is_read_by_id_and_costs_no_more_queries(
    client, common_word, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(paging, "SLICED_WORDS", PER_PAGE)
    search(client, "q=counseling")
    with django_assert_max_num_queries(7) as first:
        search(client, "q=counseling&page=1")
    with django_assert_max_num_queries(len(first)) as last:
        response = search(client, "q=counseling&page=4")
    page = response.context["page"]
    assert page.paginator.count == 60 + 8  # about counseling, or named so (n = 0, 12, ... 84)
    assert [p.pk for p in page.object_list] == [p.pk for p in _sliced("q=counseling")[60:]]
    # The page's rows are those of its eight sorted ids, not a slice of every wide row.
    page_sql = [
        q["sql"] for q in last.captured_queries if '"programs_program"."description"' in q["sql"]
    ]
    assert len(page_sql) == 1 and "IN (SELECT" in page_sql[0]
    assert " OFFSET 60" in page_sql[0].split("IN (SELECT", 1)[1]
