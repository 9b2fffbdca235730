"""The import_findtreatment command, on the real locator sample and on broken copies of it."""

import copy
import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.utils import timezone

from programs.importers import findtreatment
from programs.importers.findtreatment import RowError, parse_row
from programs.models import (
    DualDiagnosis,
    Facility,
    ImportChange,
    Language,
    LevelOfCare,
    Operation,
    PaymentType,
    Program,
    Source,
)
from tests.clock import LATE_EVENING_NEW_YORK

SAMPLE = Path(settings.BASE_DIR) / "fixtures" / "findtreatment" / "locator-sample.json"
SHARED_SAMPLE = (
    Path(settings.BASE_DIR).parent / "shared" / "data" / "findtreatment" / "locator-sample.json"
)
REGION_TEN_IOP = "39d6ca2b067e9d7bb435d81d51b2c7876939f82b9c92612142d4239277b3d5e6"
EMPOWERING_FAMILIES = "ab7407016dd121765de56ac89d9f31ae2074d461de7c3370b2d1a3a6fae20c93"
ORCHARD_MOUNTAIN = "76cf96c3e66fecfa71acd1d9d02e9d77b66f01a09194bce3609d6797473a38fe"

pytestmark = pytest.mark.django_db


def raw_rows() -> list[dict]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))["rows"]


def coded(row: dict, code: str) -> list[str]:
    """The values of one service category of a raw row, as the file writes them."""
    return [
        value.strip()
        for service in row["services"]
        if service["f2"] == code
        for value in service["f3"].split(";")
    ]


def is_substance_use(row: dict) -> bool:
    return "Substance use treatment" in coded(row, "TC")


def run(*args, path=SAMPLE) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_findtreatment", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_rows(tmp_path, rows) -> Path:
    path = tmp_path / "locator.json"
    path.write_text(json.dumps({"page": 1, "rows": rows}), encoding="utf-8")
    return path


def snapshot() -> dict:
    """Every imported fact, to compare two imports field by field."""
    facilities = {
        f.source_id: (
            {k: v for k, v in vars(f).items() if not k.startswith("_")},
            sorted(f.payment_types.values_list("slug", flat=True)),
            sorted(f.languages.values_list("slug", flat=True)),
            sorted(f.accreditations.values_list("slug", flat=True)),
        )
        for f in Facility.objects.all()
    }
    programs = {
        p.slug: (
            {k: v for k, v in vars(p).items() if not k.startswith("_")},
            sorted(p.populations.values_list("slug", flat=True)),
            sorted(p.medications.values_list("slug", flat=True)),
            sorted(p.modalities.values_list("slug", flat=True)),
        )
        for p in Program.objects.all()
    }
    return {"facilities": facilities, "programs": programs}


def test_committed_sample_is_the_shared_sample():
    if not SHARED_SAMPLE.exists():
        pytest.skip("shared/ is not beside the repository")
    assert SAMPLE.read_bytes() == SHARED_SAMPLE.read_bytes()


def test_import_creates_one_facility_with_an_iop_program_per_iop_row():
    iop_rows = [
        row
        for row in raw_rows()
        if "Intensive outpatient treatment" in coded(row, "SET") and is_substance_use(row)
    ]
    # Every IOP row in the sample is a substance-use facility, so none is lost to that rule.
    assert len(iop_rows) == sum(
        "Intensive outpatient treatment" in coded(row, "SET") for row in raw_rows()
    )

    out, _ = run()

    imported = Facility.objects.filter(source=Source.FINDTREATMENT)
    assert set(imported.values_list("source_id", flat=True)) == {row["frid"] for row in iop_rows}
    programs = Program.objects.filter(facility__in=imported)
    assert programs.count() == len(iop_rows)
    assert set(programs.values_list("level_of_care", flat=True)) == {LevelOfCare.IOP}
    assert f"{len(iop_rows)} created, 0 updated" in out
    assert f"{len(raw_rows()) - len(iop_rows)} skipped, 0 failed" in out


