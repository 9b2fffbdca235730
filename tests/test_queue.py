"""The curators' work queue in the admin: its order, its reasons, its counts and its cost."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from programs.curation import queue
from programs.models import ImportChange, Report, ReportReason, Resolution
from tests.factories import make_facility, make_program

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
QUEUE = reverse("curation_queue")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def report(program, reason=ReportReason.PHONE, **fields) -> Report:
    return Report.objects.create(
        program=program, facility=program.facility, reason=reason, **fields
    )


def one_of_each():
    """A listing for every reason, plus one in good order that must not appear."""
    make_program(name="Fine", facility=make_facility(name="All Good"))
    reported = make_program(name="Reported IOP", facility=make_facility(name="Reported Place"))
    report(reported, details="Rings a fax machine.")
    make_facility(name="Never Checked", last_verified=None)
    make_facility(name="Long Ago", last_verified=date(2025, 10, 1))
    reimported = make_facility(name="Reimported Place")
    ImportChange.objects.create(
        facility=reimported, field="phone", old_value="(434) 555-0100",
        new_value="(434) 555-0111", changed_at=datetime(2026, 11, 30, 17, tzinfo=UTC),
    )  # fmt: skip
    make_facility(name="Nowhere", latitude=None, longitude=None)
    make_facility(name="Silent", phone="", intake_phone="")
    make_program(
        name="Old Openings",
        facility=make_facility(name="Openings Place"),
        accepting_new_clients=True,
        accepting_confirmed_on=date(2026, 10, 1),
    )


def queue_whys(client) -> list[str]:
    return [row.why for row in client.get(QUEUE).context["queue"].rows]


def test_queue_lists_open_reports_first_then_each_reason_in_order(client, curator):
    one_of_each()
    client.force_login(curator)

    whys = queue_whys(client)

    assert [why.split(" ")[0] for why in whys] == [
        "Reported:", "Never", "Last", "A", "No", "No", "Availability",
    ]  # fmt: skip
    assert whys[0].startswith('Reported: the phone number is wrong - "Rings a fax machine."')
    assert whys[1] == "Never verified by a person"
    assert whys[2] == "Last verified Oct 1, 2025, over 12 months ago"
    assert (
        whys[3] == "A re-import changed main phone: (434) 555-0100 -> (434) 555-0111 (Nov 30, 2026)"
    )
    assert whys[4] == "No coordinates: no place search can find it"
    assert whys[5] == "No phone number for families to call"
    assert whys[6] == "Availability last confirmed Oct 1, 2026, over 30 days ago"


def test_each_row_links_to_the_listing_in_the_admin(client, curator):
    one_of_each()
    client.force_login(curator)
    rows = {row.reason.key: row for row in client.get(QUEUE).context["queue"].rows}

    never = rows["never_verified"]
    assert never.listing.startswith("Never Checked")
    facility_id = int(never.links[0][1].rstrip("/").split("/")[-2])
    assert reverse("admin:programs_facility_change", args=[facility_id]) == never.links[0][1]
    reported = dict(rows["report"].links)
    assert "/admin/programs/report/" in reported["Resolve the report"]
    assert "/admin/programs/program/" in reported["Edit the program"]


def test_listings_in_order_are_not_in_the_queue(client, curator):
    make_program(name="Fine", facility=make_facility(name="All Good"))
    program = make_program(accepting_new_clients=False, accepting_confirmed_on=date(2026, 11, 20))
    report(program, resolution=Resolution.FIXED, resolved_at=TODAY)
    client.force_login(curator)

    response = client.get(QUEUE)

    assert response.context["queue"].rows == []
    assert "Nothing to check" in response.content.decode()


def test_older_reports_come_first(client, curator):
    program = make_program()
    report(program, reason=ReportReason.ADDRESS, created_at=datetime(2026, 11, 30, tzinfo=UTC))
    report(program, reason=ReportReason.CLOSED, created_at=datetime(2026, 11, 1, tzinfo=UTC))
    client.force_login(curator)

    whys = queue_whys(client)

    assert whys[0].startswith("Reported: the listing is closed")
    assert whys[1].startswith("Reported: the address is wrong")


def test_queue_pages_run_on_across_reasons_with_bounded_queries(
    client, curator, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(queue, "PAGE_SIZE", 3)
    for n in range(4):
        report(make_program(name=f"Reported {n}"))
    for n in range(4):
        make_facility(name=f"Never {n}", last_verified=None)
    client.force_login(curator)

    with django_assert_max_num_queries(12):
        second = client.get(QUEUE, {"page": 2})
    rows = second.context["queue"].rows
    assert [row.reason.key for row in rows] == ["report", "never_verified", "never_verified"]
    assert second.context["queue"].pages == 3
    with django_assert_max_num_queries(12):
        last = client.get(QUEUE, {"page": 3})
    assert [row.listing.split(" (")[0] for row in last.context["queue"].rows] == [
        "Never 2", "Never 3",
    ]  # fmt: skip


def test_queue_can_show_one_reason_and_keeps_every_count(client, curator):
    one_of_each()
    client.force_login(curator)

    response = client.get(QUEUE, {"only": "no_phone"})

    assert [row.reason.key for row in response.context["queue"].rows] == ["no_phone"]
    counts = {reason.key: count for reason, count in response.context["reasons"]}
    assert counts == {
        "report": 1, "proposal": 0, "never_verified": 1, "stale": 1, "import_changes": 1,
        "no_coordinates": 1, "approximate": 0, "no_phone": 1, "availability": 1,
    }  # fmt: skip


def test_admin_index_links_to_the_queue_with_counts(client, curator):
    one_of_each()
    client.force_login(curator)

    html = client.get(reverse("admin:index")).content.decode()

    assert f'href="{QUEUE}"' in html
    assert f'<a href="{QUEUE}?only=report">Open reports from visitors</a>: 1' in html


def test_queue_is_for_curators_only(client, django_user_model):
    assert client.get(QUEUE).status_code == 302  # to the admin login
    staff = django_user_model.objects.create_user("helper", password="x" * 20, is_staff=True)
    client.force_login(staff)
    assert client.get(QUEUE).status_code == 403


def test_resolving_a_report_records_who_when_how_and_a_note(client, curator):
    program = make_program()
    open_report = report(program, details="Closed since October.")
    client.force_login(curator)
    url = reverse("admin:programs_report_change", args=[open_report.pk])

    response = client.post(
        url, {"resolution": Resolution.UNCONFIRMED, "resolution_note": "Phone rang out twice."}
    )

    assert response.status_code == 302
    open_report.refresh_from_db()
    assert open_report.resolution == Resolution.UNCONFIRMED
    assert open_report.resolution_note == "Phone rang out twice."
    assert open_report.resolved_by == curator
    assert open_report.resolved_at == TODAY
    # The visitor's words cannot be edited by the curator.
    assert open_report.details == "Closed since October."
    assert queue_whys(client) == []
