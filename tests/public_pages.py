"""The public page types, for the privacy, security-header and accessibility tests.

`make_public_pages()` creates two published programs (one with an outbound website link) and
returns a name -> URL map covering every kind of page an anonymous visitor can reach.
"""

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from programs.models import Facility, LevelOfCare, Program, ProviderLink, Source
from tests.factories import (
    EVENING_MON_WED_THU,
    make_facility,
    make_program,
    restore_migrated_rows,
)

PROGRAM_WEBSITE = "https://recovery-center.example.org/iop"
# Status of the page types that are not a plain 200.
STATUS = {"not-found": 404, "bad-input": 400}
# Every kind of page an anonymous visitor can reach, as named by make_public_pages().
PAGE_TYPES = [
    "home",
    "results",
    "empty-results",
    "filtered-results",
    "bad-input",
    "detail",
    "detail-sparse",
    "compare",
    "not-found",
]


def make_public_pages() -> dict[str, str]:
    restore_migrated_rows()
    facility = make_facility(
        name="Blue Ridge Recovery Center",
        website=PROGRAM_WEBSITE,
        payment=("medicaid",),
    )
    first = make_program(
        facility=facility,
        name="Evening IOP",
        level_of_care=LevelOfCare.IOP,
        slug="evening-iop",
        sessions=EVENING_MON_WED_THU,
        staff={"lcsw": "on_site", "psychiatrist": "referral"},
        conditions={
            "depression": "on_site",
            "anxiety": "referral",
            "psychotic-disorders": "not_served",
        },
        modalities=("cbt", "twelve-step"),
    )
    # A fictional listing, so the pages also show the demo badge and banner.
    second = make_program(
        facility=make_facility(name="Harbor Light Demo Clinic", source=Source.DEMO),
        name="Daytime IOP",
        level_of_care=LevelOfCare.IOP,
        slug="daytime-iop",
        sessions=((1, "09:00", "12:00"), (3, "09:00", "12:00")),
    )
    results = reverse("programs:list")
    return {
        "home": reverse("programs:home"),
        "results": f"{results}?near=22903&radius=25",
        # Anchorage, Alaska: a real ZIP code with no program within reach.
        "empty-results": f"{results}?near=99501&radius=5",
        "filtered-results": f"{results}?near=22903&radius=25&evening=1&payment=medicaid",
        # A ZIP code that does not exist: the form says so, with status 400.
        "bad-input": f"{results}?near=00000",
        "detail": first.get_absolute_url(),
        "detail-sparse": second.get_absolute_url(),
        "compare": f"{reverse('programs:compare')}?p={first.slug}&p={second.slug}",
        "not-found": "/no-such-page/",
    }


LOCATOR_SAMPLE = Path(settings.BASE_DIR) / "fixtures" / "findtreatment" / "locator-sample.json"
# Every page type with real, locator-shaped listings besides the made-up ones (issue 18), for
# the small-screen and accessibility tests. "detail" is the locator listing whose name, address
# and source id take the most room.
EVERY_PAGE_TYPE = [
    *PAGE_TYPES[:-1],
    "call-sheet",
    "report",
    "report-sent",
    "provider-choose",
    "provider-update",
    PAGE_TYPES[-1],  # not-found
]
LANGUAGES = {"en": "", "es": "/es"}


def _room_taken(program: Program) -> int:
    facility = program.facility
    return sum(
        len(text)
        for text in (
            program.name,
            facility.name,
            facility.street1,
            facility.street2,
            facility.city,
            facility.source_id,
        )
    )


def make_every_page_type() -> dict[str, str]:
    """The made-up listings of make_public_pages() plus the real locator sample; returns a
    name -> URL map (English addresses; prefix LANGUAGES["es"] for Spanish) of EVERY_PAGE_TYPE."""
    urls = make_public_pages()
    call_command("import_findtreatment", str(LOCATOR_SAMPLE), stdout=io.StringIO())
    locator = sorted(
        Program.objects.published()
        .filter(facility__source=Source.FINDTREATMENT)
        .select_related("facility"),
        key=_room_taken,
        reverse=True,
    )
    longest = locator[0]
    chosen = "&".join(f"p={program.slug}" for program in locator[:4])
    # The made-up facility runs a second program, so its provider link first asks which one.
    several = Facility.objects.get(name="Blue Ridge Recovery Center")
    make_program(facility=several, name="Morning PHP", level_of_care=LevelOfCare.PHP)
    return {
        **urls,
        "detail": longest.get_absolute_url(),
        "compare": f"{reverse('programs:compare')}?{chosen}&near=22903",
        "call-sheet": f"{reverse('programs:call_sheet')}?{chosen}&near=22903",
        "report": reverse("curation:report", args=[longest.slug]),
        "report-sent": reverse("curation:report_sent", args=[longest.slug]),
        "provider-choose": ProviderLink.objects.create(facility=several).get_absolute_url(),
        "provider-update": ProviderLink.objects.create(facility=longest.facility).get_absolute_url()
        + f"?program={longest.slug}",
    }
