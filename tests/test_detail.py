"""The program detail page: every fact grouped by the four criteria, contact, trust, JSON-LD."""

import json
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.facts import intake_questions
from programs.jsonld import facility_json_ld
from programs.models import Source
from programs.templatetags.phone import tel_href
from tests.factories import EVENING_MON_WED_THU, make_facility, make_program

pytestmark = pytest.mark.django_db

NOT_REPORTED = "Not reported - ask at intake"


def rich_program(**fields):
    facility = make_facility(
        name="Blue Ridge Recovery Center",
        phone="(434) 555-0100",
        intake_phone="434-555-0199",
        website="https://blue-ridge.example.org/",
        operation="non_profit",
        payment=("medicaid", "private-insurance", "sliding-scale"),
        languages=("english", "spanish"),
        accreditations=("state-license", "carf"),
    )
    values = {
        "facility": facility,
        "name": "Evening IOP",
        "slug": "evening-iop",
        "format": "hybrid",
        "typical_length_weeks": 10,
        "group_size_max": 10,
        "individual_therapy": True,
        "drug_testing": True,
        "family_program": True,
        "aftercare_planning": True,
        "accepting_new_clients": True,
        "accepting_confirmed_on": timezone.localdate(),
        "offers_mat": True,
        "psychiatric_evaluation": True,
        "medication_management": False,
        "dual_diagnosis": 3,
        "sessions": EVENING_MON_WED_THU,
        "staff": {"psychiatrist": "referral", "lcsw": "on_site"},
        "conditions": {
            "depression": "on_site",
            "ptsd": "referral",
            "eating-disorders": "not_served",
        },
        "modalities": ("cbt", "twelve-step", "yoga"),
        "medications": ("buprenorphine", "naltrexone-injectable"),
        "populations": ("adults",),
        "topics": ("relapse-prevention", "stress"),
    }
    values.update(fields)
    program = make_program(**values)
    role = program.staff_roles.get(credential__slug="lcsw")
    role.leads_groups = True
    role.count = 3
    role.save()
    return program


def sparse_program(**fields):
    """A listing that reports nothing beyond its name and address."""
    return make_program(facility=make_facility(phone="", intake_phone=""), **fields)


class _LdJson(HTMLParser):
    def __init__(self):
        super().__init__()
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        self._inside = tag == "script" and dict(attrs).get("type") == "application/ld+json"

    def handle_endtag(self, tag):
        self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.blocks.append(data)


def ld_json(html: str) -> list[dict]:
    parser = _LdJson()
    parser.feed(html)
    return [json.loads(block) for block in parser.blocks]


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by the heading with this id."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_fully_reported_program_shows_facts_under_the_four_criteria(client):
    program = rich_program()
    html = client.get(program.get_absolute_url()).content.decode()

    where = section(html, "where-when")
    assert "Hybrid (in person and virtual)" in where
    assert "9 hours" in where
    assert "10 weeks" in where
    assert '<th scope="row">Monday</th>' in where
    assert "6:00 PM to 9:00 PM" in where

    staff = section(html, "who-treats")
    assert "Psychiatrist (MD/DO)" in staff and "By referral" in staff
    assert "Licensed clinical social worker (LCSW)" in staff and "On site" in staff
    assert '<th scope="col">Leads groups</th>' in staff

    approach = section(html, "how-treat")
    assert "Evidence-based therapy" in approach and "Cognitive behavioral therapy (CBT)" in approach
    assert "Mutual help and peer support" in approach and "12-step facilitation" in approach
    assert "Naltrexone, monthly injection (Vivitrol)" in approach

    co_occurring = section(html, "co-occurring")
    assert "Dual-diagnosis enhanced" in co_occurring
    depression = co_occurring[co_occurring.index(">Depression<") :]
    assert depression.index("Treated on site") < depression.index("</tr>")
    assert "Not served" in co_occurring

    assert "Sliding fee scale" in section(html, "payment")
    assert "Spanish" in section(html, "languages")
    assert "CARF" in section(html, "licensing")
    assert "Private non-profit" in section(html, "licensing")
    assert "Adults" in section(html, "served")


