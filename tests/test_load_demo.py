"""The load_demo command: fictional listings, loaded whole or not at all, safe to run again."""

import json
import math
import re
from decimal import Decimal
from io import StringIO

import pytest
import zipcodes
from django.core.management import call_command
from django.core.management.base import CommandError

from programs.models import (
    Availability,
    ConditionSupport,
    ConditionSupportLevel,
    DualDiagnosis,
    Facility,
    Format,
    LevelOfCare,
    ModalityKind,
    Program,
    Session,
    Source,
    StaffRole,
)
from tests.factories import make_facility

pytestmark = pytest.mark.django_db

CHARLOTTESVILLE = (38.0339, -78.4924)  # ZIP 22903
DURHAM = (35.9967, -78.8966)  # ZIP 27701


def load(**options) -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 3958.8 * math.asin(math.sqrt(h))


def write_file(tmp_path, facilities) -> str:
    path = tmp_path / "demo.json"
    path.write_text(json.dumps({"facilities": facilities}), encoding="utf-8")
    return str(path)


def small_facility(source_id="demo-900", slug="test-harbor", **overrides) -> dict:
    facility = {
        "source_id": source_id,
        "name": "Test Harbor Recovery",
        "slug": slug,
        "city": "Charlottesville",
        "state": "VA",
        "zip_code": "22903",
        "latitude": 38.0339,
        "longitude": -78.4924,
        "phone": "(434) 555-0199",
        "last_verified": "2026-10-01",
        "payment": ["medicaid"],
        "programs": [
            {
                "name": "Evening IOP",
                "slug": f"{slug}-evening-iop",
                "offers_mat": True,
                "sessions": [["Mon", "18:00", "21:00", "Evening"], ["Wed", "18:00", "21:00"]],
                "staff": {"psychiatrist": "on_site"},
                "conditions": {"depression": "referral"},
            }
        ],
    }
    facility.update(overrides)
    return facility


# --- The shipped demo file ---------------------------------------------------------------


def test_demo_file_loads_about_forty_programs_at_about_twenty_five_facilities():
    output = load()
    facilities = Facility.objects.all()
    assert 20 <= facilities.count() <= 30
    assert 35 <= Program.objects.count() <= 45
    assert len(set(facilities.values_list("state", flat=True))) >= 6
    assert f"Loaded {facilities.count()} demo facilities" in output


def test_every_demo_facility_is_marked_demo_published_and_verified():
    load()
    for facility in Facility.objects.all():
        assert facility.source == Source.DEMO
        assert facility.is_demo
        assert re.fullmatch(r"demo-\d{3}", facility.source_id)
        assert facility.is_published
        assert facility.last_verified is not None


def test_demo_phone_numbers_are_fictional_and_websites_are_example_org():
    load()
    for facility in Facility.objects.all():
        for number in filter(None, (facility.phone, facility.intake_phone)):
            assert re.fullmatch(r"\d{3}-555-01\d\d", number), number  # programs.phones shape
        assert facility.website == "" or facility.website.startswith("https://example.org/")


def test_demo_addresses_use_real_zip_codes_with_their_own_city_state_and_centroid():
    load()
    for facility in Facility.objects.all():
        (place,) = zipcodes.matching(facility.zip_code)
        assert (facility.city, facility.state) == (place["city"].title(), place["state"])
        near = miles(
            (facility.latitude, facility.longitude), (float(place["lat"]), float(place["long"]))
        )
        assert near < 1


def test_demo_has_clusters_near_charlottesville_and_durham_for_distance_search():
    load()
    points = [(f.latitude, f.longitude) for f in Facility.objects.all()]
    assert sum(miles(CHARLOTTESVILLE, p) <= 25 for p in points) >= 6
    assert sum(25 < miles(CHARLOTTESVILLE, p) <= 100 for p in points) >= 1
    assert sum(miles(DURHAM, p) <= 25 for p in points) >= 3


def test_demo_programs_vary_on_every_criterion():
    load()
    programs = Program.objects.all()
    assert set(programs.values_list("level_of_care", flat=True)) == set(LevelOfCare.values)
    assert set(programs.values_list("format", flat=True)) == set(Format.values)
    assert set(programs.values_list("dual_diagnosis", flat=True)) == {
        *DualDiagnosis.values,
        None,
    }
    assert set(programs.values_list("offers_mat", flat=True)) == {True, False, None}
    assert programs.filter(has_evening=True).exists()
    assert programs.filter(has_evening=False).exists()
    assert programs.filter(has_weekend=True).exists()
    kinds = set(programs.values_list("modalities__kind", flat=True)) - {None}
    assert kinds == set(ModalityKind.values)
    populations = set(programs.values_list("populations__slug", flat=True))
    assert {"adolescents", "veterans", "women", "lgbtq"} <= populations
    languages = set(Facility.objects.values_list("languages__slug", flat=True))
    assert {"spanish", "asl"} <= languages
    assert set(ConditionSupport.objects.values_list("support", flat=True)) == set(
        ConditionSupportLevel.values
    )
    psychiatrist = StaffRole.objects.filter(credential__slug="psychiatrist")
    assert set(psychiatrist.values_list("availability", flat=True)) == set(Availability.values)
    assert programs.exclude(staff_roles__credential__slug="psychiatrist").exists()
    assert programs.filter(medications__slug="methadone").exists()
    assert programs.filter(medications__slug="naltrexone-injectable").exists()


