"""Stable ids for HSDS objects.

Facilities and programs store a random UUID (``hsds_id``). Everything HSDS hangs off them
(a location, a phone, a schedule, an attribute...) gets a name-based UUID derived from its
owner's id and what it is, so the same object has the same id in every answer and export,
without a table of ids. Taxonomies and terms derive theirs from their codes.
"""

import uuid

# Fixed for ever: changing it would change every derived id.
NAMESPACE = uuid.UUID("8d3f0b52-5a4e-4c43-9a0e-2f6b7c1d9e10")


def derived_id(owner: uuid.UUID | None, *parts) -> str:
    """The id of the object named ``parts`` under ``owner`` (the namespace when None)."""
    return str(uuid.uuid5(owner or NAMESPACE, "/".join(str(part) for part in parts)))


def parse_id(value: str) -> uuid.UUID | None:
    """A UUID from a path or query parameter, or None when it is not one."""
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return None
