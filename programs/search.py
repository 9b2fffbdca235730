"""A results-page question answered: filtered, ranked by fit, sorted, paged, with its chips.

One entry point serves the results page, the CSV export and the JSON API alike::

    programs = ProgramSearch(request.GET, queryset=Program.objects.published())
    programs.is_valid()  # False: programs.errors says which parameter and why
    programs.qs          # filtered and sorted; empty when a parameter is invalid

``ProgramSearch`` is the search's ``ProgramFilter`` (``programs/filters.py``: the parameters and
how each filters) plus what the page makes of them: the order (only by what the family asked:
fit first, then the sort chosen), pages, the chips that remove one value each, and the ways out
of an empty page.
"""

import re
from dataclasses import dataclass

from django.db.models import F
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext

from programs import fit, geo
from programs.filters import (
    DEFAULT_LEVELS,
    DEFAULT_RADIUS,
    RADIUS_CHOICES,
    ProgramFilter,
    radius_miles,
)
from programs.models import Program
from programs.paging import IdPaginator

# Ties are broken by name and then id, so pages never overlap or skip a program.
_TIEBREAK = ("facility__name", "name", "pk")
ORDERINGS = {
    "distance": (F("distance").asc(nulls_last=True), *_TIEBREAK),
    "relevance": (F("rank").desc(nulls_last=True), *_TIEBREAK),
    "name": _TIEBREAK,
    "verified": (F("facility__last_verified").desc(nulls_last=True), *_TIEBREAK),
    "hours": (F("hours_per_week").asc(nulls_last=True), *_TIEBREAK),
}
# Ways out of an empty page that need a count query of their own (see relaxations()).
MAX_COUNTED_WAYS_OUT = 4
# Parameters that shape the answer rather than choose programs: no chip of their own.
_NOT_CHIPS = ("radius", "sort", "must", "nofit")


@dataclass(frozen=True)
class Chip:
    """An active filter as shown above the results; ``query`` is the search without it."""

    label: str
    query: str
    name: str = ""
    value: str | None = None  # the one value it removes, for a filter that takes several


@dataclass(frozen=True)
class Relaxation:
    """One way out of an empty result: the link's text, its query string, what it finds."""

    text: str
    query: str
    count: int


