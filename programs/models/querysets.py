"""All queryset building for programs lives here.

The results page, the detail and compare pages, the CSV export and the JSON API chain these
methods, so that what a page shows and how many queries it costs are decided in one place.
"""

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