def test_unknown_facts_show_as_not_reported_never_as_no(client):
    program = sparse_program()
    html = client.get(program.get_absolute_url()).content.decode()

    for heading in ("where-when", "who-treats", "how-treat", "payment", "served", "languages"):
        assert NOT_REPORTED in section(html, heading), heading
    rules = section(html, "rules")
    assert rules.count(NOT_REPORTED) == 3  # testing, taking new clients, typical wait
    assert "fact--no" not in html
    # Every condition row of an unreported program reads "not reported", none reads "not served".
    co_occurring = section(html, "co-occurring")
    assert co_occurring.count(NOT_REPORTED) >= 8 + 3
    assert "Not served" not in co_occurring


def test_a_reported_no_is_shown_as_no(client):
    program = rich_program()
    html = client.get(program.get_absolute_url()).content.decode()
    management = section(html, "co-occurring")
    assert '<span class="fact fact--no"><span aria-hidden="true">✗</span> No</span>' in management


def test_intake_questions_come_from_what_is_not_reported(client):
    sparse = sparse_program()
    html = client.get(sparse.get_absolute_url()).content.decode()
    questions = section(html, "intake-questions")
    assert "Is a psychiatrist or other physician available, on site or by referral?" in questions
    assert "Which insurance do you accept" in questions
    assert "Which days and times do sessions run" in questions

    rich = rich_program()
    assert intake_questions(rich) == []
    html = client.get(rich.get_absolute_url()).content.decode()
    assert "Is a psychiatrist" not in section(html, "intake-questions")


def test_intake_questions_ask_only_about_the_missing_facts():
    program = rich_program(slug="no-doctor", staff={"lcsw": "on_site"}, drug_testing=None)
    questions = intake_questions(program)
    assert any("psychiatrist" in question for question in questions)
    assert any("test for drugs" in question for question in questions)
    assert not any("insurance" in question for question in questions)
    assert not any("days and times" in question for question in questions)


def test_intake_questions_ask_about_conditions_the_program_did_not_report(client):
    program = rich_program()  # reports depression, PTSD and eating disorders only
    questions = section(client.get(program.get_absolute_url()).content.decode(), "intake-questions")
    assert "Do you treat ADHD, anxiety, bipolar disorder, personality disorders or psychotic" in (
        questions
    )
    assert "depression" not in questions


def test_contact_shows_the_facilitys_own_numbers_as_tel_links(client):
    program = rich_program()
    html = client.get(program.get_absolute_url()).content.decode()
    contact = section(html, "contact")
    assert '<a href="tel:+14345550100">(434) 555-0100</a>' in contact
    assert '<a href="tel:+14345550199">434-555-0199</a>' in contact
    assert "https://blue-ridge.example.org/" in contact
    assert "Charlottesville, VA 22903" in contact


@pytest.mark.parametrize(
    "number, href",
    [
        ("(434) 555-0100", "tel:+14345550100"),
        ("1-800-662-4357", "tel:+18006624357"),
        ("434.555.0100 ext. 12", "tel:+14345550100;ext=12"),
        ("no number", ""),
    ],
)
def test_phone_numbers_in_many_shapes_become_dialable_links(number, href):

    assert tel_href(number) == href


def test_missing_phone_numbers_are_not_reported_and_not_linked(client):
    program = sparse_program()
    contact = section(client.get(program.get_absolute_url()).content.decode(), "contact")
    assert "tel:" not in contact
    assert contact.count(NOT_REPORTED) == 3  # main phone, intake phone, website


def test_json_ld_describes_the_facility_and_parses(client):
    program = rich_program()
    html = client.get(program.get_absolute_url()).content.decode()
    (data,) = ld_json(html)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MedicalClinic"
    assert data["name"] == "Blue Ridge Recovery Center"
    assert data["telephone"] == "(434) 555-0100"
    assert data["address"]["postalCode"] == "22903"
    assert data["url"].endswith("/programs/evening-iop/")
    assert data["isAcceptingNewPatients"] is True
    assert data["knowsLanguage"] == ["English", "Spanish"]


def test_json_ld_leaves_out_unreported_facts():

    program = sparse_program()
    data = facility_json_ld(program, "https://example.org/")
    assert "telephone" not in data
    assert "paymentAccepted" not in data
    assert "isAcceptingNewPatients" not in data


