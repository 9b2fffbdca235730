"""Programs as plain data, for the JSON API and the CSV export.

One function per shape: ``facility_data`` and ``program_data`` (JSON-ready dicts), and
``csv_row`` (one spreadsheet row, built from ``program_data``). Every function reads only what
``ProgramQuerySet.with_detail_data()`` loaded, so it costs no queries.

Unknown is not "no": a fact that was not reported is ``None`` (JSON ``null``), never ``False``;
a list fact with no entries is also ``None``, because an empty list means "not reported" in our
model (see the README). In CSV both become the cell "Not reported".
"""

from datetime import datetime

from django.utils import timezone

from programs.models import (
    Availability,
    ConditionSupportLevel,
    DualDiagnosis,
    Facility,
    Format,
    LevelOfCare,
    Operation,
    Program,
    Source,
    Weekday,
)

CSV_NOT_REPORTED = "Not reported"


def _choice(value, choices) -> dict | None:
    """``{"code", "label"}`` for a choice, None when not reported. (Faster than Django's
    ``get_FOO_display()``, which rebuilds the choice list on every call.)"""
    if value in ("", None):
        return None
    try:
        label = choices(value).label
    except ValueError:  # a value outside the choices (no constraint forbids it): show it as is
        label = value
    return {"code": value, "label": str(label)}


def _lookups(manager) -> list[dict] | None:
    rows = [{"slug": row.slug, "name": row.name} for row in manager.all()]
    return rows or None


def _text(value: str) -> str | None:
    return value or None


def facility_data(facility: Facility) -> dict:
    return {
        "slug": facility.slug,
        "name": facility.name,
        "address": {
            "street1": _text(facility.street1),
            "street2": _text(facility.street2),
            "city": facility.city,
            "state": facility.state,
            "zip_code": facility.zip_code,
        },
        "latitude": facility.latitude,
        "longitude": facility.longitude,
        "phone": _text(facility.phone),
        "intake_phone": _text(facility.intake_phone),
        "website": _text(facility.website),
        "operation": _choice(facility.operation, Operation),
        "payment_types": _lookups(facility.payment_types),
        "languages": _lookups(facility.languages),
        "accreditations": _lookups(facility.accreditations),
        "source": _choice(facility.source, Source),
        "is_demo": facility.is_demo,
        "last_verified": facility.last_verified.isoformat() if facility.last_verified else None,
        "source_imported_at": (
            facility.source_imported_at.isoformat() if facility.source_imported_at else None
        ),
    }


def program_data(program: Program, *, base_url: str = "") -> dict:
    """Everything we know about a program and its facility. ``base_url`` makes the page
    address absolute (``request.build_absolute_uri("/")`` without the trailing slash)."""
    sessions = [
        {
            "weekday": Weekday(session.weekday).label,
            "start": session.start.strftime("%H:%M"),
            "end": session.end.strftime("%H:%M"),
            "track": session.track or None,
        }
        for session in program.sessions.all()
    ]
    staff = [
        {
            "credential": {"slug": role.credential.slug, "name": role.credential.name},
            "availability": _choice(role.availability, Availability),
            "count": role.count,
            "leads_groups": role.leads_groups,
        }
        for role in program.staff_roles.all()
    ]
    conditions = [
        {
            "condition": {"slug": support.condition.slug, "name": support.condition.name},
            "support": _choice(support.support, ConditionSupportLevel),
        }
        for support in program.condition_support.all()
    ]
    data = {
        "slug": program.slug,
        "name": program.name,
        "url": base_url + program.get_absolute_url(),
        "is_demo": program.is_demo,
        "level_of_care": _choice(program.level_of_care, LevelOfCare),
        "format": _choice(program.format, Format),
        "description": _text(program.description),
        "schedule": {
            "hours_per_week": (
                float(program.hours_per_week) if program.hours_per_week is not None else None
            ),
            "has_evening": program.has_evening,
            "has_weekend": program.has_weekend,
            "days": program.schedule_days or None,
            "sessions": sessions or None,
        },
        "typical_length_weeks": program.typical_length_weeks,
        "group_size_max": program.group_size_max,
        "individual_therapy": program.individual_therapy,
        "drug_testing": program.drug_testing,
        "family_program": program.family_program,
        "aftercare_planning": program.aftercare_planning,
        "accepting_new_clients": program.accepting_new_clients,
        "offers_mat": program.offers_mat,
        "medications": _lookups(program.medications),
        "psychiatric_evaluation": program.psychiatric_evaluation,
        "medication_management": program.medication_management,
        "dual_diagnosis": _choice(program.dual_diagnosis, DualDiagnosis),
        "conditions": conditions or None,
        "staff": staff or None,
        "modalities": _lookups(program.modalities),
        "group_topics": _lookups(program.group_topics),
        "populations": _lookups(program.populations),
        "facility": facility_data(program.facility),
    }
    # Present only on a search near a place: miles from it (None for a virtual program listed
    # because it serves the searcher's state).
    if hasattr(program, "distance"):
        data["distance_miles"] = (
            round(program.distance, 1) if program.distance is not None else None
        )
    return data


# --- CSV ----------------------------------------------------------------------------------


class _AsIs(str):
    """A cell written as it is: e.g. an empty second address line is not "not reported"."""


