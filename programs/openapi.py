"""The OpenAPI 3.1 description of the JSON API (``programs/views/api.py``), served as is at
``/api/openapi.json``.

Written by hand, in this one place. The tests keep it honest: the document is validated with
openapi-spec-validator, its parameters are compared with ``ProgramFilter``'s, and every answer
the API test suite receives is validated against the schema of its status code. Objects are
closed (``additionalProperties: false``), so a field added to ``programs/serializers.py``
without a word here fails the tests. Facts that were not reported are ``null``, never ``false``.
"""


def _nullable(schema: dict) -> dict:
    kind = schema["type"]
    return {**schema, "type": [*(kind if isinstance(kind, list) else [kind]), "null"]}


def _closed(properties: dict, description: str = "", optional: dict | None = None) -> dict:
    """An object with exactly ``properties`` (all required) and ``optional`` ones."""
    schema = {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": {**properties, **(optional or {})},
    }
    return {**schema, "description": description} if description else schema


STRING = {"type": "string"}
TEXT = _nullable(STRING)
FACT = {
    "type": ["boolean", "null"],
    "description": "Yes or no as reported; null when not reported (ask at intake).",
}
COUNT = {"type": ["integer", "null"], "minimum": 1}
CHOICE = _nullable(
    _closed(
        {"code": {"type": ["string", "integer"]}, "label": STRING},
        "A fixed choice, with its code and words; null when not reported.",
    )
)
LOOKUP = _closed({"slug": STRING, "name": STRING})
LOOKUPS = {
    "type": ["array", "null"],
    "items": {"$ref": "#/components/schemas/Lookup"},
    "minItems": 1,
    "description": "Entries of a lookup list; null when not reported (never an empty list).",
}


def _list(item: dict) -> dict:
    return {"type": ["array", "null"], "items": item, "minItems": 1}


FACILITY = _closed(
    {
        "slug": STRING,
        "name": STRING,
        "address": _closed(
            {
                "street1": TEXT,
                "street2": TEXT,
                "city": STRING,
                "state": {"type": "string", "pattern": "^[A-Z]{2}$"},
                "zip_code": {"type": "string", "pattern": "^[0-9]{5}$"},
            }
        ),
        "latitude": {"type": ["number", "null"]},
        "longitude": {"type": ["number", "null"]},
        "phone": {**TEXT, "description": "The facility's own main number."},
        "intake_phone": {**TEXT, "description": "The facility's own intake line."},
        "website": TEXT,
        "operation": CHOICE,
        "payment_types": LOOKUPS,
        "languages": LOOKUPS,
        "accreditations": LOOKUPS,
        "source": CHOICE,
        "is_demo": {"type": "boolean", "description": "True for fictional demo listings."},
        "last_verified": {
            **_nullable({"type": "string", "format": "date"}),
            "description": "When a person last checked these facts.",
        },
        "source_imported_at": {
            **_nullable({"type": "string", "format": "date-time"}),
            "description": "When an importer last loaded the facility (not a check by a person).",
        },
    },
    "One provider at one site.",
)

SESSION = _closed(
    {
        "weekday": {
            "enum": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        },
        "start": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
        "end": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
        "track": TEXT,
    }
)

