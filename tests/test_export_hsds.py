"""manage.py export_hsds: the HSDS tables, valid against the specification, and their download."""

import csv
import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.hsds import export, taxonomy
from programs.models import Facility, Program
from tests.factories import make_facility, make_program
from tests.hsds import assert_valid, import_locator_sample, load_demo, schema

pytestmark = pytest.mark.django_db


def run_export(directory, *args) -> str:
    out = StringIO()
    call_command("export_hsds", str(directory), *args, stdout=out)
    return out.getvalue()


def read_tables(directory) -> dict[str, list[dict]]:
    """Each table's rows as dicts of the cells that are filled, numbers read as numbers."""
    package = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    tables = {}
    for resource in package["resources"]:
        types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        with (directory / resource["path"]).open(encoding="utf-8", newline="") as file:
            reader = csv.DictReader(file)
            assert reader.fieldnames == list(types)
            tables[resource["name"]] = [
                {
                    name: float(value) if types[name] == "number" else value
                    for name, value in row.items()
                    if value != ""
                }
                for row in reader
            ]
    return tables


def tabular_columns(name: str) -> list[str]:
    """The specification's columns of a table: its properties that are not lists or objects."""
    return [
        column
        for column, spec in schema(name)["properties"].items()
        if spec.get("type") not in (None, "array", "object")
    ]


def test_tables_have_the_specification_files_and_columns():
    for table in export.TABLES:
        assert table.path == schema(table.name)["path"]
        assert list(table.columns) == tabular_columns(table.name), table.name
        for column in table.columns:
            spec = schema(table.name)["properties"][column]
            declared = export._field(column)
            assert (declared["type"] == "number") == (spec["type"] == "number"), column
            assert (spec.get("format") == "uuid") == (declared.get("format") == "uuid"), column


@pytest.mark.parametrize("load", [load_demo, import_locator_sample], ids=["demo", "locator"])
def test_every_exported_row_is_valid_hsds(tmp_path, load):
    load()

    summary = run_export(tmp_path, "--base-url", "https://iopfinder.example")
    tables = read_tables(tmp_path)

    published = Program.objects.published()
    assert f"Wrote {published.count()} services" in summary
    assert len(tables["service"]) == published.count()
    assert len(tables["organization"]) == (
        Facility.objects.filter(programs__in=published).distinct().count()
    )
    for name, rows in tables.items():
        required = schema(name).get("tabular_required") or []
        for row in rows:
            assert_valid(name, row)
            assert set(required) <= set(row), (name, row)
        assert len({row["id"] for row in rows}) == len(rows), f"repeated ids in {name}"
    ids = {name: {row["id"] for row in rows} for name, rows in tables.items()}
    for row in tables["service"]:
        assert row["organization_id"] in ids["organization"]
        assert row["url"].startswith("https://iopfinder.example/programs/")
    for row in tables["service_at_location"]:
        assert row["service_id"] in ids["service"] and row["location_id"] in ids["location"]
    for row in tables["location"]:
        assert row["organization_id"] in ids["organization"]
    for row in tables["schedule"] + tables["cost_option"]:
        assert row["service_id"] in ids["service"]
    linked = ids["service"] | ids["organization"] | ids["cost_option"]
    for row in tables["attribute"]:
        assert row["taxonomy_term_id"] in ids["taxonomy_term"]
        assert row["link_id"] in linked
    for row in tables["taxonomy_term"]:
        assert row["taxonomy_id"] in ids["taxonomy"]


def test_export_rows_are_the_api_objects(client, tmp_path):
    program = make_program(
        facility=make_facility(payment=("medicaid",)),
        sessions=((0, "18:00", "21:00"),),
        offers_mat=True,
    )
    run_export(tmp_path)
    tables = read_tables(tmp_path)

    service = client.get(f"/hsds/services/{program.hsds_id}").json()
    (row,) = tables["service"]
    assert row == {
        column: service[column]
        for column in export.TABLE_BY_NAME["service"].columns
        if column in service and column != "url"
    }
    assert [s["id"] for s in tables["schedule"]] == [s["id"] for s in service["schedules"]]
    mat = [a for a in tables["attribute"] if a.get("value") == "true"]
    assert mat and all(a["link_id"] == service["id"] for a in mat)


def test_facts_not_reported_leave_cells_empty_never_false(tmp_path):
    make_program(facility=make_facility(phone=""))
    run_export(tmp_path)
    tables = read_tables(tmp_path)

    assert tables["phone"] == [] and tables["schedule"] == [] and tables["cost_option"] == []
    assert "assured_date" in tables["service"][0]
    is_demo = taxonomy.PROGRAM_FACT.term_id("is_demo")
    falses = [a for a in tables["attribute"] if a.get("value") == "false"]
    assert [a["taxonomy_term_id"] for a in falses] == [is_demo]


def test_only_published_listings_are_exported(tmp_path):
    shown = make_program()
    make_program(is_published=False)
    make_program(facility=make_facility(is_published=False))
    run_export(tmp_path)

    assert [row["id"] for row in read_tables(tmp_path)["service"]] == [str(shown.hsds_id)]


def test_programs_are_read_in_chunks_whatever_their_number(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "CHUNK_SIZE", 3)
    counts = {}
    for total in (3, 9):
        while Program.objects.count() < total:
            make_program(sessions=((1, "09:00", "12:00"),), staff={"lcsw": "on_site"})
        with CaptureQueriesContext(connection) as queries:
            run_export(tmp_path / str(total))
        counts[total] = len(queries)
    # Per chunk of programs: the programs, sessions, staff, co-occurring support and one
    # union of every lookup list; the taxonomy terms take a fixed few.
    assert counts[9] - counts[3] <= 2 * 5, counts


def test_refuses_a_file_where_the_directory_should_be(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(CommandError, match="not a directory"):
        run_export(target)
    with pytest.raises(CommandError, match="base-url"):
        run_export(tmp_path / "out", "--base-url", "iopfinder.example")


def test_the_zip_download_serves_the_last_export(client, settings, tmp_path):
    settings.HSDS_EXPORT_ZIP = ""
    missing = client.get("/hsds/export.zip")
    assert missing.status_code == 404 and "export_hsds" in missing.json()["error"]

    program = make_program()
    archive = tmp_path / "public" / "hsds.zip"
    run_export(tmp_path / "tables", "--zip", str(archive))
    settings.HSDS_EXPORT_ZIP = str(archive)
    response = client.get("/hsds/export.zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "iop-finder-hsds.zip" in response["Content-Disposition"]
    assert not response.cookies
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as packed:
        assert "datapackage.json" in packed.namelist()
        services = packed.read("services.csv").decode()
    assert str(program.hsds_id) in services
    assert client.get("/hsds/export.zip?x=1").status_code == 400
