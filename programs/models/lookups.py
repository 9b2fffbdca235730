"""Lookup tables that curators may extend (new languages, carriers, modalities...).

The starting lists ship with the app in migration 0002, so a fresh database is usable at once.
Each row has a stable ``slug`` used in URLs (filters), imports and fixtures.
"""

from django.db import models
from django.utils import translation

from .choices import ModalityKind


class LookupQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Lookup(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, unique=True)
    # The name on Spanish pages (/es/); empty shows the English name there.
    name_es = models.CharField(
        "Spanish name",
        max_length=120,
        blank=True,
        help_text="Shown on the Spanish pages. Leave empty to show the English name there.",
    )

    objects = LookupQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the page's language: the Spanish name on Spanish pages when a curator
        gave one, otherwise the English name."""
        return self.name_in(translation.get_language())

    def name_in(self, language: str | None) -> str:
        """``display_name`` in ``language``, for a list that reads the page's language once."""
        if self.name_es and language == "es":
            return self.name_es
        return self.name

    def natural_key(self):
        return (self.slug,)


class Language(Lookup):
    class Meta(Lookup.Meta):
        pass


class PaymentType(Lookup):
    class Meta(Lookup.Meta):
        verbose_name = "payment option"


class Accreditation(Lookup):
    class Meta(Lookup.Meta):
        verbose_name = "license or accreditation"
        verbose_name_plural = "licenses and accreditations"


class Population(Lookup):
    """Who a program serves: adolescents, veterans, women only, LGBTQ+..."""

    class Meta(Lookup.Meta):
        verbose_name = "population served"
        verbose_name_plural = "populations served"


class Medication(Lookup):
    """Medications for addiction treatment (MAT/MOUD)."""

    class Meta(Lookup.Meta):
        verbose_name = "medication for addiction treatment"
        verbose_name_plural = "medications for addiction treatment"


class Modality(Lookup):
    kind = models.CharField(max_length=20, choices=ModalityKind.choices)

    class Meta(Lookup.Meta):
        verbose_name_plural = "modalities"
        ordering = ["kind", "name"]


class GroupTopic(Lookup):
    class Meta(Lookup.Meta):
        pass


class Condition(Lookup):
    """A co-occurring mental-health condition (depression, PTSD...)."""

    class Meta(Lookup.Meta):
        pass


class Credential(Lookup):
    """A staff role or credential, with the facts families ask about it."""

    is_physician = models.BooleanField(
        default=False, help_text="A medical doctor (MD/DO), such as a psychiatrist."
    )
    is_prescriber = models.BooleanField(
        default=False, help_text="Can prescribe medication (physicians, NPs, PAs)."
    )
    is_licensed_therapist = models.BooleanField(
        default=False,
        help_text="Licensed to provide psychotherapy on their own (psychologist, LCSW, LPC, LMFT).",
    )
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta(Lookup.Meta):
        ordering = ["sort_order", "name"]
