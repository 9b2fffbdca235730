"""Turn a results-page query string into a filtered, sorted queryset of programs.

One entry point serves the results page, the CSV export and the JSON API alike::

    programs = ProgramFilter(request.GET, queryset=Program.objects.published())
    programs.is_valid()  # False: programs.errors says which parameter and why
    programs.qs          # filtered and sorted; empty when a parameter is invalid

Parameter names are short and readable (README, "Search parameters"). Filters on lists (payment,
modalities...) keep a program only when it *reported* the value: an unreported fact never counts
as a match, and never as a mismatch shown to the family as a "no".
"""

import re
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import QueryDict
from django.urls import reverse
from django_filters import fields as filter_fields

from programs import fit, geo
from programs.geo import USState
from programs.models import (
    Accreditation,
    Condition,
    Credential,
    Facility,
    Format,
    Language,
    LevelOfCare,
    Medication,
    Modality,
    PaymentType,
    Population,
    Program,
)
from programs.models.choices import WEEKDAY_ABBR
from programs.models.loading import load_lookup_tables
from programs.models.lookups import Lookup
from programs.paging import IdPaginator

RADIUS_CHOICES = [(str(miles), f"{miles} miles") for miles in (5, 10, 25, 50, 100)]
DEFAULT_RADIUS = "25"
LOOKUP_ROWS_SECONDS = 300
DEFAULT_LEVELS = [LevelOfCare.IOP.value]
DAY_CHOICES = [(abbr.lower(), abbr) for abbr in WEEKDAY_ABBR]
DUAL_CHOICES = [
    ("1", "Any reported level"),
    ("2", "Capable or enhanced (at least screens and coordinates care)"),
    ("3", "Enhanced (treats mental health on site)"),
]
SORT_CHOICES = [
    ("distance", "Nearest first"),
    ("relevance", "Best match for your words"),
    ("name", "Facility name (A-Z)"),
    ("verified", "Most recently verified"),
    ("hours", "Fewest hours per week"),
]
# Ties are broken by name and then id, so pages never overlap or skip a program.
_TIEBREAK = ("facility__name", "name", "pk")
_ORDERINGS = {
    "distance": (F("distance").asc(nulls_last=True), *_TIEBREAK),
    "relevance": (F("rank").desc(nulls_last=True), *_TIEBREAK),
    "name": _TIEBREAK,
    "verified": (F("facility__last_verified").desc(nulls_last=True), *_TIEBREAK),
    "hours": (F("hours_per_week").asc(nulls_last=True), *_TIEBREAK),
}
_SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")


# --- Form fields and filters that this page needs beyond django-filter's own ----------------


