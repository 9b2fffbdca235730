"""Facilities and programs as HSDS 3.0 objects (plain dicts, ready for JSON).

* ``organization_data(facility)``: the facility as an organization, with its one location;
* ``location_data(facility)``: the facility's site, with its address, phones and languages;
* ``service_data(program)``: a program as a service, with its schedules, phones, languages,
  cost options and attributes;
* ``service_at_location_data(program)``: the program at its facility's location.

Each has a short form for list pages, as the specification's API answers them
(``compiled/*_list.json``): ``organization_list_data``, ``service_list_data`` and
``service_at_location_list_data`` carry an object's one-to-one fields and the one-to-one
objects it holds (a service's organization, a service_at_location's location and service),
never a list. The full forms build on them, so the two never disagree on a field.

Read only what ``load_related(programs, DETAIL)`` loaded (``LIST_RELATIONS`` for the short
forms; for organizations, what the organization views prefetch), so they cost no queries. A
fact that was not reported is left out: no key, no attribute, never ``false``. Ids come from
the stored ``hsds_id`` (``programs.hsds.ids``).
"""

import re

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import get_language

from programs.availability import wait_wording
from programs.models import Source, Weekday
from programs.models.loading import loaded

from . import taxonomy
from .ids import derived_id

HSDS_VERSION = "3.0"
# iCal day codes, Monday first as in ``Weekday``.
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# ISO 639 codes of the starting language list (migration 0002); a language curators add later
# is published by name only.
LANGUAGE_CODES = {
    "english": "en", "spanish": "es", "asl": "ase", "chinese": "zh", "vietnamese": "vi",
    "korean": "ko", "tagalog": "tl", "russian": "ru", "arabic": "ar", "haitian-creole": "ht",
    "portuguese": "pt", "french": "fr", "german": "de", "polish": "pl", "navajo": "nv",
    "hmong": "hmn", "somali": "so",
}  # fmt: skip
DEMO_ALERT = "Fictional demo listing: not a real provider or program."


def _present(data: dict) -> dict:
    """``data`` without the facts that were not reported (None, empty text, empty lists)."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def _ids(facility):
    organization_id = str(facility.hsds_id)
    return organization_id, derived_id(facility.hsds_id, "location")


def attribute(owner_id, link_entity: str, term: taxonomy.Term, value=None) -> dict:
    """One attribute tagging ``owner_id`` (a service, organization...) with ``term``.

    Built as it is sent (no ``_present()`` pass): a page of 50 services has about 1,300."""
    term_id = term.id
    data = {
        "id": derived_id(None, "attribute", owner_id, term_id),
        "link_id": owner_id,
        "link_type": term.taxonomy.code,
        "link_entity": link_entity,
        "taxonomy_term_id": term_id,
    }
    if value is not None and value != "":
        data["value"] = value
    data["taxonomy_term"] = taxonomy.term_data(term)
    return data


def _lookup_term(tax: taxonomy.Taxonomy, row) -> taxonomy.Term:
    return tax.term(row.slug, row.name)


# Terms of fixed vocabularies, by (taxonomy, value, language): their names are translated
# labels, which cost more to read than the rest of an attribute.
_CHOICE_TERMS: dict = {}


def _choice_term(tax: taxonomy.Taxonomy, value) -> taxonomy.Term:
    key = (tax.code, value, get_language())
    term = _CHOICE_TERMS.get(key)
    if term is None:
        term = _CHOICE_TERMS[key] = tax.term(value, tax.choices(value).label)
    return term


# The weekdays' names, by language.
_WEEKDAYS: dict = {}


def _weekday_names() -> tuple[str, ...]:
    language = get_language()
    names = _WEEKDAYS.get(language)
    if names is None:
        names = _WEEKDAYS[language] = tuple(str(day.label) for day in Weekday)
    return names


# A program page's address around its slug, by script prefix, language and URL
# configuration: ``reverse()`` once, not once per service.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
_SLUG_PLACEHOLDER = "slug-placeholder"
_PROGRAM_PATHS: dict = {}


def program_path(program) -> str:
    """``program.get_absolute_url()``, without resolving the URL pattern every time."""
    if not _SLUG.match(program.slug):
        return program.get_absolute_url()
    key = (get_script_prefix(), get_language(), get_urlconf())
    around = _PROGRAM_PATHS.get(key)
    if around is None:
        path = reverse("programs:detail", args=[_SLUG_PLACEHOLDER])
        around = _PROGRAM_PATHS[key] = tuple(path.split(_SLUG_PLACEHOLDER))
    if len(around) != 2:
        return program.get_absolute_url()
    return around[0] + program.slug + around[1]


def phones_data(facility, link: str, owner_id: str) -> list[dict]:
    """The facility's own numbers, tied to ``owner_id`` through the ``link`` column."""
    phones = []
    for kind, number, description in (
        ("main", facility.phone, "Main number"),
        ("intake", facility.intake_phone, "Intake and admissions"),
    ):
        if number:
            phones.append(
                {
                    "id": derived_id(None, "phone", owner_id, kind),
                    link: owner_id,
                    "number": number,
                    "type": "voice",
                    "description": description,
                }
            )
    return phones


