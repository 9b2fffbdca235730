"""iopfinder.startup: a web worker sets its long-lived objects aside from the garbage collector."""

import gc
import sys

import pytest
from django.conf import settings

from iopfinder.startup import freeze_long_lived_objects
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
