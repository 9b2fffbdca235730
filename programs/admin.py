"""Curation in the Django admin.

Curators edit a facility and, on each program's page, its sessions, staff roles and co-occurring
support inline. Derived schedule figures are shown read-only. Bulk actions never delete.
"""

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone

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


@admin.register(Language, PaymentType, Accreditation, Population, Medication, GroupTopic, Condition)
class LookupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
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
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "state", "source", "last_verified", "is_published"]
    list_filter = ["state", "source", "is_published", VerificationAgeFilter, "operation"]
    search_fields = ["name", "city", "zip_code", "source_id"]
    prepopulated_fields = {"slug": ["name", "city"]}
    autocomplete_fields = ["accreditations", "languages", "payment_types"]
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
        ("Where the facts came from", {"fields": [("source", "source_id"), "last_verified"]}),
    ]  # fmt: skip

    @admin.action(description="Mark selected facilities as verified today")
    def mark_verified_today(self, request, queryset):
        updated = queryset.update(last_verified=timezone.localdate())
        self.message_user(request, f"{updated} facilities marked as verified today.")

    @admin.action(description="Publish selected facilities")
    def publish(self, request, queryset):
        updated = queryset.update(is_published=True)
        self.message_user(request, f"{updated} facilities published.")

    @admin.action(description="Unpublish selected facilities")
    def unpublish(self, request, queryset):
        updated = queryset.update(is_published=False)
        self.message_user(request, f"{updated} facilities unpublished.")


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
class ProgramAdmin(admin.ModelAdmin):
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
            {"fields": ["populations", "accepting_new_clients", "drug_testing",
                        "aftercare_planning"]},
        ),
    ]  # fmt: skip

    @admin.display(description="days")
    def schedule_days_display(self, obj):
        return ", ".join(obj.schedule_days) or "Not reported"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_schedule_figures()

    @admin.action(description="Mark the facilities of selected programs as verified today")
    def mark_verified_today(self, request, queryset):
        facilities = Facility.objects.filter(programs__in=queryset).distinct()
        updated = Facility.objects.filter(pk__in=facilities.values("pk")).update(
            last_verified=timezone.localdate()
        )
        self.message_user(request, f"{updated} facilities marked as verified today.")

    @admin.action(description="Publish selected programs")
    def publish(self, request, queryset):
        updated = queryset.update(is_published=True)
        self.message_user(request, f"{updated} programs published.")

    @admin.action(description="Unpublish selected programs")
    def unpublish(self, request, queryset):
        updated = queryset.update(is_published=False)
        self.message_user(request, f"{updated} programs unpublished.")
