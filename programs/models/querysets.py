"""All queryset building for programs lives here.

The results page, the detail and compare pages, the CSV export and the JSON API chain these
methods, so that what a page shows and how many queries it costs are decided in one place.
"""

import math
import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, models
from django.db.models import BooleanField, Case, F, FloatField, Q, Value, When
from django.db.models.expressions import RawSQL

from programs.geo import EARTH_RADIUS_MILES, bounding_box

from .choices import Format

# Names spell numbers either way ("Region Ten", "Step 1 Recovery"); a search finds both.
_UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
]  # fmt: skip
_TENS = ["thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred"]
_NUMBERS = {word: str(n) for n, word in enumerate(_UNITS)} | {
    word: str(n) for n, word in zip(range(30, 101, 10), _TENS, strict=True)
}
_OTHER_FORM = _NUMBERS | {digits: word for word, digits in _NUMBERS.items()}


def _pg_term(word: str) -> str:
    """One search word as a PostgreSQL tsquery term: a prefix, or a number's either form."""
    other = _OTHER_FORM.get(word.lower())
    return f"({word}:* | {other})" if other else f"{word}:*"


def _fts_term(word: str) -> str:
    """One search word as an SQLite FTS5 term: a prefix, or a number's either form."""
    other = _OTHER_FORM.get(word.lower())
    return f'("{word}"* OR "{other}")' if other else f'"{word}"*'


class MilesFrom(models.Func):
    """Great-circle (haversine) distance in miles from a fixed point to the point given by two
    latitude and longitude expressions, as one SQL expression for SQLite and PostgreSQL alike.

    One node rather than a tree of Sin, Cos, Power... nodes: a "near" search resolves and
    compiles the distance several times, and the tree cost about 2 ms of Python per search.
    """

    output_field = models.FloatField()

    def __init__(self, latitude, longitude, point: tuple[float, float]):
        super().__init__(latitude, longitude)
        self.point = point

    def as_sql(self, compiler, connection, **extra):
        (lat_sql, lat_params), (lon_sql, lon_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        lat0, lon0 = (math.radians(value) for value in self.point)
        # Rounding can push the haversine term a hair above 1, outside ASIN's domain.
        least = "MIN" if connection.vendor == "sqlite" else "LEAST"
        sql = (
            f"(%s * ASIN(SQRT({least}("
            f"POWER(SIN((RADIANS({lat_sql}) - %s) / 2), 2) "
            f"+ %s * COS(RADIANS({lat_sql})) * POWER(SIN((RADIANS({lon_sql}) - %s) / 2), 2)"
            f", 1.0))))"
        )
        params = [
            2 * EARTH_RADIUS_MILES,
            *lat_params,
            lat0,
            math.cos(lat0),
            *lat_params,
            *lon_params,
            lon0,
        ]
        return sql, params


def _distance_within(latitude: float, longitude: float, miles: float):
    """The distance from a point (as ``found_distance``), and the condition that a program is
    within ``miles`` of it: in the bounding box (indexed), then by the exact distance."""
    box = bounding_box(latitude, longitude, miles)
    distance = MilesFrom(F("facility__latitude"), F("facility__longitude"), (latitude, longitude))
    within = Q(
        facility__latitude__range=(box.min_lat, box.max_lat),
        facility__longitude__range=(box.min_lon, box.max_lon),
        found_distance__lte=miles,
    )
    return distance, within


class ProgramQuerySet(models.QuerySet):
    """Programs: which are public, and the search's place and words.

    What a page shows about its programs (sessions, staff, lookup lists...) is loaded after
    they are fetched, by ``loading.load_related`` (``CARD``, ``FIT``, ``DETAIL``); a queryset
    for it only needs ``select_related("facility")``.
    """

    def published(self):
        return self.filter(is_published=True, facility__is_published=True)

    # --- Search (programs/filters.py turns a query string into these calls) -------------------

    def near(self, latitude: float, longitude: float, miles: float, state: str = ""):
        """Programs within ``miles`` of a point, plus virtual programs in the searcher's state.

        A bounding box on the facility's coordinates (indexed) discards far rows first; the
        exact great-circle (haversine) distance is then computed in SQL that runs on SQLite and
        PostgreSQL alike. Each program gets ``distance`` in miles, or None for a virtual
        program that is only listed because it serves the searcher's state.

        The two groups are found apart and combined (``pk IN (... UNION ALL ...)``): written as
        one condition with OR, PostgreSQL could not start from the coordinates index and a
        search with two EXISTS filters took 80 ms instead of 2.
        """
        distance, within = _distance_within(latitude, longitude, miles)
        everything = self.model._default_manager.order_by()
        found = everything.alias(found_distance=distance).filter(within).values("pk")
        if state:
            virtual_here = everything.filter(format=Format.VIRTUAL, facility__state=state)
            found = found.union(virtual_here.values("pk"), all=True)
        return self.filter(pk__in=found)._with_distance(distance, within)

    def distance_from(self, latitude: float, longitude: float, miles: float):
        """Each program's ``distance`` in miles from a point, or None beyond ``miles`` (a
        virtual program listed for the searcher's state); filters nothing. ``near()`` chooses
        the programs; a page of them read again by id needs only this."""
        return self._with_distance(*_distance_within(latitude, longitude, miles))

    def _with_distance(self, distance, within):
        return self.alias(found_distance=distance).annotate(
            distance=Case(
                When(within, then=F("found_distance")),
                default=Value(None),
                output_field=FloatField(),
            )
        )

    def search(self, text: str):
        """Programs matching free text in program or facility name, city or description.

        Every word is required and read as a prefix ("counsel" finds "counseling",
        "Charlottes" finds "Charlottesville"), a number matches its word and the other way
        round ("Region 10" finds "Region Ten"), with English stemming ("families" finds
        "family"); each program gets ``rank``, higher for a better match, names weighing most.
        PostgreSQL matches the stored, GIN-indexed ``search_document`` (migration 0004) and
        ranks with ts_rank; SQLite matches its FTS5 index (``ProgramText``, migration 0008)
        and ranks with bm25. Only letters and digits reach either, so no input is read as
        query syntax.
        """
        words = re.findall(r"\w+", text)[:12]
        if not words:
            return self.annotate(rank=Value(0.0))
        if connection.vendor == "postgresql":
            query = SearchQuery(
                " & ".join(_pg_term(word) for word in words), search_type="raw", config="english"
            )
            # Weights: program name and facility name (A), city (B), description (C).
            return self.filter(search_document=query).annotate(
                rank=SearchRank(F("search_document"), query)
            )
        # bm25 is lower for a better match; its weights follow the PostgreSQL ones.
        query = " AND ".join(_fts_term(word) for word in words)
        return (
            self.filter(text_index__isnull=False)
            .filter(
                RawSQL('"programs_program_fts" MATCH %s', (query,), output_field=BooleanField())
            )
            .annotate(
                rank=RawSQL(
                    '-bm25("programs_program_fts", 10.0, 10.0, 4.0, 2.0)',
                    (),
                    output_field=FloatField(),
                )
            )
        )
