"""The search form and its fields: a place, and lookup lists read beforehand.

``ProgramFilter`` (``programs/filters.py``) declares the search's parameters; django-filter builds
its form from this module's ``SearchForm`` and fields. The lookup-list fields (payment,
approaches, conditions...) check values and list choices from rows read once per page with one
query (``LookupTables``), not one query per list.
"""

import re

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, pgettext
from django_filters import fields as filter_fields

from programs import fit, geo
from programs.form_renderer import SearchFormRenderer
from programs.models.loading import load_lookup_tables
from programs.models.lookups import Lookup

LOOKUP_ROWS_SECONDS = 300
_SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")


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
        return gettext(
            'Which state? There is a place of that name in %(states)s. Add it, like "%(example)s".'
        ) % {
            "states": ", ".join(place.state for place in suggestions.places),
            "example": labels[0],
        }
    if labels:
        joined = f" {pgettext('between two place names', 'or')} ".join(labels)
        return gettext("We could not find that place. Did you mean %(places)s?") % {
            "places": joined
        }
    return gettext(
        "We could not find that place. Enter a 5-digit US ZIP code (like 22903) "
        'or a city and state (like "Charlottesville, VA").'
    )


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


# The most criteria one search may weigh (every checkbox, list value and condition counts). The
# work of ranking grows with them; a family asking more than this is better served by asking
# fewer, and a query string asking far more is not a family (issue 16, docs/robustness.md).
MAX_CRITERIA = 12


class SearchForm(forms.Form):
    # Draws the filters panel's ~180 options without a template each (programs/form_renderer.py).
    default_renderer = SearchFormRenderer()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.lookup_tables: LookupTables | None = None

    def read_lookup_tables(self, request=None) -> None:
        """Let the lookup-list fields read their choices and the values chosen together, with
        one query the first time one needs them (``LookupTables``)."""
        fields = [
            field
            for field in self.fields.values()
            if isinstance(field, LoadedRowsMixin) and issubclass(field.queryset.model, Lookup)
        ]
        self.lookup_tables = LookupTables({field.queryset.model for field in fields}, request)
        for field in fields:
            field.tables = self.lookup_tables

    def clean(self):
        cleaned = super().clean()
        chosen = fit.chosen_criteria(cleaned, [])
        if len(chosen) > MAX_CRITERIA:
            # Marked on the last filter that added one, so the message sits next to a field.
            self.add_error(
                chosen[-1].criterion.param,
                gettext(
                    "One search can weigh at most %(most)d wishes at once, and this one asks "
                    "for %(asked)d. Untick a few and search again."
                )
                % {"most": MAX_CRITERIA, "asked": len(chosen)},
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
                gettext("A must-have needs its filter chosen first: %(filters)s.")
                % {"filters": ", ".join(str(labels[name]) for name in unchosen)},
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
