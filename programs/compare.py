"""The side-by-side comparison: which programs the URL asks for, and the rows that compare them.

The compare page's URL is its whole state (``?p=<slug>&p=<slug>[&near=...][&diff=1]``), so it
can be shared and bookmarked. ``read_selection`` checks the slugs; ``build_rows`` turns two to
four programs (loaded with ``load_related(programs, DETAIL)``) into groups of rows, one cell per
program, each row knowing whether the programs differ on it. Cell values are what the
``fact`` template tag (``programs/templatetags/program_tags.py``) renders: True, False, None
(not reported) or a short text.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext

from programs import facts, geo
from programs.models import Source
from programs.wording import day_text

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
    search: str = ""  # the results page's query string this comparison came from
    problem: str = ""
    status: int = 200
    # A corrected comparison to offer when the request has a problem (a URL, or "").
    fixed_url: str = ""
    fixed_label: str = ""
    # What the add form found for a typed name (an Adding), when it did not find exactly one.
    adding: "Adding | None" = None

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
        if self.search:
            params.append(("search", self.search))
        query = urlencode(params)
        return reverse("programs:compare") + (f"?{query}" if query else "")

    @property
    def all_facts_url(self) -> str:
        """This comparison with every row shown."""
        return self.url(only_differences=False)


def clean_slug(value: str) -> str:
    """A program's short name from itself or from a pasted address of its page."""
    value = value.strip()
    match = PROGRAM_URL_RE.search(value)
    return match.group(1) if match else value


def read_selection(query) -> Selection:
    """Read ``p`` (repeated), ``near`` and ``diff`` from a QueryDict and check the slugs."""
    slugs = [clean_slug(value) for value in query.getlist("p") if value.strip()]
    selection = Selection(
        slugs=slugs,
        near=query.get("near", "").strip()[:100],
        only_differences=query.get("diff") == "1",
        search=query.get("search", "")[:2000],
    )
    bad = [slug for slug in slugs if not SLUG_RE.match(slug) or len(slug) > 220]
    unique = list(dict.fromkeys(slugs))
    if bad:
        selection.problem = gettext(
            "“%(slug)s” is not a program’s short name. Use “Add to compare” on a "
            "program’s page or in the search results."
        ) % {"slug": bad[0][:60]}
        selection.status = 400
        selection.slugs = [slug for slug in unique if slug not in bad]
        selection.fixed_url = selection.url(selection.slugs[:MAX_PROGRAMS])
        selection.fixed_label = gettext("Compare without it")
    elif len(unique) < len(slugs):
        selection.problem = gettext("The same program is listed more than once in this comparison.")
        selection.status = 400
        selection.fixed_url = selection.url(unique[:MAX_PROGRAMS])
        selection.fixed_label = gettext("Compare each program once")
    elif len(slugs) > MAX_PROGRAMS:
        selection.problem = gettext(
            "You can compare up to %(most)d programs side by side; this link lists "
            "%(listed)d. Remove some, or compare the first %(most)d."
        ) % {"most": MAX_PROGRAMS, "listed": len(slugs)}
        selection.status = 400
        selection.fixed_url = selection.url(slugs[:MAX_PROGRAMS])
        selection.fixed_label = gettext("Compare the first %(most)d") % {"most": MAX_PROGRAMS}
    return selection


@dataclass
class Adding:
    """The add form's typed text and the programs it matches, each with the comparison's
    address with it added."""

    typed: str
    choices: list[tuple]  # (program, url)


def adding(selection: Selection, typed: str, matches) -> Adding:
    return Adding(typed, [(p, selection.url([*selection.slugs, p.slug])) for p in matches])


def order_found(selection: Selection, programs) -> list:
    """The programs in the order of the URL; flags slugs that match no published program."""
    by_slug = {program.slug: program for program in programs}
    unknown = [slug for slug in selection.slugs if slug not in by_slug]
    if unknown and not selection.problem:
        known = [slug for slug in selection.slugs if slug in by_slug]
        names = ", ".join(f"“{slug}”" for slug in unknown)
        selection.problem = gettext(
            "We could not find %(names)s. The program may have been removed or renamed."
        ) % {"names": names}
        selection.status = 404
        selection.fixed_url = selection.url(known)
        selection.fixed_label = gettext("Compare the others")
    return [by_slug[slug] for slug in selection.slugs if slug in by_slug]


# --- Distance ----------------------------------------------------------------------------------


def distances_from(near: str, programs) -> tuple[str, dict[int, float | None]] | None:
    """The place ``near`` names, and miles from it to each program's facility by program id.

    None when ``near`` does not name a place we know. A facility without map coordinates has a
    distance of None.
    """
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


def _verified(facility) -> str:
    if facility.last_verified is None:
        return gettext("Not yet checked by a person")
    return day_text(facility.last_verified)


def _miles(miles: float) -> str:
    return gettext("%(miles)s miles") % {"miles": f"{miles:g}"}


def _cell(value):
    """A registry value as one comparison cell: lists joined, so cells can be compared."""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return value


def build_rows(programs, conditions, distances: dict | None = None, criteria=()) -> list[RowGroup]:
    """Groups of rows comparing ``programs`` on the four criteria, then the other facts.

    The rows are the facts of ``programs.facts`` meant for the comparison, in registry order,
    plus one row per co-occurring condition in ``conditions``; ``distances`` maps program id
    to miles (or None when unknown) and adds a distance row after the town. ``criteria``,
    the search's chosen criteria (answered with ``fit.answer()``), come first.
    """
    asked = RowGroup(gettext("What you asked"))
    for chosen in criteria:
        answers = {1: True, 0: False, None: None}
        asked.add(chosen.label, [answers[getattr(p, chosen.alias, None)] for p in programs])
    groups = {group: RowGroup(str(group.title)) for group in facts.GROUPS}
    for fact in facts.compare_facts():
        group = groups[fact.group]
        group.add(str(fact.label), [_cell(fact.value(p)) for p in programs], help=str(fact.help))
        if fact.key == "town" and distances is not None:
            group.add(
                gettext("Distance"),
                [
                    _miles(distances[p.pk])
                    if distances.get(p.pk) is not None
                    else gettext("Unknown (no map location)")
                    for p in programs
                ],
                help=gettext("Straight-line distance from the place you searched."),
            )
    for condition in conditions:
        groups[facts.CO_OCCURRING].add(
            condition.display_name, [p.condition_support_label(condition) for p in programs]
        )

    trust = RowGroup(gettext("Where these facts come from"))
    trust.add(gettext("Source"), [str(Source(p.facility.source).label) for p in programs])
    trust.add(gettext("Last checked by a person"), [_verified(p.facility) for p in programs])
    return [*([asked] if criteria else []), *groups.values(), trust]
