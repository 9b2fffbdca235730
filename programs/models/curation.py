"""What reaches a curator from outside the admin: visitors' reports and providers' proposals.

A ``Report`` is what a visitor typed on a program's "Report a problem" form, and nothing else
about them (no address, no browser). A ``ProviderLink`` is a signed, expiring, revocable link a
curator gives one facility; its staff use it to send ``ProviderProposal``s, which change nothing
until a curator applies them field by field.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .constraints import ConstraintsNextToFields
from .facility import Facility
from .program import Program

PROVIDER_LINK_DAYS = 30
_LINK_SALT = "programs.provider-link"


class ReportReason(models.TextChoices):
    CLOSED = "closed", _("The listing is closed (the program no longer runs)")
    PHONE = "phone", _("The phone number is wrong")
    ADDRESS = "address", _("The address is wrong")
    OTHER = "other", _("Something else")


class Resolution(models.TextChoices):
    OPEN = "", "Open"
    FIXED = "fixed", "Fixed"
    UNCONFIRMED = "unconfirmed", "Could not confirm"
    NOT_A_PROBLEM = "not_a_problem", "Not a problem"


class Report(ConstraintsNextToFields):
    """A visitor's report that something on a program's page is wrong."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="reports")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=10, choices=ReportReason.choices)
    details = models.TextField("what is wrong", max_length=2000, blank=True)
    email = models.EmailField("email for a reply", blank=True)
    created_at = models.DateTimeField("reported at", default=timezone.now)

    resolution = models.CharField(
        max_length=15, choices=Resolution.choices, blank=True, default=Resolution.OPEN
    )
    resolution_note = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    constraint_fields = {
        "report_other_says_what": "details",
        "report_resolved_has_its_time": "resolution",
    }

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=ReportReason.values),
                name="report_reason_valid",
                violation_error_message="Choose one of the listed reasons.",
            ),
            models.CheckConstraint(
                condition=~Q(reason=ReportReason.OTHER, details=""),
                name="report_other_says_what",
                violation_error_message='Say what is wrong when the reason is "something else".',
            ),
            models.CheckConstraint(
                condition=Q(resolution__in=Resolution.values),
                name="report_resolution_valid",
                violation_error_message="Choose one of the listed resolutions.",
            ),
            # Resolved means how and when; open means neither.
            models.CheckConstraint(
                condition=Q(resolution="", resolved_at__isnull=True)
                | (~Q(resolution="") & Q(resolved_at__isnull=False)),
                name="report_resolved_has_its_time",
                violation_error_message=(
                    "A resolved report needs its resolution and the time it was resolved; an open "
                    "report has neither."
                ),
            ),
        ]
        indexes = [models.Index(fields=["resolution", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.program}"

    @property
    def is_open(self) -> bool:
        return self.resolution == Resolution.OPEN

    def resolve(self, user, resolution: str, note: str = "") -> None:
        self.resolution = resolution
        self.resolution_note = note
        self.resolved_by = user
        self.resolved_at = timezone.now()
        self.save(update_fields=["resolution", "resolution_note", "resolved_by", "resolved_at"])


class _LinkSigner(signing.TimestampSigner):
    """Stamps the signature with the link's creation time instead of the time of signing."""

    def __init__(self, *args, made_at, **kwargs):
        super().__init__(*args, **kwargs)
        self.made_at = made_at

    def timestamp(self):
        return signing.b62_encode(int(self.made_at.timestamp()))


class ProviderLinkError(Exception):
    """The link is tampered with, expired or revoked; the message says which."""


class ProviderLink(models.Model):
    """A link for one facility's staff to propose changes, without an account."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="provider_links")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Provider link for {self.facility.name} ({self.created_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("curation:provider_update", args=[self.token])

    @property
    def expires_at(self):
        return self.created_at + timedelta(days=PROVIDER_LINK_DAYS)

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and timezone.now() < self.expires_at

    @property
    def token(self) -> str:
        # Signed with the time the link was made, so the signature itself expires too, and the
        # token is the same every time the curator looks at it.
        signer = _LinkSigner(salt=_LINK_SALT, made_at=self.created_at)
        return signer.sign_object({"link": self.pk, "facility": self.facility_id})

    @classmethod
    def from_token(cls, token: str) -> "ProviderLink":
        """The link a token names, if its signature holds and it is neither expired nor revoked."""
        signer = signing.TimestampSigner(salt=_LINK_SALT)
        try:
            data = signer.unsign_object(token, max_age=timedelta(days=PROVIDER_LINK_DAYS))
        except signing.SignatureExpired as exc:
            raise ProviderLinkError(gettext("This link has expired.")) from exc
        except signing.BadSignature as exc:
            raise ProviderLinkError(gettext("This link is not valid.")) from exc
        link = (
            cls.objects.select_related("facility")
            .filter(pk=data.get("link"), facility_id=data.get("facility"))
            .first()
        )
        if link is None:
            raise ProviderLinkError(gettext("This link is not valid."))
        if link.revoked_at is not None:
            raise ProviderLinkError(gettext("This link has been withdrawn."))
        if not link.is_usable:
            raise ProviderLinkError(gettext("This link has expired."))
        return link


class ProposalStatus(models.TextChoices):
    OPEN = "open", "Waiting for a curator"
    APPLIED = "applied", "Applied in full"
    PARTLY = "partly", "Applied in part"
    REJECTED = "rejected", "Rejected"


class ProviderProposal(ConstraintsNextToFields):
    """Changes a facility's staff propose for one program, as a field-by-field difference.

    ``changes`` is a list of ``{"field", "old", "new"}`` with values in plain JSON; what each
    field means, how it is worded and how it is applied is in ``programs.curation.proposals``.
    """

    link = models.ForeignKey(
        ProviderLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="proposals")
    changes = models.JSONField(default=list)
    submitted_by = models.CharField(
        "sent by", max_length=200, blank=True, help_text="Name or role, as the provider typed it."
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    applied_fields = models.JSONField(default=list, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    constraint_fields = {"proposal_reviewed_has_its_time": "status"}

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values),
                name="proposal_status_valid",
                violation_error_message="Choose one of the listed statuses.",
            ),
            models.CheckConstraint(
                condition=Q(status=ProposalStatus.OPEN, reviewed_at__isnull=True)
                | (~Q(status=ProposalStatus.OPEN) & Q(reviewed_at__isnull=False)),
                name="proposal_reviewed_has_its_time",
                violation_error_message=(
                    "A reviewed proposal needs the time it was reviewed; an open one has none."
                ),
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"Proposed changes to {self.program} ({self.submitted_at:%Y-%m-%d})"
