"""Provider updates: a signed, expiring, revocable link; proposals applied field by field."""

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.core import signing
from django.urls import reverse

from programs.models import (
    ProposalStatus,
    ProviderLink,
    ProviderProposal,
    Session,
)
from tests.factories import make_facility, make_program
from tests.form_html import errors_next_to

pytestmark = pytest.mark.django_db

MADE = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def program():
    facility = make_facility(name="Harbor House", payment=("medicaid",), languages=("english",))
    return make_program(
        facility=facility,
        name="Evening IOP",
        sessions=((0, "18:00", "21:00"), (2, "18:00", "21:00")),
        staff={"lcsw": "on_site"},
        conditions={"depression": "on_site"},
        accepting_new_clients=False,
        accepting_confirmed_on=date(2026, 9, 1),
    )


@pytest.fixture
def link(program, curator):
    with time_machine.travel(MADE, tick=False):
        return ProviderLink.objects.create(facility=program.facility, created_by=curator)


def form_data(program, **changes) -> dict:
    """The provider form as it arrives unchanged, with ``changes`` on top."""
    data = {
        "program": program.slug,
        "accepting": "",
        "wait_days": "",
        "sessions": "Mon 18:00-21:00\nWed 18:00-21:00",
        "payment_types": ["medicaid"],
        "languages": ["english"],
        "staff_lcsw": "on_site",
        "condition_depression": "on_site",
        "submitted_by": "",
    }
    data.update(changes)
    return data


def propose(client, link, program, **changes):
    with time_machine.travel(MADE + timedelta(days=3), tick=False):
        return client.post(link.get_absolute_url(), form_data(program, **changes))


