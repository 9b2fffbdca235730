"""History that keeps old values: every change to a listing, who made it, and a way back.

Built on django-reversion (README, design notes). A facility and a program are each one
*listing*; a version of a listing is a snapshot of the row and of the rows that belong to it
(a facility's programs; a program's sessions, staff roles and per-condition care), with its
lists (payment, languages...). Every path that writes a listing records a version, one listing
per revision, with who or what made it:

- the admin (a curator's form, the bulk actions, a restore, a delete),
- the locator import (``record`` after the row's writes, bulk writes included),
- an applied provider proposal.

Before the first recorded change to a listing that has no version yet (it existed before history
was kept), ``ensure_baseline`` snapshots it as it was, so even the first change shows its old
values. ``changes()`` turns consecutive versions into "field: old -> new" lines for the admin's
History page; ``restore()`` brings a listing back to an earlier version, a deleted one too.
"""

from dataclasses import dataclass, field
from datetime import datetime

import reversion
from django.db import models, transaction
from django.db.models import F
from reversion.models import Version

from programs.models import ConditionSupport, Facility, Program, Session, StaffRole

# Fields a curator never edits and a diff would only clutter (stamps and derived figures).
NOT_SHOWN = {
    "version", "updated_at", "created_at", "search_document", "hsds_id", "hours_per_week",
    "has_evening", "has_weekend", "days_mask",
}  # fmt: skip
CHILDREN = {
    Facility: [("programs", Program, "facility_id")],
    Program: [
        ("sessions", Session, "program_id"),
        ("staff roles", StaffRole, "program_id"),
        ("co-occurring conditions", ConditionSupport, "program_id"),
    ],
}
NOT_REPORTED = "not reported"

# Who or what made a change, when no person did (the revision's comment starts with it).
IMPORT_COMMENT = "Import from the national treatment locator"
BASELINE_COMMENT = "As it was before history was kept"

reversion.register(Session, ignore_duplicates=True)
reversion.register(StaffRole, ignore_duplicates=True)
reversion.register(ConditionSupport, ignore_duplicates=True)
reversion.register(
    Program,
    follow=["sessions", "staff_roles", "condition_support"],
    # Filled by a database trigger from the other fields (PostgreSQL); not a fact to keep.
    exclude=["search_document"],
    ignore_duplicates=True,
)
reversion.register(Facility, follow=["programs"], ignore_duplicates=True)


def versions_of(obj) -> models.QuerySet:
    """The versions of one listing, oldest first."""
    return (
        Version.objects.get_for_object(obj)
        .select_related("revision__user")
        .order_by("revision__date_created", "pk")
    )


def ensure_baseline(obj) -> None:
    """Snapshot a listing that has no version yet, so that its next change keeps old values.

    Must run before the change, outside the revision that records it (a revision block joins
    an enclosing one).
    """
    if obj.pk is None or Version.objects.get_for_object(obj).exists():
        return
    with reversion.create_revision(atomic=False):
        reversion.set_comment(BASELINE_COMMENT)
        reversion.add_to_revision(obj)


def state_at(obj, version_number: int | None) -> dict | None:
    """The listing's fields as they were saved at ``version_number`` (None if not recorded)."""
    if version_number is None:
        return None
    for version in versions_of(obj).reverse():
        if version.field_dict.get("version") == version_number:
            return version.field_dict
    return None


def last_import_version(obj) -> Version | None:
    """The last version of this listing an import recorded (what the import left there)."""
    return (
        Version.objects.get_for_object(obj)
        .filter(revision__comment=IMPORT_COMMENT)
        .order_by("-revision__date_created", "-pk")
        .first()
    )


def record(objs, *, user=None, comment: str, when: datetime | None = None) -> None:
    """Record each listing of ``objs`` as it is now, one revision each."""
    for obj in objs:
        with reversion.create_revision(atomic=False):
            if user is not None and user.is_authenticated:
                reversion.set_user(user)
            reversion.set_comment(comment)
            if when is not None:
                reversion.set_date_created(when)
            reversion.add_to_revision(obj)


# --- Reading the history -------------------------------------------------------------------


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryRow:
    version: Version
    who: str
    changes: list[Change] = field(default_factory=list)

    @property
    def when(self) -> datetime:
        return self.version.revision.date_created


def _names(model, pks) -> dict:
    return {obj.pk: str(obj) for obj in model.objects.filter(pk__in=pks)}


# A related row deleted since (a lookup value merged into another): its name is gone with it;
# the revision's comment says what the merge was.
def _gone(pk) -> str:
    return f"a value since deleted (#{pk})"