def _local_date(iso_moment: str | None) -> str:
    # The site's own date (as the program page shows it), not the UTC date of the timestamp,
    # which is already tomorrow in the evening.
    if not iso_moment:
        return ""
    return timezone.localdate(datetime.fromisoformat(iso_moment)).isoformat()


def _cell(value) -> str:
    """A spreadsheet cell: "Not reported" for unknown, Yes/No, lists joined by "; "."""
    text = _cell_text(value)
    # A cell starting like a formula would run in a spreadsheet (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _cell_text(value) -> str:
    if isinstance(value, _AsIs):
        return str(value)
    if value is None or value == "" or value == []:
        return CSV_NOT_REPORTED
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, dict):
        return str(value.get("label") or value.get("name"))
    if isinstance(value, list):
        return "; ".join(_cell(item) for item in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _sessions_cell(sessions) -> list[str] | None:
    if not sessions:
        return None
    return [
        f"{s['weekday'][:3]} {s['start']}-{s['end']}" + (f" ({s['track']})" if s["track"] else "")
        for s in sessions
    ]


def _staff_cell(staff) -> list[str] | None:
    if not staff:
        return None
    return [
        f"{role['credential']['name']} ({role['availability']['label'].lower()})" for role in staff
    ]


def _conditions_cell(conditions) -> list[str] | None:
    if not conditions:
        return None
    return [f"{c['condition']['name']}: {c['support']['label'].lower()}" for c in conditions]


# (column heading, how to read it from program_data)
CSV_COLUMNS = [
    ("Program", lambda d: d["name"]),
    ("Level of care", lambda d: d["level_of_care"]),
    ("Format", lambda d: d["format"]),
    ("Facility", lambda d: d["facility"]["name"]),
    ("Street address", lambda d: d["facility"]["address"]["street1"]),
    ("Address line 2", lambda d: _AsIs(d["facility"]["address"]["street2"] or "")),
    ("City", lambda d: d["facility"]["address"]["city"]),
    ("State", lambda d: d["facility"]["address"]["state"]),
    ("ZIP code", lambda d: d["facility"]["address"]["zip_code"]),
    ("Phone", lambda d: d["facility"]["phone"]),
    ("Intake phone", lambda d: d["facility"]["intake_phone"]),
    ("Website", lambda d: d["facility"]["website"]),
    ("Hours per week", lambda d: d["schedule"]["hours_per_week"]),
    ("Evening sessions", lambda d: d["schedule"]["has_evening"]),
    ("Weekend sessions", lambda d: d["schedule"]["has_weekend"]),
    ("Days", lambda d: d["schedule"]["days"]),
    ("Sessions", lambda d: _sessions_cell(d["schedule"]["sessions"])),
    ("Typical length (weeks)", lambda d: d["typical_length_weeks"]),
    ("Largest group size", lambda d: d["group_size_max"]),
    ("Individual therapy with a licensed therapist", lambda d: d["individual_therapy"]),
    ("Staff", lambda d: _staff_cell(d["staff"])),
    ("Treatment approaches", lambda d: d["modalities"]),
    ("Group topics", lambda d: d["group_topics"]),
    ("Offers medication for addiction treatment", lambda d: d["offers_mat"]),
    ("Medications", lambda d: d["medications"]),
    ("Co-occurring (dual-diagnosis) capability", lambda d: d["dual_diagnosis"]),
    ("Co-occurring conditions", lambda d: _conditions_cell(d["conditions"])),
    ("Psychiatric evaluation", lambda d: d["psychiatric_evaluation"]),
    ("Psychiatric medication management", lambda d: d["medication_management"]),
    ("Random drug and alcohol testing", lambda d: d["drug_testing"]),
    ("Family program", lambda d: d["family_program"]),
    ("Aftercare planning", lambda d: d["aftercare_planning"]),
    ("Accepting new clients", lambda d: d["accepting_new_clients"]),
    ("Who it serves", lambda d: d["populations"]),
    ("Payment accepted", lambda d: d["facility"]["payment_types"]),
    ("Languages spoken by staff", lambda d: d["facility"]["languages"]),
    ("Licenses and accreditations", lambda d: d["facility"]["accreditations"]),
    ("Operated by", lambda d: d["facility"]["operation"]),
    ("Source", lambda d: d["facility"]["source"]),
    ("Fictional demo listing", lambda d: d["is_demo"]),
    ("Last verified by a person", lambda d: d["facility"]["last_verified"]),
    (
        "Imported from source on",
        lambda d: _AsIs(_local_date(d["facility"]["source_imported_at"])),
    ),
    ("Page", lambda d: d["url"]),
]
DISTANCE_COLUMN = (
    "Distance (miles)",
    lambda d: (
        d["distance_miles"]
        if d.get("distance_miles") is not None
        else _AsIs("Virtual, serves your state")
    ),
)


def csv_header(*, with_distance: bool = False) -> list[str]:
    columns = CSV_COLUMNS + [DISTANCE_COLUMN] if with_distance else CSV_COLUMNS
    return [heading for heading, _ in columns]


def csv_row(program: Program, *, base_url: str = "", with_distance: bool = False) -> list[str]:
    data = program_data(program, base_url=base_url)
    columns = CSV_COLUMNS + [DISTANCE_COLUMN] if with_distance else CSV_COLUMNS
    return [_cell(read(data)) for _, read in columns]
