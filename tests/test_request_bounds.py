"""One request's work is bounded (issue 16, item 1): a search too big to be a person's is
refused with 400 and a plain message, the biggest search still allowed answers quickly, and a
statement that runs too long answers 503 with Retry-After instead of holding the worker.

The time bounds here are bounds on hostile requests, not benchmarks: the issue's worst URL took
151 s before the limits; docs/robustness.md has the measured figures."""

import time
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection

from programs import middleware
from programs.forms import MAX_CRITERIA
from programs.models import Condition, Credential, Format, Modality

pytestmark = pytest.mark.django_db

BOUND_SECONDS = 2


@pytest.fixture
def demo(db, client):
    call_command("load_demo", verbosity=0)
    # A running server has its templates and modules loaded; the first request loads them.
    client.get("/programs/?near=22903&evening=1")


def issue_worst_params() -> list[tuple[str, str]]:
    """The issue's reproduction: every checkbox, every modality, condition, leader, format."""
    params = [
        ("near", "22903"), ("radius", "100"), ("q", " ".join(["recovery"] * 12)),
        ("evening", "1"), ("weekend", "1"), ("max_hours", "1"), ("physician", "1"),
        ("prescriber", "1"), ("therapist", "1"), ("mat", "1"), ("holistic", "1"),
        ("mutual_help", "1"), ("dual", "3"), ("accepting", "1"), ("state", "VA"),
        ("days", "mon"), ("days", "tue"), ("days", "wed"),
    ]  # fmt: skip
    params += [("modality", slug) for slug in Modality.objects.values_list("slug", flat=True)]
    params += [("condition", slug) for slug in Condition.objects.values_list("slug", flat=True)]
    params += [("leader", slug) for slug in Credential.objects.values_list("slug", flat=True)]
    params += [("format", value) for value, _ in Format.choices if value]
    return params


def biggest_allowed_params() -> list[tuple[str, str]]:
    """The costliest search the limits let through: exactly MAX_CRITERIA criteria, the ones
    with subqueries first (conditions, approaches, leaders), all as must-haves, with a place,
    200 characters of words, a state and every level, so that nothing matches and the page
    also counts its ways out."""
    conditions = list(Condition.objects.values_list("slug", flat=True))[:4]
    modalities = list(Modality.objects.values_list("slug", flat=True))[:4]
    criteria = [("condition", slug) for slug in conditions]
    criteria += [("modality", slug) for slug in modalities]
    criteria += [("leader", Credential.objects.values_list("slug", flat=True)[0])]
    criteria += [("dual", "3"), ("accepting", "1"), ("evening", "1")]
    assert len(criteria) == MAX_CRITERIA
    words = ("recovery family " * 13)[:200]
    must = sorted({name for name, _ in criteria})
    return [
        ("near", "22903"), ("radius", "5"), ("q", words), ("state", "VA"),
        ("level", "iop"), ("level", "php"), ("level", "op"), ("nofit", "1"),
        *criteria, *(("must", name) for name in must),
    ]  # fmt: skip


def timed_get(client, url, tries=3):
    """The answer and the fastest of ``tries`` requests: the machine is shared, and another
    session's burst can stall any one request; bounded work answers in time at least once."""
    best = None
    for _ in range(tries):
        started = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
        if best < BOUND_SECONDS:
            break
    return response, best


@pytest.mark.parametrize("path", ["/programs/", "/api/programs/", "/programs/export.csv"])
def test_the_issues_worst_search_is_refused_at_once_with_a_plain_message(client, demo, path):
    response, seconds = timed_get(client, path + "?" + urlencode(issue_worst_params()))
    assert response.status_code == 400
    assert seconds < BOUND_SECONDS
    assert f"at most {MAX_CRITERIA} wishes at once" in response.content.decode()


def test_the_api_refuses_the_worst_search_in_json(client, demo):
    response = client.get("/api/programs/?" + urlencode(issue_worst_params()))
    assert response["Content-Type"] == "application/json"
    messages = [message for errors in response.json()["errors"].values() for message in errors]
    assert any(f"at most {MAX_CRITERIA} wishes" in message for message in messages)