def languages_data(facility, link: str, owner_id: str) -> list[dict]:
    return [
        _present(
            {
                "id": derived_id(None, "language", owner_id, language.slug),
                link: owner_id,
                "name": language.name,
                "code": LANGUAGE_CODES.get(language.slug),
                "note": "Spoken by staff.",
            }
        )
        for language in loaded(facility, "languages")
    ]


def _location_fields(facility) -> dict:
    organization_id, location_id = _ids(facility)
    from_locator = facility.source == Source.FINDTREATMENT and facility.source_id
    return {
        "id": location_id,
        "location_type": "physical",
        "organization_id": organization_id,
        "name": facility.name,
        "latitude": facility.latitude,
        "longitude": facility.longitude,
        "external_identifier": facility.source_id if from_locator else None,
        "external_identifier_type": "FindTreatment.gov frid" if from_locator else None,
    }


def location_list_data(facility) -> dict:
    """The location's own fields (the spec's short location, as list answers nest it)."""
    return _present(_location_fields(facility))


def location_data(facility) -> dict:
    _organization_id, location_id = _ids(facility)
    address = None
    if facility.street1:
        address = _present(
            {
                "id": derived_id(facility.hsds_id, "address"),
                "location_id": location_id,
                "address_1": facility.street1,
                "address_2": facility.street2,
                "city": facility.city,
                "state_province": facility.state,
                "postal_code": facility.zip_code,
                "country": "US",
                "address_type": "physical",
            }
        )
    return _present(
        {
            **_location_fields(facility),
            "addresses": [address] if address else [],
            "phones": phones_data(facility, "location_id", location_id),
            "languages": languages_data(facility, "location_id", location_id),
        }
    )


def organization_list_data(facility) -> dict:
    """The facility as the spec's short organization (``organization_list``): its own fields,
    none of its lists. Reads nothing but the facility row."""
    where = f"{facility.city}, {facility.state}"
    description = (
        f"{DEMO_ALERT} Shown at {where}."
        if facility.is_demo
        else f"Addiction treatment provider at {where}, listed on IOP Finder."
    )
    return _present(
        {
            "id": str(facility.hsds_id),
            "name": facility.name,
            "description": description,
            "website": facility.website,
        }
    )


