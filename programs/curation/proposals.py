"""A provider's proposed changes to one program, as a field-by-field difference.

Each proposable field is declared once in ``FIELDS``: how to read its current value from a
program, how to word a value for a curator, and how to apply a new value. Values are stored in
the proposal as plain JSON (slugs, "HH:MM" times, ISO dates), so a proposal still reads the
same after lookup rows are renamed. ``ProposalForm`` is what the provider fills in; it starts
from the listing as it is, and only the fields the provider actually changed (or, for
availability, confirmed) become part of the proposal.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django import forms
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from programs.availability import accepting_wording, wait_wording
from programs.curation import history
from programs.models import (
    Availability,
    Condition,
    ConditionSupport,
    ConditionSupportLevel,
    Credential,
    Language,
    PaymentType,
    Program,
    ProposalStatus,
    ProviderProposal,
    Session,
    StaffRole,
)
from programs.models.choices import WEEKDAY_ABBR
from programs.models.program import MAX_WAIT_DAYS

# How a curator's review words an unknown value (the admin stays English).
NOT_REPORTED = "Not reported"


# --- Reading, wording and applying each field ------------------------------------------------


def _dated(value, confirmed_on) -> dict | None:
    if value is None:
        return None
    return {"value": value, "confirmed_on": confirmed_on.isoformat() if confirmed_on else None}


def _read_sessions(program: Program) -> list:
    return sorted(
        [s.weekday, f"{s.start:%H:%M}", f"{s.end:%H:%M}", s.track] for s in program.sessions.all()
    )


def _read_staff(program: Program) -> dict:
    roles = program.staff_roles.select_related("credential")
    return {role.credential.slug: role.availability for role in roles}


def _read_conditions(program: Program) -> dict:
    rows = program.condition_support.select_related("condition")
    return {row.condition.slug: row.support for row in rows}


def _slugs(manager) -> list[str]:
    return sorted(row.slug for row in manager.all())


def session_line(session: list) -> str:
    weekday, start, end, track = session
    return f"{WEEKDAY_ABBR[weekday]} {start}-{end}" + (f" {track}" if track else "")


def _word_dated(wording: Callable) -> Callable:
    def word(value, names) -> str:
        if not value:
            return NOT_REPORTED
        return wording(value["value"], date.fromisoformat(value["confirmed_on"]), names["today"])

    return word


def _word_sessions(value, names) -> str:
    return "; ".join(session_line(s) for s in value) if value else NOT_REPORTED


def _word_mapping(kind: str, labels: dict) -> Callable:
    def word(value, names) -> str:
        if not value:
            return NOT_REPORTED
        return "; ".join(
            f"{names[kind].get(slug, slug)}: {labels.get(level, level).lower()}"
            for slug, level in sorted(value.items())
        )

    return word


def _word_list(kind: str) -> Callable:
    def word(value, names) -> str:
        return ", ".join(names[kind].get(slug, slug) for slug in value) if value else NOT_REPORTED

    return word


def _apply_accepting(program: Program, value) -> None:
    program.accepting_new_clients = value["value"] if value else None
    program.accepting_confirmed_on = date.fromisoformat(value["confirmed_on"]) if value else None
    program.save(update_fields=["accepting_new_clients", "accepting_confirmed_on"])


def _apply_wait(program: Program, value) -> None:
    program.typical_wait_days = value["value"] if value else None
    program.wait_confirmed_on = date.fromisoformat(value["confirmed_on"]) if value else None
    program.save(update_fields=["typical_wait_days", "wait_confirmed_on"])


def _apply_sessions(program: Program, value) -> None:
    program.sessions.all().delete()
    Session.objects.bulk_create(
        Session(
            program=program,
            weekday=weekday,
            start=time.fromisoformat(start),
            end=time.fromisoformat(end),
            track=track,
        )
        for weekday, start, end, track in value
    )
    program.refresh_schedule_figures()


def _apply_rows(model, lookup_model, lookup_field: str, level_field: str):
    def apply(program: Program, value) -> None:
        lookups = {row.slug: row for row in lookup_model.objects.filter(slug__in=value)}
        model.objects.filter(program=program).exclude(
            **{f"{lookup_field}__slug__in": list(value)}
        ).delete()
        for slug, level in value.items():
            model.objects.update_or_create(
                program=program, **{lookup_field: lookups[slug]}, defaults={level_field: level}
            )

    return apply


def _apply_facility_list(field: str, lookup_model):
    def apply(program: Program, value) -> None:
        getattr(program.facility, field).set(lookup_model.objects.filter(slug__in=value))

    return apply


@dataclass(frozen=True)
class ProposableField:
    key: str
    label: str
    read: Callable[[Program], Any]
    word: Callable[[Any, dict], str]
    apply: Callable[[Program, Any], None]


FIELDS = [
    ProposableField(
        "accepting_new_clients",
        "Accepting new clients",
        lambda p: _dated(p.accepting_new_clients, p.accepting_confirmed_on),
        _word_dated(accepting_wording),
        _apply_accepting,
    ),
    ProposableField(
        "typical_wait_days",
        "Typical wait for a first appointment",
        lambda p: _dated(p.typical_wait_days, p.wait_confirmed_on),
        _word_dated(wait_wording),
        _apply_wait,
    ),
    ProposableField("sessions", "Weekly schedule", _read_sessions, _word_sessions, _apply_sessions),
    ProposableField(
        "staff_roles",
        "Treatment team",
        _read_staff,
        _word_mapping("credentials", dict(Availability.choices)),
        _apply_rows(StaffRole, Credential, "credential", "availability"),
    ),
    ProposableField(
        "condition_support",
        "Care for co-occurring conditions",
        _read_conditions,
        _word_mapping("conditions", dict(ConditionSupportLevel.choices)),
        _apply_rows(ConditionSupport, Condition, "condition", "support"),
    ),
    ProposableField(
        "payment_types",
        "Payment accepted (whole facility)",
        lambda p: _slugs(p.facility.payment_types),
        _word_list("payment"),
        _apply_facility_list("payment_types", PaymentType),
    ),
    ProposableField(
        "languages",
        "Languages staff speak (whole facility)",
        lambda p: _slugs(p.facility.languages),
        _word_list("languages"),
        _apply_facility_list("languages", Language),
    ),
]
BY_KEY = {field.key: field for field in FIELDS}
# Fields that belong to the whole facility, not only the program the provider chose.
FACILITY_FIELDS = {"payment_types", "languages"}


def current_values(program: Program) -> dict:
    return {field.key: field.read(program) for field in FIELDS}


def lookup_names(today: date | None = None) -> dict:
    """Names for wording values: one query per lookup list (they are short)."""
    return {
        "credentials": dict(Credential.objects.values_list("slug", "name")),
        "conditions": dict(Condition.objects.values_list("slug", "name")),
        "payment": dict(PaymentType.objects.values_list("slug", "name")),
        "languages": dict(Language.objects.values_list("slug", "name")),
        "today": today or timezone.localdate(),
    }


@dataclass
class ChangeRow:
    """One field of a proposal as a curator reviews it."""

    key: str
    label: str
    old_text: str
    new_text: str
    now_text: str
    changed_since: bool  # the listing no longer has the value the provider saw


def review_rows(proposal: ProviderProposal) -> list[ChangeRow]:
    names = lookup_names()
    now = current_values(proposal.program)
    rows = []
    for change in proposal.changes:
        field = BY_KEY[change["field"]]
        rows.append(
            ChangeRow(
                key=field.key,
                label=field.label,
                old_text=field.word(change["old"], names),
                new_text=field.word(change["new"], names),
                now_text=field.word(now[field.key], names),
                changed_since=now[field.key] != change["old"],
            )
        )
    return rows


class ProposalError(Exception):
    pass


def apply_proposal(proposal: ProviderProposal, keys: list[str], user) -> list[str]:
    """Apply the fields ``keys`` of an open proposal to its program, and close the proposal.

    No keys is a rejection. Returns the labels of the fields applied.
    """
    if proposal.status != ProposalStatus.OPEN:
        raise ProposalError("This proposal has already been reviewed.")
    proposed = {change["field"]: change["new"] for change in proposal.changes}
    unknown = set(keys) - set(proposed)
    if unknown:
        raise ProposalError(f"Not part of this proposal: {', '.join(sorted(unknown))}.")
    chosen = [field for field in FIELDS if field.key in keys]
    with transaction.atomic():
        program = (
            Program.objects.select_related("facility")
            .select_for_update()
            .get(pk=proposal.program_id)
        )
        touched = [program] + ([program.facility] if set(keys) & FACILITY_FIELDS else [])
        for listing in touched:
            history.ensure_baseline(listing)
        for field in chosen:
            field.apply(program, proposed[field.key])
        if chosen:
            # A curator's form opened before this is then refused as stale (no lost edits).
            for listing in touched:
                type(listing).objects.filter(pk=listing.pk).update(version=F("version") + 1)
            history.record(
                [type(listing).objects.get(pk=listing.pk) for listing in touched],
                user=user,
                comment="Applied from a provider proposal: "
                + ", ".join(field.label for field in chosen),
            )
        if not chosen:
            proposal.status = ProposalStatus.REJECTED
        elif len(chosen) == len(proposed):
            proposal.status = ProposalStatus.APPLIED
        else:
            proposal.status = ProposalStatus.PARTLY
        proposal.applied_fields = [field.key for field in chosen]
        proposal.reviewed_by = user
        proposal.reviewed_at = timezone.now()
        proposal.save()
    return [field.label for field in chosen]


# --- The provider's form ---------------------------------------------------------------------

_SESSION_LINE = re.compile(
    r"^(?P<day>[A-Za-z]{3})[a-z]*\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})"
    r"(?:\s+(?P<track>.{1,60}))?$"
)
_DAYS = {abbr.lower(): number for number, abbr in enumerate(WEEKDAY_ABBR)}
YES_NO = [
    ("", _("No change (not saying)")),
    ("yes", pgettext_lazy("answer", "Yes")),
    ("no", pgettext_lazy("answer", "No")),
]


def parse_sessions(text: str) -> list:
    """ "Mon 18:00-21:00 Evening" lines into sorted [weekday, start, end, track] lists."""
    sessions, errors = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _SESSION_LINE.match(line)
        day = _DAYS.get(match["day"].lower()) if match else None
        try:
            start = time.fromisoformat(match["start"].zfill(5)) if match else None
            end = time.fromisoformat(match["end"].zfill(5)) if match else None
        except ValueError:
            start = end = None
        if day is None or start is None or end is None:
            errors.append(
                gettext('Line %(number)d ("%(line)s"): write it like "Mon 18:00-21:00 Evening".')
                % {"number": number, "line": line}
            )
        elif start >= end:
            errors.append(
                gettext("Line %(number)d: the session must end after it starts.")
                % {"number": number}
            )
        else:
            sessions.append([day, f"{start:%H:%M}", f"{end:%H:%M}", (match["track"] or "").strip()])
    if errors:
        raise forms.ValidationError(errors)
    if len({tuple(s[:2] + s[3:]) for s in sessions}) != len(sessions):
        raise forms.ValidationError(gettext("The same session is listed twice."))
    return sorted(sessions)


class ProposalForm(forms.Form):
    """The provider's view of one program, filled in with what the listing says today."""

    accepting = forms.ChoiceField(
        label=_("Are you accepting new clients for this program today?"), choices=YES_NO,
        required=False,
    )  # fmt: skip
    wait_days = forms.IntegerField(
        label=_("Typical wait for a first appointment, in days (today)"),
        required=False,
        min_value=0,
        max_value=MAX_WAIT_DAYS,
        help_text=_("Leave empty if you would rather not say."),
    )
    sessions = forms.CharField(
        label=_("Weekly schedule"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        # The days are read in English (Mon, Tue...) in both languages; the help says so.
        help_text=_('One session a line, like "Mon 18:00-21:00 Evening" (24-hour times).'),
    )
    payment_types = forms.ModelMultipleChoiceField(
        label=_("Payment accepted (whole facility)"),
        queryset=PaymentType.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.ModelMultipleChoiceField(
        label=_("Languages staff speak (whole facility)"),
        queryset=Language.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    submitted_by = forms.CharField(
        label=_("Your name and role"), max_length=200, required=False,
        help_text=_("So a curator knows who to call back with a question."),
    )  # fmt: skip

    def __init__(self, program: Program, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.program = program
        self.current = current_values(program)
        self.credentials = list(Credential.objects.all())
        self.conditions = list(Condition.objects.all())
        staff_choices = [("", gettext("Not on the team")), *Availability.choices]
        for credential in self.credentials:
            self.fields[f"staff_{credential.slug}"] = forms.ChoiceField(
                label=credential.display_name, choices=staff_choices, required=False,
                initial=self.current["staff_roles"].get(credential.slug, ""),
            )  # fmt: skip
        condition_choices = [("", gettext("Not reported")), *ConditionSupportLevel.choices]
        for condition in self.conditions:
            self.fields[f"condition_{condition.slug}"] = forms.ChoiceField(
                label=condition.display_name, choices=condition_choices, required=False,
                initial=self.current["condition_support"].get(condition.slug, ""),
            )  # fmt: skip
        self.fields["sessions"].initial = "\n".join(
            session_line(s) for s in self.current["sessions"]
        )
        self.fields["payment_types"].initial = self.current["payment_types"]
        self.fields["languages"].initial = self.current["languages"]

    def staff_fields(self):
        return [self[f"staff_{credential.slug}"] for credential in self.credentials]

    def condition_fields(self):
        return [self[f"condition_{condition.slug}"] for condition in self.conditions]

    def clean_sessions(self):
        return parse_sessions(self.cleaned_data["sessions"])

    def proposed_values(self) -> dict:
        """The new value of each field the provider touched; availability is dated today."""
        data = self.cleaned_data
        today = timezone.localdate().isoformat()
        proposed = {
            "sessions": data["sessions"],
            "staff_roles": {
                c.slug: data[f"staff_{c.slug}"] for c in self.credentials if data[f"staff_{c.slug}"]
            },
            "condition_support": {
                c.slug: data[f"condition_{c.slug}"]
                for c in self.conditions
                if data[f"condition_{c.slug}"]
            },
            "payment_types": sorted(row.slug for row in data["payment_types"]),
            "languages": sorted(row.slug for row in data["languages"]),
        }
        if data["accepting"]:
            proposed["accepting_new_clients"] = {
                "value": data["accepting"] == "yes",
                "confirmed_on": today,
            }
        if data["wait_days"] is not None:
            proposed["typical_wait_days"] = {"value": data["wait_days"], "confirmed_on": today}
        return proposed

    def differences(self) -> list[dict]:
        proposed = self.proposed_values()
        return [
            {"field": field.key, "old": self.current[field.key], "new": proposed[field.key]}
            for field in FIELDS
            if field.key in proposed and proposed[field.key] != self.current[field.key]
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.differences():
            raise forms.ValidationError(
                gettext(
                    "Nothing has changed: the form still shows what the listing says. Change "
                    "what is wrong, or tell us that you are accepting new clients today."
                )
            )
        return cleaned

    def save(self, link) -> ProviderProposal:
        return ProviderProposal.objects.create(
            link=link,
            program=self.program,
            changes=self.differences(),
            submitted_by=self.cleaned_data["submitted_by"].strip(),
        )
