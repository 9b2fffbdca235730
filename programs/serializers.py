"""Programs as plain data, for the JSON API and the CSV export.

One shape per purpose: ``facility_data`` and ``program_data`` (JSON-ready dicts; ``ApiRows``
for the programs of a list), and ``CsvTable`` (a spreadsheet's header and rows). The facts
themselves, their API keys and CSV columns, come from the registry in ``programs/facts.py``;
this module adds who and where a program is. Everything reads only what
``load_related(programs, DETAIL)`` loaded, so it costs no queries.

Unknown is not "no": a fact that was not reported is ``None`` (JSON ``null``), never ``False``;
a list fact with no entries is also ``None``, because an empty list means "not reported" in our
model (see the README). In CSV both become the cell "Not reported".

Languages (README, "Two languages"): the API's keys, codes, slugs and weekdays are stable English
identifiers; its ``label`` and ``name`` fields are in the page's language (``/es/api/...``
answers Spanish labels). The CSV keeps its columns in one order and its file name; its heading
row and its words (labels, yes / no, "Not reported") follow the page's language.
"""

from typing import NamedTuple

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from programs import facts, fit
from programs.models import Facility, Program, Source

CSV_NOT_REPORTED = _("Not reported")


def _text(value: str) -> str | None:
    return value or None


def facility_data(facility: Facility) -> dict:
    """The facility's identity, contact and source; its facts come from the registry."""
    return {
        "slug": facility.slug,
        "name": facility.name,
        "address": {
            "street1": _text(facility.street1),
            "street2": _text(facility.street2),
            "city": facility.city,
            "state": facility.state,
            "zip_code": facility.zip_code,
        },
        "latitude": facility.latitude,
        "longitude": facility.longitude,
        "phone": _text(facility.phone),
        "intake_phone": _text(facility.intake_phone),
        "website": _text(facility.website),
        "source": facts.choice_data(facility.source, Source),
        "is_demo": facility.is_demo,
        "last_verified": facility.last_verified.isoformat() if facility.last_verified else None,
        "source_imported_at": (
            facility.source_imported_at.isoformat() if facility.source_imported_at else None
        ),
    }


_SLUG_MARK = "slug-goes-here"


def program_paths():
    """A function from a program's slug to its page's path, with one ``reverse()`` for all
    the rows of an API page or a CSV (``Program.get_absolute_url`` reverses once per row,
    about 0.15 ms). Slugs need no quoting in a path."""
    before, after = reverse("programs:detail", args=[_SLUG_MARK]).split(_SLUG_MARK)
    return lambda slug: f"{before}{slug}{after}"


def program_data(program: Program, *, base_url: str = "", criteria=()) -> dict:
    """Everything we know about a program and its facility (``ApiRows`` for many)."""
    return ApiRows(base_url=base_url, criteria=criteria).data(program)


class ApiRows:
    """The API's shape of many programs, decided once per answer (not once per program): the
    registry's API facts and where they go, the page path, the criteria. ``base_url`` makes
    the page address absolute (``request.build_absolute_uri("/")`` without the trailing
    slash); ``criteria``, the search's chosen criteria, adds how each program fits them."""

    def __init__(self, *, base_url: str = "", criteria=()):
        self.base_url = base_url
        self.criteria = list(criteria)
        self.path_of = program_paths()
        self.facts_of = facts.api_reader()

    def data(self, program: Program) -> dict:
        data = {
            "slug": program.slug,
            "name": program.name,
            "url": self.base_url + self.path_of(program.slug),
            "is_demo": program.is_demo,
            "description": _text(program.description),
        }
        fact_data = self.facts_of(program)
        data["facility"] = facility_data(program.facility) | fact_data.pop("facility", {})
        data.update(fact_data)
        # Present only on a search near a place: miles from it (None for a virtual program
        # listed because it serves the searcher's state).
        if hasattr(program, "distance"):
            data["distance_miles"] = (
                round(program.distance, 1) if program.distance is not None else None
            )
        if self.criteria:
            data["fit"] = fit.fit_data(program, self.criteria)
        return data


# --- CSV ----------------------------------------------------------------------------------


class _AsIs(str):
    """A cell written as it is: e.g. an empty second address line is not "not reported"."""


def _local_date(moment) -> str:
    # The site's own date (as the program page shows it), not the UTC date of the timestamp,
    # which is already tomorrow in the evening.
    if not moment:
        return ""
    return timezone.localdate(moment).isoformat()


# Characters a spreadsheet may read as the start of a formula, fullwidth forms included (some
# spreadsheet programs fold them to ASCII).
_FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


class CsvWords(NamedTuple):
    """The words a spreadsheet's cells repeat, translated once per file, not once per cell."""

    not_reported: str
    yes: str
    no: str


def csv_words() -> CsvWords:
    """The cells' words in the active language."""
    return CsvWords(str(CSV_NOT_REPORTED), pgettext("answer", "Yes"), pgettext("answer", "No"))