def test_facts_left_out_of_the_file_stay_not_reported():
    load()
    programs = Program.objects.all()
    assert programs.filter(offers_mat__isnull=True).exists()
    assert programs.filter(format="").exists()
    assert programs.filter(dual_diagnosis__isnull=True).exists()
    assert programs.filter(typical_length_weeks__isnull=True).exists()
    assert programs.filter(condition_support__isnull=True).exists()
    assert Facility.objects.filter(operation="").exists()
    assert Facility.objects.filter(accreditations__isnull=True).exists()
    unscheduled = programs.filter(sessions__isnull=True)
    assert unscheduled.count() >= 2
    assert all(p.hours_per_week is None and p.has_evening is None for p in unscheduled)


def test_schedule_figures_are_computed_from_the_loaded_sessions():
    load()
    evening = Program.objects.get(slug="blue-ridge-adult-evening-iop")
    assert evening.hours_per_week == Decimal("9.0")
    assert (evening.has_evening, evening.has_weekend) == (True, False)
    assert evening.schedule_days == ["Mon", "Wed", "Thu"]
    weekend = Program.objects.get(slug="crozet-orchard-weekend-iop")
    assert weekend.has_weekend is True
    assert weekend.hours_per_week == Decimal("10.0")
    for program in Program.objects.filter(sessions__isnull=False).distinct():
        assert program.hours_per_week is not None
        assert program.days_mask > 0


# --- Running it again --------------------------------------------------------------------


def test_second_run_updates_in_place_and_creates_no_duplicates():
    load()
    before = {
        "facilities": set(Facility.objects.values_list("pk", flat=True)),
        "programs": set(Program.objects.values_list("pk", flat=True)),
        "sessions": Session.objects.count(),
        "staff": StaffRole.objects.count(),
        "conditions": ConditionSupport.objects.count(),
    }
    output = load()
    assert set(Facility.objects.values_list("pk", flat=True)) == before["facilities"]
    assert set(Program.objects.values_list("pk", flat=True)) == before["programs"]
    assert Session.objects.count() == before["sessions"]
    assert StaffRole.objects.count() == before["staff"]
    assert ConditionSupport.objects.count() == before["conditions"]
    assert "(0 new)" in output


def test_second_run_restores_edited_facts_and_resets_left_out_ones(tmp_path):
    path = write_file(tmp_path, [small_facility()])
    load(path=path)
    program = Program.objects.get(slug="test-harbor-evening-iop")
    program.drug_testing = True  # not in the file: a local edit
    program.offers_mat = False  # in the file as True
    program.save()
    program.sessions.first().delete()

    load(path=path)
    program.refresh_from_db()
    assert program.drug_testing is None
    assert program.offers_mat is True
    assert program.hours_per_week == Decimal("6.0")
    assert program.sessions.count() == 2


def test_programs_dropped_from_the_file_are_removed_from_their_demo_facility(tmp_path):
    facility = small_facility()
    load(path=write_file(tmp_path, [facility]))
    facility["programs"][0]["slug"] = "test-harbor-day-iop"
    output = load(path=write_file(tmp_path, [facility]))
    assert list(Program.objects.values_list("slug", flat=True)) == ["test-harbor-day-iop"]
    assert "1 removed" in output


def test_loading_leaves_listings_from_other_sources_alone(tmp_path):
    curated = make_facility(source=Source.CURATOR, source_id="demo-900", name="Curated Place")
    load(path=write_file(tmp_path, [small_facility()]))
    curated.refresh_from_db()
    assert curated.name == "Curated Place"
    assert Facility.objects.filter(source=Source.DEMO, source_id="demo-900").count() == 1


# --- Bad files ---------------------------------------------------------------------------


def test_unknown_slug_raises_command_error_and_writes_nothing(tmp_path):
    broken = small_facility(source_id="demo-902", slug="second-place")
    broken["programs"][0]["modalities"] = ["cbt", "telepathy"]
    path = write_file(tmp_path, [small_facility(), broken])
    with pytest.raises(CommandError, match="telepathy"):
        load(path=path)
    assert Facility.objects.count() == 0
    assert Program.objects.count() == 0
    assert Session.objects.count() == 0


def test_unknown_credential_in_staff_is_named_in_the_error(tmp_path):
    facility = small_facility()
    facility["programs"][0]["staff"] = {"wizard": "on_site"}
    with pytest.raises(CommandError, match=r"staff\.wizard.*unknown"):
        load(path=write_file(tmp_path, [facility]))
    assert Program.objects.count() == 0


def test_session_ending_before_it_starts_is_rejected_and_writes_nothing(tmp_path):
    facility = small_facility()
    facility["programs"][0]["sessions"] = [["Mon", "21:00", "18:00"]]
    with pytest.raises(CommandError, match="demo-900"):
        load(path=write_file(tmp_path, [facility]))
    assert Facility.objects.count() == 0


def test_invalid_zip_code_is_rejected_by_the_database_constraint(tmp_path):
    with pytest.raises(CommandError, match="facility_zip_five_digits"):
        load(path=write_file(tmp_path, [small_facility(zip_code="2290")]))
    assert Facility.objects.count() == 0


def test_misspelt_key_is_rejected_rather_than_ignored(tmp_path):
    facility = small_facility()
    facility["programs"][0]["offers_matt"] = True
    with pytest.raises(CommandError, match="offers_matt"):
        load(path=write_file(tmp_path, [facility]))


def test_file_that_is_not_json_raises_command_error(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"facilities": [', encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        load(path=str(path))
    assert Facility.objects.count() == 0


def test_missing_file_raises_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        load(path=str(tmp_path / "nowhere.json"))


def test_bad_file_leaves_earlier_demo_data_untouched(tmp_path):
    load()
    before = Program.objects.count()
    broken = small_facility()
    broken["programs"][0]["dual_diagnosis"] = "very"
    with pytest.raises(CommandError, match="dual_diagnosis"):
        load(path=write_file(tmp_path, [broken]))
    assert Program.objects.count() == before
    assert not Facility.objects.filter(source_id="demo-900").exists()
