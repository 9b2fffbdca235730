"""Stable ids for HSDS objects.

Facilities and programs store a random UUID (``hsds_id``). Everything HSDS hangs off them
(a location, a phone, a schedule, an attribute...) gets a name-based UUID derived from its
owner's id and what it is, so the same object has the same id in every answer and export,
without a table of ids. Taxonomies and terms derive theirs from their codes.
"""

import hashlib
import uuid

# Fixed for ever: changing it would change every derived id.
NAMESPACE = uuid.UUID("8d3f0b52-5a4e-4c43-9a0e-2f6b7c1d9e10")
# The RFC 4122 variant's first hex digit, from the two low bits of the digest's.
_VARIANT = dict(zip("0123456789abcdef", "89ab" * 4, strict=True))
_NAMESPACE_BYTES = NAMESPACE.bytes


def derived_id(owner: uuid.UUID | None, *parts) -> str:
    """The id of the object named ``parts`` under ``owner`` (the namespace when None).

    Exactly ``str(uuid.uuid5(owner, "/".join(parts)))``, written out: a page of 50 services
    derives about 2,000 ids and the export a million, and building a ``UUID`` object only to
    print it took half the time (``tests/test_hsds_ids.py`` compares the two).
    """
    name = "/".join(map(str, parts))
    digest = hashlib.sha1(
        (_NAMESPACE_BYTES if owner is None else owner.bytes) + name.encode()
    ).hexdigest()
    return (
        f"{digest[:8]}-{digest[8:12]}-5{digest[13:16]}-"
        f"{_VARIANT[digest[16]]}{digest[17:20]}-{digest[20:32]}"
    )


def parse_id(value: str) -> uuid.UUID | None:
    """A UUID from a path or query parameter, or None when it is not one."""
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return None
