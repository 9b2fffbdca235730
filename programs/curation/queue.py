"""The curators' work queue: what to check next, most urgent first, and why.

The queue is a list of ``Reason``s in order: open reports from visitors, then proposals from
providers, then listings never verified by a person, verified over 12 months ago, with facts a
re-import changed (or, where a curator had changed the fact, kept as the curator set it), without
coordinates (invisible to every place search), with approximate coordinates (filled from the
ZIP code), without a phone number, and programs whose
availability was last confirmed over 30 days ago. A listing may be in the queue for several
reasons; each row says which one.

Counting costs one query per model (every reason of a model is one filtered ``COUNT`` in the
same ``aggregate``), and a page reads only the reasons it overlaps, one sliced query each, so
a page costs a handful of queries however long the queue is.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from programs.availability import fresh_since
from programs.curation.proposals import BY_KEY as FIELDS
from programs.models import (
    Facility,
    ImportChange,
    Program,
    ProviderProposal,
    Report,
    Resolution,
)
from programs.models.curation import ProposalStatus

PAGE_SIZE = 50
STALE_AFTER_DAYS = 365


def _day(value: date) -> str:
    return f"{value:%b} {value.day}, {value.year}"


def _admin_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


@dataclass
class Row:
    reason: "Reason"
    listing: str
    why: str
    links: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Reason:
    key: str
    label: str
    model: type
    condition: Callable[[date], Q]
    order: tuple[str, ...]
    select_related: tuple[str, ...]
    describe: Callable[[object], tuple[str, str, list[tuple[str, str]]]]

    def queryset(self, today: date):
        rows = self.model.objects.filter(self.condition(today)).order_by(*self.order)
        return rows.select_related(*self.select_related) if self.select_related else rows


def _facility_links(facility: Facility) -> list[tuple[str, str]]:
    return [("Edit the facility", _admin_url(facility))]


def _describe_report(report: Report):
    why = f"Reported: {report.get_reason_display().lower()}"
    if report.details:
        excerpt = report.details if len(report.details) <= 120 else report.details[:117] + "..."
        why += f' - "{excerpt}"'
    why += f" ({_day(timezone.localtime(report.created_at).date())})"
    links = [
        ("Resolve the report", _admin_url(report)),
        ("Edit the program", _admin_url(report.program)),
        ("Edit the facility", _admin_url(report.facility)),
    ]
    return str(report.program), why, links


def _describe_proposal(proposal: ProviderProposal):
    labels = [FIELDS[c["field"]].label.lower() for c in proposal.changes if c["field"] in FIELDS]
    sender = f" from {proposal.submitted_by}" if proposal.submitted_by else ""
    why = f"Provider update{sender}: {', '.join(labels)}"
    links = [
        ("Review the proposal", _admin_url(proposal)),
        ("Edit the program", _admin_url(proposal.program)),
    ]
    return str(proposal.program), why, links


def _describe_never_verified(facility: Facility):
    return str(facility), "Never verified by a person", _facility_links(facility)


def _describe_stale(facility: Facility):
    why = f"Last verified {_day(facility.last_verified)}, over 12 months ago"
    return str(facility), why, _facility_links(facility)


def _field_label(change: ImportChange) -> str:
    model = Program if change.program_id else Facility
    try:
        return str(model._meta.get_field(change.field).verbose_name)
    except FieldDoesNotExist:
        return change.field.replace("_", " ")


def _describe_import_change(change: ImportChange):
    label = _field_label(change)
    old, new = change.old_value or "(none)", change.new_value or "(none)"
    if change.curator_value_kept:
        why = f"Kept the curator's {label}: {old}; the locator now says {new}"
    else:
        why = f"A re-import changed {label}: {old} -> {new}"
    why += f" ({_day(timezone.localtime(change.changed_at).date())})"
    listing = change.program or change.facility
    review = (
        reverse("admin:programs_importchange_changelist")
        + f"?facility__id__exact={change.facility_id}"
    )
    links = [
        (f"Edit the {listing._meta.verbose_name}", _admin_url(listing)),
        ("Mark as reviewed", review),
    ]
    return str(listing), why, links


def _describe_no_coordinates(facility: Facility):
    why = "No coordinates: no place search can find it"
    return str(facility), why, _facility_links(facility)


def _describe_approximate(facility: Facility):
    why = "Coordinates are the ZIP code's centre (approximate): place it exactly"
    return str(facility), why, _facility_links(facility)


def _describe_no_phone(facility: Facility):
    return str(facility), "No phone number for families to call", _facility_links(facility)


def _describe_availability(program: Program):
    dates = [d for d in (program.accepting_confirmed_on, program.wait_confirmed_on) if d]
    why = f"Availability last confirmed {_day(min(dates))}, over 30 days ago"
    return str(program), why, [("Edit the program", _admin_url(program))]


def _stale_availability(today: date) -> Q:
    since = fresh_since(today)
    return Q(accepting_confirmed_on__lt=since) | Q(wait_confirmed_on__lt=since)


REASONS = [
    Reason(
        "report", "Open reports from visitors", Report,
        lambda today: Q(resolution=Resolution.OPEN),
        ("created_at", "pk"), ("program__facility", "facility"), _describe_report,
    ),
    Reason(
        "proposal", "Provider proposals to review", ProviderProposal,
        lambda today: Q(status=ProposalStatus.OPEN),
        ("submitted_at", "pk"), ("program__facility",), _describe_proposal,
    ),
    Reason(
        "never_verified", "Never verified", Facility,
        lambda today: Q(last_verified__isnull=True),
        ("name", "pk"), (), _describe_never_verified,
    ),
    Reason(
        "stale", "Verified over 12 months ago", Facility,
        lambda today: Q(last_verified__lt=today - timedelta(days=STALE_AFTER_DAYS)),
        ("last_verified", "pk"), (), _describe_stale,
    ),
    Reason(
        "import_changes", "Facts a re-import changed", ImportChange,
        lambda today: Q(reviewed_at__isnull=True),
        ("changed_at", "pk"), ("facility", "program__facility"), _describe_import_change,
    ),
    Reason(
        "no_coordinates", "Without coordinates", Facility,
        lambda today: Q(latitude__isnull=True) | Q(longitude__isnull=True),
        ("name", "pk"), (), _describe_no_coordinates,
    ),
    Reason(
        "approximate", "Approximate coordinates", Facility,
        lambda today: Q(coordinates_approximate=True),
        ("name", "pk"), (), _describe_approximate,
    ),
    Reason(
        "no_phone", "Without a phone number", Facility,
        lambda today: Q(phone="", intake_phone=""),
        ("name", "pk"), (), _describe_no_phone,
    ),
    Reason(
        "availability", "Availability older than 30 days", Program,
        _stale_availability,
        ("facility__name", "name", "pk"), ("facility",), _describe_availability,
    ),
]  # fmt: skip
BY_KEY = {reason.key: reason for reason in REASONS}


def counts(reasons=REASONS, today: date | None = None) -> dict[str, int]:
    """How many rows each reason has: one aggregate query per model."""
    today = today or timezone.localdate()
    by_model: dict[type, list[Reason]] = {}
    for reason in reasons:
        by_model.setdefault(reason.model, []).append(reason)
    result = {}
    for model, model_reasons in by_model.items():
        result.update(
            model.objects.aggregate(
                **{r.key: Count("pk", filter=r.condition(today)) for r in model_reasons}
            )
        )
    return {reason.key: result[reason.key] for reason in reasons}


@dataclass
class QueuePage:
    rows: list[Row]
    counts: dict[str, int]
    number: int
    pages: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page(number: int = 1, only: str = "", today: date | None = None) -> QueuePage:
    """Page ``number`` of the queue (of one reason only, if ``only`` names one)."""
    today = today or timezone.localdate()
    reasons = [BY_KEY[only]] if only in BY_KEY else REASONS
    numbers = counts(reasons, today)
    total = sum(numbers.values())
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(1, number), pages)
    start, stop = (number - 1) * PAGE_SIZE, number * PAGE_SIZE
    rows: list[Row] = []
    offset = 0
    for reason in reasons:
        count = numbers[reason.key]
        first, last = max(start - offset, 0), min(stop - offset, count)
        if first < last:
            for obj in reason.queryset(today)[first:last]:
                listing, why, links = reason.describe(obj)
                rows.append(Row(reason, listing, why, links))
        offset += count
    return QueuePage(rows=rows, counts=numbers, number=number, pages=pages, total=total)