def test_known_facility_address_phone_payment_and_languages():
    run()

    facility = Facility.objects.get(source_id=REGION_TEN_IOP)
    assert facility.name == "Region Ten Community Services Board"
    assert facility.address_lines == [
        "800 Preston Avenue",
        "Peterson Building",
        "Charlottesville, VA 22903",
    ]
    assert facility.latitude == pytest.approx(38.0364492)
    assert facility.longitude == pytest.approx(-78.4888244)
    assert facility.phone == "434-972-1800"
    assert facility.website == "http://www.regionten.org"
    assert facility.operation == Operation.GOVERNMENT
    assert set(facility.payment_types.values_list("slug", flat=True)) == {
        "medicaid",
        "tricare",
        "private-insurance",
        "self-pay",
        "sliding-scale",
    }
    # OL says Spanish; SL "Services for the deaf and hard of hearing" is not ASL.
    assert list(facility.languages.values_list("slug", flat=True)) == ["spanish"]
    assert list(facility.accreditations.values_list("slug", flat=True)) == ["state-license"]

    program = facility.programs.get()
    assert program.offers_mat is True
    assert list(program.medications.values_list("slug", flat=True)) == ["buprenorphine"]
    assert program.dual_diagnosis == DualDiagnosis.CAPABLE
    assert program.drug_testing is True
    assert program.aftercare_planning is True
    assert program.family_program is True
    assert {"cbt", "dbt", "matrix-model", "twelve-step"} <= set(
        program.modalities.values_list("slug", flat=True)
    )

    empowering = Facility.objects.get(source_id=EMPOWERING_FAMILIES)
    assert empowering.intake_phone == "434-971-8454 ext. 1"
    assert empowering.name == "Empowering Families Program - Substance Abuse Intensive Outpatient"


def test_imported_listings_are_published_and_dated_but_not_verified(time_machine):
    # Late evening in New York, when the UTC date is already tomorrow: the import is dated today.
    time_machine.move_to(LATE_EVENING_NEW_YORK, tick=False)
    run()

    for facility in Facility.objects.all():
        assert facility.source == Source.FINDTREATMENT
        assert facility.is_published is True
        assert facility.last_verified is None
        assert facility.source_imported_at is not None
        assert facility.source_imported_at == LATE_EVENING_NEW_YORK
        assert timezone.localdate(facility.source_imported_at) == date(2026, 12, 2)
    assert Program.objects.published().count() == Program.objects.count() > 0


def test_the_year_the_locator_published_the_facts_is_stored_and_shown(client, admin_client):
    run("--source-year", "2019")
    assert set(Facility.objects.values_list("source_published_year", flat=True)) == {2019}

    run()  # a re-import that is not told the year keeps the one it was told before
    region_ten = Facility.objects.get(source_id=REGION_TEN_IOP)
    assert region_ten.source_published_year == 2019
    program = region_ten.programs.get()
    html = client.get(program.get_absolute_url()).content.decode()
    assert "as published around 2019" in html
    assert "Services in languages other than English" in html
    assert REGION_TEN_IOP not in html
    admin_page = admin_client.get(f"/admin/programs/facility/{region_ten.pk}/change/")
    assert REGION_TEN_IOP in admin_page.content.decode()


@pytest.mark.parametrize("year", ["1850", "soon"])
def test_an_impossible_source_year_is_refused(year):
    with pytest.raises(CommandError, match="source-year"):
        run("--source-year", year)
    assert not Facility.objects.exists()


def test_facts_the_source_does_not_give_stay_not_reported():
    run()

    for program in Program.objects.all():
        assert program.format == ""
        assert program.individual_therapy is None
        assert program.accepting_new_clients is None
        assert program.psychiatric_evaluation is None
        assert program.typical_length_weeks is None
        assert program.group_size_max is None
        assert program.hours_per_week is None
        assert program.has_evening is None
        assert not program.sessions.exists()
        assert not program.staff_roles.exists()
        assert not program.condition_support.exists()
    # Only "accepts clients on opioid medication": MAT is not reported, not "no".
    assert Program.objects.get(facility__source_id=EMPOWERING_FAMILIES).offers_mat is None
    # "Do not use medication for opioid addiction" and no medication coded: a real no.
    orchard = Program.objects.get(facility__source_id=ORCHARD_MOUNTAIN)
    assert orchard.offers_mat is False
    assert orchard.dual_diagnosis is None
    assert not orchard.facility.languages.exists()