class PlaceField(forms.CharField):
    """A ZIP code or "City, ST", cleaned to a geo.Place."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        place = geo.resolve(value)
        if place is None:
            raise ValidationError(_unknown_place_message(value), code="unknown_place")
        return place


def _unknown_place_message(value: str) -> str:
    """What to say about a place we could not find; the results page links each suggestion."""
    suggestions = geo.suggest(value)
    labels = [place.label for place in suggestions.places]
    if labels and suggestions.needs_state:
        states = ", ".join(place.state for place in suggestions.places)
        return (
            f'Which state? There is a place of that name in {states}. Add it, like "{labels[0]}".'
        )
    if labels:
        return f"We could not find that place. Did you mean {' or '.join(labels)}?"
    return (
        "We could not find that place. Enter a 5-digit US ZIP code (like 22903) "
        'or a city and state (like "Charlottesville, VA").'
    )


class PlaceFilter(django_filters.CharFilter):
    field_class = PlaceField


class LoadedChoiceIterator(filter_fields.ModelChoiceIterator):
    """The field's choices from rows read beforehand (``field.loaded_rows``, see
    ``ProgramFilter.form``) instead of a query per list; the usual query when there are none."""

    def __iter__(self):
        rows = self.field.loaded_rows
        if rows is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in rows:
            yield self.choice(row)

    def __len__(self):
        rows = self.field.loaded_rows
        if rows is None:
            return super().__len__()
        return len(rows) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        rows = self.field.loaded_rows
        return super().__bool__() if rows is None else bool(rows or self.field.empty_label)


class LoadedRowsMixin:
    """A lookup field that can check values against rows read beforehand, without a query."""

    iterator = LoadedChoiceIterator
    tables: "LookupTables | None" = None

    @property
    def loaded_rows(self):
        return self.tables.rows(self.queryset.model) if self.tables else None

    def _check_shape(self, value) -> None:
        # Check the shape before the database sees it: some databases reject odd bytes outright.
        if not _SLUG_RE.match(str(value)):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": str(value)[:40]},
            )

    def _loaded(self, slug):
        found = next((row for row in self.loaded_rows if row.slug == slug), None)
        if found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": str(slug)[:40]},
            )
        return found


class SlugModelChoiceField(LoadedRowsMixin, filter_fields.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        self._check_shape(value)
        if self.loaded_rows is None:
            return super().to_python(value)
        return self._loaded(value)


class SlugModelMultipleChoiceField(LoadedRowsMixin, filter_fields.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            self._check_shape(item)
        if self.loaded_rows is None:
            return super()._check_values(value)
        chosen = {self._loaded(item).slug for item in value}
        return [row for row in self.loaded_rows if row.slug in chosen]


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    """One row of a lookup table, chosen by its slug (``?payment=medicaid``)."""

    field_class = SlugModelChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)


class SlugMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """Several rows of a lookup table by slug (``?modality=cbt&modality=dbt``), as checkboxes."""

    field_class = SlugModelMultipleChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        # The filter methods use EXISTS subqueries, which never duplicate rows.
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class CheckFilter(django_filters.Filter):
    """A checkbox (``?evening=1``). Every checkbox of the search is a criterion that ranks and
    groups programs (``programs/fit.py``) rather than hiding them, so it filters nothing here;
    unticked never means "programs without"."""

    field_class = forms.BooleanField

    def __init__(self, *args, **kwargs):
        # Ticked sends "?evening=1" rather than the browser's default "on".
        kwargs.setdefault("widget", forms.CheckboxInput(attrs={"value": "1"}))
        kwargs.setdefault("method", "filter_nothing")
        super().__init__(*args, **kwargs)


# The most criteria one search may weigh (every checkbox, list value and condition counts). The
# work of ranking grows with them; a family asking more than this is better served by asking
# fewer, and a query string asking far more is not a family (issue 16, docs/robustness.md).
MAX_CRITERIA = 12
# Ways out of an empty page that need a count query of their own (see relaxations()).
MAX_COUNTED_WAYS_OUT = 4


class SearchForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        chosen = fit.chosen_criteria(cleaned, [])
        if len(chosen) > MAX_CRITERIA:
            # Marked on the last filter that added one, so the message sits next to a field.
            self.add_error(
                chosen[-1].criterion.param,
                f"One search can weigh at most {MAX_CRITERIA} wishes at once, and this one "
                f"asks for {len(chosen)}. Untick a few and search again.",
            )
            return cleaned
        # A must-have is a criterion the family chose: one not chosen is a question we cannot
        # read (and a hand-edited link), not something to ignore silently.
        unchosen = [
            name for name in cleaned.get("must") or () if not fit.is_chosen(cleaned.get(name))
        ]
        if unchosen and "must" in self.fields:
            labels = dict(self.fields["must"].choices)
            self.add_error(
                "must",
                "A must-have needs its filter chosen first: "
                + ", ".join(str(labels[name]) for name in unchosen)
                + ".",
            )
        return cleaned


class LookupTables:
    """The rows of the form's lookup tables, read with one query (``load_lookup_tables``) the
    first time a field needs them, and cached under the listings stamp the page read
    (``programs.pagecache``), so never stale. A search that chooses no lookup value and shows
    no form (the API, the CSV) never reads them."""

    def __init__(self, models, request=None):
        self.models = models
        self.token = getattr(request, "listings_token", None)
        self._tables = None

    def rows(self, model) -> list:
        if self._tables is None:
            names = ",".join(sorted(model.__name__ for model in self.models))
            key = f"lookup-rows:{self.token}:{names}"
            self._tables = cache.get(key) if self.token else None
            if self._tables is None:
                self._tables = load_lookup_tables(self.models)
                if self.token:
                    cache.set(key, self._tables, LOOKUP_ROWS_SECONDS)
        return self._tables[model]


# --- The FilterSet ----------------------------------------------------------------------------


class ProgramFilter(django_filters.FilterSet):
    # Where
    near = PlaceFilter(
        label="ZIP code or city, state",
        method="filter_near",
        max_length=100,
        help_text='For example 22903 or "Richmond, VA".',
    )
    radius = django_filters.ChoiceFilter(
        label="Distance",
        choices=RADIUS_CHOICES,
        empty_label=None,
        initial=DEFAULT_RADIUS,
        method="filter_nothing",  # read by filter_near
    )
    q = django_filters.CharFilter(
        label="Words to look for",
        method="filter_text",
        max_length=200,
        help_text="Names, cities and descriptions.",
    )
    state = django_filters.ChoiceFilter(
        label="State",
        field_name="facility__state",
        choices=USState.choices,
        empty_label="Any state",
    )

    # Schedule
    evening = CheckFilter(label="Evening sessions (start 4 pm or later)")
    weekend = CheckFilter(label="Weekend sessions")
    days = django_filters.MultipleChoiceFilter(
        distinct=False,
        label="Days you can attend",
        choices=DAY_CHOICES,
        method="filter_nothing",
        widget=forms.CheckboxSelectMultiple,
        help_text="Shows programs whose sessions all fall on these days.",
    )
    max_hours = django_filters.NumberFilter(
        label="At most this many hours a week",
        field_name="hours_per_week",
        lookup_expr="lte",
        min_value=1,
        max_value=60,
        max_digits=3,
        decimal_places=1,
        help_text="A typical IOP asks for 9 to 12 hours a week.",
    )
    format = django_filters.MultipleChoiceFilter(
        distinct=False,
        label="Format",
        choices=[choice for choice in Format.choices if choice[0]],
        widget=forms.CheckboxSelectMultiple,
    )
    level = django_filters.MultipleChoiceFilter(
        distinct=False,
        label="Level of care",
        field_name="level_of_care",
        choices=LevelOfCare.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Intensive outpatient unless you choose otherwise.",
    )

    # Staff
    physician = CheckFilter(
        label="Psychiatrist or physician on site",
    )
    prescriber = CheckFilter(
        label="Someone who can prescribe (on site or by referral)",
    )
    therapist = CheckFilter(label="Individual therapy with a licensed therapist")
    leader = SlugMultipleChoiceFilter(
        label="Groups led by",
        queryset=Credential.objects.all(),
        method="filter_nothing",
        help_text="Programs where at least one of these leads groups.",
    )

    # Approach
    modality = SlugMultipleChoiceFilter(
        label="Treatment approaches",
        queryset=Modality.objects.all(),
        method="filter_nothing",
        help_text="Programs that offer every approach you tick.",
    )
    mat = CheckFilter(label="Offers medication for addiction treatment (MAT)")
    medication = SlugChoiceFilter(
        label="Medication",
        field_name="medications",
        queryset=Medication.objects.all(),
        empty_label="Any medication",
    )
    holistic = CheckFilter(
        label="Holistic options (yoga, meditation, art...)",
    )
    mutual_help = CheckFilter(
        label="12-step or other mutual-help groups",
    )

    # Co-occurring mental-health conditions
    condition = SlugMultipleChoiceFilter(
        label="Treats on site",
        queryset=Condition.objects.all(),
        method="filter_nothing",
        help_text="Programs that treat every condition you tick on site, not by referral.",
    )
    dual = django_filters.ChoiceFilter(
        label="Care for mental health alongside addiction",
        choices=DUAL_CHOICES,
        empty_label="Any",
        method="filter_nothing",
    )

    # Payment, who is served, language, accreditation, admission
    payment = SlugChoiceFilter(
        label="Payment",
        field_name="facility__payment_types",
        queryset=PaymentType.objects.all(),
        empty_label="Any payment",
    )
    population = SlugChoiceFilter(
        label="Who it serves",
        field_name="populations",
        queryset=Population.objects.all(),
        empty_label="Anyone",
    )
    language = SlugChoiceFilter(
        label="Language spoken by staff",
        field_name="facility__languages",
        queryset=Language.objects.all(),
        empty_label="Any language",
    )
    accreditation = SlugChoiceFilter(
        label="License or accreditation",
        field_name="facility__accreditations",
        queryset=Accreditation.objects.all(),
        empty_label="Any",
    )
    accepting = CheckFilter(label="Accepting new clients (confirmed in the last 30 days)")
    facility = SlugChoiceFilter(
        label="Facility",
        field_name="facility",
        queryset=Facility.objects.filter(is_published=True),
        widget=forms.HiddenInput,
    )

    # Ranking by fit (programs/fit.py): criteria that must be reported and met, and whether
    # to list the programs that contradict a criterion too.
    must = django_filters.MultipleChoiceFilter(
        label="Must have",
        choices=[(criterion.param, criterion.param) for criterion in fit.CRITERIA],
        method="filter_nothing",
        widget=forms.MultipleHiddenInput,
    )
    nofit = CheckFilter(label="Also list programs that do not fit")

    sort = django_filters.ChoiceFilter(
        label="Sort by", choices=SORT_CHOICES, empty_label=None, method="filter_nothing"
    )

    class Meta:
        model = Program
        fields: list[str] = []
        form = SearchForm

    def __init__(self, data=None, *args, **kwargs):
        # Keep what the visitor sent (for chips and links) apart from the defaults filled in.
        self.params = _as_querydict(data)
        if data is not None:
            data = _with_defaults(self.params)
        super().__init__(data, *args, **kwargs)

    @property
    def form(self):
        """The form, its lookup lists (choices and the values chosen) read together, when first
        needed, with one query (``LookupTables``)."""
        if not hasattr(self, "_form"):
            form = super().form
            fields = [
                field
                for field in form.fields.values()
                if isinstance(field, LoadedRowsMixin) and issubclass(field.queryset.model, Lookup)
            ]
            tables = LookupTables({field.queryset.model for field in fields}, self.request)
            for field in fields:
                field.tables = tables
        return self._form

    # --- Filter methods -----------------------------------------------------------------

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_near(self, queryset, name, place):
        return self._near(queryset, place, self.form.cleaned_data.get("radius"))

    def _near(self, queryset, place, radius):
        miles = int(radius or DEFAULT_RADIUS)
        return queryset.near(place.latitude, place.longitude, miles, state=place.state)

    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    # --- Sorting ------------------------------------------------------------------------

    def filter_queryset(self, queryset):
        if self.errors:
            # Never show results for a question we did not understand.
            return queryset.none()
        queryset = self._apply(queryset, self.form.cleaned_data)
        # Programs that match more of what the family asked come first; nothing else ranks.
        by_fit = ("fit_group", F("fit_met").desc()) if self.criteria else ()
        return queryset.order_by(*by_fit, *_ORDERINGS[self.sort_key])

    def _apply(self, queryset, cleaned: dict):
        """Every filter applied with these cleaned values: the form's own, or a variation of
        them for an empty page's ways out (``relaxations()``), which so need no new form."""
        cleaned = {
            **cleaned,
            "level": default_levels(cleaned.get("level"), cleaned.get("facility")),
        }
        for name, value in cleaned.items():
            if name in fit.BY_PARAM:
                continue  # a criterion ranks and groups programs; it does not hide them
            if name == "near":
                queryset = self._near(queryset, value, cleaned.get("radius")) if value else queryset
            else:
                queryset = self.filters[name].filter(queryset, value)
        chosen = fit.chosen_criteria(cleaned, cleaned.get("must") or [])
        queryset = fit.annotate(queryset, chosen)
        if chosen and not cleaned.get("nofit"):
            queryset = queryset.filter(fit_fails=0)
        return queryset

    @property
    def criteria(self) -> list[fit.Chosen]:
        """The criteria this search chose (empty when it chose none or could not be read)."""
        if not self.form.is_valid():
            return []
        cleaned = self.form.cleaned_data
        return fit.chosen_criteria(cleaned, cleaned.get("must") or [])

    def paginator(self, per_page: int) -> IdPaginator:
        """Pages of ``qs``, as cheap at the last page as at the first (``programs/paging.py``);
        with criteria, its count comes from ``fit_counts()`` (one query fewer than counting the
        grouped rows again). Near a place without criteria, the distance of each match is read
        with the sorted ids, which also count them, and the page's rows are loaded by id."""
        counts = self.fit_counts()
        paginator = IdPaginator(
            self.qs,
            per_page,
            rows=self.queryset,
            carried=("distance",),
            # With criteria the count is known already: the page is one query either way.
            probe=self.place is not None and counts is None,
            by_id="relevance" not in self.sort_options,
        )
        if counts is not None:
            paginator.count = counts.listed + (counts.does_not_fit if self.shows_misfits else 0)
        return paginator

    @property
    def shows_misfits(self) -> bool:
        return bool(self.form.is_valid() and self.form.cleaned_data.get("nofit"))

    def fit_counts(self) -> "fit.Counts | None":
        """How many programs match, might fit and do not fit, and why: one query."""
        if not hasattr(self, "_fit_counts"):
            chosen = self.criteria
            self._fit_counts = None
            if chosen:
                cleaned = {**self.form.cleaned_data, "nofit": True}
                self._fit_counts = fit.count(self._apply(self.queryset, cleaned), chosen)
        return self._fit_counts

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

    @property
    def place(self) -> "geo.Place | None":
        return self.form.cleaned_data.get("near") if self.form.is_valid() else None

    # --- Active filters, each removable -------------------------------------------------

    def active_filters(self) -> list["Chip"]:
        """One chip per filter value the visitor chose, with the query string without it."""
        if not hasattr(self, "_chips"):
            self._chips = self._find_active_filters()
        return self._chips

    def _find_active_filters(self) -> list["Chip"]:
        self.form.is_valid()
        cleaned = getattr(self.form, "cleaned_data", {})
        chips = []
        for name in self.filters:
            if name in ("radius", "sort", "must", "nofit") or not self.params.getlist(name):
                continue
            if name == "level" and self.params.getlist(name) == DEFAULT_LEVELS:
                continue
            if name in self.form.errors:
                label = f"{self.filters[name].label}: not understood"
                chips.append(Chip(label, self._without(name), name))
                continue
            chips.extend(self._chips_for(name, cleaned.get(name)))
        return chips

    def _chips_for(self, name: str, value) -> list["Chip"]:
        if value in (None, "", [], False) or (hasattr(value, "exists") and not value):
            return []
        filter_ = self.filters[name]
        if name == "near":
            radius = self.form.cleaned_data.get("radius") or DEFAULT_RADIUS
            return [Chip(f"Within {radius} miles of {value.label}", self._without("near"), "near")]
        if name == "q":
            return [Chip(f"Words: \u201c{value}\u201d", self._without("q"), "q")]
        if isinstance(filter_, CheckFilter):
            return [Chip(filter_.label, self._without(name), name)]
        if name == "facility":
            return [Chip(f"At {value.name}", self._without(name), name)]
        if name == "max_hours":
            return [Chip(f"At most {value.normalize():f} hours a week", self._without(name), name)]
        prefix = _CHIP_PREFIX.get(name, "")
        if isinstance(filter_, django_filters.ModelMultipleChoiceFilter):
            return [
                Chip(f"{prefix}{row}", self._without(name, row.slug), name, row.slug)
                for row in value
            ]
        if isinstance(filter_, django_filters.ModelChoiceFilter):
            return [Chip(f"{prefix}{value}", self._without(name), name)]
        labels = dict(filter_.extra["choices"])
        if isinstance(value, list):
            return [Chip(f"{prefix}{labels[v]}", self._without(name, v), name, v) for v in value]
        return [Chip(f"{prefix}{labels[value]}", self._without(name), name)]

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

    def relaxations(self) -> list["Relaxation"]:
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
                text = f"Remove \u201c{chip.label}\u201d"
                found.append(Relaxation(text, chip.query, counts.listed + only))
                continue
            if counted == MAX_COUNTED_WAYS_OUT:
                continue
            counted += 1
            if chip.name == "near" and (cleaned.get("radius") or DEFAULT_RADIUS) != widest:
                relaxed["radius"] = widest
                text, query = f"Search within {widest} miles instead", self._with("radius", widest)
            else:
                text, query = f"Remove \u201c{chip.label}\u201d", chip.query
                relaxed[chip.name] = _without_value(cleaned.get(chip.name), chip.value)
            found.append(Relaxation(text, query, self._apply(self.queryset, relaxed).count()))
        return found


