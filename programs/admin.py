"""Curation in the Django admin.

Curators edit a facility and, on each program's page, its sessions, staff roles and co-occurring
support inline. Derived schedule figures are shown read-only. Bulk actions never delete (only
Django's own "delete selected", which asks for confirmation), need the change permission, and
write a history entry for every object they change, like an edit through the form does.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone

# Importing it registers the curation models (reports, provider links and proposals).
from programs.curation import admin as curation_admin  # noqa: F401
from programs.models import (
    Accreditation,
    Condition,
    ConditionSupport,
    Credential,
    Facility,
    GroupTopic,
    Language,
    Medication,
    Modality,
    PaymentType,
    Population,
    Program,
    Session,
    StaffRole,
)


class VerificationAgeFilter(admin.SimpleListFilter):
    title = "last verified"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [
            ("90", "Within 90 days"),
            ("365", "Within a year"),
            ("stale", "More than a year ago"),
            ("never", "Never verified"),
        ]

    def queryset(self, request, queryset):
        field = "last_verified" if queryset.model is Facility else "facility__last_verified"
        today = timezone.localdate()
        if self.value() in {"90", "365"}:
            return queryset.filter(**{f"{field}__gte": today - timedelta(days=int(self.value()))})
        if self.value() == "stale":
            return queryset.filter(**{f"{field}__lt": today - timedelta(days=365)})
        if self.value() == "never":
            return queryset.filter(**{f"{field}__isnull": True})
        return queryset


class LoggedBulkActionsMixin:
    """Bulk updates that leave the same trail in each object's history as a form edit.

    ``QuerySet.update()`` skips ``save()`` and the admin's logging, so ``update_and_log`` only
    touches the rows that actually change and records a LogEntry (who, when, what) for each.
    """

    def update_and_log(self, request, queryset, message: str, **changes) -> tuple[int, int]:
        """Apply ``changes`` to the rows of ``queryset`` that differ; return (changed, total)."""
        total = queryset.count()
        model = queryset.model
        if any(field.name == "updated_at" for field in model._meta.fields):
            changes_made = {**changes, "updated_at": timezone.now()}
        else:
            changes_made = changes
        # One transaction: the rows change together with their history, or not at all.
        with transaction.atomic():
            Facility.lock_rows(
                queryset.values("pk") if model is Facility else queryset.values("facility_id")
            )
            to_change = list(model.objects.filter(pk__in=queryset.values("pk")).exclude(**changes))
            model.objects.filter(pk__in=[obj.pk for obj in to_change]).update(**changes_made)
            for obj in to_change:
                for name, value in changes_made.items():
                    setattr(obj, name, value)
                self.log_change(request, obj, message)
        return len(to_change), total

    @admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["change"])
    def publish(self, request, queryset):
        changed, total = self.update_and_log(
            request, queryset, "Published (bulk action).", is_published=True
        )
        self.report(request, self.model, changed, total, "published")

    @admin.action(description="Unpublish selected %(verbose_name_plural)s", permissions=["change"])
    def unpublish(self, request, queryset):
        changed, total = self.update_and_log(
            request, queryset, "Unpublished (bulk action).", is_published=False
        )
        self.report(request, self.model, changed, total, "unpublished")

    def report(self, request, model, changed: int, total: int, done: str) -> None:
        noun = model._meta.verbose_name if changed == 1 else model._meta.verbose_name_plural
        text = f"{changed} {noun} {done}."
        if total > changed:
            text += f" {total - changed} needed no change."
        self.message_user(request, text, messages.SUCCESS)


@admin.register(Language, PaymentType, Accreditation, Population, Medication, GroupTopic, Condition)
class LookupAdmin(admin.ModelAdmin):
    list_display = ["name", "name_es", "slug"]
    search_fields = ["name", "name_es", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Modality)
class ModalityAdmin(LookupAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]


@admin.register(Credential)
class CredentialAdmin(LookupAdmin):
    list_display = ["name", "is_physician", "is_prescriber", "is_licensed_therapist", "sort_order"]


class ProgramLinkInline(admin.TabularInline):
    model = Program
    fields = ["name", "level_of_care", "format", "is_published"]
    show_change_link = True
    extra = 0
    max_num = 0
    can_delete = False
    readonly_fields = fields


@admin.register(Facility)
class FacilityAdmin(LoggedBulkActionsMixin, admin.ModelAdmin):
    list_display = ["name", "city", "state", "source", "last_verified", "is_published"]
    list_filter = [
        "state", "is_published", VerificationAgeFilter, "source", "operation",
        "programs__level_of_care", "programs__format",
    ]  # fmt: skip
    search_fields = ["name", "city", "zip_code", "source_id"]
    prepopulated_fields = {"slug": ["name", "city"]}
    autocomplete_fields = ["accreditations", "languages", "payment_types"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ProgramLinkInline]
    actions = ["mark_verified_today", "publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "is_published"]}),
        (
            "Address and contact",
            {
                "fields": [
                    "street1", "street2", ("city", "state", "zip_code"),
                    ("latitude", "longitude"), ("phone", "intake_phone"), "website",
                ]
            },
        ),
        ("Operation, payment and languages",
         {"fields": ["operation", "accreditations", "payment_types", "languages"]}),
        ("Where the facts came from",
         {"fields": [("source", "source_id"), "source_published_year", "last_verified",
                     ("created_at", "updated_at")]}),
    ]  # fmt: skip

    def save_model(self, request, obj, form, change):
        if change:
            Facility.lock_rows([obj.pk])  # before any write: see Facility.lock_rows
        super().save_model(request, obj, form, change)

    @admin.action(description="Mark selected facilities as verified today", permissions=["change"])
    def mark_verified_today(self, request, queryset):
        today = timezone.localdate()
        changed, total = self.update_and_log(
            request, queryset, f"Marked as verified on {today:%Y-%m-%d} (bulk action).",
            last_verified=today,
        )  # fmt: skip
        self.report(request, Facility, changed, total, "marked as verified today")


class SessionInline(admin.TabularInline):
    model = Session
    extra = 1


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 1
    autocomplete_fields = ["credential"]


class ConditionSupportInline(admin.TabularInline):
    model = ConditionSupport
    extra = 1
    autocomplete_fields = ["condition"]


@admin.register(Program)
class ProgramAdmin(LoggedBulkActionsMixin, admin.ModelAdmin):
    list_display = [
        "name", "facility", "level_of_care", "format", "hours_per_week", "has_evening",
        "dual_diagnosis", "is_published",
    ]  # fmt: skip
    list_filter = [
        "facility__state", "level_of_care", "format", "dual_diagnosis", "is_published",
        "facility__is_published", VerificationAgeFilter, "facility__source",
    ]  # fmt: skip
    list_select_related = ["facility"]
    search_fields = ["name", "facility__name", "facility__city", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = [
        "facility", "populations", "medications", "modalities", "group_topics",
    ]  # fmt: skip
    readonly_fields = ["hours_per_week", "has_evening", "has_weekend", "schedule_days_display"]
    inlines = [SessionInline, StaffRoleInline, ConditionSupportInline]
    actions = ["mark_verified_today", "publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["facility", "name", "slug", "is_published", "description"]}),
        (
            "Level, format and schedule",
            {
                "fields": [
                    ("level_of_care", "format"), ("typical_length_weeks", "group_size_max"),
                    ("hours_per_week", "has_evening", "has_weekend", "schedule_days_display"),
                ],
                "description": "Hours per week, evening and weekend are worked out from the "
                "sessions below; edit the sessions to change them.",
            },
        ),
        (
            "Treatment approach",
            {"fields": ["modalities", "group_topics", "offers_mat", "medications",
                        "individual_therapy", "family_program"]},
        ),
        (
            "Co-occurring mental-health care",
            {"fields": ["dual_diagnosis", "psychiatric_evaluation", "medication_management"]},
        ),
        (
            "Who is served and admission",
            {"fields": ["populations", "drug_testing", "aftercare_planning"]},
        ),
        (
            "Availability",
            {"fields": [("accepting_new_clients", "accepting_confirmed_on"),
                        ("typical_wait_days", "wait_confirmed_on")],
             "description": "Each answer is shown with the day it was confirmed, and after 30 "
             "days as \"last confirmed ... - ask\". Leave both empty when not reported."},
        ),
    ]  # fmt: skip

    @admin.display(description="days")
    def schedule_days_display(self, obj):
        return ", ".join(obj.schedule_days) or "Not reported"

    def save_model(self, request, obj, form, change):
        # The program's facility (and the one it moves from) first: see Facility.lock_rows.
        Facility.lock_rows({obj.facility_id, form.initial.get("facility")} - {None})
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_schedule_figures()

    def has_verify_facilities_permission(self, request) -> bool:
        # This action changes facilities, so it needs the right to change facilities.
        return request.user.has_perm("programs.change_facility")

    @admin.action(
        description="Mark the facilities of selected programs as verified today",
        permissions=["verify_facilities"],
    )
    def mark_verified_today(self, request, queryset):
        today = timezone.localdate()
        facilities = Facility.objects.filter(pk__in=queryset.values("facility_id"))
        changed, total = self.update_and_log(
            request, facilities, f"Marked as verified on {today:%Y-%m-%d} (bulk action).",
            last_verified=today,
        )  # fmt: skip
        self.report(request, Facility, changed, total, "marked as verified today")
