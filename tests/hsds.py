"""Validating what the HSDS API and export produce against the specification's JSON Schemas.

The schemas (``tests/hsds_schemas/``, with their attribution) refer to each other by file name
(``"$ref": "phone.json"``); a ``referencing`` registry holding every file resolves those
references without touching the network. Formats (uuid, date-time, email) are checked too.
"""

import json
from functools import cache
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).parent / "hsds_schemas"
LOCATOR_SAMPLE = Path(settings.BASE_DIR) / "fixtures" / "findtreatment" / "locator-sample.json"


def load_demo() -> None:
    """The demo listings, through the real command."""
    call_command("load_demo", stdout=StringIO())


def import_locator_sample() -> None:
    """The real locator sample, through the real import command."""
    call_command("import_findtreatment", str(LOCATOR_SAMPLE), stdout=StringIO(), stderr=StringIO())


def _load(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@cache
def _registry() -> Registry:
    resources = [
        (path.name, Resource.from_contents(_load(path.name), default_specification=DRAFT202012))
        for path in SCHEMAS.glob("*.json")
        if path.name != "openapi.json"
    ]
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for the object ``name`` ("service", "organization"...)."""
    return Draft202012Validator(
        _load(f"{name}.json"),
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def schema(name: str) -> dict:
    return _load(f"{name}.json")


def assert_valid(name: str, data: dict) -> None:
    errors = sorted(validator(name).iter_errors(data), key=lambda error: list(error.path))
    assert not errors, "\n".join(
        f"{name} at {'/'.join(map(str, error.path)) or '(root)'}: {error.message}"
        for error in errors[:10]
    )


# The list endpoints answer the specification's short objects: its OpenAPI document gives
# their items as ``compiled/service_list.json``, ``organization_list.json`` and
# ``service_at_location_list.json`` (in the specification's repository, not among the schemas
# copied here). Those are compiled from the object schemas by one rule, which ``list_schema``
# follows: an object's one-to-one fields (no array, no nested object), plus its one-to-one
# objects shaped the same way (a service's organization and program; a service_at_location's
# location, and its service). Closed here, so a list item that carries a list fails.
ONE_TO_ONE = {
    "service": ("organization", "program"),
    "service_at_location": ("location", "service"),
}


def list_schema(name: str, extra: dict | None = None) -> dict:
    """The short ``name`` object of a list page; ``extra`` (name: schema) adds fields of our
    own (``distance_miles``)."""
    full = _load(f"{name}.json")
    properties = {
        key: value
        for key, value in full["properties"].items()
        if value.get("type") not in ("array", "object", None) and "$ref" not in value
    }
    for key in ONE_TO_ONE.get(name, ()):
        properties[key] = list_schema(key)
    return {
        "type": "object",
        "properties": {**properties, **(extra or {})},
        "required": full.get("required", []),
        "additionalProperties": False,
    }


@cache
def _openapi() -> dict:
    return _load("openapi.json")


def _assert_page(data: dict) -> None:
    page = Draft202012Validator(_openapi()["components"]["schemas"]["Page"])
    errors = list(page.iter_errors(data))
    assert not errors, [error.message for error in errors]
    assert set(data) >= {"total_items", "total_pages", "page_number", "size", "contents"}
    assert data["size"] == len(data["contents"])


def assert_valid_page(data: dict, item: str) -> None:
    """A page of the API (the spec's ``Page`` schema), each of its contents a whole ``item``
    (what ``full=true`` and the taxonomy lists answer)."""
    _assert_page(data)
    for content in data["contents"]:
        assert_valid(item, content)


DISTANCE = {"distance_miles": {"type": "number", "minimum": 0}}


def assert_valid_list_page(data: dict, item: str) -> None:
    """A page of a list endpoint, each of its contents the short ``item`` (``list_schema``)."""
    _assert_page(data)
    extra = DISTANCE if item == "service_at_location" else None
    short = Draft202012Validator(
        list_schema(item, extra),
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    for content in data["contents"]:
        errors = sorted(short.iter_errors(content), key=lambda error: list(error.path))
        assert not errors, "\n".join(
            f"{item}_list at {'/'.join(map(str, error.path)) or '(root)'}: {error.message}"
            for error in errors[:10]
        )


def assert_valid_index(data: dict) -> None:
    answer = _openapi()["paths"]["/"]["get"]["responses"]["200"]["content"]
    errors = list(Draft202012Validator(answer["application/json"]["schema"]).iter_errors(data))
    assert not errors, [error.message for error in errors]