class ProgramSearch(ProgramFilter):
    # --- Order ---------------------------------------------------------------------------

    def filter_queryset(self, queryset):
        if self.errors:
            # Never show results for a question we did not understand.
            return queryset.none()
        queryset = self._annotated()
        if self.criteria and not self.shows_misfits:
            queryset = queryset.filter(fit_fails=0)
        return self._ordered(queryset)

    def _ordered(self, queryset):
        # Programs that match more of what the family asked come first; nothing else ranks.
        by_fit = ("fit_group", F("fit_met").desc()) if self.criteria else ()
        if self.criteria and not self.shows_misfits:
            # Without the misfits, the matches are the programs that meet every criterion,
            # the most met: the same order, and the group's SQL is not computed for each row.
            by_fit = (F("fit_met").desc(),)
        return queryset.order_by(*by_fit, *ORDERINGS[self.sort_key])

    def _annotated(self):
        """Every filter applied and each program's fit annotated, the misfits still in: built
        once, for the page (``qs``) and for the counts of its groups (``fit_counts()``)."""
        if not hasattr(self, "_annotated_qs"):
            self._annotated_qs = self.annotated(self.queryset, self.form.cleaned_data)
        return self._annotated_qs

    @property
    def sort_key(self) -> str:
        """The sort in effect: the one asked for when it applies, else the natural default
        (nearest first with a place, best match with words, else by name)."""
        cleaned = self.form.cleaned_data if self.form.is_valid() else {}
        available = self.sort_options
        asked = cleaned.get("sort")
        return asked if asked in available else available[0]

    @property
    def sort_options(self) -> list[str]:
        """The sorts that make sense for this search, the default first."""
        cleaned = self.form.cleaned_data if self.form.is_valid() else {}
        options = []
        if cleaned.get("near"):
            options.append("distance")
        # Words as the text search reads them: "%%" has none, so nothing to rank by.
        if re.search(r"\w", cleaned.get("q", "")):
            options.append("relevance")
        return options + ["name", "verified", "hours"]

    # --- What was asked --------------------------------------------------------------------

    @property
    def criteria(self) -> list[fit.Chosen]:
        """The criteria this search chose (empty when it chose none or could not be read)."""
        if not hasattr(self, "_criteria"):
            cleaned = self.form.cleaned_data if self.form.is_valid() else None
            self._criteria = (
                fit.chosen_criteria(cleaned, cleaned.get("must") or []) if cleaned else []
            )
        return self._criteria

    @property
    def place(self) -> "geo.Place | None":
        return self.form.cleaned_data.get("near") if self.form.is_valid() else None

    @property
    def shows_misfits(self) -> bool:
        return bool(self.form.is_valid() and self.form.cleaned_data.get("nofit"))

    def fit_counts(self) -> "fit.Counts | None":
        """How many programs match, might fit and do not fit, and why: one query."""
        if not hasattr(self, "_fit_counts"):
            chosen = self.criteria
            self._fit_counts = None
            if chosen:
                self._fit_counts = fit.count(self._annotated(), chosen)
        return self._fit_counts

    def _page_rows(self):
        """A page's rows read again by id, with what the page shows of each (the distance, the
        answers to the criteria) and in the order of ``qs``, but not filtered again: the ids
        were. Words are matched again (SQLite ranks them only within the match)."""
        if "relevance" in self.sort_options:
            return None
        rows = self.queryset
        if place := self.place:
            miles = radius_miles(self.form.cleaned_data.get("radius"))
            rows = rows.distance_from(place.latitude, place.longitude, miles)
        return self._ordered(fit.annotate(rows, self.criteria))

    # --- Pages ---------------------------------------------------------------------------

    def paginator(self, per_page: int) -> IdPaginator:
        """Pages of ``qs``, as cheap at the last page as at the first (``programs/paging.py``);
        with criteria, its count comes from ``fit_counts()`` (one query fewer than counting the
        grouped rows again). Near a place without criteria, the distance of each match is read
        with the sorted ids, which also count them, and the page's rows are loaded by id."""
        counts = self.fit_counts()
        # With criteria the count is known already: the page is one query either way.
        probe = self.place is not None and counts is None
        paginator = IdPaginator(
            self.qs,
            per_page,
            rows=self.queryset,
            page_rows=None if self.errors or probe else self._page_rows(),
            carried=("distance",),
            probe=probe,
            words="relevance" in self.sort_options,
        )
        if counts is not None:
            paginator.count = counts.listed + (counts.does_not_fit if self.shows_misfits else 0)
        return paginator

    # --- Active filters, each removable ----------------------------------------------------

    def active_filters(self) -> list[Chip]:
        """One chip per filter value the visitor chose, with the query string without it,
        worded by its filter (``chip=`` in ``programs/filters.py``)."""
        if not hasattr(self, "_chips"):
            self._chips = self._find_active_filters()
        return self._chips

    def _find_active_filters(self) -> list[Chip]:
        self.form.is_valid()
        cleaned = getattr(self.form, "cleaned_data", {})
        chips = []
        for name, filter_ in self.filters.items():
            if name in _NOT_CHIPS or not self.params.getlist(name):
                continue
            if name == "level" and self.params.getlist(name) == DEFAULT_LEVELS:
                continue
            if name in self.form.errors:
                label = gettext("%(label)s: not understood") % {"label": filter_.label}
                chips.append(Chip(label, self._without(name), name))
                continue
            value = cleaned.get(name)
            if value in (None, "", [], False) or (hasattr(value, "exists") and not value):
                continue
            chips.extend(
                Chip(text, self._without(name, removes), name, removes)
                for text, removes in filter_.chips(value, cleaned)
            )
        return chips

    def _with(self, name: str, value: str) -> str:
        """This search's query string with one parameter set to ``value``."""
        params = self.params.copy()
        params.pop("page", None)
        params[name] = value
        return params.urlencode()

    def _without(self, name: str, value: str | None = None) -> str:
        """This search's query string without one parameter (or one of its values)."""
        params = self.params.copy()
        params.pop("page", None)
        if name == "near":
            params.pop("radius", None)
        if value is None:
            params.pop(name, None)
        else:
            params.setlist(name, [v for v in params.getlist(name) if v != value])
        if not params.getlist(name):
            # A must-have goes with its criterion: alone it would be a question we cannot read.
            params.setlist("must", [v for v in params.getlist("must") if v != name])
        return params.urlencode()

    # --- Ways out of an empty page ---------------------------------------------------------

    def relaxations(self) -> list[Relaxation]:
        """For an empty result: a way out per active filter, with how many programs it finds.

        Every filter but the place is offered for removal. The place is widened to the largest
        radius rather than dropped, as long as the search is not there already: a family needs
        programs they can reach, and a count over the whole country (what dropping the place
        means) is also the slowest count of all. Each way out is counted by applying the
        filters again with one value changed, without building a new form; at most
        ``MAX_COUNTED_WAYS_OUT`` of them (the place, the words and the state come first), so
        an empty page costs a bounded number of queries. Dropping a criterion costs nothing.
        """
        if not self.form.is_valid():
            return []
        cleaned = self.form.cleaned_data
        widest = RADIUS_CHOICES[-1][0]
        counts = self.fit_counts()
        found = []
        counted = 0
        for chip in self.active_filters():
            relaxed = dict(cleaned)
            if counts is not None and chip.name in fit.BY_PARAM:
                # Dropping a criterion lists the programs that contradict only it: known from
                # the one query that counted the groups, so no count of its own.
                only = sum(
                    misfit.only
                    for misfit in counts.misfits
                    if misfit.chosen.criterion.param == chip.name
                    and misfit.chosen.value_key in (None, chip.value)
                )
                text = _remove(chip)
                found.append(Relaxation(text, chip.query, counts.listed + only))
                continue
            if counted == MAX_COUNTED_WAYS_OUT:
                continue
            counted += 1
            if chip.name == "near" and (cleaned.get("radius") or DEFAULT_RADIUS) != widest:
                relaxed["radius"] = widest
                text = gettext("Search within %(miles)s miles instead") % {"miles": widest}
                query = self._with("radius", widest)
            else:
                text, query = _remove(chip), chip.query
                relaxed[chip.name] = _without_value(cleaned.get(chip.name), chip.value)
            found.append(Relaxation(text, query, self.apply(self.queryset, relaxed).count()))
        return found


