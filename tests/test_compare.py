"""The compare page: rows grouped by the criteria, "only differences", distance, bad URLs."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from programs.compare import build_rows, count_differences, read_selection
from programs.models import Condition, Program, Source
from programs.models.loading import DETAIL, load_related
from tests.factories import DAYTIME_TUE_THU, EVENING_MON_WED_THU, make_facility, make_program

pytestmark = pytest.mark.django_db

NOT_REPORTED = "Not reported - ask at intake"
COMPARE = reverse("programs:compare")


def evening(**fields):
    values = {
        "slug": "evening",
        "name": "Evening IOP",
        "sessions": EVENING_MON_WED_THU,
        "drug_testing": True,
        "offers_mat": True,
        "staff": {"psychiatrist": "on_site", "lcsw": "on_site"},
        "conditions": {"depression": "on_site"},
        "modalities": ("cbt",),
        "facility": make_facility(payment=("medicaid",)),
    }
    values.update(fields)
    return make_program(**values)


def daytime(**fields):
    values = {
        "slug": "daytime",
        "name": "Daytime IOP",
        "sessions": DAYTIME_TUE_THU,
        "drug_testing": True,
        "offers_mat": False,
        "staff": {"lcsw": "on_site"},
        "facility": make_facility(latitude=38.8462, longitude=-77.3064),  # Fairfax, VA
    }
    values.update(fields)
    return make_program(**values)


def rows_by_label(groups):
    return {row.label: row for group in groups for row in group.rows}


def loaded(*programs):
    slugs = [program.slug for program in programs]
    found = Program.objects.select_related("facility").filter(slug__in=slugs)
    found = {p.slug: p for p in load_related(found, DETAIL)}
    return [found[slug] for slug in slugs]


def compare_url(*slugs, **params):
    query = QueryDict(mutable=True)
    query.setlist("p", list(slugs))
    for key, value in params.items():
        query[key] = value
    return f"{COMPARE}?{query.urlencode()}"


# --- Rows ----------------------------------------------------------------------------------


def test_rows_are_grouped_by_the_four_criteria_then_the_other_facts():
    groups = build_rows(loaded(evening(), daytime()), Condition.objects.all())
    assert [group.title for group in groups] == [
        "Where and when",
        "Who treats you",
        "How they treat",
        "Care for co-occurring mental-health conditions",
        "Payment",
        "Who is served",
        "Languages staff speak",
        "Licensing and accreditation",
        "Rules and admission",
        "Where these facts come from",
    ]


def test_each_row_has_one_cell_per_program_in_column_order():
    groups = build_rows(loaded(daytime(), evening()), Condition.objects.all())
    rows = rows_by_label(groups)
    assert rows["Evening sessions"].cells == [False, True]
    assert rows["Hours per week"].cells == ["8 hours", "9 hours"]
    assert rows["Schedule"].cells == ["Tue, Thu 9 am-1 pm", "Mon, Wed, Thu 6-9 pm"]
    assert rows["Psychiatrist or other physician"].cells == [None, "On site"]
    assert rows["Depression"].cells == [None, "Treated on site"]
    assert rows["Payment accepted"].cells == [None, "Medicaid"]


def test_differs_flag_is_false_only_when_every_program_agrees():
    rows = rows_by_label(build_rows(loaded(evening(), daytime()), Condition.objects.all()))
    assert rows["Random drug and alcohol testing"].differs is False  # both yes
    assert rows["Bipolar disorder"].differs is False  # both not reported
    assert rows["Offers medication for addiction treatment"].differs is True  # yes vs no
    assert rows["Evening sessions"].differs is True


def test_not_reported_differs_from_a_reported_no():
    first = evening(slug="a", offers_mat=None)
    second = daytime(slug="b", offers_mat=False)
    rows = rows_by_label(build_rows(loaded(first, second), Condition.objects.all()))
    assert rows["Offers medication for addiction treatment"].cells == [None, False]
    assert rows["Offers medication for addiction treatment"].differs is True


def test_distance_row_only_when_distances_are_given():
    programs = loaded(evening(), daytime())
    assert "Distance" not in rows_by_label(build_rows(programs, []))
    distances = {programs[0].pk: 0.0, programs[1].pk: None}
    row = rows_by_label(build_rows(programs, [], distances=distances))["Distance"]
    assert row.cells == ["0 miles", "Unknown (no map location)"]


def test_schedule_row_groups_days_with_the_same_hours_and_leaves_no_schedule_unreported():
    scheduled = make_program(
        sessions=((0, "18:00", "21:00"), (2, "18:00", "21:00"), (5, "09:30", "12:00"))
    )
    unscheduled = make_program()
    row = rows_by_label(build_rows(loaded(scheduled, unscheduled), []))["Schedule"]
    assert row.cells == ["Mon, Wed 6-9 pm; Sat 9:30 am-12 pm", None]


# --- The page --------------------------------------------------------------------------------


def test_compare_page_shows_programs_in_columns_with_facts_told_apart(client):
    evening()
    daytime()
    response = client.get(compare_url("evening", "daytime"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(">Evening IOP<") < html.index(">Daytime IOP<")
    assert '<th scope="col" data-compare-slug="evening"' in html
    assert '<span aria-hidden="true">✓</span> Yes' in html
    assert '<span aria-hidden="true">✗</span> No' in html
    assert f'<span aria-hidden="true">?</span> {NOT_REPORTED}' in html
    assert "Differs" in html


def test_only_differences_hides_rows_where_all_programs_agree(client):
    evening()
    daytime()
    html = client.get(compare_url("evening", "daytime", diff="1")).content.decode()
    testing = html[html.rindex("<tr", 0, html.index('row">Random drug and alcohol testing')) :]
    assert testing.startswith('<tr class="compare-row compare-row--same" hidden>')
    mat_row = html.index('row">Offers medication for addiction treatment')
    mat = html[html.rindex("<tr", 0, mat_row) :]
    assert mat.startswith('<tr class="compare-row compare-row--differs">')
    assert 'id="compare-diff" name="diff" value="1" checked' in html


def test_all_rows_shown_without_diff(client):
    evening()
    daytime()
    html = client.get(compare_url("evening", "daytime")).content.decode()
    assert " hidden>" not in html
    assert 'name="diff" value="1">' in html  # the checkbox, unchecked


def test_only_differences_when_programs_agree_on_everything_says_so(client):
    facility = make_facility()
    make_program(facility=facility, slug="twin-a")
    make_program(facility=facility, slug="twin-b")
    html = client.get(compare_url("twin-a", "twin-b", diff="1")).content.decode()
    assert "agree on every fact" in html
    assert f'href="{compare_url("twin-a", "twin-b").replace("&", "&amp;")}"' in html


def test_remove_link_is_the_same_comparison_without_that_program(client):
    evening()
    daytime()
    make_program(slug="third")
    html = client.get(compare_url("evening", "daytime", "third", diff="1")).content.decode()
    remove = compare_url("evening", "third", diff="1").replace("&", "&amp;")
    assert f'<a class="compare-remove no-print" href="{remove}">' in html


def test_distance_row_appears_when_the_url_has_a_location(client):
    evening()  # Charlottesville, the centre of ZIP 22903
    daytime()  # Fairfax, about 90 miles away
    html = client.get(compare_url("evening", "daytime", near="22903")).content.decode()
    row = html[html.index('row">Distance') :]
    row = row[: row.index("</tr>")]
    assert "0 miles" in row
    miles = float(row.split(" miles")[1].rsplit(">", 1)[-1].strip())
    assert 80 < miles < 100
    assert "Distances are straight-line miles from 22903" in html


def test_unknown_location_leaves_distance_out_with_a_message(client):
    evening()
    daytime()
    response = client.get(compare_url("evening", "daytime", near="00000"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'row">Distance' not in html
    assert "We could not find “00000”" in html


def test_compare_page_with_demo_listing_shows_banner_and_badge(client):
    evening()
    make_program(slug="demo", facility=make_facility(source=Source.DEMO))
    html = client.get(compare_url("evening", "demo")).content.decode()
    assert 'class="demo-banner"' in html
    assert "Fictional demo listing" in html


def test_compare_page_sets_no_cookie(client):
    evening()
    daytime()
    response = client.get(compare_url("evening", "daytime"))
    assert not response.cookies


# --- Bad and partial URLs ---------------------------------------------------------------------


def test_no_programs_explains_how_to_choose(client):
    response = client.get(COMPARE)
    assert response.status_code == 200
    assert "Put two to four programs side by side" in response.content.decode()


def test_one_program_asks_for_more_and_offers_a_form(client):
    evening()
    response = client.get(compare_url("evening"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "You have chosen one program" in html
    assert '<input type="hidden" name="p" value="evening">' in html
    assert "<table" not in html


def test_pasted_program_address_adds_that_program(client):
    evening()
    daytime()
    url = f"{COMPARE}?p=evening&p=http%3A%2F%2Ftestserver%2Fprograms%2Fdaytime%2F"
    response = client.get(url)
    assert response.status_code == 200
    assert '<th scope="col" data-compare-slug="daytime"' in response.content.decode()


def test_more_than_four_programs_is_a_400_with_a_way_on(client):
    for n in range(5):
        make_program(slug=f"p{n}")
    response = client.get(compare_url("p0", "p1", "p2", "p3", "p4"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "up to 4 programs" in html
    assert compare_url("p0", "p1", "p2", "p3").replace("&", "&amp;") in html


def test_duplicate_program_is_a_400_with_a_link_listing_each_once(client):
    evening()
    daytime()
    response = client.get(compare_url("evening", "daytime", "evening"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "more than once" in html
    assert compare_url("evening", "daytime").replace("&", "&amp;") in html


def test_unknown_slug_is_a_404_naming_it_with_a_link_to_the_others(client):
    evening()
    daytime()
    response = client.get(compare_url("evening", "nope", "daytime"))
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find “nope”" in html
    assert compare_url("evening", "daytime").replace("&", "&amp;") in html


def test_unpublished_program_counts_as_unknown(client):
    evening()
    make_program(slug="hidden", is_published=False)
    assert client.get(compare_url("evening", "hidden")).status_code == 404


def test_malformed_slug_is_a_400(client):
    evening()
    daytime()
    response = client.get(compare_url("evening", "daytime", "<script>"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>" not in html.split("<main", 1)[1].split("</main>")[0]


@pytest.mark.parametrize(
    "query",
    ["p=", "p=&p=", "diff=yes", "near=" + "9" * 300, "p=" + "a" * 300, "p=%00", "p=a&p=b&p=c"],
)
def test_odd_query_strings_never_fail_with_a_server_error(client, query):
    assert client.get(f"{COMPARE}?{query}").status_code < 500


def test_read_selection_keeps_url_order_and_settings():
    selection = read_selection(QueryDict("p=b&p=a&near=22903&diff=1"))
    assert selection.slugs == ["b", "a"]
    assert selection.near == "22903"
    assert selection.only_differences is True
    assert selection.problem == ""


def test_count_differences_counts_differing_rows():
    programs = loaded(evening(), daytime())
    groups = build_rows(programs, [])
    assert count_differences(groups) == sum(row.differs for group in groups for row in group.rows)
    assert count_differences(groups) > 0


# --- Queries ---------------------------------------------------------------------------------


def test_compare_query_count_does_not_grow_with_programs_or_their_facts(
    client, django_assert_max_num_queries
):
    two = [evening(slug="e1"), daytime(slug="d1")]
    four = [
        evening(slug="e2", populations=("adults",), medications=("buprenorphine",)),
        daytime(slug="d2", topics=("stress",)),
        make_program(slug="s1"),
        make_program(slug="s2", conditions={"adhd": "referral", "anxiety": "on_site"}),
    ]
    with django_assert_max_num_queries(7) as small:
        response = client.get(compare_url(*(p.slug for p in two), near="22903"))
        assert response.status_code == 200
    with django_assert_max_num_queries(7) as large:
        response = client.get(compare_url(*(p.slug for p in four), near="22903"))
        assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


# --- Adding a program by its name, without JavaScript (issue 18) ---------------------------


def test_typing_a_programs_name_adds_it_when_only_one_matches(client):
    evening(facility=make_facility(name="Region Ten Community Services Board"))
    daytime(facility=make_facility(name="Blue Ridge Recovery"))
    response = client.get(COMPARE, {"p": "evening", "add": "blue ridge", "near": "22903"})
    assert response.status_code == 302
    assert response["Location"] == f"{COMPARE}?p=evening&p=daytime&near=22903"
    # A pasted page address, or the short name itself, adds its program too.
    pasted = client.get(COMPARE, {"p": "evening", "add": "http://testserver/programs/daytime/"})
    assert pasted["Location"] == f"{COMPARE}?p=evening&p=daytime"


def test_a_name_matching_several_programs_lists_them_to_choose_from(client):
    evening()
    make_program(slug="oak-evening", name="Oak Evening IOP", facility=make_facility(name="Oak"))
    make_program(slug="pine-evening", name="Pine Evening IOP", facility=make_facility(name="Pine"))
    response = client.get(COMPARE, {"p": "evening", "add": "evening"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 programs match “evening”. Choose one to add:" in html
    assert f'<a href="{COMPARE}?p=evening&amp;p=oak-evening">Oak Evening IOP</a>' in html
    assert f'<a href="{COMPARE}?p=evening&amp;p=pine-evening">Pine Evening IOP</a>' in html
    # The program already compared is not offered again.
    assert html.count(">Evening IOP</a>") == 1


def test_a_name_matching_no_program_says_so_and_keeps_the_comparison(client):
    evening()
    daytime()
    response = client.get(COMPARE, {"p": ["evening", "daytime"], "add": "Atlantis"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No program matches “Atlantis”." in html
    assert len(response.context["columns"]) == 2
