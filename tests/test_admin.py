"""Curation in the Django admin, for superusers and for members of the Curators group."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from programs.models import Condition, Credential, Facility, Program
from tests.admin_forms import change_form_data, form_errors
from tests.factories import EVENING_MON_WED_THU, make_facility, make_program

pytestmark = pytest.mark.django_db

FACILITY_LIST = reverse("admin:programs_facility_changelist")
PROGRAM_LIST = reverse("admin:programs_program_changelist")
# Session, user, the two counts, one page of rows with their facilities (5 today).
QUERIES_PER_LIST_PAGE = 6


@pytest.fixture(params=["superuser", "curator"])
def staff_client(request, client, admin_user, curator):
    """A logged-in client, once as a superuser and once as a curator."""
    user = admin_user if request.param == "superuser" else curator
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def listings():
    today = timezone.localdate()
    virginia = make_facility(name="Blue Ridge Test House", last_verified=today - timedelta(days=10))
    texas = make_facility(
        name="Lone Star Test Clinic", city="Austin", state="TX", zip_code="78701",
        latitude=30.2713, longitude=-97.7426, last_verified=today - timedelta(days=400),
        is_published=False, source="demo", source_id="demo-777",
    )  # fmt: skip
    ohio = make_facility(
        name="Buckeye Unverified Place", city="Columbus", state="OH", zip_code="43215",
        latitude=39.9671, longitude=-83.0044, last_verified=None, operation="government",
    )  # fmt: skip
    return {
        "virginia": virginia,
        "texas": texas,
        "ohio": ohio,
        "evening_iop": make_program(
            facility=virginia,
            name="Evening Test IOP",
            level_of_care="iop",
            format="in_person",
            dual_diagnosis=3,
            sessions=EVENING_MON_WED_THU,
        ),  # fmt: skip
        "day_php": make_program(
            facility=virginia, name="Day Test PHP", level_of_care="php", format="hybrid"
        ),
        "virtual_op": make_program(
            facility=texas,
            name="Virtual Test OP",
            level_of_care="op",
            format="virtual",
            is_published=False,
        ),  # fmt: skip
        "ohio_iop": make_program(facility=ohio, name="Buckeye Test IOP", format=""),
    }


def names_listed(response) -> set[str]:
    assert response.status_code == 200, response.status_code
    return {str(getattr(obj, "name", obj)) for obj in response.context["cl"].result_list}


# --- List pages and their filters --------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Blue Ridge Test House", "Lone Star Test Clinic", "Buckeye Unverified Place"}),
        ("state__exact=TX", {"Lone Star Test Clinic"}),
        ("is_published__exact=0", {"Lone Star Test Clinic"}),
        ("verified=90", {"Blue Ridge Test House"}),
        ("verified=stale", {"Lone Star Test Clinic"}),
        ("verified=never", {"Buckeye Unverified Place"}),
        ("source__exact=demo", {"Lone Star Test Clinic"}),
        ("operation__exact=government", {"Buckeye Unverified Place"}),
        ("programs__level_of_care__exact=php", {"Blue Ridge Test House"}),
        ("programs__format__exact=virtual", {"Lone Star Test Clinic"}),
        (
            "programs__level_of_care__exact=iop",
            {"Blue Ridge Test House", "Buckeye Unverified Place"},
        ),
        ("q=Austin", {"Lone Star Test Clinic"}),
    ],
)
def test_facility_list_filters_and_search_pick_the_right_facilities(
    staff_client, listings, query, expected
):
    response = staff_client.get(f"{FACILITY_LIST}?{query}")
    assert names_listed(response) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("facility__state__exact=VA", {"Evening Test IOP", "Day Test PHP"}),
        ("level_of_care__exact=op", {"Virtual Test OP"}),
        ("format__exact=hybrid", {"Day Test PHP"}),
        ("dual_diagnosis__exact=3", {"Evening Test IOP"}),
        ("is_published__exact=0", {"Virtual Test OP"}),
        ("facility__is_published__exact=0", {"Virtual Test OP"}),
        ("verified=90", {"Evening Test IOP", "Day Test PHP"}),
        ("verified=never", {"Buckeye Test IOP"}),
        ("facility__source__exact=demo", {"Virtual Test OP"}),
        ("q=Buckeye", {"Buckeye Test IOP"}),
    ],
)
def test_program_list_filters_and_search_pick_the_right_programs(
    staff_client, listings, query, expected
):
    response = staff_client.get(f"{PROGRAM_LIST}?{query}")
    assert names_listed(response) == expected


def test_program_list_query_count_does_not_grow_with_programs(
    admin_client, listings, django_assert_max_num_queries
):
    for n in range(30):
        make_program(facility=listings["virginia"], name=f"Extra Program {n}")
    with django_assert_max_num_queries(QUERIES_PER_LIST_PAGE):
        response = admin_client.get(PROGRAM_LIST)
    assert len(response.context["cl"].result_list) == 34


def test_facility_list_query_count_does_not_grow_with_facilities(
    admin_client, listings, django_assert_max_num_queries
):
    for n in range(30):
        make_facility(name=f"Extra Facility {n}")
    with django_assert_max_num_queries(QUERIES_PER_LIST_PAGE):
        response = admin_client.get(FACILITY_LIST)
    assert len(response.context["cl"].result_list) == 33


# --- Editing a program with its inline rows ----------------------------------------------


def test_program_change_page_shows_derived_figures_read_only(staff_client, listings):
    program = listings["evening_iop"]
    response = staff_client.get(reverse("admin:programs_program_change", args=[program.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert not {"hours_per_week", "has_evening", "has_weekend", "days_mask"} & set(form.fields)
    assert 'name="hours_per_week"' not in response.content.decode()
    assert "9.0" in response.content.decode()


def test_saving_a_program_with_inline_rows_recomputes_hours_per_week(staff_client, listings):
    program = listings["evening_iop"]
    url = reverse("admin:programs_program_change", args=[program.pk])
    data = change_form_data(staff_client.get(url))
    assert data["sessions-TOTAL_FORMS"] == "4"  # three sessions and one blank row

    data["sessions-0-end"] = "20:00:00"  # Monday now ends an hour earlier: 8 hours
    data.update({"sessions-3-weekday": "5", "sessions-3-start": "09:00", "sessions-3-end": "12:30",
                 "sessions-3-track": "Saturday"})  # fmt: skip
    psychiatrist = Credential.objects.get(slug="psychiatrist")
    data.update({"staff_roles-0-credential": str(psychiatrist.pk),
                 "staff_roles-0-availability": "on_site", "staff_roles-0-count": "2"})  # fmt: skip
    ptsd = Condition.objects.get(slug="ptsd")
    data.update({"condition_support-0-condition": str(ptsd.pk),
                 "condition_support-0-support": "referral"})  # fmt: skip
    data["hours_per_week"] = "40"  # a derived figure: must be ignored
    data["name"] = "Evening and Saturday Test IOP"

    response = staff_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    program.refresh_from_db()
    assert program.name == "Evening and Saturday Test IOP"
    assert program.hours_per_week == Decimal("11.5")
    assert (program.has_evening, program.has_weekend) == (True, True)
    assert program.schedule_days == ["Mon", "Wed", "Thu", "Sat"]
    assert list(program.staff_roles.values_list("credential__slug", "availability", "count")) == [
        ("psychiatrist", "on_site", 2)
    ]
    assert list(program.condition_support.values_list("condition__slug", "support")) == [
        ("ptsd", "referral")
    ]
    entry = LogEntry.objects.get(object_id=str(program.pk), action_flag=CHANGE)
    assert entry.user == staff_client.user


def test_deleting_sessions_inline_recomputes_hours_per_week(staff_client, listings):
    program = listings["evening_iop"]
    url = reverse("admin:programs_program_change", args=[program.pk])
    data = change_form_data(staff_client.get(url))
    data["sessions-0-DELETE"] = "on"
    data["sessions-1-DELETE"] = "on"

    response = staff_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    program.refresh_from_db()
    assert program.hours_per_week == Decimal("3.0")
    assert program.schedule_days == ["Thu"]


def test_session_ending_before_it_starts_is_refused_with_a_message(staff_client, listings):
    program = listings["evening_iop"]
    url = reverse("admin:programs_program_change", args=[program.pk])
    data = change_form_data(staff_client.get(url))
    data["sessions-0-end"] = "17:00:00"

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "Please correct the error" in response.content.decode()
    program.refresh_from_db()
    assert program.hours_per_week == Decimal("9.0")


def test_autocomplete_finds_facilities_and_credentials(staff_client, listings):
    autocomplete = reverse("admin:autocomplete")
    response = staff_client.get(
        autocomplete,
        {"app_label": "programs", "model_name": "program", "field_name": "facility",
         "term": "Lone"},
    )  # fmt: skip
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Lone Star Test Clinic (Austin, TX)"]
    response = staff_client.get(
        autocomplete,
        {"app_label": "programs", "model_name": "staffrole", "field_name": "credential",
         "term": "psychiatr"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Psychiatrist (MD/DO)" in [r["text"] for r in response.json()["results"]]


# --- Bulk actions ------------------------------------------------------------------------


def run_action(client, url, action, objects, follow=False):
    data = {"action": action, "_selected_action": [o.pk for o in objects]}
    return client.post(url, data, follow=follow)


def history_of(client, obj) -> str:
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def change_entries(obj):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        action_flag=CHANGE,
    )


def test_publish_action_publishes_programs_and_logs_each_change(staff_client, listings):
    unpublished, already = listings["virtual_op"], listings["day_php"]
    # A program waits for its facility (Program.ready_to_publish): publish the facility first.
    Facility.objects.filter(pk=unpublished.facility_id).update(is_published=True)

    response = run_action(staff_client, PROGRAM_LIST, "publish", [unpublished, already])

    assert response.status_code == 302
    unpublished.refresh_from_db()
    assert unpublished.is_published is True
    (entry,) = change_entries(unpublished)
    assert entry.user == staff_client.user
    assert entry.change_message == "Published (bulk action)."
    assert not change_entries(already).exists()  # nothing changed, nothing logged
    assert "Published (bulk action)." in history_of(staff_client, unpublished)


def test_publish_action_leaves_a_program_whose_facility_is_unpublished_and_says_why(
    staff_client, listings
):
    waiting = listings["virtual_op"]  # its facility (texas) is not published

    response = run_action(staff_client, PROGRAM_LIST, "publish", [waiting], follow=True)

    waiting.refresh_from_db()
    assert waiting.is_published is False
    assert not change_entries(waiting).exists()
    assert "1 not published: a program needs its facility published" in response.content.decode()


def test_unpublish_action_unpublishes_programs_and_logs_each_change(staff_client, listings):
    programs = [listings["evening_iop"], listings["day_php"]]

    run_action(staff_client, PROGRAM_LIST, "unpublish", programs)

    for program in programs:
        program.refresh_from_db()
        assert program.is_published is False
        assert change_entries(program).get().change_message == "Unpublished (bulk action)."
    assert "Unpublished (bulk action)." in history_of(staff_client, programs[0])


def test_facility_publish_and_unpublish_actions_log_each_change(staff_client, listings):
    texas, ohio = listings["texas"], listings["ohio"]

    run_action(staff_client, FACILITY_LIST, "publish", [texas])
    run_action(staff_client, FACILITY_LIST, "unpublish", [ohio])

    texas.refresh_from_db()
    ohio.refresh_from_db()
    assert (texas.is_published, ohio.is_published) == (True, False)
    assert change_entries(texas).get().change_message == "Published (bulk action)."
    assert change_entries(ohio).get().change_message == "Unpublished (bulk action)."
    assert "Unpublished (bulk action)." in history_of(staff_client, ohio)


def test_mark_verified_today_on_facilities_sets_the_date_and_logs_it(staff_client, listings):
    today = timezone.localdate()
    stale, never, fresh = listings["texas"], listings["ohio"], listings["virginia"]
    fresh.last_verified = today
    fresh.save()

    response = run_action(staff_client, FACILITY_LIST, "mark_verified_today", [stale, never, fresh])

    assert response.status_code == 302
    follow = staff_client.get(response["Location"])
    assert "2 facilities marked as verified today. 1 needed no change." in follow.content.decode()
    message = f"Marked as verified on {today:%Y-%m-%d} (bulk action)."
    for facility in (stale, never):
        facility.refresh_from_db()
        assert facility.last_verified == today
        assert change_entries(facility).get().change_message == message
    assert not change_entries(fresh).exists()
    assert message in history_of(staff_client, never)


def test_mark_verified_today_on_programs_verifies_their_facilities(staff_client, listings):
    today = timezone.localdate()
    program = listings["virtual_op"]

    run_action(staff_client, PROGRAM_LIST, "mark_verified_today", [program])

    facility = Facility.objects.get(pk=program.facility_id)
    assert facility.last_verified == today
    assert change_entries(facility).get().user == staff_client.user
    assert listings["ohio"].last_verified is None
    assert not change_entries(listings["ohio"]).exists()


def test_staff_with_view_permission_only_cannot_run_bulk_actions(
    client, django_user_model, listings
):
    viewer = django_user_model.objects.create_user("viewer", password="x" * 20, is_staff=True)
    viewer.user_permissions.set(
        Permission.objects.filter(codename__in=["view_program", "view_facility"])
    )
    client.force_login(viewer)
    response = client.get(PROGRAM_LIST)
    assert response.status_code == 200
    assert response.context["action_form"] is None  # no action is offered at all

    run_action(client, PROGRAM_LIST, "publish", [listings["virtual_op"]])

    listings["virtual_op"].refresh_from_db()
    assert listings["virtual_op"].is_published is False
    assert not LogEntry.objects.exists()


def test_bulk_delete_asks_for_confirmation_before_deleting(staff_client, listings):
    program = listings["day_php"]

    response = run_action(staff_client, PROGRAM_LIST, "delete_selected", [program])

    assert response.status_code == 200
    assert "Are you sure you want to delete the selected program?" in response.content.decode()
    assert Program.objects.filter(pk=program.pk).exists()


# --- Who may use the admin ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    ["auth_user_changelist", "auth_user_add", "auth_group_changelist", "auth_group_add"],
)
def test_curator_is_forbidden_from_user_and_group_admin(client, curator, url_name):
    client.force_login(curator)
    assert client.get(reverse(f"admin:{url_name}")).status_code == 403


def test_curator_cannot_open_or_change_any_user_or_group(client, curator, admin_user):
    client.force_login(curator)
    group = Group.objects.get(name="Curators")
    for url in [
        reverse("admin:auth_user_change", args=[admin_user.pk]),
        reverse("admin:auth_user_change", args=[curator.pk]),
        reverse("admin:auth_user_password_change", args=[curator.pk]),
        reverse("admin:auth_group_change", args=[group.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("admin:auth_user_change", args=[curator.pk]),
        {"username": "curator", "is_superuser": "on", "is_staff": "on"},
    )
    assert response.status_code == 403
    curator.refresh_from_db()
    assert curator.is_superuser is False


def test_permissions_have_no_admin_page_for_anyone(client, curator, admin_user):
    for user in (curator, admin_user):
        client.force_login(user)
        assert client.get("/admin/auth/permission/").status_code == 404


def test_admin_index_lists_listings_but_not_users_or_groups_for_a_curator(client, curator):
    client.force_login(curator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    apps = {app["app_label"]: app for app in response.context["app_list"]}
    assert "auth" not in apps
    assert {"Facility", "Program"} <= {model["object_name"] for model in apps["programs"]["models"]}
    html = response.content.decode()
    assert reverse("admin:auth_user_changelist") not in html
    assert reverse("admin:auth_group_changelist") not in html


def test_admin_index_lists_users_and_groups_for_a_superuser(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert reverse("admin:auth_user_changelist") in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [reverse("admin:index"), PROGRAM_LIST, FACILITY_LIST, reverse("admin:auth_user_changelist")],
)
def test_anonymous_visitor_is_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_visitor_cannot_run_actions(client, listings):
    response = run_action(client, PROGRAM_LIST, "publish", [listings["virtual_op"]])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    listings["virtual_op"].refresh_from_db()
    assert listings["virtual_op"].is_published is False