def _remove(chip: Chip) -> str:
    """The text of the way out that removes one chip's filter."""
    return gettext("Remove “%(filter)s”") % {"filter": chip.label}


def _without_value(value, removed: str | None):
    """A cleaned value without one of its values (a slug or a choice), or nothing at all."""
    if removed is None:
        return None
    return [item for item in value if getattr(item, "slug", item) != removed]


# --- The search a program page or comparison was reached from ------------------------------

SEARCH_LINK_PARAM = "search"
SEARCH_LINK_MAX = 2000


@dataclass(frozen=True)
class SearchLink:
    """The results page a program page or a comparison was reached from (``?search=...``,
    the results page's own query string), so they can mark its criteria and lead back."""

    query: str
    criteria: list

    @property
    def results_url(self) -> str:
        return reverse("programs:list") + (f"?{self.query}" if self.query else "")


def search_link(params) -> SearchLink | None:
    """Read ``search`` from a program page's or comparison's query string. A search we cannot
    read marks no criteria (its link back still shows the family what went wrong)."""
    query = params.get(SEARCH_LINK_PARAM, "")[:SEARCH_LINK_MAX]
    if not query:
        return None
    search = ProgramSearch(QueryDict(query), queryset=Program.objects.none())
    return SearchLink(query, search.criteria if search.is_valid() else [])