def _shown_value(model_field, value, names: dict) -> str:
    if isinstance(model_field, models.ManyToManyField):
        if not value:
            return NOT_REPORTED
        return ", ".join(sorted(names.get((model_field.name, pk)) or _gone(pk) for pk in value))
    if value is None or value == "":
        return NOT_REPORTED if model_field.null or model_field.blank else ""
    if model_field.is_relation:
        return names.get((model_field.name, value)) or _gone(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _fields(model) -> list:
    return [
        f
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if f.name not in NOT_SHOWN and f.attname not in NOT_SHOWN and not f.primary_key
    ]


def _children(version: Version, model) -> dict[str, set[str]]:
    """Per kind of child row, the rows (as text) of this version's revision."""
    result = {}
    for label, child_model, fk in CHILDREN.get(model, []):
        rows = [
            v
            for v in version.revision.version_set.all()
            if v.content_type.model_class() is child_model
        ]
        result[label] = {
            v.object_repr for v in rows if str(v.field_dict.get(fk)) == str(version.object_id)
        }
    return result


def changes(obj) -> list[HistoryRow]:
    """The listing's versions, newest first, each with what it changed from the one before."""
    model = type(obj)
    versions = list(versions_of(obj).prefetch_related("revision__version_set__content_type"))
    fields = _fields(model)
    related = [f for f in fields if f.is_relation]
    wanted: dict[type, set] = {}
    for version in versions:
        for f in related:
            value = version.field_dict.get(f.attname)
            pks = value if isinstance(value, list) else [value]
            wanted.setdefault(f.related_model, set()).update(pk for pk in pks if pk is not None)
    by_model = {m: _names(m, pks) for m, pks in wanted.items()}
    names = {(f.name, pk): text for f in related for pk, text in by_model[f.related_model].items()}

    rows, before, before_children = [], None, None
    for version in versions:
        after, after_children = version.field_dict, _children(version, model)
        row = HistoryRow(version=version, who=who_made(version))
        if before is not None:
            for f in fields:
                old, new = before.get(f.attname), after.get(f.attname)
                if isinstance(f, models.ManyToManyField):
                    old, new = sorted(old or []), sorted(new or [])
                if old != new:
                    row.changes.append(
                        Change(
                            str(f.verbose_name),
                            _shown_value(f, old, names),
                            _shown_value(f, new, names),
                        )
                    )
            for label, rows_now in after_children.items():
                rows_then = before_children.get(label, set())
                if rows_now != rows_then:
                    row.changes.append(
                        Change(
                            label,
                            "; ".join(sorted(rows_then - rows_now)) or "-",
                            "; ".join(sorted(rows_now - rows_then)) or "-",
                        )
                    )
        rows.append(row)
        before, before_children = after, after_children
    rows.reverse()
    return rows


def who_made(version: Version) -> str:
    revision = version.revision
    if revision.user is not None:
        name = revision.user.get_full_name() or revision.user.get_username()
        return f"{name}: {revision.comment}" if revision.comment else name
    return revision.comment or "not recorded"


def deleted(model) -> models.QuerySet:
    """The last version of each deleted listing of ``model``, newest first."""
    return Version.objects.get_deleted(model).select_related("revision__user")


# --- Going back ----------------------------------------------------------------------------


class RestoreError(Exception):
    pass


def _rows_below(model, versions: list[Version], in_revision: list[Version]):
    """(child model, its foreign key, parent ids, child versions) for each kind of child row."""
    ids = [v.object_id for v in versions]
    for _, child_model, fk in CHILDREN.get(model, []):
        found = [
            v
            for v in in_revision
            if v.content_type.model_class() is child_model and str(v.field_dict.get(fk)) in ids
        ]
        yield child_model, fk, ids, found
        yield from _rows_below(child_model, found, in_revision)


def _revert(version: Version) -> None:
    """Write back the listing of ``version`` and its rows; drop the rows added since."""
    in_revision = list(version.revision.version_set.select_related("content_type"))
    below = list(_rows_below(version.content_type.model_class(), [version], in_revision))
    for model, fk, parent_ids, versions in below:
        keep = [v.object_id for v in versions]
        model.objects.filter(**{f"{fk}__in": parent_ids}).exclude(pk__in=keep).delete()
    version.revert()
    for *_, versions in below:
        for child in versions:
            child.revert()


def restore(version: Version, *, user) -> object:
    """Bring the listing of ``version`` back as it was then (recreating it if deleted).

    Only this listing and its own rows change (a facility: its programs and theirs; a program:
    its sessions, staff roles and per-condition care); rows added to it since are removed. The
    restore is recorded, so it can be undone like any change. The version counter moves on
    (never back to the old number), so a form opened before the restore is refused as stale.
    """
    model = version.content_type.model_class()
    if model not in (Facility, Program):
        raise RestoreError("Only a facility or a program can be restored.")
    if (
        model is Program
        and not Facility.objects.filter(pk=version.field_dict["facility_id"]).exists()
    ):
        raise RestoreError("Restore the program's facility first: it was deleted too.")
    with transaction.atomic():
        Facility.lock_rows(
            [version.object_id] if model is Facility else [version.field_dict["facility_id"]]
        )
        current = model.objects.filter(pk=version.object_id).first()
        if current is not None:
            ensure_baseline(current)
        latest = max(
            [current.version if current else 0]
            + [
                v.field_dict.get("version") or 0
                for v in Version.objects.get_for_object_reference(model, version.object_id)
            ]
        )
        _revert(version)
        model.objects.filter(pk=version.object_id).update(version=latest + 1)
        programs = (
            Program.objects.filter(pk=version.object_id)
            if model is Program
            else Program.objects.filter(facility_id=version.object_id)
        )
        if model is Facility:
            programs.update(version=F("version") + 1)
        for program in programs:
            program.refresh_schedule_figures()
        obj = model.objects.get(pk=version.object_id)
        stamp = f"{version.revision.date_created:%Y-%m-%d %H:%M} UTC"
        record([obj], user=user, comment=f"Restored the version of {stamp}")
    return obj
