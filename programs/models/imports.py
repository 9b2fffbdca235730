"""What a re-import changed on a listing, kept for curators to review.

An importer that finds a different value at its source for a fact it already wrote records one
``ImportChange`` per field (or list) it changes, with the old and the new value as text. The
curation queue lists the rows not yet reviewed ("facts a re-import changed"); a curator who has
looked at one sets ``reviewed_at``. First imports record nothing: there is no old value.
"""

from django.db import models
from django.db.models import Q

from .constraints import ConstraintsNextToFields
from .facility import Facility


class ImportChange(ConstraintsNextToFields):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="import_changes")
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_changes",
        help_text="Empty when the change is to the facility itself.",
    )
    field = models.CharField(max_length=100)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    changed_at = models.DateTimeField(db_index=True)
    curator_value_kept = models.BooleanField(
        "curator's value kept",
        default=False,
        help_text="A curator had changed this fact since the last import, so the import kept "
        "the curator's value and did not write the new one: decide which is right.",
    )
    reviewed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a curator looked at this change."
    )

    class Meta:
        ordering = ["-changed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(field=""),
                name="import_change_field_not_empty",
                violation_error_message="An import change must name the field it changed.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["facility"],
                condition=Q(reviewed_at__isnull=True),
                name="import_change_unreviewed",
            ),
        ]

    def __str__(self) -> str:
        where = self.program or self.facility
        return f"{where}: {self.field} {self.old_value!r} -> {self.new_value!r}"
