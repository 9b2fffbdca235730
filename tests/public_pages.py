"""The public page types, for the privacy, security-header and accessibility tests.

`make_public_pages()` creates two published programs (one with an outbound website link) and
returns a name -> URL map covering every kind of page an anonymous visitor can reach.
"""

from django.urls import reverse

from programs.models import LevelOfCare, Source
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
