"""Small factory functions for tests: each makes a valid object and takes overrides.

Lookup rows (credentials, conditions, payment types...) come from the app's migration, so
factories refer to them by slug.
"""

import importlib
import itertools
from datetime import date, time

from django.apps import apps

from programs.curators import ensure_curators_group
from programs.geo import MILES_PER_DEGREE_LATITUDE
from programs.models import (
    Accreditation,
    Condition,
    ConditionSupport,
    Credential,
    Facility,
    GroupTopic,
    Language,
    Medication,
    Modality,
    PaymentType,
    Population,
    Program,
    Session,
    Source,
    StaffRole,
)

_counter = itertools.count(1)

CVILLE = (38.0339, -78.4924)  # the centroid of ZIP 22903, where the factories put facilities


def north_of_cville(miles: float) -> dict:
    """Facility coordinates ``miles`` due north of ZIP 22903's centroid."""

    return {"latitude": CVILLE[0] + miles / MILES_PER_DEGREE_LATITUDE, "longitude": CVILLE[1]}


def restore_migrated_rows() -> None:
    """Put back the rows migrations create: the lookup lists (with their Spanish names) and the
    Curators group.

    A live-server test flushes the database afterwards, and serialized rollback cannot restore
    them once Playwright runs: its event loop makes Django hand the test a different connection
    object, one without the serialized copy (pytest-django issue #1117). Idempotent.
    """

    importlib.import_module("programs.migrations.0002_lookup_lists").load(apps, None)
    importlib.import_module(
        "programs.migrations.0016_lookup_spanish_names_shipped"
    ).fill_spanish_names(apps, None)
    ensure_curators_group()


def _parse_time(value) -> time:
    if isinstance(value, time):
        return value
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def make_facility(
    *,
    payment: tuple[str, ...] = (),
    languages: tuple[str, ...] = (),
    accreditations: tuple[str, ...] = (),
    **fields,
) -> Facility:
    n = next(_counter)
    values = {
        "name": f"Test Facility {n}",
        "slug": f"test-facility-{n}",
        "street1": f"{n} Main Street",
        "city": "Charlottesville",
        "state": "VA",
        "zip_code": "22903",
        "latitude": 38.0339,
        "longitude": -78.4924,
        "phone": "(434) 555-0100",
        "source": Source.CURATOR,
        "last_verified": date(2026, 10, 1),
        "is_published": True,
    }
    values.update(fields)
    facility = Facility.objects.create(**values)
    if payment:
        facility.payment_types.set(PaymentType.objects.filter(slug__in=payment))
    if languages:
        facility.languages.set(Language.objects.filter(slug__in=languages))
    if accreditations:
        facility.accreditations.set(Accreditation.objects.filter(slug__in=accreditations))
    return facility


def make_program(
    *,
    facility: Facility | None = None,
    sessions: tuple = (),
    staff: dict[str, str] | None = None,
    conditions: dict[str, str] | None = None,
    modalities: tuple[str, ...] = (),
    medications: tuple[str, ...] = (),
    populations: tuple[str, ...] = (),
    topics: tuple[str, ...] = (),
    **fields,
) -> Program:
    """Make a program. ``sessions`` is a tuple of (weekday, "HH:MM", "HH:MM"[, track]);
    ``staff`` maps credential slug to "on_site"/"referral"; ``conditions`` maps condition slug
    to "on_site"/"referral"/"not_served"."""
    n = next(_counter)
    if facility is None:
        facility = make_facility()
    values = {"name": f"Test Program {n}", "slug": f"test-program-{n}", "facility": facility}
    values.update(fields)
    program = Program.objects.create(**values)
    for spec in sessions:
        weekday, start, end, *track = spec
        Session.objects.create(
            program=program,
            weekday=weekday,
            start=_parse_time(start),
            end=_parse_time(end),
            track=track[0] if track else "",
        )
    for slug, availability in (staff or {}).items():
        StaffRole.objects.create(
            program=program, credential=Credential.objects.get(slug=slug), availability=availability
        )
    for slug, support in (conditions or {}).items():
        ConditionSupport.objects.create(
            program=program, condition=Condition.objects.get(slug=slug), support=support
        )
    if modalities:
        program.modalities.set(Modality.objects.filter(slug__in=modalities))
    if medications:
        program.medications.set(Medication.objects.filter(slug__in=medications))
    if populations:
        program.populations.set(Population.objects.filter(slug__in=populations))
    if topics:
        program.group_topics.set(GroupTopic.objects.filter(slug__in=topics))
    program.refresh_from_db()
    return program


EVENING_MON_WED_THU = ((0, "18:00", "21:00"), (2, "18:00", "21:00"), (3, "18:00", "21:00"))
DAYTIME_TUE_THU = ((1, "09:00", "13:00"), (3, "09:00", "13:00"))