def organization_data(facility, *, services=None) -> dict:
    """The facility as an organization; ``services`` (programs) adds their ids and names."""
    organization_id, _location_id = _ids(facility)
    attributes = [
        attribute(
            organization_id,
            "organization",
            _lookup_term(taxonomy.ACCREDITATION, accreditation),
        )
        for accreditation in loaded(facility, "accreditations")
    ]
    if facility.operation:
        attributes.insert(
            0,
            attribute(
                organization_id,
                "organization",
                _choice_term(taxonomy.OPERATION, facility.operation),
            ),
        )
    identifiers = []
    if facility.source == Source.FINDTREATMENT and facility.source_id:
        identifiers.append(
            {
                "id": derived_id(facility.hsds_id, "identifier", "frid"),
                "organization_id": organization_id,
                "identifier_scheme": "FindTreatment.gov",
                "identifier_type": "frid",
                "identifier": facility.source_id,
            }
        )
    data = {
        **organization_list_data(facility),
        "phones": phones_data(facility, "organization_id", organization_id),
        "locations": [location_data(facility)],
        "organization_identifiers": identifiers,
        "attributes": attributes,
    }
    if services is not None:
        data["services"] = [
            {"id": str(program.hsds_id), "name": program.name} for program in services
        ]
    return _present(data)


