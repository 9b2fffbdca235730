"""The search's parameters: what each one is, how it filters, and how a chosen value is worded.

``ProgramFilter`` declares every parameter of the results page, the CSV export and the JSON API
(README, "Search parameters") with its ``method=`` filter. Sorting, the chips above the results,
the ways out of an empty page and paging are the search's (``programs/search.py``); the form and
its fields are ``programs/forms.py``.

Filters on lists (payment, modalities...) keep a program only when it *reported* the value: an
unreported fact never counts as a match, and never as a mismatch shown to the family as a "no".
Each filter declares its chip's wording (``chip=``): ``{value}`` is the value chosen (one chip per
value for a filter that takes several), ``{label}`` the filter's label. A filter that asks
exactly what a fact's label says takes that label from the registry (``facts.by_key(...)``).
"""

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programs import facts, fit
from programs.forms import (
    PlaceField,
    SearchForm,
    SlugModelChoiceField,
    SlugModelMultipleChoiceField,
)
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
from programs.wording import WEEKDAY_WORDS


def _miles(miles: int) -> str:
    return gettext("%(miles)s miles") % {"miles": miles}


# Every word shown is a lazy translation, read in the page's language when the page is drawn
# (README, "Two languages"); the values in query strings stay English.
RADIUS_CHOICES = [(str(miles), lazy(_miles, str)(miles)) for miles in (5, 10, 25, 50, 100)]
DEFAULT_RADIUS = "25"
DEFAULT_LEVELS = [LevelOfCare.IOP.value]
DAY_CHOICES = [(abbr.lower(), word) for abbr, word in zip(WEEKDAY_ABBR, WEEKDAY_WORDS, strict=True)]
DUAL_CHOICES = [
    ("1", _("Any reported level")),
    ("2", _("Capable or enhanced (at least screens and coordinates care)")),
    ("3", _("Enhanced (treats mental health on site)")),
]
SORT_CHOICES = [
    ("distance", _("Nearest first")),
    ("relevance", _("Best match for your words")),
    ("name", _("Facility name (A-Z)")),
    ("verified", _("Most recently verified")),
    ("hours", _("Fewest hours per week")),
]


# --- Filters that word their chips --------------------------------------------------------


class Worded:
    """A filter whose chosen values are worded for the chips above the results (``chip=``)."""

    chip = "{value}"

    def __init__(self, *args, chip=None, **kwargs):
        if chip is not None:
            self.chip = chip
        super().__init__(*args, **kwargs)

    def chosen(self, value) -> list[tuple[object, str | None]]:
        """Each value chosen as ``(what the chip shows, the value its removal drops)``; None
        drops the whole parameter."""
        return [(value, None)]

    def chips(self, value, cleaned: dict) -> list[tuple[str, str | None]]:
        """The chips' texts for a cleaned ``value``, each with the value its removal drops."""
        return [
            (str(self.chip).format(value=shown, label=self.label), removes)
            for shown, removes in self.chosen(value)
        ]


class CharFilter(Worded, django_filters.CharFilter):
    pass


class NumberFilter(Worded, django_filters.NumberFilter):
    def chosen(self, value):
        return [(f"{value.normalize():f}", None)]


class ChoiceFilter(Worded, django_filters.ChoiceFilter):
    def chosen(self, value):
        return [(dict(self.extra["choices"])[value], None)]


class MultipleChoiceFilter(Worded, django_filters.MultipleChoiceFilter):
    def chosen(self, value):
        labels = dict(self.extra["choices"])
        return [(labels[item], item) for item in value]


class PlaceFilter(Worded, django_filters.CharFilter):
    """A ZIP code or "City, ST" (``?near=22903``); its chip says how far, from where."""

    field_class = PlaceField

    def chips(self, value, cleaned):
        radius = cleaned.get("radius") or DEFAULT_RADIUS
        return [(str(self.chip).format(value=value.label, radius=radius), None)]


class SlugChoiceFilter(Worded, django_filters.ModelChoiceFilter):
    """One row of a lookup table, chosen by its slug (``?payment=medicaid``)."""

    field_class = SlugModelChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)