PROGRAM = _closed(
    {
        "slug": STRING,
        "name": STRING,
        "url": {"type": "string", "format": "uri"},
        "is_demo": {"type": "boolean"},
        "level_of_care": CHOICE,
        "format": CHOICE,
        "description": TEXT,
        "schedule": _closed(
            {
                "hours_per_week": {"type": ["number", "null"]},
                "has_evening": FACT,
                "has_weekend": FACT,
                "days": _list({"enum": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}),
                "sessions": _list(SESSION),
            }
        ),
        "typical_length_weeks": COUNT,
        "group_size_max": COUNT,
        "individual_therapy": FACT,
        "drug_testing": FACT,
        "family_program": FACT,
        "aftercare_planning": FACT,
        "accepting_new_clients": FACT,
        "accepting_confirmed_on": {
            **_nullable({"type": "string", "format": "date"}),
            "description": "The day the accepting answer was confirmed (null when not reported).",
        },
        "typical_wait_days": {
            "type": ["integer", "null"],
            "minimum": 0,
            "description": "Typical wait for a first appointment, in days.",
        },
        "wait_confirmed_on": {
            **_nullable({"type": "string", "format": "date"}),
            "description": "The day the typical wait was confirmed (null when not reported).",
        },
        "offers_mat": FACT,
        "medications": LOOKUPS,
        "psychiatric_evaluation": FACT,
        "medication_management": FACT,
        "dual_diagnosis": CHOICE,
        "conditions": _list(
            _closed({"condition": {"$ref": "#/components/schemas/Lookup"}, "support": CHOICE})
        ),
        "staff": _list(
            _closed(
                {
                    "credential": {"$ref": "#/components/schemas/Lookup"},
                    "availability": CHOICE,
                    "count": COUNT,
                    "leads_groups": FACT,
                }
            )
        ),
        "modalities": LOOKUPS,
        "group_topics": LOOKUPS,
        "populations": LOOKUPS,
        "facility": {"$ref": "#/components/schemas/Facility"},
    },
    "A program at a facility, with everything known about it.",
    optional={
        "fit": {
            "type": ["object", "null"],
            "description": "Only when the search chose criteria: how the program fits them.",
            "required": ["group", "criteria"],
            "additionalProperties": False,
            "properties": {
                "group": {"enum": ["matches", "might_fit", "does_not_fit"]},
                "criteria": {
                    "type": "array",
                    "items": _closed(
                        {
                            "criterion": STRING,
                            "value": {"type": ["string", "null"]},
                            "label": STRING,
                            "answer": {
                                "enum": ["yes", "no", None],
                                "description": "null: not reported (ask at intake).",
                            },
                        }
                    ),
                },
            },
        },
        "distance_miles": {
            "type": ["number", "null"],
            "description": "Only on a search near a place: miles from it; null for a virtual "
            "program listed because it serves the searcher's state.",
        },
    },
)

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string", "description": "What was wrong, in words."},
        "unknown_parameters": {"type": "array", "items": STRING},
        "allowed_parameters": {"type": "array", "items": STRING},
        "repeated_parameters": {"type": "array", "items": STRING},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": STRING},
            "description": "Per parameter, why its value cannot be used.",
        },
    },
}

PAGE = _closed(
    {
        "count": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1},
        "page_size": {"type": "integer", "minimum": 1, "maximum": 100},
        "num_pages": {"type": "integer", "minimum": 1},
        "next": _nullable({"type": "string", "format": "uri"}),
        "previous": _nullable({"type": "string", "format": "uri"}),
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Program"}},
    }
)


def _query(name: str, description: str, schema: dict, *, repeatable: bool = False) -> dict:
    parameter = {"name": name, "in": "query", "required": False, "description": description}
    if repeatable:
        return {**parameter, "schema": {"type": "array", "items": schema}, "explode": True}
    return {**parameter, "schema": schema}


CHECK = {"type": "string", "enum": ["1"]}
SLUG = {"type": "string", "pattern": "^[-a-z0-9]+$"}
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