def _fact_value(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def service_attributes(program) -> list[dict]:
    """Every reported fact of a program as an attribute of its service."""
    service_id = str(program.hsds_id)

    def tag(term, value=None):
        return attribute(service_id, "service", term, value)

    attributes = [tag(_choice_term(taxonomy.LEVEL_OF_CARE, program.level_of_care))]
    if program.format:
        attributes.append(tag(_choice_term(taxonomy.FORMAT, program.format)))
    if program.dual_diagnosis is not None:
        attributes.append(tag(_choice_term(taxonomy.DUAL_DIAGNOSIS, program.dual_diagnosis)))
    for tax, rows in (
        (taxonomy.APPROACH, loaded(program, "modalities")),
        (taxonomy.MEDICATION, loaded(program, "medications")),
        (taxonomy.GROUP_TOPIC, loaded(program, "group_topics")),
        (taxonomy.POPULATION, loaded(program, "populations")),
    ):
        attributes += [tag(_lookup_term(tax, row)) for row in rows]
    attributes += [
        tag(_lookup_term(taxonomy.CONDITION, support.condition), support.support)
        for support in loaded(program, "condition_support")
    ]
    attributes += [
        tag(_lookup_term(taxonomy.STAFF_ROLE, role.credential), role.availability)
        for role in loaded(program, "staff_roles")
    ]
    for name, label, description in taxonomy.PROGRAM_FACTS:
        value = _fact_value(getattr(program, name))
        if value is not None:
            attributes.append(tag(taxonomy.PROGRAM_FACT.term(name, label, description), value))
    return attributes


def schedules_data(program) -> list[dict]:
    """One weekly schedule per session (times are the facility's local time)."""
    sessions = loaded(program, "sessions")
    if not sessions:
        return []
    service_id = str(program.hsds_id)
    # The format's label, as get_format_display() gives it.
    attending = _choice_term(taxonomy.FORMAT, program.format).name if program.format else None
    weekdays = _weekday_names()
    schedules = []
    for session in sessions:
        opens_at = session.start.strftime("%H:%M")
        closes_at = session.end.strftime("%H:%M")
        description = f"{weekdays[session.weekday]} {opens_at}-{closes_at} (local time)"
        if session.track:
            description += f", {session.track} track"
        schedules.append(
            _present(
                {
                    "id": derived_id(program.hsds_id, "schedule", session.pk),
                    "service_id": service_id,
                    "freq": "WEEKLY",
                    "interval": 1,
                    "wkst": "MO",
                    "byday": BYDAY[session.weekday],
                    "opens_at": opens_at,
                    "closes_at": closes_at,
                    "description": description,
                    "attending_type": attending,
                }
            )
        )
    return schedules


def cost_options_data(program) -> list[dict]:
    """What the facility accepts, as one cost option each, tagged with its payment term."""
    service_id = str(program.hsds_id)
    options = []
    for payment in loaded(program.facility, "payment_types"):
        option_id = derived_id(program.hsds_id, "cost_option", payment.slug)
        options.append(
            {
                "id": option_id,
                "service_id": service_id,
                "option": payment.name,
                "attributes": [
                    attribute(option_id, "cost_option", _lookup_term(taxonomy.PAYMENT, payment))
                ],
            }
        )
    return options


def last_modified(program):
    """When the program or its facility last changed."""
    return max(program.updated_at, program.facility.updated_at)


# What ``service_list_data`` reads besides the program and its facility (``load_related``).
LIST_RELATIONS = ("populations", "facility.accreditations")


def _service_fields(program, base_url: str) -> dict:
    """The service's one-to-one fields (those of the spec's ``service_list``)."""
    facility = program.facility
    populations = [population.name for population in loaded(program, "populations")]
    accreditations = [accreditation.name for accreditation in loaded(facility, "accreditations")]
    return {
        "id": str(program.hsds_id),
        "organization_id": str(facility.hsds_id),
        "name": program.name,
        "description": program.description,
        "url": base_url + program_path(program) if base_url else None,
        "status": "active",
        "alert": DEMO_ALERT if program.is_demo else None,
        "eligibility_description": (
            "Serves: " + ", ".join(populations) + "." if populations else None
        ),
        "accreditations": "; ".join(accreditations),
        # "About 7 days (confirmed Nov 28, 2026)", or "(last confirmed ... - ask)".
        "wait_time": wait_wording(
            program.typical_wait_days, program.wait_confirmed_on, timezone.localdate()
        ),
        "assured_date": (facility.last_verified.isoformat() if facility.last_verified else None),
        "last_modified": last_modified(program).isoformat(),
    }


def service_list_data(program, *, base_url: str = "") -> dict:
    """A program as the spec's short service (``service_list``, what list pages carry): its
    own fields and its organization's, no lists. Reads ``LIST_RELATIONS``."""
    data = _present(_service_fields(program, base_url))
    data["organization"] = organization_list_data(program.facility)
    return data


def service_data(program, *, base_url: str = "", with_organization: bool = False) -> dict:
    """A program as an HSDS service, with every object it holds. ``base_url`` makes its page
    address absolute."""
    facility = program.facility
    service_id = str(program.hsds_id)
    _organization_id, location_id = _ids(facility)
    data = _present(
        {
            **_service_fields(program, base_url),
            "phones": phones_data(facility, "service_id", service_id),
            "schedules": schedules_data(program),
            "languages": languages_data(facility, "service_id", service_id),
            "cost_options": cost_options_data(program),
            "attributes": service_attributes(program),
            "service_at_locations": [
                {
                    "id": service_at_location_id(program),
                    "service_id": service_id,
                    "location_id": location_id,
                }
            ],
        }
    )
    if with_organization:
        data["organization"] = organization_data(facility)
    return data


def service_at_location_id(program) -> str:
    return derived_id(program.hsds_id, "service_at_location")


def _service_at_location_fields(program) -> dict:
    facility = program.facility
    _organization_id, location_id = _ids(facility)
    return {
        "id": service_at_location_id(program),
        "service_id": str(program.hsds_id),
        "location_id": location_id,
        "description": f"{program.name} at {facility.name}",
    }


def _with_distance(data: dict, program) -> dict:
    if getattr(program, "distance", None) is not None:
        # Not an HSDS field: miles from the postcode's centroid, on a proximity search.
        data["distance_miles"] = round(program.distance, 1)
    return data


def service_at_location_list_data(program, *, base_url: str = "") -> dict:
    """The program at its location as the spec's short ``service_at_location_list``: its own
    fields, its location's and its service's (``service_list_data``), no lists."""
    data = {
        **_service_at_location_fields(program),
        "location": location_list_data(program.facility),
        "service": service_list_data(program, base_url=base_url),
    }
    return _with_distance(data, program)


def service_at_location_data(program) -> dict:
    data = {
        **_service_at_location_fields(program),
        "location": location_data(program.facility),
    }
    return _with_distance(data, program)
