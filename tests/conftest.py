"""Fixtures shared by the whole suite."""

from datetime import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.utils import translation

from programs.curators import CURATORS_GROUP


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        metavar="ISO-8601",
        help=(
            "run every test with the clock started at this moment (it keeps ticking), "
            "e.g. --clock=2026-12-02T23:30-05:00 for late evening in New York"
        ),
    )


@pytest.fixture(autouse=True)
def _clock(request):
    # No test may depend on the hour it runs at; `--clock` lets a run prove it at any moment.
    moment = request.config.getoption("--clock")
    if not moment:
        yield
        return
    with time_machine.travel(datetime.fromisoformat(moment), tick=True):
        yield


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Production uses whitenoise's manifest storage, which needs `collectstatic` first; tests
    # that check the production setup opt back in explicitly.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _english_outside_requests():
    # A request to a /es/ page leaves Spanish active in the thread (LocaleMiddleware activates
    # the page's language); each test starts in English, so reverse() gives plain addresses.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Tests create users often; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # Public pages and the filters panel are cached under the listings stamp, which a test's
    # rolled-back changes restore to the same value; settings a test overrides, or mocks it
    # installs, are not part of the key. Each test starts from empty caches (every alias: the
    # HSDS lists' kept ids, in "lists", are keyed on the stamp too).

    for alias in settings.CACHES:
        caches[alias].clear()
    yield
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def curator(django_user_model):

    user = django_user_model.objects.create_user(
        "curator", "curator@example.com", "a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=CURATORS_GROUP))
    return user