# The results page's parameters (README, "Search parameters"), in the same order.
SEARCH_PARAMETERS = [
    _query("near", "A 5-digit ZIP code (ZIP+4 accepted) or `City, ST`.", STRING),
    _query(
        "radius",
        "Miles around `near` (default 25).",
        {"type": "string", "enum": ["5", "10", "25", "50", "100"]},
    ),
    _query("q", "Free text; every word must match, as a prefix.", {**STRING, "maxLength": 200}),
    _query("state", "Two-letter state code of the facility.", {**STRING, "pattern": "^[A-Z]{2}$"}),
    _query("evening", "Has a session starting at 4 pm or later.", CHECK),
    _query("weekend", "Has a Saturday or Sunday session.", CHECK),
    _query(
        "days",
        "All sessions fall on the chosen days.",
        {"type": "string", "enum": WEEKDAYS},
        repeatable=True,
    ),
    _query("max_hours", "At most this many hours a week.", {"type": "number", "minimum": 1}),
    _query(
        "format",
        "Any of the chosen formats.",
        {"type": "string", "enum": ["in_person", "virtual", "hybrid"]},
        repeatable=True,
    ),
    _query(
        "level",
        "Any of the chosen levels of care; default `iop` (none with `facility`).",
        {"type": "string", "enum": ["op", "iop", "php"]},
        repeatable=True,
    ),
    _query("physician", "A psychiatrist or other physician on site.", CHECK),
    _query("prescriber", "A prescriber (physician, NP, PA) on site or by referral.", CHECK),
    _query("therapist", "Individual therapy with a licensed therapist.", CHECK),
    _query("leader", "Groups led by any chosen credential (slug).", SLUG, repeatable=True),
    _query("modality", "Offers every chosen approach (slug).", SLUG, repeatable=True),
    _query("mat", "Offers medication for addiction treatment.", CHECK),
    _query("medication", "Offers that medication (slug).", SLUG),
    _query("holistic", "Offers a holistic approach.", CHECK),
    _query("mutual_help", "Offers 12-step, SMART Recovery or peer groups.", CHECK),
    _query("condition", "Treats every chosen condition on site (slug).", SLUG, repeatable=True),
    _query(
        "dual",
        "At least this co-occurring capability (1 addiction only, 2 capable, 3 enhanced).",
        {"type": "string", "enum": ["1", "2", "3"]},
    ),
    _query("payment", "The facility accepts it (slug).", SLUG),
    _query("population", "Serves that group (slug).", SLUG),
    _query("language", "Staff speak it (slug).", SLUG),
    _query("accreditation", "The facility holds it (slug).", SLUG),
    _query("accepting", "Said they are accepting new clients.", CHECK),
    _query("facility", "Belongs to that facility (slug).", SLUG),
    _query(
        "must",
        "A chosen criterion (its parameter name) that must be reported and met.",
        STRING,
        repeatable=True,
    ),
    _query("nofit", "Also list the programs that do not fit the chosen criteria.", CHECK),
    _query(
        "sort",
        "Order; one that does not apply falls back to the default.",
        {"type": "string", "enum": ["distance", "relevance", "name", "verified", "hours"]},
    ),
]
PAGING_PARAMETERS = [
    _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
    _query(
        "page_size",
        "Programs per page (default 20).",
        {"type": "integer", "minimum": 1, "maximum": 100},
    ),
]


def _answer(description: str, schema: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


ERRORS = {
    "400": _answer("A parameter we do not know, repeated, or with a value we cannot use.", "Error"),
    "404": _answer("No such page or program.", "Error"),
    "405": _answer("Anything but GET or HEAD: the API is read-only.", "Error"),
}

DOCUMENT = {
    "openapi": "3.1.0",
    "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
    "info": {
        "title": "IOP Finder API",
        "version": "1.0.0",
        "summary": "Read-only search of intensive outpatient programs for addiction treatment.",
        "description": (
            "The results page's search as JSON: the same parameters, the same programs in the "
            "same order. Facts that were not reported are null, never false; demo listings are "
            "fictional and say so (`is_demo`). Listings in the HSDS 3.0 standard are at /hsds/. "
            "The same API answers in Spanish under /es/api/: the `label` and `name` fields and "
            "the error messages are then in Spanish; keys, codes, slugs and weekdays are the "
            "same in both languages."
        ),
    },
    "servers": [{"url": "/"}],
    "paths": {
        "/api/programs/": {
            "get": {
                "operationId": "listPrograms",
                "summary": "Search published programs",
                "parameters": SEARCH_PARAMETERS + PAGING_PARAMETERS,
                "responses": {"200": _answer("One page of results.", "ProgramPage"), **ERRORS},
            }
        },
        "/api/programs/{slug}/": {
            "get": {
                "operationId": "getProgram",
                "summary": "One published program",
                "parameters": [{"name": "slug", "in": "path", "required": True, "schema": SLUG}],
                "responses": {"200": _answer("The program.", "Program"), **ERRORS},
            }
        },
        "/api/openapi.json": {
            "get": {
                "operationId": "getOpenAPI",
                "summary": "This document",
                "responses": {
                    "200": {
                        "description": "The OpenAPI 3.1 description of this API.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Program": PROGRAM,
            "Facility": FACILITY,
            "Lookup": LOOKUP,
            "ProgramPage": PAGE,
            "Error": ERROR,
        }
    },
}