def _cell(value, words: CsvWords | None = None) -> str:
    """A spreadsheet cell: "Not reported" for unknown, Yes/No, lists joined by "; "."""
    text = _cell_text(value, words or csv_words())
    # A cell starting like a formula would run in a spreadsheet (CSV injection).
    return "'" + text if text[:1] in _FORMULA_STARTS else text


def _cell_text(value, words: CsvWords) -> str:
    if type(value) is str:  # most cells: a name, a label, a date
        return value or words.not_reported
    if isinstance(value, _AsIs):
        return str(value)
    if value is None or value == "" or value == []:
        return words.not_reported
    if value is True:
        return words.yes
    if value is False:
        return words.no
    if isinstance(value, dict):
        return str(value.get("label") or value.get("name"))
    if isinstance(value, list):
        return "; ".join(_cell(item, words) for item in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# (column heading, how to read it from a program): who and where, every fact of the registry
# meant for the spreadsheet, then where the facts come from.
# The headings are lazy translations, read when a file is written (in the page's language).
_LISTING_COLUMNS = [
    (_("Program"), lambda p: p.name),
    (_("Facility"), lambda p: p.facility.name),
    (_("Street address"), lambda p: _text(p.facility.street1)),
    (_("Address line 2"), lambda p: _AsIs(p.facility.street2)),
    (_("City"), lambda p: p.facility.city),
    (_("State"), lambda p: p.facility.state),
    (_("ZIP code"), lambda p: p.facility.zip_code),
    (_("Phone"), lambda p: _text(p.facility.phone)),
    (_("Intake phone"), lambda p: _text(p.facility.intake_phone)),
    (_("Website"), lambda p: _text(p.facility.website)),
]
_SOURCE_COLUMNS = [
    (_("Source"), lambda p: str(Source(p.facility.source).label)),
    (_("Fictional demo listing"), lambda p: p.is_demo),
    (
        _("Last verified by a person"),
        lambda p: p.facility.last_verified.isoformat() if p.facility.last_verified else None,
    ),
    (
        _("Imported from source on"),
        lambda p: _AsIs(_local_date(p.facility.source_imported_at)),
    ),
]


def csv_columns() -> list[tuple]:
    return [
        *_LISTING_COLUMNS,
        *((fact.heading, fact.csv_value) for fact in facts.csv_facts()),
        *_SOURCE_COLUMNS,
    ]


DISTANCE_COLUMN = (
    _("Distance (miles)"),
    lambda p: (
        round(p.distance, 1)
        if getattr(p, "distance", None) is not None
        else _AsIs(gettext("Virtual, serves your state"))
    ),
)


FIT_HEADING = _("Fits your search")
FIT_WORDS = {
    "matches": _("Matches everything you asked"),
    "might_fit": _("Might fit: ask"),
    "does_not_fit": _("Does not fit"),
}
# A program's answer to one criterion asked ("Asked: ..." columns): the API's code ("yes",
# "no") worded as the results cards word it; None is not reported.
ASKED_WORDS = {
    "yes": pgettext_lazy("a program's answer to what you asked", "yes"),
    "no": pgettext_lazy("a program's answer to what you asked", "no"),
}


class CsvTable:
    """The columns of one spreadsheet, decided once per export (not once per row): who and
    where, the registry's facts, the page, then the distance and the fit when the search has
    them. Its words are in the language active when it is made."""

    def __init__(self, *, base_url: str = "", with_distance: bool = False, criteria=()):
        self.base_url = base_url
        self.with_distance = with_distance
        self.criteria = list(criteria)
        self.columns = csv_columns()
        self.path_of = program_paths()
        self.words = csv_words()
        self.fit_words = {group: str(words) for group, words in FIT_WORDS.items()}
        self.asked_words = {answer: str(words) for answer, words in ASKED_WORDS.items()}

    def header(self) -> list[str]:
        headings = [str(heading) for heading, _read in self.columns] + [gettext("Page")]
        if self.with_distance:
            headings.append(str(DISTANCE_COLUMN[0]))
        if self.criteria:
            headings.append(str(FIT_HEADING))
            headings += [
                gettext("Asked: %(criterion)s") % {"criterion": c.label} for c in self.criteria
            ]
        return headings

    def row(self, program: Program) -> list[str]:
        words = self.words
        cells = [_cell(read(program), words) for _, read in self.columns]
        cells.append(_cell(self.base_url + self.path_of(program.slug), words))
        if self.with_distance:
            cells.append(_cell(DISTANCE_COLUMN[1](program), words))
        if self.criteria:
            fitted = fit.fit_data(program, self.criteria)
            cells.append(self.fit_words[fitted["group"]])
            cells += [
                _cell(self.asked_words.get(answer["answer"], answer["answer"]), words)
                for answer in fitted["criteria"]
            ]
        return cells
