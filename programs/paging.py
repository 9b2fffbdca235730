"""Pages of a sorted search that cost the same at page 1 and at the last page.

Django's ``Paginator`` slices the sorted queryset: ``ORDER BY ... LIMIT 20 OFFSET 17380``
sorts every matching row with all its columns (PostgreSQL spilled 16 MB to disk for the last
page of 17,000 IOPs) to keep twenty of them. ``IdPaginator`` sorts only what the order needs:

* **a search near a place** reads the ids of its matches in order, with the values the sort
  computed for each (the distance, the fit to the criteria), in one narrow query. Most such
  searches have a few hundred matches at most, so that one query also gives the count: the
  distance of each row is computed once, instead of once for the count and again for the page.
  Only when there are more than ``PROBE`` matches is there a count of its own;
* **any other search** counts its matches, then reads its page as
  ``rows WHERE id IN (the page's ids, sorted and sliced)``: the sort runs over narrow rows,
  and only the page's twenty rows are read whole;
* **a search for words** too, with one exception: on SQLite its first ``SLICED_WORDS`` rows
  (fifty pages) are sliced as Django does (``words=True``). The outer query by id matches the
  words again, and SQLite's FTS5 match of a common word is what costs there: "program" at
  25,000 programs, page 1 sliced 23 ms, by id 32 ms. Deeper, the sort of every wide row
  costs more than the second match (page 400: 97 ms sliced, 41 ms by id). PostgreSQL checks
  the words of the page's twenty rows only, so by id is as fast at page 1 (48 against
  52 ms) and four times faster at the last page (38 against 136 ms).

Either way the page's rows come from ``rows`` (the queryset that loads what the page shows),
in the order of the sorted ids.
"""

from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections
from django.db.models.expressions import RawSQL

# A search near a place reads up to this many ids to count its matches with its page.
PROBE = 1000
# On SQLite, a search for words slices its pages that start before this row (see above).
SLICED_WORDS = 1000


class IdPaginator(Paginator):
    """Pages of ``queryset`` (filtered, annotated and sorted), their rows read from ``rows``.

    ``carried`` names values that ``queryset`` computes per row (annotations such as
    ``distance``) and that the page shows: with ``probe`` they are read with the ids and set
    on each row, so ``rows`` need not compute them again; without it, ``rows`` is ``queryset``
    itself narrowed to the page's ids, or ``page_rows`` when given: the same rows, annotated
    and sorted as ``queryset`` but without its filters, which the ids have applied already
    (PostgreSQL ran a "near" search's filters again for each of the page's rows).
    ``words`` says that ``queryset`` matches full text.
    """

    def __init__(
        self, queryset, per_page, *, rows=None, carried=(), probe=False, words=False, page_rows=None
    ):
        super().__init__(queryset, per_page)
        self.words = words
        self.rows = rows
        self.page_rows = queryset if page_rows is None else page_rows
        self.carried = tuple(carried)
        self.probe = probe and rows is not None
        self._probed = None  # every (pk, *carried) row, when the probe found them all

    @cached_property
    def count(self) -> int:
        if self.probe:
            keys = list(self._keys()[: PROBE + 1])
            if len(keys) <= PROBE:
                self._probed = keys
                return len(keys)
        return self.object_list.count()

    def _keys(self):
        return self.object_list.values_list("pk", *self.carried)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        return self._get_page(self._rows(bottom, top), number, self)

    def _sliced(self, bottom: int) -> bool:
        if not self.words or bottom >= SLICED_WORDS:
            return False
        return connections[self.object_list.db].vendor == "sqlite"

    def _rows(self, bottom: int, top: int) -> list:
        if top <= bottom:
            return []
        if not self.probe and self._sliced(bottom):
            return list(self.object_list[bottom:top])
        if not self.probe:
            # Compiled here rather than handed to filter() as a queryset, which Django would
            # clone and resolve again, every annotation of the search with it.
            page_ids = self.object_list.values("pk")[bottom:top].query.sql_with_params()
            return list(self.page_rows.filter(pk__in=RawSQL(*page_ids)))
        keys = self._probed[bottom:top] if self._probed is not None else self._keys()[bottom:top]
        keys = list(keys)
        found = {program.pk: program for program in self.rows.filter(pk__in=[k[0] for k in keys])}
        page = []
        for pk, *values in keys:
            program = found.get(pk)
            if program is None:  # gone between the two queries
                continue
            for name, value in zip(self.carried, values, strict=True):
                setattr(program, name, value)
            page.append(program)
        return page