def test_the_search_page_marks_the_filter_that_went_over_the_limit(client, demo):
    response = client.get("/programs/?" + urlencode(issue_worst_params()))
    assert "accepting" in response.context["form"].errors


@pytest.mark.parametrize("path", ["/programs/", "/api/programs/"])
def test_the_biggest_search_allowed_answers_within_the_bound(client, demo, path):
    response, seconds = timed_get(client, path + "?" + urlencode(biggest_allowed_params()))
    assert response.status_code == 200
    assert seconds < BOUND_SECONDS


def test_an_empty_page_of_the_biggest_search_still_offers_ways_out(client, demo):
    params = [(name, value) for name, value in biggest_allowed_params() if name != "nofit"]
    response = client.get("/programs/?" + urlencode(params))
    assert response.status_code == 200
    assert response.context["relaxations"]


def test_one_more_criterion_than_allowed_is_refused(client, demo):
    params = [*biggest_allowed_params(), ("weekend", "1")]
    response = client.get("/programs/?" + urlencode(params))
    assert response.status_code == 400
    assert "asks for 13" in response.content.decode()


def test_a_program_page_ignores_a_carried_search_that_asks_too_much(client, demo):
    carried = urlencode(issue_worst_params())
    response, seconds = timed_get(client, "/compare/?" + urlencode({"search": carried}))
    assert response.status_code < 500
    assert seconds < BOUND_SECONDS


def test_a_query_string_too_long_to_be_a_search_answers_400_in_words(client):
    response = client.get("/programs/?q=" + "a" * (middleware.MAX_QUERY_STRING + 1))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "too long to be a search" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


def test_a_parameter_repeated_too_often_answers_400_and_json_under_the_api(client):
    repeats = [("days", "mon")] * (middleware.MAX_VALUES_PER_PARAMETER + 1)
    page = client.get("/programs/?" + urlencode(repeats))
    api = client.get("/api/programs/?" + urlencode(repeats))
    assert page.status_code == api.status_code == 400
    assert "at most 25 values of one filter" in page.content.decode()
    assert "days" in api.json()["error"]


def test_the_limits_let_every_filter_of_the_form_through_once(client, demo):
    every_format = [("format", value) for value, _ in Format.choices if value]
    every_day = [("days", day) for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")]
    response = client.get("/programs/?" + urlencode([*every_format, *every_day]))
    assert response.status_code == 200


# --- Statement time limit (PostgreSQL) ---------------------------------------------------------


@pytest.fixture
def statement_limit():
    """The web workers' statement time limit (wsgi.py), 300 ms, on this test's connection."""
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    middleware.limit_statement_time(300)
    yield 300
    middleware.limit_statement_time(0)
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")


def slow_search_queries(execute, sql, params, many, context):
    """Make the database slow for the search's own queries: a real pg_sleep runs first, in
    the same statement-limited session, as a slow plan would."""
    if "programs_program" in sql:
        context["cursor"].execute("SELECT pg_sleep(1)")
    return execute(sql, params, many, context)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/programs/?near=22903", "/api/programs/?near=22903"])
def test_a_statement_past_the_limit_answers_503_with_retry_after(client, statement_limit, path):
    with connection.execute_wrapper(slow_search_queries):
        response, seconds = timed_get(client, path, tries=1)
    assert response.status_code == 503
    assert response["Retry-After"] == str(middleware.RETRY_AFTER)
    assert seconds < BOUND_SECONDS
    body = response.content.decode()
    assert "took longer than we allow" in (response.json()["error"] if "/api/" in path else body)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_limit_is_set_on_every_new_connection(statement_limit):
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "300ms"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_admin_runs_without_the_limit_and_puts_it_back(admin_client, statement_limit):
    seen = []

    def record(execute, sql, params, many, context):
        if "auth_user" in sql and not seen:
            context["cursor"].execute("SHOW statement_timeout")
            seen.append(context["cursor"].fetchone()[0])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert admin_client.get("/admin/").status_code == 200
    assert seen == ["0"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "300ms"
