"""iopfinder.startup: a web worker sets its long-lived objects aside from the garbage collector
and answers a bounded number of requests at once; its SQLite connections stay small."""

import gc
import sys
import threading
import time

import pytest
from django.conf import settings
from django.db import connection

from iopfinder.startup import freeze_long_lived_objects, limit_active_requests
from programs import middleware


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_freezing_loads_every_view_module_and_freezes_what_is_loaded(unfrozen):
    freeze_long_lived_objects()

    assert "programs.views.compare" in sys.modules
    assert "programs.views.api" in sys.modules
    assert gc.get_freeze_count() > 10_000


@pytest.fixture
def no_statement_limit_afterwards():
    yield
    # Importing wsgi.py limits statement time for the process; the rest of the suite runs
    # without it, as management commands do.
    middleware.limit_statement_time(0)


def test_the_wsgi_application_is_ready_and_frozen(unfrozen, no_statement_limit_afterwards):
    sys.modules.pop("iopfinder.wsgi", None)
    # Imported inside the test, after the module is dropped, so that loading it runs again.
    from iopfinder import wsgi  # noqa: PLC0415

    assert callable(wsgi.application)
    assert gc.get_freeze_count() > 10_000
    # Web workers limit every statement's time (programs.middleware.limit_statement_time).
    assert middleware._statement_timeout_ms == settings.STATEMENT_TIMEOUT_MS


def concurrency_of(application, requests: int, **environ) -> tuple[int, list]:
    """Call ``application`` from ``requests`` threads at once; the most requests that were inside
    the inner application together, and the answers."""
    inside, most, lock = [0], [0], threading.Lock()

    def inner(environ, start_response):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.05)
        with lock:
            inside[0] -= 1
        start_response("200 OK", [])
        return [environ["PATH_INFO"].encode()]

    wrapped = application(inner)
    answers = []

    def call(number):
        request = {"REQUEST_METHOD": "GET", "PATH_INFO": f"/{number}", **environ}
        answers.append(wrapped(request, lambda *args: None))

    threads = [threading.Thread(target=call, args=(n,)) for n in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return most[0], answers


def test_a_worker_answers_at_most_its_limit_of_requests_at_once_and_every_one_in_turn():
    most, answers = concurrency_of(lambda inner: limit_active_requests(inner, 2), 8)

    assert most == 2
    assert sorted(answers) == sorted([f"/{n}".encode()] for n in range(8))


def test_a_limit_of_zero_leaves_the_application_unlimited():
    most, answers = concurrency_of(lambda inner: limit_active_requests(inner, 0), 6)

    assert most == 6
    assert len(answers) == 6


@pytest.mark.parametrize(
    "environ",
    [{"REQUEST_METHOD": "POST"}, {"PATH_INFO": "/admin/login/"}],
    ids=["a post", "the admin"],
)
def test_writes_and_the_admin_never_wait_behind_the_public_reads(environ):
    most, answers = concurrency_of(lambda inner: limit_active_requests(inner, 2), 6, **environ)

    assert most == 6
    assert len(answers) == 6


def test_the_web_workers_limit_their_requests_at_once_by_default():
    assert settings.ACTIVE_REQUESTS == 2


# Skipped before the database is set up: an open PostgreSQL connection left behind would meet
# the statement limit of the wsgi test above.
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="SQLite only"
)
@pytest.mark.django_db
def test_sqlite_connections_keep_a_small_page_cache_and_statement_cache():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == -settings.SQLITE_CACHE_KB == -256
    assert connection.settings_dict["OPTIONS"]["cached_statements"] == 16
