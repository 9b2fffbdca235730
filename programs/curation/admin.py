"""The curators' side of curation: reports, provider links and proposals, and the work queue."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from programs.curation import queue
from programs.curation.proposals import (
    FACILITY_FIELDS,
    ProposalError,
    apply_proposal,
    review_rows,
)
from programs.models import ImportChange, ProviderLink, ProviderProposal, Report, Resolution


@admin.register(ImportChange)
class ImportChangeAdmin(admin.ModelAdmin):
    """What re-imports changed (or, where a curator had changed the fact, kept): read-only.

    A curator checks the listing, edits it if need be, and marks the change as reviewed.
    """

    list_display = [
        "changed_at", "facility", "program", "field", "old_value", "new_value",
        "curator_value_kept", "reviewed_at",
    ]  # fmt: skip
    list_filter = ["curator_value_kept", ("reviewed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["facility", "program"]
    search_fields = ["facility__name", "program__name", "field"]
    readonly_fields = [
        "facility", "program", "field", "old_value", "new_value", "changed_at",
        "curator_value_kept", "reviewed_at",
    ]  # fmt: skip
    actions = ["mark_reviewed"]

    def has_add_permission(self, request) -> bool:
        return False  # only an import records these

    @admin.action(description="Mark the selected changes as reviewed", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        done = queryset.filter(reviewed_at=None).update(reviewed_at=timezone.now())
        self.message_user(request, f"{done} changes marked as reviewed.", messages.SUCCESS)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reports come from visitors: their words are read-only; a curator records the outcome."""

    list_display = ["created_at", "program", "reason", "resolution", "resolved_by"]
    list_filter = ["resolution", "reason"]
    list_select_related = ["program__facility", "resolved_by"]
    search_fields = ["program__name", "facility__name", "details"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "listing", "reason", "details", "email", "created_at", "resolved_by", "resolved_at",
    ]  # fmt: skip
    fieldsets = [
        ("What the visitor reported", {"fields": ["listing", "reason", "details", "email",
                                                  "created_at"]}),
        ("Resolution", {"fields": ["resolution", "resolution_note", "resolved_by",
                                   "resolved_at"]}),
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False  # reports come only from the public form

    @admin.display(description="listing")
    def listing(self, obj):
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">public page</a>)',
            reverse("admin:programs_program_change", args=[obj.program_id]),
            obj.program,
            obj.program.get_absolute_url(),
        )

    def save_model(self, request, obj, form, change):
        # Who and when are recorded by the server, not typed: set on resolving, cleared on
        # reopening.
        if "resolution" in form.changed_data:
            if obj.resolution == Resolution.OPEN:
                obj.resolved_by, obj.resolved_at = None, None
            else:
                obj.resolved_by, obj.resolved_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(ProviderLink)
class ProviderLinkAdmin(admin.ModelAdmin):
    """Signed links for a facility's staff; a link works for 30 days unless revoked."""

    list_display = ["facility", "created_at", "created_by", "state"]
    list_select_related = ["facility", "created_by"]
    autocomplete_fields = ["facility"]
    readonly_fields = ["created_at", "created_by", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return ["facility"] if obj is None else ["facility", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields + (["facility"] if obj else [])

    @admin.display(description="state")
    def state(self, obj):
        if obj.revoked_at:
            return "Revoked"
        return "Usable" if obj.is_usable else "Expired"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The link to send is shown above the form (templates/admin/programs/providerlink/).
        link = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if link is not None and link.is_usable:
            extra["provider_url"] = request.build_absolute_uri(link.get_absolute_url())
            extra["provider_until"] = timezone.localtime(link.expires_at)
        return super().change_view(request, object_id, form_url, extra)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Revoke the selected links", permissions=["change"])
    def revoke(self, request, queryset):
        done = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{done} link(s) revoked.", messages.SUCCESS)


@admin.register(ProviderProposal)
class ProviderProposalAdmin(admin.ModelAdmin):
    """A proposal is reviewed on its own page: a curator ticks the fields to apply."""

    list_display = ["submitted_at", "program", "submitted_by", "status", "reviewed_by"]
    list_filter = ["status"]
    list_select_related = ["program__facility", "reviewed_by"]
    search_fields = ["program__name", "program__facility__name"]

    def has_add_permission(self, request) -> bool:
        return False  # proposals come only from a provider link

    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = get_object_or_404(
            ProviderProposal.objects.select_related("program__facility", "reviewed_by"),
            pk=object_id,
        )
        can_change = self.has_change_permission(request, proposal)
        if not (can_change or self.has_view_permission(request, proposal)):
            raise PermissionDenied
        if request.method == "POST":
            if not can_change:
                raise PermissionDenied
            keys = [] if "reject" in request.POST else request.POST.getlist("apply")
            if not keys and "reject" not in request.POST:
                self.message_user(
                    request, "Tick the fields to apply, or reject the proposal.", messages.ERROR
                )
                return redirect(request.path)
            try:
                applied = apply_proposal(proposal, keys, request.user)
            except ProposalError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return redirect(request.path)
            if applied:
                message = f"Applied from a provider proposal: {', '.join(applied)}."
                self.log_change(request, proposal.program, message)
                if set(keys) & FACILITY_FIELDS:
                    self.log_change(request, proposal.program.facility, message)
                self.message_user(request, message, messages.SUCCESS)
            else:
                self.message_user(request, "Proposal rejected.", messages.SUCCESS)
            return redirect("curation_queue")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Proposed changes to {proposal.program}",
            "opts": self.opts,
            "original": proposal,
            "proposal": proposal,
            "rows": review_rows(proposal),
            "can_change": can_change,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/curation/proposal_review.html", context)


def queue_view(request):
    """The work queue, linked from the admin index (see templates/admin/index.html)."""
    if not request.user.has_perm("programs.view_report"):
        raise PermissionDenied
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    only = request.GET.get("only", "")
    result = queue.page(number, only)
    context = {
        **admin.site.each_context(request),
        "title": "Work queue",
        "queue": result,
        "only": only if only in queue.BY_KEY else "",
    }
    all_counts = queue.counts() if context["only"] else result.counts
    context["reasons"] = [(reason, all_counts[reason.key]) for reason in queue.REASONS]
    return TemplateResponse(request, "admin/curation/queue.html", context)