def _without_value(value, removed: str | None):
    """A cleaned value without one of its values (a slug or a choice), or nothing at all."""
    if removed is None:
        return None
    return [item for item in value if getattr(item, "slug", item) != removed]


@dataclass(frozen=True)
class Relaxation:
    """One way out of an empty result: the link's text, its query string, what it finds."""

    text: str
    query: str
    count: int


_CHIP_PREFIX = {
    "state": "In ",
    "days": "Meets only on: ",
    "leader": "Groups led by: ",
    "medication": "Medication: ",
    "condition": "Treats on site: ",
    "dual": "Mental health care: ",
    "payment": "Accepts: ",
    "population": "Serves: ",
    "language": "Staff speak: ",
    "accreditation": "",
}


@dataclass(frozen=True)
class Chip:
    """An active filter as shown above the results; ``query`` is the search without it."""

    label: str
    query: str
    name: str = ""
    value: str | None = None  # the one value it removes, for a filter that takes several


def _as_querydict(data) -> QueryDict:
    """A mutable copy of the parameters; the API may pass a plain dict."""
    if isinstance(data, QueryDict):
        return data.copy()
    params = QueryDict(mutable=True)
    for key, value in (data or {}).items():
        params.setlist(
            key, [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
        )
    return params


def default_levels(levels, facility) -> list:
    """The levels of care a search covers: those asked for; otherwise intensive outpatient,
    unless it lists one facility's programs (a facility's page links to all of them)."""
    return list(levels or ()) or ([] if facility else list(DEFAULT_LEVELS))


def _with_defaults(params: QueryDict) -> QueryDict:
    data = params.copy()
    if not data.get("radius"):
        data["radius"] = DEFAULT_RADIUS
    if levels := default_levels(data.getlist("level"), data.get("facility")):
        data.setlist("level", levels)
    return data


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
    search = ProgramFilter(QueryDict(query), queryset=Program.objects.none())
    return SearchLink(query, search.criteria if search.is_valid() else [])
