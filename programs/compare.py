"""The side-by-side comparison: which programs the URL asks for, and the rows that compare them.

The compare page's URL is its whole state (``?p=<slug>&p=<slug>[&near=...][&diff=1]``), so it
can be shared and bookmarked. ``read_selection`` checks the slugs; ``build_rows`` turns two to
four programs (loaded with ``with_detail_data()``) into groups of rows, one cell per program,
each row knowing whether the programs differ on it. Cell values are what
``programs/_fact.html`` renders: True, False, None (not reported) or a short text.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from programs.models import (
    Availability,
    DualDiagnosis,
    ModalityKind,
    Source,
)
from programs.wording import sessions_text

MIN_PROGRAMS = 2
MAX_PROGRAMS = 4
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
# A pasted program address, e.g. https://example.org/programs/some-slug/ (no-JS "add" form).
PROGRAM_URL_RE = re.compile(r"/programs/([-a-zA-Z0-9_]+)/?(?:[?#].*)?$")


# --- Reading the URL ---------------------------------------------------------------------------


@dataclass
class Selection:
    """The programs a compare URL asks for, and what is wrong with the request, if anything."""

    slugs: list[str]
    near: str = ""
    only_differences: bool = False
    problem: str = ""
    status: int = 200
    # A corrected comparison to offer when the request has a problem (a URL, or "").
    fixed_url: str = ""
    fixed_label: str = ""

    def url(self, slugs: list[str] | None = None, **overrides) -> str:
        """This comparison's address, with other slugs or settings."""
        params: list[tuple[str, str]] = [
            ("p", slug) for slug in (self.slugs if slugs is None else slugs)
        ]
        near = overrides.get("near", self.near)
        if near:
            params.append(("near", near))
        if overrides.get("only_differences", self.only_differences):
            params.append(("diff", "1"))
        query = urlencode(params)
        return reverse("programs:compare") + (f"?{query}" if query else "")

    @property
    def all_facts_url(self) -> str:
        """This comparison with every row shown."""
        return self.url(only_differences=False)


def _clean_slug(value: str) -> str:
    value = value.strip()
    match = PROGRAM_URL_RE.search(value)
    return match.group(1) if match else value


def read_selection(query) -> Selection:
    """Read ``p`` (repeated), ``near`` and ``diff`` from a QueryDict and check the slugs."""
    slugs = [_clean_slug(value) for value in query.getlist("p") if value.strip()]
    selection = Selection(
        slugs=slugs,
        near=query.get("near", "").strip()[:100],
        only_differences=query.get("diff") == "1",
    )
    bad = [slug for slug in slugs if not SLUG_RE.match(slug) or len(slug) > 220]
    unique = list(dict.fromkeys(slugs))
    if bad:
        selection.problem = (
            f"“{bad[0][:60]}” is not a program’s short name. Use “Add to compare” on a "
            "program’s page or in the search results."
        )
        selection.status = 400
        selection.slugs = [slug for slug in unique if slug not in bad]
        selection.fixed_url = selection.url(selection.slugs[:MAX_PROGRAMS])
        selection.fixed_label = "Compare without it"
    elif len(unique) < len(slugs):
        selection.problem = "The same program is listed more than once in this comparison."
        selection.status = 400
        selection.fixed_url = selection.url(unique[:MAX_PROGRAMS])
        selection.fixed_label = "Compare each program once"
    elif len(slugs) > MAX_PROGRAMS:
        selection.problem = (
            f"You can compare up to {MAX_PROGRAMS} programs side by side; this link lists "
            f"{len(slugs)}. Remove some, or compare the first {MAX_PROGRAMS}."
        )
        selection.status = 400
        selection.fixed_url = selection.url(slugs[:MAX_PROGRAMS])
        selection.fixed_label = f"Compare the first {MAX_PROGRAMS}"
    return selection


