"""Curation in the Django admin.

Curators edit a facility and, on each program's page, its sessions, staff roles and co-occurring
support inline. Derived schedule figures are shown read-only. Bulk actions never delete (only
Django's own "delete selected", which asks for confirmation), need the change permission, and
write a history entry for every object they change, like an edit through the form does.
"""

from datetime import timedelta

import reversion
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from reversion.models import Version

# Importing it registers the curation models (reports, provider links and proposals).
from programs.curation import admin as curation_admin  # noqa: F401
from programs.curation import history, lookups
from programs.curation.listing_forms import FacilityForm, ProgramForm
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
    schedule_figures,
)
from programs.models.program import MAX_HOURS_PER_WEEK


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


class ListingHistoryMixin:
    """History that keeps old values (``programs.curation.history``) for a listing's admin.

    Every save through the form is one revision with the curator as its author; a deletion
    records the listing first, so it can be restored. The History page shows each change as
    "field: old -> new" with a button to restore that version; "Deleted" lists the deleted
    listings.
    """

    object_history_template = "admin/programs/history.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="{}_{}_restore".format(*info),
            ),
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name="{}_{}_deleted".format(*info),
            ),
            *super().get_urls(),
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        if object_id:
            obj = self.model.objects.filter(pk=object_id).first()
            if obj is not None:
                history.ensure_baseline(obj)
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment("Changed in the admin" if object_id else "Added in the admin")
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_model(self, request, obj):
        with transaction.atomic():
            history.record([obj], user=request.user, comment="Deleted in the admin")
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            history.record(list(queryset), user=request.user, comment="Deleted in the admin")
            super().delete_queryset(request, queryset)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "opts": self.opts,
            "object": obj,
            "rows": history.changes(obj),
            "can_restore": self.has_change_permission(request, obj),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.object_history_template, context)

    def deleted_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"Deleted {self.opts.verbose_name_plural}",
            "opts": self.opts,
            "versions": history.deleted(self.model),
            "can_restore": self.has_add_permission(request),
        }
        return TemplateResponse(request, "admin/programs/deleted.html", context)

    def restore_view(self, request, object_id, version_id):
        if request.method != "POST":
            return redirect(request.path.rsplit("/history/", 1)[0] + "/history/")
        version = get_object_or_404(
            Version.objects.get_for_object_reference(self.model, object_id), pk=version_id
        )
        exists = self.model.objects.filter(pk=object_id).exists()
        allowed = (
            self.has_change_permission(request) if exists else self.has_add_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        try:
            obj = history.restore(version, user=request.user)
        except history.RestoreError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_deleted")
        stamp = f"{version.revision.date_created:%Y-%m-%d %H:%M} UTC"
        self.log_change(request, obj, f"Restored the version of {stamp}.")
        self.message_user(request, f"Restored {obj} as it was on {stamp}.", messages.SUCCESS)
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", obj.pk)


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
            for obj in to_change:
                history.ensure_baseline(obj)
            model.objects.filter(pk__in=[obj.pk for obj in to_change]).update(
                **changes_made, version=F("version") + 1
            )
            changed = list(model.objects.filter(pk__in=[obj.pk for obj in to_change]))
            history.record(changed, user=request.user, comment=message)
            for obj in changed:
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


class MergeTargetForm(forms.Form):
    target = forms.ModelChoiceField(queryset=None, empty_label="Choose a value")

    def __init__(self, model, exclude, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = model.objects.exclude(pk__in=exclude)


@admin.register(Language, PaymentType, Accreditation, Population, Medication, GroupTopic, Condition)
class LookupAdmin(admin.ModelAdmin):
    """Lookup values: deleting one that listings use is refused; merging it is offered."""

    list_display = ["name", "name_es", "slug"]
    search_fields = ["name", "name_es", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_into"]

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        in_use = [(obj, lookups.usage_text(obj)) for obj in objs]
        protected = [
            f'{obj} is {used}: merge it into another value instead (action "Merge the selected '
            'values into another value" on the list)'
            for obj, used in in_use
            if used
        ] or protected
        return deleted, counts, perms_needed, protected

    @admin.action(
        description="Merge the selected values into another value", permissions=["delete"]
    )
    def merge_into(self, request, queryset):
        values = list(queryset)
        form = MergeTargetForm(
            self.model, [v.pk for v in values], request.POST if "merge" in request.POST else None
        )
        if form.is_bound and form.is_valid():
            target = form.cleaned_data["target"]
            changed = lookups.merge(values, target, user=request.user)
            self.message_user(
                request,
                f"Merged {', '.join(str(v) for v in values)} into {target}: {changed} listings "
                "changed (each change is in the listing's History).",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge {self.opts.verbose_name_plural} into another value",
            "opts": self.opts,
            "values": [(value, lookups.usage_text(value)) for value in values],
            "form": form,
        }
        return TemplateResponse(request, "admin/programs/merge_lookup.html", context)


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
class FacilityAdmin(ListingHistoryMixin, LoggedBulkActionsMixin, admin.ModelAdmin):
    list_display = ["name", "city", "state", "source", "verified", "is_published"]
    list_filter = [
        "state", "is_published", VerificationAgeFilter, "source", "operation",
        "programs__level_of_care", "programs__format",
    ]  # fmt: skip
    search_fields = ["name", "city", "zip_code", "source_id"]
    prepopulated_fields = {"slug": ["name", "city"]}
    autocomplete_fields = ["accreditations", "languages", "payment_types"]
    readonly_fields = ["created_at", "updated_at", "add_program"]
    inlines = [ProgramLinkInline]
    actions = ["mark_verified_today", "publish", "unpublish"]
    form = FacilityForm
    fieldsets = [
        (None, {"fields": ["name", "slug", "is_published", "add_program", "seen_version"]}),
        (
            "Address and contact",
            {
                "fields": [
                    "street1", "street2", ("city", "state", "zip_code"),
                    ("latitude", "longitude", "coordinates_approximate"),
                    ("phone", "intake_phone"), "website",
                ]
            },
        ),
        ("Operation, payment and languages",
         {"fields": ["operation", "accreditations", "payment_types", "languages"]}),
        ("Where the facts came from",
         {"fields": [("source", "source_id"), "source_published_year", "last_verified",
                     ("created_at", "updated_at")]}),
    ]  # fmt: skip

    # Never verified first when sorting oldest first, on SQLite and PostgreSQL alike (their
    # default places for NULL differ); reversing the sort puts them last.
    @admin.display(description="last verified", ordering=F("last_verified").asc(nulls_first=True))
    def verified(self, obj):
        return obj.last_verified

    @admin.display(description="programs")
    def add_program(self, obj):
        if obj is None or obj.pk is None:
            return "Save the facility first, then add its programs from here."
        url = reverse("admin:programs_program_add") + f"?facility={obj.pk}"
        return format_html('<a href="{}">Add a program to this facility</a>', url)

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


class SessionFormSet(BaseInlineFormSet):
    """The weekly sessions of a program; their hours must fit the database's limit."""

    def clean(self):
        super().clean()
        sessions = [
            form.instance
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.instance.start
            and form.instance.end
        ]
        hours, *_ = schedule_figures(sessions)
        if hours is not None and hours > MAX_HOURS_PER_WEEK:
            raise ValidationError(
                f"These sessions add up to {hours} hours a week; a program can have at most "
                f"{MAX_HOURS_PER_WEEK}. Remove or shorten sessions (list a program with "
                "alternative tracks as two programs).",
                code="too_many_hours",
            )


class SessionInline(admin.TabularInline):
    model = Session
    formset = SessionFormSet
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
class ProgramAdmin(ListingHistoryMixin, LoggedBulkActionsMixin, admin.ModelAdmin):
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
    form = ProgramForm
    fieldsets = [
        (None, {"fields": ["facility", "name", "slug", "is_published", "description",
                           "seen_version"]}),
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

    def get_changeform_initial_data(self, request):
        # A new program waits to be published until it is ready (see ProgramForm).
        return {"is_published": False, **super().get_changeform_initial_data(request)}

    @admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["change"])
    def publish(self, request, queryset):
        ready = queryset.filter(Program.ready_to_publish())
        not_ready = queryset.count() - ready.count()
        changed, total = self.update_and_log(
            request, ready, "Published (bulk action).", is_published=True
        )
        self.report(request, self.model, changed, total, "published")
        if not_ready:
            self.message_user(
                request,
                f"{not_ready} not published: a program needs its facility published, a format "
                "and a phone number to call first.",
                messages.WARNING,
            )

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
