"""What the site dates, at 23:30 in New York: the UTC date is already tomorrow, the site's is not.

Everything here runs under a frozen clock, so it passes at any hour; run the whole suite at a
chosen moment with ``pytest --clock=2026-12-02T23:30-05:00`` (see ``tests/conftest.py``).
"""

import csv
import io
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from programs.models import Program, Source
from tests.clock import LATE_EVENING_NEW_YORK
from tests.factories import make_facility, make_program
from tests.search_listings import SAMPLE

pytestmark = pytest.mark.django_db

TODAY_IN_NEW_YORK = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def late_evening(time_machine):
    time_machine.move_to(LATE_EVENING_NEW_YORK, tick=False)
    assert timezone.now().date() == date(2026, 12, 3)  # UTC has moved on


@pytest.fixture
def imported():
    call_command("import_findtreatment", str(SAMPLE), stdout=io.StringIO())
    return Program.objects.filter(facility__source=Source.FINDTREATMENT).order_by("slug").first()


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_program_page_dates_an_import_by_the_sites_day(client, imported):
    html = client.get(imported.get_absolute_url()).content.decode()

    assert "Dec 2, 2026" in html
    assert "Dec 3, 2026" not in html


def test_csv_dates_imports_and_the_file_itself_by_the_sites_day(client, imported):
    response = client.get("/programs/export.csv")

    assert 'filename="iop-finder-programs-2026-12-02.csv"' in response["Content-Disposition"]
    dates = {row["Imported from source on"] for row in csv_rows(response)}
    assert dates == {"2026-12-02"}


def test_api_gives_the_moment_of_import_which_is_today_in_new_york(client, imported):
    results = client.get("/api/programs/").json()["results"]

    moments = {r["facility"]["source_imported_at"] for r in results}
    moments.discard(None)
    assert moments
    for moment in moments:
        assert timezone.localdate(datetime.fromisoformat(moment)) == TODAY_IN_NEW_YORK


def test_mark_verified_today_uses_the_sites_day(admin_client):
    facility = make_facility(last_verified=None)
    make_program(facility=facility)

    admin_client.post(
        reverse("admin:programs_facility_changelist"),
        {"action": "mark_verified_today", "_selected_action": [facility.pk]},
    )

    facility.refresh_from_db()
    assert facility.last_verified == TODAY_IN_NEW_YORK


def test_verified_in_the_last_90_days_counts_from_the_sites_day(admin_client):
    # 90 days before December 2 is September 3; counted from the UTC date it would be the 4th.
    make_facility(name="Checked Ninety Days Ago", last_verified=date(2026, 9, 3))
    make_facility(name="Checked Ninety-One Days Ago", last_verified=date(2026, 9, 2))

    html = admin_client.get(reverse("admin:programs_facility_changelist") + "?verified=90")

    content = html.content.decode()
    assert "Checked Ninety Days Ago" in content
    assert "Checked Ninety-One Days Ago" not in content