class SlugMultipleChoiceFilter(Worded, django_filters.ModelMultipleChoiceFilter):
    """Several rows of a lookup table by slug (``?modality=cbt&modality=dbt``), as checkboxes."""

    field_class = SlugModelMultipleChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        # The filter methods use EXISTS subqueries, which never duplicate rows.
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def chosen(self, value):
        return [(row, row.slug) for row in value]


class CheckFilter(Worded, django_filters.Filter):
    """A checkbox (``?evening=1``). Every checkbox of the search is a criterion that ranks and
    groups programs (``programs/fit.py``) rather than hiding them, so it filters nothing here;
    unticked never means "programs without". Its chip is its label."""

    field_class = forms.BooleanField
    chip = "{label}"

    def __init__(self, *args, **kwargs):
        # Ticked sends "?evening=1" rather than the browser's default "on".
        kwargs.setdefault("widget", forms.CheckboxInput(attrs={"value": "1"}))
        kwargs.setdefault("method", "filter_nothing")
        super().__init__(*args, **kwargs)


# --- The FilterSet ----------------------------------------------------------------------------


class ProgramFilter(django_filters.FilterSet):
    # Where
    near = PlaceFilter(
        label=_("ZIP code or city, state"),
        method="filter_near",
        max_length=100,
        help_text=_('For example 22903 or "Richmond, VA".'),
        chip=_("Within {radius} miles of {value}"),
    )
    radius = ChoiceFilter(
        label=_("Distance"),
        choices=RADIUS_CHOICES,
        empty_label=None,
        initial=DEFAULT_RADIUS,
        method="filter_nothing",  # read by filter_near
    )
    q = CharFilter(
        label=_("Words to look for"),
        method="filter_text",
        max_length=200,
        help_text=_("Names, cities and descriptions."),
        chip=_("Words: “{value}”"),
    )
    state = ChoiceFilter(
        label=_("State"),
        field_name="facility__state",
        choices=USState.choices,
        empty_label=_("Any state"),
        chip=_("In {value}"),
    )

    # Schedule
    evening = CheckFilter(label=_("Evening sessions (start 4 pm or later)"))
    weekend = CheckFilter(label=facts.by_key("schedule.has_weekend").label)
    days = MultipleChoiceFilter(
        distinct=False,
        label=_("Days you can attend"),
        choices=DAY_CHOICES,
        method="filter_nothing",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Shows programs whose sessions all fall on these days."),
        chip=_("Meets only on: {value}"),
    )
    max_hours = NumberFilter(
        label=_("At most this many hours a week"),
        field_name="hours_per_week",
        lookup_expr="lte",
        min_value=1,
        max_value=60,
        max_digits=3,
        decimal_places=1,
        help_text=_("A typical IOP asks for 9 to 12 hours a week."),
        chip=_("At most {value} hours a week"),
    )
    format = MultipleChoiceFilter(
        distinct=False,
        label=facts.by_key("format").label,
        choices=[choice for choice in Format.choices if choice[0]],
        widget=forms.CheckboxSelectMultiple,
    )
    level = MultipleChoiceFilter(
        distinct=False,
        label=facts.by_key("level_of_care").label,
        field_name="level_of_care",
        choices=LevelOfCare.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Intensive outpatient unless you choose otherwise."),
    )

    # Staff
    physician = CheckFilter(
        label=_("Psychiatrist or physician on site"),
    )
    prescriber = CheckFilter(
        label=_("Someone who can prescribe (on site or by referral)"),
    )
    therapist = CheckFilter(label=facts.by_key("individual_therapy").label)
    leader = SlugMultipleChoiceFilter(
        label=_("Groups led by"),
        queryset=Credential.objects.all(),
        method="filter_nothing",
        help_text=_("Programs where at least one of these leads groups."),
        chip=_("Groups led by: {value}"),
    )

    # Approach
    modality = SlugMultipleChoiceFilter(
        label=facts.by_key("modalities").label,
        queryset=Modality.objects.all(),
        method="filter_nothing",
        help_text=_("Programs that offer every approach you tick."),
    )
    mat = CheckFilter(label=_("Offers medication for addiction treatment (MAT)"))
    medication = SlugChoiceFilter(
        label=_("Medication"),
        field_name="medications",
        queryset=Medication.objects.all(),
        empty_label=_("Any medication"),
        chip=_("Medication: {value}"),
    )
    holistic = CheckFilter(
        label=_("Holistic options (yoga, meditation, art...)"),
    )
    mutual_help = CheckFilter(
        label=_("12-step or other mutual-help groups"),
    )

    # Co-occurring mental-health conditions
    condition = SlugMultipleChoiceFilter(
        label=_("Treats on site"),
        queryset=Condition.objects.all(),
        method="filter_nothing",
        help_text=_("Programs that treat every condition you tick on site, not by referral."),
        chip=_("Treats on site: {value}"),
    )
    dual = ChoiceFilter(
        label=_("Care for mental health alongside addiction"),
        choices=DUAL_CHOICES,
        empty_label=_("Any"),
        method="filter_nothing",
        chip=_("Mental health care: {value}"),
    )

    # Payment, who is served, language, accreditation, admission
    payment = SlugChoiceFilter(
        label=_("Payment"),
        field_name="facility__payment_types",
        queryset=PaymentType.objects.all(),
        empty_label=_("Any payment"),
        chip=_("Accepts: {value}"),
    )
    population = SlugChoiceFilter(
        label=_("Who it serves"),
        field_name="populations",
        queryset=Population.objects.all(),
        empty_label=_("Anyone"),
        chip=_("Serves: {value}"),
    )
    language = SlugChoiceFilter(
        label=_("Language spoken by staff"),
        field_name="facility__languages",
        queryset=Language.objects.all(),
        empty_label=_("Any language"),
        chip=_("Staff speak: {value}"),
    )
    accreditation = SlugChoiceFilter(
        label=_("License or accreditation"),
        field_name="facility__accreditations",
        queryset=Accreditation.objects.all(),
        empty_label=_("Any"),
    )
    accepting = CheckFilter(label=_("Accepting new clients (confirmed in the last 30 days)"))
    facility = SlugChoiceFilter(
        label=_("Facility"),
        field_name="facility",
        queryset=Facility.objects.filter(is_published=True),
        widget=forms.HiddenInput,
        chip=_("At {value.name}"),
    )

    # Ranking by fit (programs/fit.py): criteria that must be reported and met, and whether
    # to list the programs that contradict a criterion too.
    must = MultipleChoiceFilter(
        label=_("Must have"),
        choices=[(criterion.param, criterion.param) for criterion in fit.CRITERIA],
        method="filter_nothing",
        widget=forms.MultipleHiddenInput,
    )
    nofit = CheckFilter(label=_("Also list programs that do not fit"))

    sort = ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, empty_label=None, method="filter_nothing"
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
    def form(self) -> SearchForm:
        """The form, its lookup lists (choices and the values chosen) read together, when first
        needed, with one query (``SearchForm.read_lookup_tables``)."""
        form = super().form
        if form.lookup_tables is None:
            form.read_lookup_tables(self.request)
        return form

    # --- Filter methods -----------------------------------------------------------------

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_near(self, queryset, name, place):
        return self._near(queryset, place, self.form.cleaned_data.get("radius"))

    def _near(self, queryset, place, radius):
        miles = radius_miles(radius)
        return queryset.near(place.latitude, place.longitude, miles, state=place.state)

    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    def filter_queryset(self, queryset):
        if self.errors:
            # Never show results for a question we did not understand.
            return queryset.none()
        return self.apply(queryset, self.form.cleaned_data)

    def apply(self, queryset, cleaned: dict):
        """Every filter applied with these cleaned values: the form's own, or a variation of
        them (an empty page's ways out, ``programs.search``), which so need no new form."""
        queryset = self.annotated(queryset, cleaned)
        if not cleaned.get("nofit") and fit.chosen_criteria(cleaned, cleaned.get("must") or []):
            queryset = queryset.filter(fit_fails=0)
        return queryset

    def annotated(self, queryset, cleaned: dict):
        """Every filter but the fit applied, each program annotated with its fit to the
        criteria (``fit.annotate``): the programs that do not fit are still there."""
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
        return fit.annotate(queryset, fit.chosen_criteria(cleaned, cleaned.get("must") or []))


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


def radius_miles(radius) -> int:
    """The miles of a cleaned radius (the default when none was chosen)."""
    return int(radius or DEFAULT_RADIUS)


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