def order_found(selection: Selection, programs) -> list:
    """The programs in the order of the URL; flags slugs that match no published program."""
    by_slug = {program.slug: program for program in programs}
    unknown = [slug for slug in selection.slugs if slug not in by_slug]
    if unknown and not selection.problem:
        known = [slug for slug in selection.slugs if slug in by_slug]
        names = ", ".join(f"“{slug}”" for slug in unknown)
        selection.problem = (
            f"We could not find {names}. The program may have been removed or renamed."
        )
        selection.status = 404
        selection.fixed_url = selection.url(known)
        selection.fixed_label = "Compare the others"
    return [by_slug[slug] for slug in selection.slugs if slug in by_slug]


# --- Distance ----------------------------------------------------------------------------------


def distances_from(near: str, programs) -> tuple[str, dict[int, float | None]] | None:
    """The place ``near`` names, and miles from it to each program's facility by program id.

    None when ``near`` does not name a place we know. A facility without map coordinates has a
    distance of None.
    """
    from programs import geo

    place = geo.resolve(near)
    if place is None:
        return None
    miles = {
        program.pk: (
            round(
                geo.haversine_miles(
                    place.latitude,
                    place.longitude,
                    program.facility.latitude,
                    program.facility.longitude,
                ),
                1,
            )
            if program.facility.has_coordinates
            else None
        )
        for program in programs
    }
    return place.label, miles


# --- Rows --------------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    cells: list  # one value per program, in column order
    help: str = ""

    @property
    def differs(self) -> bool:
        return len(set(self.cells)) > 1


@dataclass
class RowGroup:
    title: str
    rows: list[Row] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        """True when the programs differ on at least one row of this group."""
        return any(row.differs for row in self.rows)

    def add(self, label: str, cells, help: str = "") -> None:
        self.rows.append(Row(label, list(cells), help))


def count_differences(groups: list[RowGroup]) -> int:
    """How many rows differ between the programs."""
    return sum(row.differs for group in groups for row in group.rows)


def _listed(items) -> str | None:
    """A list fact: its names joined, or None (not reported) when the list is empty."""
    names = [str(item) for item in items]
    return ", ".join(names) if names else None


def _best_availability(roles) -> str | None:
    availabilities = {role.availability for role in roles}
    if Availability.ON_SITE in availabilities:
        return Availability.ON_SITE.label
    if Availability.REFERRAL in availabilities:
        return Availability.REFERRAL.label
    return None


def _modalities_of_kind(program, kind: str) -> str | None:
    modalities = list(program.modalities.all())
    if not modalities:
        return None
    return _listed(m for m in modalities if m.kind == kind) or "None listed"


def _verified(facility) -> str:
    if facility.last_verified is None:
        return "Not yet checked by a person"
    return (
        f"{facility.last_verified:%b} {facility.last_verified.day}, {facility.last_verified.year}"
    )