def test_json_ld_cannot_close_its_script_element(client):
    facility = make_facility(name="Evil </script><script>alert(1)</script> & Co")
    program = make_program(facility=facility)
    html = client.get(program.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    (data,) = ld_json(html)
    assert data["name"] == "Evil </script><script>alert(1)</script> & Co"


def test_demo_listing_has_badge_banner_and_no_json_ld(client):
    program = make_program(facility=make_facility(source=Source.DEMO))
    html = client.get(program.get_absolute_url()).content.decode()
    assert "Fictional demo listing" in html
    assert 'class="demo-banner"' in html
    assert ld_json(html) == []
    assert '<meta name="robots" content="noindex">' in html


def test_real_listing_has_no_demo_banner(client):
    html = client.get(rich_program().get_absolute_url()).content.decode()
    assert 'class="demo-banner"' not in html
    assert "Fictional demo listing" not in html


def test_trust_block_names_source_and_last_check(client):
    program = rich_program()
    sources = section(client.get(program.get_absolute_url()).content.decode(), "sources")
    assert "IOP Finder curator" in sources
    assert "Oct 1, 2026" in sources


def test_imported_listing_says_which_facts_came_from_the_national_locator(client):
    facility = make_facility(source=Source.FINDTREATMENT, source_id="abc123", last_verified=None)
    program = make_program(facility=facility)
    sources = section(client.get(program.get_absolute_url()).content.decode(), "sources")
    assert "FindTreatment.gov" in sources
    assert "payment accepted" in sources
    assert "does not give schedules, staff" in sources
    assert "Not yet checked by a person" in sources


def test_imported_listing_says_how_old_its_facts_are_not_only_the_import_day(client):
    facility = make_facility(
        source=Source.FINDTREATMENT, source_id="39d6ca2b067e9d7bb435d81d51b2c787",
        last_verified=None, source_published_year=2019,
        source_imported_at=datetime(2026, 12, 1, 15, tzinfo=UTC),
    )  # fmt: skip
    html = client.get(make_program(facility=facility).get_absolute_url()).content.decode()
    sources = section(html, "sources")

    assert "From the national treatment locator, as published around 2019" in sources
    assert "Dec 1, 2026 (the day the import ran, not the facts' date)" in sources
    # The locator's own id is for curators (it is in the admin), not for families.
    assert "39d6ca2b067e9d7bb435d81d51b2c787" not in html


def test_imported_listing_of_unknown_age_says_so(client):
    facility = make_facility(source=Source.FINDTREATMENT, source_id="abc", last_verified=None)
    sources = section(
        client.get(make_program(facility=facility).get_absolute_url()).content.decode(), "sources"
    )
    assert "when it published these facts is not known" in sources
    assert "around" not in sources


def test_locator_languages_read_as_languages_besides_english(client):
    locator = make_facility(source=Source.FINDTREATMENT, source_id="abc", languages=("spanish",))
    curated = make_facility(name="Curated House", languages=("spanish",))
    locator_html = client.get(make_program(facility=locator).get_absolute_url()).content.decode()
    curated_html = client.get(make_program(facility=curated).get_absolute_url()).content.decode()

    assert "Services in languages other than English" in locator_html
    assert "Languages staff speak" not in locator_html
    assert "Spanish" in section(locator_html, "languages")
    assert "Languages staff speak" in curated_html
    assert "languages other than English" not in curated_html


def test_detail_page_offers_add_to_compare_that_works_without_javascript(client):
    program = rich_program()
    html = client.get(program.get_absolute_url()).content.decode()
    link = re.search(r'<a class="compare-toggle" href="([^"]+)"', html)
    assert link and link.group(1) == reverse("programs:compare") + "?p=evening-iop"
    assert 'data-compare-slug="evening-iop"' in html
    assert "js/compare.js" in html


def test_unpublished_program_is_not_found(client):
    hidden = make_program(is_published=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    facility_hidden = make_program(facility=make_facility(is_published=False))
    assert client.get(facility_hidden.get_absolute_url()).status_code == 404


def test_unknown_slug_is_not_found(client):
    assert client.get("/programs/no-such-program/").status_code == 404


def test_detail_query_count_does_not_grow_with_what_a_program_has(
    client, django_assert_max_num_queries
):
    sparse = sparse_program()
    rich = rich_program()
    with django_assert_max_num_queries(7) as sparse_queries:
        assert client.get(sparse.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(7) as rich_queries:
        assert client.get(rich.get_absolute_url()).status_code == 200
    assert len(rich_queries.captured_queries) == len(sparse_queries.captured_queries)


def test_last_verified_date_is_shown_in_words(client):
    program = make_program(facility=make_facility(last_verified=date(2026, 3, 9)))
    sources = section(client.get(program.get_absolute_url()).content.decode(), "sources")
    assert "Mar 9, 2026" in sources
