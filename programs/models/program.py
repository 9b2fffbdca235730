"""A program at a facility, with its weekly schedule, staff and co-occurring care."""

import uuid
from datetime import datetime, time
from decimal import Decimal

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.availability import accepting_wording, is_fresh, wait_wording

from .choices import (
    WEEKDAY_ABBR,
    WEEKEND_DAYS,
    Availability,
    ConditionSupportLevel,
    DualDiagnosis,
    Format,
    LevelOfCare,
    Weekday,
)
from .constraints import ConstraintsNextToFields
from .facility import Facility, VersionedListing
from .intake import facts_from_locator
from .lookups import Condition, Credential, GroupTopic, Medication, Modality, Population
from .querysets import ProgramQuerySet

# A session that starts at or after this time is an evening session: it fits a 9-to-5 job.
EVENING_STARTS_AT = time(16, 0)
MAX_HOURS_PER_WEEK = 60
MAX_WAIT_DAYS = 365
ACCEPTING_NEEDS_DATE = (
    "An answer to accepting new clients needs the day it was confirmed (and a date needs an "
    "answer); leave both empty when not reported."
)
WAIT_NEEDS_DATE = (
    "A typical wait needs the day it was confirmed (and a date needs a wait); leave both empty "
    "when not reported."
)


class Program(VersionedListing):
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="programs")
    name = models.CharField(max_length=200, help_text='For example "Adult Evening IOP".')
    slug = models.SlugField(max_length=220, unique=True)
    level_of_care = models.CharField(
        max_length=3, choices=LevelOfCare.choices, default=LevelOfCare.IOP
    )
    format = models.CharField(
        max_length=10, choices=Format.choices, blank=True, default=Format.NOT_REPORTED
    )
    description = models.TextField(blank=True)
    populations = models.ManyToManyField(
        Population,
        blank=True,
        related_name="programs",
        verbose_name=_("who it serves"),
        help_text="Leave empty when not reported.",
    )
    typical_length_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Typical length of the program in weeks."
    )
    group_size_max = models.PositiveSmallIntegerField(
        _("largest group size"), null=True, blank=True
    )

    # Yes / no / not reported (NULL) facts.
    individual_therapy = models.BooleanField(
        _("individual therapy with a licensed therapist"), null=True, blank=True
    )
    drug_testing = models.BooleanField(_("random drug and alcohol testing"), null=True, blank=True)
    family_program = models.BooleanField(_("family program"), null=True, blank=True)
    aftercare_planning = models.BooleanField(_("aftercare planning"), null=True, blank=True)
    # Availability is only ever stored and shown with the day it was confirmed
    # (programs.availability words it and says when it is too old to trust).
    accepting_new_clients = models.BooleanField(null=True, blank=True)
    accepting_confirmed_on = models.DateField(
        "accepting new clients: confirmed on",
        null=True,
        blank=True,
        help_text="The day someone confirmed the answer with the program. Required with an "
        "answer; leave both empty when not reported.",
    )
    typical_wait_days = models.PositiveSmallIntegerField(
        "typical wait for a first appointment (days)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_WAIT_DAYS)],
    )
    wait_confirmed_on = models.DateField(
        "typical wait: confirmed on",
        null=True,
        blank=True,
        help_text="Required with a typical wait; leave both empty when not reported.",
    )
    offers_mat = models.BooleanField(
        _("offers medication for addiction treatment"),
        null=True,
        blank=True,
        help_text="MAT/MOUD such as buprenorphine or naltrexone, prescribed or continued.",
    )
    psychiatric_evaluation = models.BooleanField(null=True, blank=True)
    medication_management = models.BooleanField(
        _("psychiatric medication management"), null=True, blank=True
    )

    medications = models.ManyToManyField(
        Medication, blank=True, related_name="programs", help_text="Leave empty when not reported."
    )
    modalities = models.ManyToManyField(
        Modality,
        blank=True,
        related_name="programs",
        verbose_name=_("treatment approaches"),
        help_text="Leave empty when not reported.",
    )
    group_topics = models.ManyToManyField(GroupTopic, blank=True, related_name="programs")
    dual_diagnosis = models.PositiveSmallIntegerField(
        _("co-occurring (dual-diagnosis) capability"),
        choices=DualDiagnosis.choices,
        null=True,
        blank=True,
    )
    is_published = models.BooleanField("published", default=True)
    # The program's id in the HSDS feed (a service), stable for its lifetime.
    hsds_id = models.UUIDField("HSDS id", default=uuid.uuid4, unique=True, editable=False)
    # When the program or its schedule last changed (the HSDS feed's modified_after).
    updated_at = models.DateTimeField(auto_now=True)
    # Counts the saves of this program (optimistic locking: see VersionedListing).
    version = models.PositiveIntegerField(default=1, editable=False)

    # Derived from the sessions by refresh_schedule_figures(); never typed by hand.
    # NULL means no schedule has been reported.
    hours_per_week = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, editable=False
    )
    has_evening = models.BooleanField(_("evening sessions"), null=True, editable=False)
    has_weekend = models.BooleanField(_("weekend sessions"), null=True, editable=False)
    days_mask = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text="Bit n set when sessions run on weekday n (Mon=0)."
    )
    # PostgreSQL only: the weighted full-text document (program and facility names, city,
    # description) that search() matches and ranks through a GIN index. A database trigger
    # (migration 0004) fills it on every write, bulk loads included. Always NULL on SQLite.
    search_document = SearchVectorField(null=True, editable=False)

    objects = ProgramQuerySet.as_manager()

    constraint_fields = {
        "program_accepting_has_its_date": "accepting_confirmed_on",
        "program_wait_has_its_date": "wait_confirmed_on",
    }

    class Meta:
        ordering = ["facility__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="program_name_not_empty",
                violation_error_message="Enter the program's name.",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True)
                | Q(hours_per_week__gt=0, hours_per_week__lte=MAX_HOURS_PER_WEEK),
                name="program_hours_per_week_in_range",
                violation_error_message=(
                    f"Hours per week must be more than 0 and at most {MAX_HOURS_PER_WEEK}."
                ),
            ),
            models.CheckConstraint(
                condition=Q(typical_length_weeks__isnull=True)
                | Q(typical_length_weeks__gte=1, typical_length_weeks__lte=104),
                name="program_length_weeks_in_range",
                violation_error_message="Typical length must be between 1 and 104 weeks.",
            ),
            models.CheckConstraint(
                condition=Q(group_size_max__isnull=True)
                | Q(group_size_max__gte=1, group_size_max__lte=50),
                name="program_group_size_in_range",
                violation_error_message="Group size must be between 1 and 50.",
            ),
            models.CheckConstraint(
                condition=Q(dual_diagnosis__isnull=True)
                | Q(dual_diagnosis__in=DualDiagnosis.values),
                name="program_dual_diagnosis_valid",
                violation_error_message=(
                    "Choose one of the listed answers for co-occurring mental health care."
                ),
            ),
            models.CheckConstraint(
                condition=Q(level_of_care__in=LevelOfCare.values),
                name="program_level_of_care_valid",
                violation_error_message="Choose one of the listed levels of care.",
            ),
            models.CheckConstraint(
                condition=Q(days_mask__gte=0, days_mask__lte=127),
                name="program_days_mask_valid",
                violation_error_message="Choose days of the week from the list.",
            ),
            models.CheckConstraint(
                condition=Q(accepting_new_clients__isnull=True, accepting_confirmed_on__isnull=True)
                | Q(accepting_new_clients__isnull=False, accepting_confirmed_on__isnull=False),
                name="program_accepting_has_its_date",
                violation_error_message=ACCEPTING_NEEDS_DATE,
            ),
            models.CheckConstraint(
                condition=Q(typical_wait_days__isnull=True, wait_confirmed_on__isnull=True)
                | Q(
                    typical_wait_days__isnull=False,
                    typical_wait_days__lte=MAX_WAIT_DAYS,
                    wait_confirmed_on__isnull=False,
                ),
                name="program_wait_has_its_date",
                violation_error_message=WAIT_NEEDS_DATE,
            ),
        ]
        indexes = [
            # With facility_id in it, counting a search's results reads only the index, not
            # the wide program rows.
            models.Index(fields=["level_of_care", "is_published", "facility"]),
            models.Index(fields=["hours_per_week"]),
            # A "near" search also lists the virtual programs of the searcher's state: found
            # from the state's facilities through this small index, not a scan of programs.
            # With the id in it, PostgreSQL reads the index alone (it read a heap page for
            # each of the 1,951 virtual programs of 25,000: 1,419 pages a search).
            models.Index(
                fields=["facility", "id"],
                condition=Q(format=Format.VIRTUAL),
                name="program_virtual_by_facility",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} at {self.facility.name}"

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", args=[self.slug])

    @property
    def is_demo(self) -> bool:
        return self.facility.is_demo

    # --- Publishing -------------------------------------------------------------------------

    @staticmethod
    def ready_to_publish() -> Q:
        """Programs that may be published: the same rule as ``missing_to_publish()``."""
        return (
            Q(facility__is_published=True)
            & ~Q(level_of_care="")
            & ~Q(format=Format.NOT_REPORTED)
            & ~Q(facility__phone="", facility__intake_phone="")
        )

    def missing_to_publish(self, facility=None) -> list[str]:
        """What a program needs before a curator publishes it, in words (empty: ready)."""
        facility = facility or self.facility
        missing = []
        if not facility.is_published:
            missing.append("its facility published")
        if not self.level_of_care:
            missing.append("a level of care")
        if self.format == Format.NOT_REPORTED:
            missing.append("a format (in person, virtual or hybrid)")
        if not (facility.phone or facility.intake_phone):
            missing.append("a phone number to call (on its facility)")
        return missing

    @property
    def is_virtual_only(self) -> bool:
        return self.format == Format.VIRTUAL

    # --- Availability -------------------------------------------------------------------------

    def clean(self) -> None:
        # The same rule as the database constraints, with the message next to the date field.
        errors = {}
        if (self.accepting_new_clients is None) != (self.accepting_confirmed_on is None):
            errors["accepting_confirmed_on"] = ACCEPTING_NEEDS_DATE
        if (self.typical_wait_days is None) != (self.wait_confirmed_on is None):
            errors["wait_confirmed_on"] = WAIT_NEEDS_DATE
        if errors:
            raise ValidationError(errors)

    def accepting_wording(self, today=None) -> str:
        """ "Accepting new clients (confirmed Nov 28, 2026)"; "" when not reported."""
        return accepting_wording(
            self.accepting_new_clients, self.accepting_confirmed_on, today or timezone.localdate()
        )

    def wait_wording(self, today=None) -> str:
        return wait_wording(
            self.typical_wait_days, self.wait_confirmed_on, today or timezone.localdate()
        )

    @property
    def accepting_display(self) -> str:
        return self.accepting_wording()

    @property
    def wait_display(self) -> str:
        return self.wait_wording()

    @property
    def accepting_is_current(self) -> bool:
        """The accepting answer (yes or no) was confirmed recently enough to rely on."""
        return self.accepting_new_clients is not None and is_fresh(
            self.accepting_confirmed_on, timezone.localdate()
        )

    @property
    def is_accepting_now(self) -> bool:
        """Said yes to new clients, confirmed recently enough to put on a card or in search."""
        return bool(self.accepting_new_clients) and self.accepting_is_current

    def facts_from_locator(self) -> list[str]:
        """Which kinds of facts came from the national locator (empty for other sources)."""
        return facts_from_locator(self)

    def condition_support_label(self, condition) -> str | None:
        """How this program handles ``condition`` ("Treated on site"...), None if not reported.

        Reads the loaded ``condition_support`` rows (see ``loading.load_related``).
        """
        for support in self.condition_support.all():
            if support.condition_id == condition.pk:
                return support.get_support_display()
        return None

    def condition_table(self, conditions) -> list[tuple]:
        """(condition, support label or None) for each of ``conditions``."""
        return [(condition, self.condition_support_label(condition)) for condition in conditions]

    # --- Schedule figures -------------------------------------------------------------------

    def refresh_schedule_figures(self, save: bool = True) -> None:
        """Recompute hours per week, evening, weekend and days from the sessions.

        The one place these figures are computed; called whenever a session is saved or
        deleted, so they cannot drift from the schedule.
        """
        sessions = list(self.sessions.all())
        self.hours_per_week, self.has_evening, self.has_weekend, self.days_mask = schedule_figures(
            sessions
        )
        if save and self.pk:
            Program.objects.filter(pk=self.pk).update(
                hours_per_week=self.hours_per_week,
                has_evening=self.has_evening,
                has_weekend=self.has_weekend,
                days_mask=self.days_mask,
                updated_at=timezone.now(),
            )

    @property
    def schedule_days(self) -> list[str]:
        return [WEEKDAY_ABBR[day] for day in range(7) if self.days_mask & (1 << day)]


def schedule_figures(sessions) -> tuple[Decimal | None, bool | None, bool | None, int]:
    """(hours per week, has evening, has weekend, days bit mask) for a list of sessions."""
    if not sessions:
        return None, None, None, 0
    minutes = sum(session.duration_minutes for session in sessions)
    hours = (Decimal(minutes) / 60).quantize(Decimal("0.1"))
    evening = any(session.is_evening for session in sessions)
    weekend = any(session.weekday in WEEKEND_DAYS for session in sessions)
    mask = 0
    for session in sessions:
        mask |= 1 << session.weekday
    return hours, evening, weekend, mask


class Session(ConstraintsNextToFields):
    """One weekly session of a program, e.g. Monday 18:00-21:00 on the Evening track."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="sessions")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()
    track = models.CharField(
        max_length=60,
        blank=True,
        help_text='A label such as "Evening" or "Family night". Hours per week add up every '
        "session, so list a program with alternative schedules (a morning or an evening "
        "track) as two programs.",
    )

    constraint_fields = {"session_start_before_end": "end", "session_unique_slot": "start"}

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")),
                name="session_start_before_end",
                violation_error_message="A session must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6),
                name="session_weekday_valid",
                violation_error_message="Choose a day of the week.",
            ),
            models.UniqueConstraint(
                fields=["program", "weekday", "start", "track"],
                name="session_unique_slot",
                violation_error_message=(
                    "This program already has a session on this day at this start time (on this "
                    "track)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.program.refresh_schedule_figures()

    def delete(self, *args, **kwargs):
        program = self.program
        with transaction.atomic():
            result = super().delete(*args, **kwargs)
            program.refresh_schedule_figures()
        return result

    @property
    def duration_minutes(self) -> int:
        start = datetime.combine(datetime.min, self.start)
        end = datetime.combine(datetime.min, self.end)
        return max(0, int((end - start).total_seconds() // 60))

    @property
    def is_evening(self) -> bool:
        return self.start >= EVENING_STARTS_AT


class StaffRole(ConstraintsNextToFields):
    """A role or credential on a program's team, on site or by referral."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="staff_roles")
    credential = models.ForeignKey(Credential, on_delete=models.PROTECT, related_name="roles")
    availability = models.CharField(max_length=10, choices=Availability.choices)
    count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How many, where known."
    )
    leads_groups = models.BooleanField("leads groups", null=True, blank=True)

    constraint_fields = {"staff_role_unique": "credential"}

    class Meta:
        ordering = ["credential__sort_order", "credential__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "credential"],
                name="staff_role_unique",
                violation_error_message=(
                    "This program already lists this credential; edit that row instead."
                ),
            ),
            models.CheckConstraint(
                condition=Q(count__isnull=True) | Q(count__gte=1, count__lte=500),
                name="staff_role_count_in_range",
                violation_error_message="How many must be between 1 and 500.",
            ),
            models.CheckConstraint(
                condition=Q(availability__in=Availability.values),
                name="staff_role_availability_valid",
                violation_error_message=(
                    "Choose one of the listed answers for on site or by referral."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.credential} ({self.get_availability_display().lower()})"


class ConditionSupport(ConstraintsNextToFields):
    """How a program handles one co-occurring condition. No row means not reported."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="condition_support")
    condition = models.ForeignKey(Condition, on_delete=models.PROTECT, related_name="support")
    support = models.CharField(max_length=10, choices=ConditionSupportLevel.choices)

    constraint_fields = {"condition_support_unique": "condition"}

    class Meta:
        ordering = ["condition__name"]
        verbose_name = "co-occurring condition"
        constraints = [
            models.UniqueConstraint(
                fields=["program", "condition"],
                name="condition_support_unique",
                violation_error_message=(
                    "This program already lists this condition; edit that row instead."
                ),
            ),
            models.CheckConstraint(
                condition=Q(support__in=ConditionSupportLevel.values),
                name="condition_support_valid",
                violation_error_message=(
                    "Choose one of the listed levels of care for this condition."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.condition}: {self.get_support_display().lower()}"


class ProgramText(models.Model):
    """SQLite only: the FTS5 full-text index of programs (migration 0008), kept by triggers.

    One row per program (``rowid`` is the program's id). ``ProgramQuerySet.search()`` joins it
    to match words and rank with bm25; nothing else reads or writes it through the ORM, and on
    PostgreSQL (which has ``Program.search_document`` instead) the table does not exist.
    """

    program = models.OneToOneField(
        Program,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="text_index",
    )

    class Meta:
        managed = False
        db_table = "programs_program_fts"

    def __str__(self) -> str:
        return f"Search index row of program {self.pk}"