def test_values_with_no_place_in_the_model_are_counted_not_dropped():
    out, _ = run()

    assert "Unknown codes: none." in out
    assert "SL: Services for the deaf and hard of hearing: 2 rows" in out
    assert "OT: Accepts clients on opioid medication: 3 rows" in out
    assert not Language.objects.filter(slug="asl", facilities__isnull=False).exists()


def test_a_reimport_records_each_fact_it_changes_with_old_and_new_values(tmp_path):
    run()
    assert not ImportChange.objects.exists()  # a first import has no old values
    rows = copy.deepcopy(raw_rows())
    region_ten = next(row for row in rows if row["frid"] == REGION_TEN_IOP)
    for service in region_ten["services"]:
        if service["f2"] == "PAY":
            service["f3"] = service["f3"].replace("Medicaid; ", "")
        if service["f2"] == "TAP":
            service["f3"] += "; Contingency management/motivational incentives"
    region_ten["website"] = "https://example.org/region-ten"
    path = write_rows(tmp_path, rows)

    dry_out, _ = run("--dry-run", path=path)
    assert not ImportChange.objects.exists()
    out, _ = run(path=path)

    facility = Facility.objects.get(source_id=REGION_TEN_IOP)
    changes = {c.field: c for c in ImportChange.objects.filter(facility=facility)}
    assert set(changes) == {"website", "payment_types", "modalities"}
    assert changes["website"].new_value == "https://example.org/region-ten"
    assert changes["website"].program is None
    assert "Medicaid" in changes["payment_types"].old_value
    assert "Medicaid" not in changes["payment_types"].new_value
    assert changes["modalities"].program == facility.programs.get()
    assert "Contingency management" in changes["modalities"].new_value
    assert "Contingency management" not in changes["modalities"].old_value
    assert all(c.reviewed_at is None for c in changes.values())
    for text in (out, dry_out):
        assert "Changed facts (old -> new):" in text
        assert "website: http" in text


def test_reimport_changes_nothing():
    run()
    before = snapshot()

    out, _ = run()

    assert "0 created, 0 updated, 5 unchanged" in out
    assert "Programs: 0 created, 0 updated." in out
    assert snapshot() == before


def test_reimport_keeps_curator_edits_to_facts_the_source_does_not_cover():
    run()
    facility = Facility.objects.get(source_id=REGION_TEN_IOP)
    facility.last_verified = date(2026, 11, 1)
    facility.is_published = False
    facility.phone = "434-555-0199"  # a fact the source gives: the curator's value is kept
    facility.save()
    facility.payment_types.add(PaymentType.objects.get(slug="payment-plan"))
    facility.languages.add(Language.objects.get(slug="english"))
    program = facility.programs.get()
    program.name = "Adult IOP"
    program.typical_length_weeks = 12
    program.accepting_new_clients = True
    program.accepting_confirmed_on = date(2026, 11, 20)
    program.save()

    out, _ = run()

    assert "0 created, 0 updated, 5 unchanged" in out
    assert "Region Ten Community Services Board: phone: 434-555-0199 -> 434-972-1800" in out
    facility.refresh_from_db()
    program.refresh_from_db()
    assert facility.phone == "434-555-0199"
    assert facility.last_verified == date(2026, 11, 1)
    assert facility.is_published is False
    assert "payment-plan" in facility.payment_types.values_list("slug", flat=True)
    assert set(facility.languages.values_list("slug", flat=True)) == {"english", "spanish"}
    assert (program.name, program.typical_length_weeks, program.accepting_new_clients) == (
        "Adult IOP",
        12,
        True,
    )
    assert Facility.objects.count() == 5


