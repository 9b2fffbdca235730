"""A facility: one provider at one site, with its own phone numbers."""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext

from programs.geo import USState
from programs.phones import normalize_phone

from .choices import Operation, Source
from .constraints import ConstraintsNextToFields
from .lookups import Accreditation, Language, PaymentType


class VersionedListing(ConstraintsNextToFields):
    """A listing whose every save counts up ``version``.

    An admin form carries the version it was opened at and is refused when the listing has
    moved on since (``programs.curation.locking``): no curator's edit is silently overwritten.
    Bulk updates bump it themselves (``F("version") + 1``).
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


class Facility(VersionedListing):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    street1 = models.CharField("street address", max_length=200, blank=True)
    street2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2, choices=USState.choices)
    zip_code = models.CharField("ZIP code", max_length=5, help_text="Five digits, e.g. 22903.")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    coordinates_approximate = models.BooleanField(
        "coordinates are approximate",
        default=False,
        help_text="Set when the coordinates were filled in from the ZIP code's centre because "
        "none were given; the work queue lists these for a curator to place exactly.",
    )

    phone = models.CharField(
        "main phone", max_length=30, blank=True, help_text="The facility's own number."
    )
    intake_phone = models.CharField(
        max_length=30, blank=True, help_text="The facility's own intake or admissions line."
    )
    website = models.URLField(max_length=300, blank=True)

    operation = models.CharField(
        max_length=20, choices=Operation.choices, blank=True, default=Operation.NOT_REPORTED
    )
    accreditations = models.ManyToManyField(
        Accreditation,
        blank=True,
        related_name="facilities",
        help_text="Leave empty when the facility has not reported its licensing.",
    )
    languages = models.ManyToManyField(
        Language,
        blank=True,
        related_name="facilities",
        help_text="Languages staff speak. Leave empty when not reported.",
    )
    payment_types = models.ManyToManyField(
        PaymentType,
        blank=True,
        related_name="facilities",
        verbose_name="payment accepted",
        help_text="Leave empty when the facility has not reported what it accepts.",
    )

    source = models.CharField(max_length=20, choices=Source.choices, default=Source.CURATOR)
    source_id = models.CharField(
        max_length=100, blank=True, help_text="The source's own id, e.g. the locator's frid."
    )
    last_verified = models.DateField(
        null=True, blank=True, help_text="When a person last checked these facts."
    )
    source_imported_at = models.DateTimeField(
        "imported from source at",
        null=True,
        blank=True,
        help_text="When an importer last loaded this facility from its source (not a check "
        "by a person: the source's facts may be older).",
    )
    source_published_year = models.PositiveSmallIntegerField(
        "year the source published these facts",
        null=True,
        blank=True,
        help_text="As the importer was told (the locator sample: about 2019); empty when "
        "not known. Not the day of the import.",
        # A validator, not a database check: a check constraint would make SQLite rebuild the
        # facility table, which drops the triggers (listings stamp, text search) it carries.
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    is_published = models.BooleanField("published", default=False)
    # The facility's id in the HSDS feed (organization and location), stable for its lifetime.
    hsds_id = models.UUIDField("HSDS id", default=uuid.uuid4, unique=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Counts the saves of this facility (optimistic locking: see VersionedListing).
    version = models.PositiveIntegerField(default=1, editable=False)

    constraint_fields = {
        "facility_coordinates_both_or_neither": "latitude",
        "facility_unique_source_id": "source_id",
    }

    class Meta:
        verbose_name_plural = "facilities"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(zip_code__regex=r"^[0-9]{5}$"),
                name="facility_zip_five_digits",
                violation_error_message="Enter the ZIP code as five digits, e.g. 22903.",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="facility_latitude_in_range",
                violation_error_message="Latitude must be between -90 and 90.",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="facility_longitude_in_range",
                violation_error_message="Longitude must be between -180 and 180.",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="facility_coordinates_both_or_neither",
                violation_error_message=(
                    "Enter both latitude and longitude, or leave both empty (they are then "
                    "filled in from the ZIP code)."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="facility_name_not_empty",
                violation_error_message="Enter the facility's name.",
            ),
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source_id=""),
                name="facility_unique_source_id",
                violation_error_message=(
                    "Another facility from this source already has this source id."
                ),
            ),
        ]
        indexes = [
            # With the id last, the facilities of a state (a "near" search's virtual programs)
            # come from the index alone on PostgreSQL, not a heap page each.
            models.Index(fields=["state", "city", "id"]),
            models.Index(fields=["latitude", "longitude"]),
            # The results page's default order starts with the facility name.
            models.Index(fields=["name"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city}, {self.state})"

    def get_absolute_url(self) -> str:
        return reverse("programs:list") + f"?facility={self.slug}"

    def clean(self) -> None:
        # Phone numbers are stored in one shape (programs.phones); "call us" is refused.
        errors = {}
        for field in ("phone", "intake_phone"):
            try:
                setattr(self, field, normalize_phone(getattr(self, field)))
            except ValueError as error:
                errors[field] = str(error)
        if errors:
            raise ValidationError(errors)

    @classmethod
    def lock_rows(cls, pks) -> None:
        """Lock these facilities' rows, in id order, until the transaction ends.

        Every path that writes a listing takes its facility's lock first (the admin's saves and
        bulk actions, the importer), before any write updates the listings stamp: a curator and
        an import on one listing then wait for each other instead of deadlocking. SQLite has no
        row locks (one writer at a time) and ignores this.
        """
        list(cls.objects.select_for_update().filter(pk__in=pks).order_by("pk").values_list("pk"))

    @property
    def is_demo(self) -> bool:
        return self.source == Source.DEMO

    @property
    def is_from_locator(self) -> bool:
        return self.source == Source.FINDTREATMENT

    @property
    def source_age(self) -> str:
        """How old an imported listing's facts are, in words (empty for other sources)."""
        if not self.is_from_locator:
            return ""
        if self.source_published_year:
            return gettext("From the national treatment locator, as published around %(year)s") % {
                "year": self.source_published_year
            }
        return gettext(
            "From the national treatment locator; when it published these facts is not known"
        )

    @property
    def address_lines(self) -> list[str]:
        lines = [line for line in (self.street1, self.street2) if line]
        lines.append(f"{self.city}, {self.state} {self.zip_code}")
        return lines

    @property
    def phone_numbers(self) -> list[tuple[str, str]]:
        """The numbers to call, labelled: the main one, then intake when it is another one."""
        numbers = [(gettext("Main phone"), self.phone)]
        if self.intake_phone != self.phone:
            numbers.append((gettext("Intake phone"), self.intake_phone))
        return [(label, number) for label, number in numbers if number]

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None