def test_the_link_opens_the_form_filled_with_what_the_listing_says(client, link, program):
    with time_machine.travel(MADE + timedelta(days=1), tick=False):
        response = client.get(link.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Update Evening IOP" in html
    assert "Mon 18:00-21:00\nWed 18:00-21:00" in html
    assert "no-store" in response["Cache-Control"]


def test_a_proposal_changes_nothing_and_lists_each_changed_field(client, link, program):
    response = propose(
        client, link, program,
        accepting="yes", wait_days="7", sessions="Mon 18:00-21:00\nThu 17:00-20:00 Evening",
        staff_psychiatrist="referral", languages=["english", "spanish"],
        submitted_by="Dana, intake coordinator",
    )  # fmt: skip

    assert response.status_code == 200
    proposal = ProviderProposal.objects.get()
    assert proposal.status == ProposalStatus.OPEN
    assert proposal.submitted_by == "Dana, intake coordinator"
    changes = {change["field"]: change for change in proposal.changes}
    assert set(changes) == {
        "accepting_new_clients", "typical_wait_days", "sessions", "staff_roles", "languages",
    }  # fmt: skip
    assert changes["accepting_new_clients"]["new"] == {"value": True, "confirmed_on": "2026-12-05"}
    assert changes["sessions"]["new"] == [
        [0, "18:00", "21:00", ""],
        [3, "17:00", "20:00", "Evening"],
    ]
    # The listing is untouched until a curator applies the proposal.
    program.refresh_from_db()
    assert program.accepting_new_clients is False
    assert program.sessions.count() == 2
    assert list(program.facility.languages.values_list("slug", flat=True)) == ["english"]


def test_an_unchanged_form_is_refused(client, link, program):
    response = propose(client, link, program)

    assert response.status_code == 400
    assert "Nothing has changed" in response.content.decode()
    assert ProviderProposal.objects.count() == 0


def test_a_bad_schedule_line_is_refused_next_to_the_field(client, link, program):
    response = propose(client, link, program, sessions="Mon 21:00-18:00\nsometimes")

    assert response.status_code == 400
    errors = errors_next_to(response.content.decode(), "sessions")
    assert "must end after it starts" in errors
    assert "Line 2 (&quot;sometimes&quot;)" in errors
    assert ProviderProposal.objects.count() == 0


def test_a_curator_applies_some_fields_and_leaves_the_others(client, link, program, curator):
    propose(
        client, link, program,
        accepting="yes", sessions="Tue 09:00-12:00", payment_types=["medicaid", "self-pay"],
        condition_depression="referral",
    )  # fmt: skip
    proposal = ProviderProposal.objects.get()
    client.force_login(curator)
    url = reverse("admin:programs_providerproposal_change", args=[proposal.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Not accepting new clients (last confirmed Sep 1, 2026 - ask)" in page.content.decode()

    with time_machine.travel(MADE + timedelta(days=4), tick=False):
        response = client.post(url, {"apply": ["accepting_new_clients", "sessions"]})

    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.accepting_new_clients, program.accepting_confirmed_on) == (
        True,
        date(2026, 12, 5),
    )
    assert [(s.weekday, s.start, s.end) for s in program.sessions.all()] == [(1, time(9), time(12))]
    assert program.hours_per_week == 3  # the schedule figures follow the applied sessions
    # The fields left unticked are not applied.
    assert list(program.facility.payment_types.values_list("slug", flat=True)) == ["medicaid"]
    assert program.condition_support.get().support == "on_site"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PARTLY
    assert proposal.applied_fields == ["accepting_new_clients", "sessions"]
    assert proposal.reviewed_by == curator


def test_applying_everything_covers_staff_conditions_payment_and_languages(
    client, link, program, curator
):
    propose(
        client, link, program,
        staff_lcsw="", staff_psychiatrist="on_site", condition_depression="referral",
        condition_ptsd="on_site", payment_types=["self-pay"], languages=["spanish"],
        wait_days="10",
    )  # fmt: skip
    proposal = ProviderProposal.objects.get()
    client.force_login(curator)
    url = reverse("admin:programs_providerproposal_change", args=[proposal.pk])
    keys = [change["field"] for change in proposal.changes]

    client.post(url, {"apply": keys})

    program.refresh_from_db()
    assert {r.credential.slug: r.availability for r in program.staff_roles.all()} == {
        "psychiatrist": "on_site"
    }
    assert {c.condition.slug: c.support for c in program.condition_support.all()} == {
        "depression": "referral",
        "ptsd": "on_site",
    }
    assert list(program.facility.payment_types.values_list("slug", flat=True)) == ["self-pay"]
    assert list(program.facility.languages.values_list("slug", flat=True)) == ["spanish"]
    assert (program.typical_wait_days, program.wait_confirmed_on) == (10, date(2026, 12, 5))
    assert ProviderProposal.objects.get().status == ProposalStatus.APPLIED


def test_review_warns_when_the_listing_changed_since_the_provider_saw_it(
    client, link, program, curator
):
    propose(client, link, program, sessions="Tue 09:00-12:00", payment_types=["self-pay"])
    program.facility.payment_types.set([])
    client.force_login(curator)
    url = reverse(
        "admin:programs_providerproposal_change", args=[ProviderProposal.objects.get().pk]
    )

    rows = {row.key: row for row in client.get(url).context["rows"]}

    assert rows["payment_types"].changed_since and rows["payment_types"].now_text == "Not reported"
    assert not rows["sessions"].changed_since
    assert rows["sessions"].old_text == "Mon 18:00-21:00; Wed 18:00-21:00"
    assert rows["sessions"].new_text == "Tue 09:00-12:00"


def test_applying_facility_wide_fields_is_written_to_both_histories(client, link, program, curator):
    propose(client, link, program, languages=["english", "spanish"])
    client.force_login(curator)
    proposal = ProviderProposal.objects.get()

    client.post(
        reverse("admin:programs_providerproposal_change", args=[proposal.pk]),
        {"apply": ["languages"]},
    )

    logged = {(e.content_type.model, e.object_id) for e in LogEntry.objects.all()}
    assert logged == {("program", str(program.pk)), ("facility", str(program.facility_id))}


def test_a_rejected_proposal_changes_nothing(client, link, program, curator):
    propose(client, link, program, accepting="yes")
    proposal = ProviderProposal.objects.get()
    client.force_login(curator)

    client.post(
        reverse("admin:programs_providerproposal_change", args=[proposal.pk]), {"reject": "1"}
    )

    program.refresh_from_db()
    assert program.accepting_new_clients is False
    assert ProviderProposal.objects.get().status == ProposalStatus.REJECTED
    assert Session.objects.filter(program=program).count() == 2


def test_an_open_proposal_is_in_the_work_queue(client, link, program, curator):
    propose(client, link, program, accepting="yes", submitted_by="Dana")
    client.force_login(curator)

    rows = client.get(reverse("curation_queue")).context["queue"].rows

    assert rows[0].reason.key == "proposal"
    assert rows[0].why == "Provider update from Dana: accepting new clients"


def test_an_expired_link_answers_403(client, link):
    with time_machine.travel(MADE + timedelta(days=30, seconds=1), tick=False):
        response = client.get(link.get_absolute_url())

    assert response.status_code == 403
    assert "expired" in response.content.decode()


def test_a_link_still_works_on_its_last_day(client, link):
    with time_machine.travel(MADE + timedelta(days=29, hours=23), tick=False):
        assert client.get(link.get_absolute_url()).status_code == 200


def test_a_tampered_link_answers_403(client, link, program):
    other = make_facility(name="Someone Else")
    token = link.token
    payload, stamp, signature = token.split(":")
    # The same signature over a payload naming another facility.
    forged_payload = signing.b64_encode(
        json.dumps({"link": link.pk, "facility": other.pk}, separators=(",", ":")).encode()
    ).decode()
    forged = f"{forged_payload}:{stamp}:{signature}"
    for bad in (f"{payload}:{stamp}:{signature[:-2]}xx", token + "x", "abc", forged):
        url = reverse("curation:provider_update", args=[bad])
        with time_machine.travel(MADE + timedelta(days=1), tick=False):
            assert client.get(url).status_code == 403, bad
            assert client.post(url, form_data(program, accepting="yes")).status_code == 403
    assert ProviderProposal.objects.count() == 0


def test_a_revoked_link_answers_403(client, link, curator):
    client.force_login(curator)
    client.post(
        reverse("admin:programs_providerlink_changelist"),
        {"action": "revoke", "_selected_action": [link.pk]},
    )
    client.logout()

    with time_machine.travel(MADE + timedelta(days=1), tick=False):
        response = client.get(link.get_absolute_url())

    assert response.status_code == 403
    assert "withdrawn" in response.content.decode()


def test_a_curator_creates_a_link_and_sees_it_to_send(client, program, curator):
    client.force_login(curator)
    response = client.post(
        reverse("admin:programs_providerlink_add"), {"facility": program.facility_id}
    )
    assert response.status_code == 302
    link = ProviderLink.objects.get()
    assert link.created_by == curator

    page = client.get(reverse("admin:programs_providerlink_change", args=[link.pk]))

    assert f"http://testserver{link.get_absolute_url()}" in page.content.decode()


def test_the_spanish_provider_form_asks_and_refuses_in_spanish(client, link, program):
    url = "/es" + link.get_absolute_url()
    with time_machine.travel(MADE + timedelta(days=3), tick=False):
        page = client.get(url).content.decode()
        assert "¿Aceptan hoy pacientes nuevos en este programa?" in page
        assert "Horario semanal" in page
        response = client.post(
            url, form_data(program, sessions="Mon 21:00-18:00\nMon 18:00-21:00\nMon 18:00-21:00")
        )
    assert response.status_code == 400
    errors = errors_next_to(response.content.decode(), "sessions")
    assert "Línea 1: la sesión debe terminar después de empezar." in errors
    # The days are typed in English in both languages: the sample line stays as it is.
    assert "Mon 18:00-21:00" in response.content.decode()
    assert ProviderProposal.objects.count() == 0