def test_dry_run_writes_nothing():
    out, _ = run("--dry-run")

    assert Facility.objects.count() == 0
    assert Program.objects.count() == 0
    assert out.count("would create") == 5
    assert "would skip" in out
    assert "Dry run: nothing was written." in out


def test_dry_run_after_an_import_reports_updates_without_writing_them():
    run()
    Facility.objects.filter(source_id=REGION_TEN_IOP).update(phone="000")

    out, _ = run("--dry-run", "--all-levels")

    assert "would update Region Ten Community Services Board (iop, op)" in out
    assert Facility.objects.get(source_id=REGION_TEN_IOP).phone == "000"
    assert Program.objects.count() == 5


def test_all_levels_also_imports_php_and_outpatient_programs():
    levels = {
        "Intensive outpatient treatment": "iop",
        "Partial hospitalization/day treatment": "php",
        "Outpatient day treatment or partial hospitalization": "php",
        "Regular outpatient treatment": "op",
    }
    expected = {
        (row["frid"], levels[value])
        for row in raw_rows()
        if is_substance_use(row)
        for value in coded(row, "SET")
        if value in levels
    }

    run("--all-levels")

    imported = set(Program.objects.values_list("facility__source_id", "level_of_care"))
    assert imported == expected
    assert len(expected) > 5
    assert Facility.objects.count() == len({frid for frid, _ in expected})


def test_mental_health_only_facilities_are_skipped_even_with_all_levels():
    mental_health_day_programs = [
        row["frid"]
        for row in raw_rows()
        if "Partial hospitalization/day treatment" in coded(row, "SET")
        and not is_substance_use(row)
    ]
    assert mental_health_day_programs

    out, _ = run("--all-levels", "-v", "2")

    assert not Facility.objects.filter(source_id__in=mental_health_day_programs).exists()
    assert "mental health only, no substance use" in out


def test_a_file_that_is_not_json_is_a_clear_error(tmp_path):
    path = tmp_path / "locator.json"
    path.write_text("<html>Service unavailable</html>", encoding="utf-8")

    with pytest.raises(CommandError, match="is not JSON"):
        run(path=path)
    assert Facility.objects.count() == 0


def test_json_without_rows_is_a_clear_error(tmp_path):
    path = tmp_path / "locator.json"
    path.write_text('{"page": 1}', encoding="utf-8")

    with pytest.raises(CommandError, match='expected a list of facilities in "rows"'):
        run(path=path)


def test_bad_rows_are_reported_by_number_and_the_good_rows_import(tmp_path):
    rows = [row for row in raw_rows() if "Intensive outpatient treatment" in coded(row, "SET")]
    rows = copy.deepcopy(rows)
    rows[0]["name1"] = ""
    rows[1]["latitude"] = "200"
    rows[3]["zip"] = "ABC"
    path = write_rows(tmp_path, rows)

    with pytest.raises(CommandError, match="3 rows failed") as failure:
        out, err = StringIO(), StringIO()
        call_command("import_findtreatment", str(path), stdout=out, stderr=err)

    assert failure.value.returncode != 0
    errors = err.getvalue()
    assert "row 1: FAILED: missing name" in errors
    assert "row 2: FAILED: impossible latitude '200'" in errors
    assert "row 4: FAILED: bad ZIP code 'ABC'" in errors
    assert "2 created, 0 updated, 0 unchanged, 0 skipped, 3 failed" in out.getvalue()
    assert set(Facility.objects.values_list("source_id", flat=True)) == {
        rows[2]["frid"],
        rows[4]["frid"],
    }


def test_a_row_the_database_refuses_leaves_no_half_written_facility(tmp_path, monkeypatch):
    rows = [row for row in raw_rows() if "Intensive outpatient treatment" in coded(row, "SET")]
    original_save = Program.save

    def refuse_orchard(program, *args, **kwargs):
        if program.facility.source_id == ORCHARD_MOUNTAIN:
            raise DatabaseError("disk full")
        return original_save(program, *args, **kwargs)

    monkeypatch.setattr(Program, "save", refuse_orchard)

    with pytest.raises(CommandError, match="1 rows failed"):
        run(path=write_rows(tmp_path, rows))

    assert not Facility.objects.filter(source_id=ORCHARD_MOUNTAIN).exists()
    assert Facility.objects.count() == 4


