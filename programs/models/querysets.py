"""All queryset building for programs lives here.

The results page, the detail and compare pages, the CSV export and the JSON API chain these
methods, so that what a page shows and how many queries it costs are decided in one place.
"""

import math

from django.db import models
from django.db.models import Prefetch


class ProgramQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, facility__is_published=True)

    def with_card_data(self):
        """Everything a result card shows, in a fixed number of queries."""
        from .program import Session, StaffRole

        return self.select_related("facility").prefetch_related(
            Prefetch("sessions", queryset=Session.objects.order_by("weekday", "start")),
            Prefetch(
                "staff_roles",
                queryset=StaffRole.objects.select_related("credential"),
            ),
            "facility__payment_types",
        )

    def with_detail_data(self):
        """Everything the detail and compare pages show, in a fixed number of queries."""
        from .program import ConditionSupport

        return self.with_card_data().prefetch_related(
            Prefetch(
                "condition_support",
                queryset=ConditionSupport.objects.select_related("condition"),
            ),
            "populations",
            "medications",
            "modalities",
            "group_topics",
            "facility__languages",
            "facility__accreditations",
        )

    # --- Search (programs/filters.py turns a query string into these calls) -------------------

    def near(self, latitude: float, longitude: float, miles: float, state: str = ""):
        """Programs within ``miles`` of a point, plus virtual programs in the searcher's state.

        A bounding box on the facility's coordinates (indexed) discards far rows first; the
        exact great-circle (haversine) distance is then computed in SQL that runs on SQLite and
        PostgreSQL alike. Each program gets ``distance`` in miles, or None for a virtual
        program that is only listed because it serves the searcher's state.
        """
        from django.db.models import Case, F, FloatField, Q, Value, When
        from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

        from programs.geo import EARTH_RADIUS_MILES, bounding_box

        from .choices import Format

        box = bounding_box(latitude, longitude, miles)
        lat = Radians(F("facility__latitude"))
        half_dlat = (lat - Value(math.radians(latitude))) / 2
        half_dlon = (Radians(F("facility__longitude")) - Value(math.radians(longitude))) / 2
        a = Power(Sin(half_dlat), 2) + Value(math.cos(math.radians(latitude))) * Cos(lat) * Power(
            Sin(half_dlon), 2
        )
        # Rounding can push `a` a hair above 1, outside ASin's domain.
        distance = Value(2 * EARTH_RADIUS_MILES) * ASin(
            Sqrt(Least(a, Value(1.0), output_field=FloatField()))
        )
        within = Q(
            facility__latitude__range=(box.min_lat, box.max_lat),
            facility__longitude__range=(box.min_lon, box.max_lon),
            found_distance__lte=miles,
        )
        virtual_here = Q(format=Format.VIRTUAL, facility__state=state) if state else Q(pk__in=[])
        return (
            self.alias(found_distance=distance)
            .filter(within | virtual_here)
            .annotate(
                distance=Case(
                    When(within, then=F("found_distance")),
                    default=Value(None),
                    output_field=FloatField(),
                )
            )
        )

    def search(self, text: str):
        """Programs matching free text in program or facility name, city or description.

        On PostgreSQL: full-text search with English stemming, every word required and each
        read as a prefix (so "counsel" finds "counseling" and "Charlottes" finds
        "Charlottesville"), annotated with ``rank``. Elsewhere: every word must appear,
        case-insensitively, in one of the fields; ``rank`` then counts the words found in the
        program or facility name.
        """
        import re

        from django.db import connection
        from django.db.models import Case, IntegerField, Q, Value, When

        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchRank
            from django.db.models import F

            # Only letters and digits reach the query, so no user input is read as syntax.
            words = re.findall(r"\w+", text)[:12]
            if not words:
                return self.annotate(rank=Value(0.0))
            query = SearchQuery(
                " & ".join(f"{word}:*" for word in words), search_type="raw", config="english"
            )
            # The stored, GIN-indexed document (see Program.search_document): program name and
            # facility name (weight A), city (B) and description (C).
            return self.filter(search_document=query).annotate(
                rank=SearchRank(F("search_document"), query)
            )
        words = text.split()[:12]
        if not words:
            return self.annotate(rank=Value(0))
        fields = ("name", "facility__name", "facility__city", "description")
        matches = self
        rank = Value(0)
        for word in words:
            matches = matches.filter(
                Q.create([(f"{field}__icontains", word) for field in fields], connector=Q.OR)
            )
            for field in fields[:2]:
                rank = rank + Case(
                    When(**{f"{field}__icontains": word}, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
        return matches.annotate(rank=rank)
