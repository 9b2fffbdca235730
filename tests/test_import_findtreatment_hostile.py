"""import_findtreatment on hostile files: each odd row fails alone, nothing raw to the terminal.

Every file is made by the test and goes through the real management command.
"""

import copy
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from programs.models import Facility, Program
from tests.test_import_findtreatment import coded, raw_rows, write_rows

pytestmark = pytest.mark.django_db


def iop_rows() -> list[dict]:
    return copy.deepcopy(
        [row for row in raw_rows() if "Intensive outpatient treatment" in coded(row, "SET")]
    )


def run_failing(path, *args) -> tuple[str, str, CommandError]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_findtreatment", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), failure.value


def hostile(good: dict, number: int, **changes) -> dict:
    """A copy of a good row with its own frid and the given fields changed."""
    row = copy.deepcopy(good)
    row["frid"] = f"hostile-{number}"
    row.update(changes)
    return row


HOSTILE_CHANGES = [
    ({"name1": "Clinic \udc80 North"}, "name1 contains a control or invalid character (\\udc80)"),
    ({"longitude": True}, "longitude True is not a number"),
    ({"latitude": [38.0]}, "latitude [38.0] is not a number"),
    ({"latitude": "1e999"}, "impossible latitude '1e999'"),
    ({"name1": "Evil \x1b]0;owned\x07 Clinic"}, "name1 contains a control or invalid character"),
    ({"city": "Charlottes\u202eville"}, "city contains a control or invalid character (\\u202e)"),
    ({"zip": True}, "zip is not text"),
    ({"name1": {"text": "A"}}, "name1 is not text"),
    ({"frid": None}, "missing frid"),
    ({"services": "Intensive outpatient treatment"}, "services is not a list"),
    ({"services": [{"f2": "SET", "f3": ["Intensive outpatient treatment"]}]}, "f3 is not text"),
    ({"phone": "434\x00555"}, "phone contains a control or invalid character (\\x00)"),
]


def test_each_hostile_row_fails_alone_and_every_good_row_imports(tmp_path):
    good = iop_rows()
    rows = [*good[:2]]
    rows += [hostile(good[0], n, **change) for n, (change, _) in enumerate(HOSTILE_CHANGES)]
    rows += [42, "a string", None, []]  # not facility objects at all
    rows += good[2:]
    path = write_rows(tmp_path, rows)

    out, err, failure = run_failing(path)

    failed = len(HOSTILE_CHANGES) + 4
    assert f"{failed} rows failed; the other rows were imported." in str(failure)
    assert f"{len(good)} created, 0 updated, 0 unchanged, 0 skipped, {failed} failed" in out
    for number, (_, reason) in enumerate(HOSTILE_CHANGES, start=3):
        assert f"row {number}: FAILED: {reason}" in err
    assert set(Facility.objects.values_list("source_id", flat=True)) == {r["frid"] for r in good}
    assert Program.objects.count() == len(good)


def test_the_summary_shows_escape_sequences_as_text_never_raw(tmp_path):
    good = iop_rows()
    title_setter = "\x1b]0;owned\x07"
    rows = [hostile(good[0], 1, name1=f"Evil {title_setter} Clinic"), good[1]]
    # An unknown category whose code carries an escape: refused with the row, shown escaped.
    rows.append(hostile(good[2], 2, services=[{"f1": "x", "f2": "\x1b[2J", "f3": "y"}]))
    path = write_rows(tmp_path, rows)

    out, err, _ = run_failing(path)

    for text in (out, err):
        assert "\x1b" not in text
        assert "\x07" not in text
    assert "(\\x1b)" in err
    assert "row 1: FAILED" in err and "row 3: FAILED" in err
    assert Facility.objects.filter(source_id=good[1]["frid"]).exists()


def test_an_unexpected_error_in_one_row_fails_that_row_only(tmp_path, monkeypatch):
    # What a lone surrogate used to do: an exception that is not a database error, raised while
    # the row is written. The rows before and after it in the same batch must still import.
    good = iop_rows()
    victim = good[1]["frid"]
    original_save = Facility.save

    def choke(facility, *args, **kwargs):
        if facility.source_id == victim:
            "\udc80".encode()
        return original_save(facility, *args, **kwargs)

    monkeypatch.setattr(Facility, "save", choke)

    out, err, _ = run_failing(write_rows(tmp_path, good))

    assert "row 2: FAILED: unexpected error: UnicodeEncodeError" in err
    assert f"{len(good) - 1} created" in out
    assert not Facility.objects.filter(source_id=victim).exists()
    assert not Program.objects.filter(facility__source_id=victim).exists()
    assert Facility.objects.count() == len(good) - 1


def test_a_deeply_nested_array_is_not_json_rather_than_a_crash(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")

    _, _, failure = run_failing(path)

    assert "is not JSON the importer can read: nested too deeply" in str(failure)
    assert Facility.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(tmp_path):
    rows = raw_rows() * 20  # about 2 MB of JSON
    path = write_rows(tmp_path, rows)
    assert path.stat().st_size > 1024 * 1024

    _, _, failure = run_failing(path, "--max-mb", "1")

    assert "over the 1 MB this importer reads into memory" in str(failure)
    assert "--api" in str(failure)
    assert Facility.objects.count() == 0


def test_a_file_that_is_not_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(json.dumps({"rows": []}).encode()[:-2] + b'"\xe9"]}')

    _, _, failure = run_failing(path)

    assert "cannot read the file" in str(failure)
