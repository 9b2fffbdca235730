"""HSDS ids derived from their owner are name-based UUIDs (version 5), stable for ever."""

import uuid

from hypothesis import given
from hypothesis import strategies as st

from programs.hsds.ids import NAMESPACE, derived_id


@given(
    owner=st.one_of(st.none(), st.uuids()),
    parts=st.lists(st.one_of(st.text(), st.integers()), min_size=1, max_size=4),
)
def test_derived_ids_are_the_standard_uuid5_of_owner_and_parts(owner, parts):
    expected = uuid.uuid5(owner or NAMESPACE, "/".join(str(part) for part in parts))

    assert derived_id(owner, *parts) == str(expected)
    assert uuid.UUID(derived_id(owner, *parts)).version == 5


def test_a_derived_id_never_changes():
    # Published ids: a change to the namespace or the scheme would break every consumer.
    assert derived_id(None, "taxonomy", "payment") == "5ccface1-5ecd-5f2b-898b-9895357f7113"
