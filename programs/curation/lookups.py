"""Lookup values in use: how many listings use one, and merging one into another.

A lookup value (a payment option, a language, a credential...) is shared by many listings:
deleting "Medicaid" would silently take it off thousands of facilities. So the admin refuses to
delete a value in use (saying how many listings use it) and offers to merge it into another
value instead: every listing that had it gets the other value, the change is recorded in each
listing's history, and only then is the value deleted.
"""

from django.db import models, transaction
from django.db.models import F

from programs.curation import history
from programs.models import Facility, Program


def _relations(model) -> list:
    """The relations through which listings (or their rows) use values of ``model``."""
    return [
        rel
        for rel in model._meta.related_objects
        if rel.many_to_many or (rel.one_to_many and rel.related_model is not model)
    ]


def _listing_of(rel) -> tuple[type, str]:
    """(listing model, path from the row that points at the value to the listing's pk)."""
    if rel.many_to_many:
        return rel.related_model, "pk"
    return Program, "program_id"  # StaffRole.credential, ConditionSupport.condition


def users(values) -> dict[type, set[int]]:
    """The pks of the facilities and programs that use any of ``values``, by model."""
    found: dict[type, set[int]] = {Facility: set(), Program: set()}
    values = list(values)
    if not values:
        return found
    for rel in _relations(type(values[0])):
        listing, path = _listing_of(rel)
        rows = rel.related_model.objects.filter(**{f"{rel.field.name}__in": values})
        found[listing].update(rows.values_list(path, flat=True).distinct())
    return found


def usage_text(value) -> str:
    """ "used by 4,149 facilities and 2 programs", or "" when no listing uses it."""
    counts = users([value])
    parts = []
    for model in (Facility, Program):
        n = len(counts[model])
        if n:
            noun = model._meta.verbose_name if n == 1 else model._meta.verbose_name_plural
            parts.append(f"{n:,} {noun}")
    return f"used by {' and '.join(parts)}" if parts else ""


def _move(rows: models.QuerySet, owner: str, value_field: str, target) -> None:
    """Point ``rows`` at ``target``; a row whose owner already has it is dropped instead."""
    has_target = rows.model.objects.filter(**{value_field: target}).values(owner)
    rows.filter(**{f"{owner}__in": has_target}).delete()
    rows.update(**{value_field: target})


def merge(values, target, *, user) -> int:
    """Give every listing that uses one of ``values`` the value ``target`` instead, record each
    listing's change in its history, and delete ``values``. Returns the listings changed."""
    values = [value for value in values if value.pk != target.pk]
    if not values:
        return 0
    model = type(target)
    names = ", ".join(str(value) for value in values)
    with transaction.atomic():
        affected = users(values)
        facility_ids = affected[Facility] | set(
            Program.objects.filter(pk__in=affected[Program]).values_list("facility_id", flat=True)
        )
        Facility.lock_rows(facility_ids)  # before any write: see Facility.lock_rows
        listings = [
            *Facility.objects.filter(pk__in=affected[Facility]),
            *Program.objects.filter(pk__in=affected[Program]),
        ]
        for listing in listings:
            history.ensure_baseline(listing)
        for rel in _relations(model):
            if rel.many_to_many:
                through = rel.field.remote_field.through
                owner = rel.field.m2m_field_name()
                value_field = rel.field.m2m_reverse_field_name()
                rows = through.objects.filter(**{f"{value_field}__in": values})
            else:
                owner, value_field = "program", rel.field.name
                rows = rel.related_model.objects.filter(**{f"{value_field}__in": values})
            _move(rows, owner, value_field, target)
        for listing_model in (Facility, Program):
            listing_model.objects.filter(pk__in=affected[listing_model]).update(
                version=F("version") + 1
            )
        history.record(
            [
                *Facility.objects.filter(pk__in=affected[Facility]),
                *Program.objects.filter(pk__in=affected[Program]),
            ],
            user=user,
            comment=f'Merged {model._meta.verbose_name} "{names}" into "{target}"',
        )
        model.objects.filter(pk__in=[value.pk for value in values]).delete()
    return len(listings)