def test_unknown_codes_and_values_are_reported_by_name(tmp_path):
    rows = copy.deepcopy(raw_rows())
    target = next(row for row in rows if row["frid"] == ORCHARD_MOUNTAIN)
    target["services"].append({"f1": "Brand new category", "f2": "ZZZ", "f3": "Something"})
    for service in target["services"]:
        if service["f2"] == "SET":
            service["f3"] += "; Moon base treatment"

    out, _ = run(path=write_rows(tmp_path, rows))

    assert "ZZZ (Brand new category): 1 rows" in out
    assert "SET: Moon base treatment: 1 rows" in out
    assert Facility.objects.filter(source_id=ORCHARD_MOUNTAIN).exists()


def test_progress_is_shown_on_long_imports(monkeypatch):
    monkeypatch.setattr(findtreatment, "PROGRESS_EVERY", 10)

    _, err = run()

    assert "... 10 of 30 rows" in err
    assert "... 30 of 30 rows" in err


def test_a_facility_accepting_one_gender_serves_women_or_men_only():
    base = {"frid": "x", "name1": "A", "city": "B", "state": "VA", "zip": "22903"}
    women = parse_row({**base, "services": [{"f2": "GN", "f3": "Female"}]}, 1)
    both = parse_row({**base, "services": [{"f2": "GN", "f3": "Female; Male"}]}, 1)

    assert women.program_m2m["pop"] == {"women"}
    assert both.program_m2m["pop"] is None
    assert both.unmapped[("GN", "Male")] == 1


def test_conflicting_operation_codes_leave_operation_not_reported():
    row = {
        "frid": "x",
        "name1": "A",
        "city": "B",
        "state": "VA",
        "zip": "22903-1234",
        "services": [
            {"f2": "FOP", "f3": "Private for-profit organization; Private non-profit organization"}
        ],
    }
    parsed = parse_row(row, 7)

    assert parsed.facility["operation"] is None
    assert parsed.facility["zip_code"] == "22903"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"longitude": "-200"}, "impossible longitude"),
        ({"latitude": ""}, "only one of latitude and longitude"),
        ({"zip": 2290}, "bad ZIP code"),
        ({"state": "XX"}, "unknown state"),
        ({"frid": ""}, "missing frid"),
    ],
)
def test_parse_row_rejects_impossible_values(change, reason):
    row = {
        "frid": "x",
        "name1": "A",
        "city": "B",
        "state": "VA",
        "zip": "22903",
        "latitude": "38.0",
        "longitude": "-78.4",
    }
    with pytest.raises(RowError, match=reason):
        parse_row({**row, **change}, 1)


def test_a_listing_a_curator_took_over_is_left_alone_and_not_duplicated():
    run()
    Facility.objects.filter(source_id=REGION_TEN_IOP).update(
        source=Source.CURATOR, phone="434-555-0123"
    )

    out, _ = run("-v", "2")

    assert Facility.objects.filter(source_id=REGION_TEN_IOP).count() == 1
    assert Facility.objects.get(source_id=REGION_TEN_IOP).phone == "434-555-0123"
    assert "source is no longer the locator; left as is" in out
    assert "0 created, 0 updated, 4 unchanged, 26 skipped" in out


def test_a_hotline_number_is_counted_as_unmapped(tmp_path):
    rows = copy.deepcopy([row for row in raw_rows() if row["frid"] == ORCHARD_MOUNTAIN])
    rows[0]["hotline1"] = "800-555-0199"

    out, _ = run(path=write_rows(tmp_path, rows))

    assert "hotline1: a hotline number: 1 rows" in out
    facility = Facility.objects.get()
    assert (facility.phone, facility.intake_phone) == ("434-282-2294", "")
