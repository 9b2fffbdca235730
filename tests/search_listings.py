"""Listings that the CSV export and the JSON API must tell apart exactly as the results page
does, and the queries both are checked with."""

from pathlib import Path

from django.conf import settings

from programs.models import DualDiagnosis, Format, LevelOfCare, Source
from tests.factories import EVENING_MON_WED_THU, make_facility, make_program

SAMPLE = Path(settings.BASE_DIR) / "fixtures" / "findtreatment" / "locator-sample.json"
QUERIES = [
    "",
    "near=22903",
    "near=22903&radius=100&sort=hours",
    "mat=1",
    "payment=medicaid",
    "level=iop&level=php&sort=name",
    "q=evening",
    "evening=1&near=Charlottesville%2C+VA",
]


def make_search_listings() -> None:
    """Curated, demo, far away, other levels, unpublished: what a search must tell apart."""
    full = make_facility(name="Blue Ridge Recovery", payment=("medicaid", "self-pay"))
    make_program(
        name="Evening IOP",
        slug="evening-iop",
        facility=full,
        sessions=EVENING_MON_WED_THU,
        staff={"psychiatrist": "on_site"},
        conditions={"depression": "on_site"},
        modalities=("cbt",),
        medications=("buprenorphine",),
        offers_mat=True,
        individual_therapy=True,
        drug_testing=False,
        dual_diagnosis=DualDiagnosis.ENHANCED,
        format=Format.HYBRID,
    )
    make_program(name="Day PHP", facility=full, level_of_care=LevelOfCare.PHP)
    make_program(name="Bare IOP", slug="bare-iop", facility=make_facility(name="Quiet Clinic"))
    make_program(
        name="Demo IOP",
        facility=make_facility(name="Imaginary Place", source=Source.DEMO, payment=("medicaid",)),
        offers_mat=True,
    )
    make_program(
        name="Far IOP",
        facility=make_facility(name="Far Away", latitude=40.7, longitude=-74.0, state="NY"),
    )
    make_program(name="Hidden IOP", slug="hidden-iop", is_published=False)