def build_rows(programs, conditions, distances: dict | None = None) -> list[RowGroup]:
    """Groups of rows comparing ``programs`` on the four criteria, then the other facts.

    ``conditions`` is every co-occurring condition to show a row for; ``distances`` maps
    program id to miles (or None when unknown) and adds a distance row.
    """

    def cells(fact):
        return [fact(program) for program in programs]

    def hours(p):
        return f"{float(p.hours_per_week):g} hours" if p.hours_per_week is not None else None

    def length(p):
        return f"{p.typical_length_weeks} weeks" if p.typical_length_weeks else None

    def roles(p, test):
        return [role for role in p.staff_roles.all() if test(role.credential)]

    where = RowGroup("Where and when")
    where.add("Level of care", cells(lambda p: p.get_level_of_care_display()))
    where.add("Town", cells(lambda p: f"{p.facility.city}, {p.facility.state}"))
    if distances is not None:
        where.add(
            "Distance",
            cells(
                lambda p: (
                    f"{distances[p.pk]:g} miles"
                    if distances.get(p.pk) is not None
                    else "Unknown (no map location)"
                )
            ),
            help="Straight-line distance from the place you searched.",
        )
    where.add("Format", cells(lambda p: p.get_format_display() if p.format else None))
    where.add("Schedule", cells(lambda p: sessions_text(p.sessions.all()) or None))
    where.add("Hours per week", cells(hours))
    where.add("Evening sessions", cells(lambda p: p.has_evening), help="Starting at 4 pm or later.")
    where.add("Weekend sessions", cells(lambda p: p.has_weekend))
    where.add("Typical length", cells(length))

    staff = RowGroup("Who treats you")
    staff.add(
        "Psychiatrist or other physician",
        cells(lambda p: _best_availability(roles(p, lambda c: c.is_physician))),
    )
    staff.add(
        "Someone who can prescribe",
        cells(lambda p: _best_availability(roles(p, lambda c: c.is_prescriber))),
        help="A physician, nurse practitioner or physician assistant.",
    )
    staff.add(
        "Licensed therapists",
        cells(
            lambda p: _listed(
                f"{role.credential} ({role.get_availability_display().lower()})"
                for role in roles(p, lambda c: c.is_licensed_therapist)
            )
        ),
    )
    staff.add("Individual therapy", cells(lambda p: p.individual_therapy))
    staff.add(
        "Who leads groups",
        cells(lambda p: _listed(r.credential for r in p.staff_roles.all() if r.leads_groups)),
    )
    staff.add(
        "Largest group",
        cells(lambda p: f"{p.group_size_max} people" if p.group_size_max else None),
    )

    approach = RowGroup("How they treat")
    for kind in ModalityKind:
        approach.add(kind.label, cells(lambda p, kind=kind: _modalities_of_kind(p, kind)))
    approach.add("Medication for addiction treatment", cells(lambda p: p.offers_mat))
    approach.add("Medications offered", cells(lambda p: _listed(p.medications.all())))
    approach.add("Group topics", cells(lambda p: _listed(p.group_topics.all())))
    approach.add("Family program", cells(lambda p: p.family_program))
    approach.add("Aftercare planning", cells(lambda p: p.aftercare_planning))

    co_occurring = RowGroup("Care for co-occurring mental-health conditions")
    co_occurring.add(
        "Overall",
        cells(lambda p: DualDiagnosis(p.dual_diagnosis).label if p.dual_diagnosis else None),
    )
    co_occurring.add("Psychiatric evaluation", cells(lambda p: p.psychiatric_evaluation))
    co_occurring.add("Psychiatric medication management", cells(lambda p: p.medication_management))
    for condition in conditions:
        co_occurring.add(condition.name, cells(lambda p, c=condition: p.condition_support_label(c)))

    payment = RowGroup("Payment")
    payment.add("Accepted", cells(lambda p: _listed(p.facility.payment_types.all())))

    people = RowGroup("Who is served")
    people.add("Program is for", cells(lambda p: _listed(p.populations.all())))

    languages = RowGroup("Languages")
    languages.add("Staff speak", cells(lambda p: _listed(p.facility.languages.all())))

    licensing = RowGroup("Licensing and accreditation")
    licensing.add(
        "Licenses and accreditation", cells(lambda p: _listed(p.facility.accreditations.all()))
    )
    licensing.add(
        "Run by",
        cells(lambda p: p.facility.get_operation_display() if p.facility.operation else None),
    )

    rules = RowGroup("Rules and admission")
    rules.add("Drug and alcohol testing", cells(lambda p: p.drug_testing))
    rules.add("Taking new clients", cells(lambda p: p.accepting_display or None))
    rules.add("Typical wait for a first appointment", cells(lambda p: p.wait_display or None))

    trust = RowGroup("Where these facts come from")
    trust.add("Source", cells(lambda p: Source(p.facility.source).label))
    trust.add("Last checked by a person", cells(lambda p: _verified(p.facility)))

    return [
        where,
        staff,
        approach,
        co_occurring,
        payment,
        people,
        languages,
        licensing,
        rules,
        trust,
    ]
