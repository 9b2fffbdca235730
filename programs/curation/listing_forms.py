"""The admin's forms for a facility and a program: no lost edits.

Each form carries, hidden, the ``version`` of the listing it was opened at. Saving checks it
against the listing's row, locked for the rest of the save (``Facility.lock_rows``, the lock
every writer takes first): when someone (another curator, an import, an applied proposal)
saved the listing since, the save is refused with who changed what, and the form comes back
with everything the curator typed. The form then carries the current version, so saving it
again, once the curator has compared, is a deliberate choice to keep their values.
"""

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from programs import geo
from programs.curation import history
from programs.models import Facility, Program
from programs.phones import normalize_phone


def _since(obj, seen: int) -> str:
    """Who changed what on ``obj`` after version ``seen``, in a sentence."""
    rows = [
        row for row in history.changes(obj) if (row.version.field_dict.get("version") or 0) > seen
    ]
    if not rows:
        return "someone changed it (no details were recorded)"
    parts = []
    for row in reversed(rows):
        what = ", ".join(change.label for change in row.changes) or "no field shown here"
        when = timezone.localtime(row.when)
        parts.append(f"{row.who} ({when:%b} {when.day}, {when:%H:%M}) changed {what}")
    return "; ".join(parts)


class VersionedListingForm(forms.ModelForm):
    # Not named "version": a model form may not list a non-editable model field.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = self.instance.version

    def facilities_to_lock(self) -> set:
        return {self.instance.pk}

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        Facility.lock_rows(self.facilities_to_lock() - {None})
        current = type(self.instance).objects.filter(pk=self.instance.pk).first()
        seen = cleaned.get("seen_version")
        if current is None:
            raise forms.ValidationError(
                "Not saved: this listing was deleted since you opened the form."
            )
        if seen is None or seen != current.version:
            data = self.data.copy()
            data[self.add_prefix("seen_version")] = current.version
            self._take_their_changes(data, current, history.state_at(current, seen))
            self.data = data
            raise forms.ValidationError(
                f"Not saved: since you opened this form, {_since(current, seen or 0)}. "
                "What you typed is still below; fields you did not touch now show the saved "
                "values. Check it (the listing's History shows every change), then save again "
                "to keep your values.",
                code="stale",
            )
        # The save counts on from the version it checked under the lock.
        self.instance.version = current.version
        return cleaned

    def _take_their_changes(self, data, current, seen_state: dict | None) -> None:
        """In ``data``, show the saved value of each field the other change made and this
        curator left as it was; what this curator changed stays as typed."""
        if seen_state is None:
            return
        for name, field in self.fields.items():
            try:
                model_field = current._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if model_field.attname not in seen_state:
                continue
            then = _comparable(seen_state[model_field.attname])
            now = _comparable(
                list(getattr(current, name).values_list("pk", flat=True))
                if model_field.many_to_many
                else getattr(current, model_field.attname)
            )
            mine = _comparable(self.cleaned_data.get(name)) if name in self.cleaned_data else None
            if now == then or mine != then:
                continue
            key = self.add_prefix(name)
            if model_field.many_to_many:
                data.setlist(key, [str(pk) for pk in now])
            elif isinstance(field.widget, forms.CheckboxInput):
                if now:
                    data[key] = "on"
                else:
                    data.pop(key, None)
            else:
                value = field.widget.format_value(field.prepare_value(now))
                data[key] = "" if value is None else str(value)


def _comparable(value):
    """A value as the form cleaned it or as history stored it, in one shape for comparing."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (models.QuerySet, list, tuple, set)):
        return sorted(getattr(item, "pk", item) for item in value)
    if value == "":
        return None
    return value


def _stored_phone(typed: str) -> str:
    try:
        return normalize_phone(typed)
    except ValueError as error:
        raise forms.ValidationError(str(error), code="phone") from None


class FacilityForm(VersionedListingForm):
    class Meta:
        model = Facility
        fields = ["name"]  # the admin builds the form with its fieldsets' fields

    # The numbers in their stored shape already in cleaned_data, so that history records what is
    # stored (Facility.clean checks the same for every other writer).
    def clean_phone(self):
        return _stored_phone(self.cleaned_data["phone"])

    def clean_intake_phone(self):
        return _stored_phone(self.cleaned_data["intake_phone"])

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("latitude"), cleaned.get("longitude")
        if (
            lat is None
            and lon is None
            and "latitude" in self.fields
            and not self.has_error("zip_code")
        ):
            # Without coordinates no place search finds the listing: use the ZIP code's
            # centre, marked approximate (the work queue lists these to place exactly).
            place = geo.lookup_zip(cleaned.get("zip_code") or "")
            if place is not None:
                cleaned["latitude"], cleaned["longitude"] = place.latitude, place.longitude
                cleaned["coordinates_approximate"] = True
        elif {"latitude", "longitude"} & set(self.changed_data):
            cleaned["coordinates_approximate"] = False  # typed by a person
        return cleaned


class ProgramForm(VersionedListingForm):
    class Meta:
        model = Program
        fields = ["name"]  # the admin builds the form with its fieldsets' fields

    def clean(self):
        cleaned = super().clean()
        facility = cleaned.get("facility")
        was_published = bool(self.instance.pk) and (
            Program.objects.filter(pk=self.instance.pk, is_published=True).exists()
        )
        if cleaned.get("is_published") and facility is not None and not was_published:
            program = Program(
                level_of_care=cleaned.get("level_of_care") or "",
                format=cleaned.get("format") or "",
            )
            missing = program.missing_to_publish(facility)
            if missing:
                self.add_error(
                    "is_published",
                    "Not ready to publish: first it needs " + "; ".join(missing) + ".",
                )
        return cleaned

    def facilities_to_lock(self) -> set:
        # The facility it belongs to and, when moved, the new one: all in one call, in id order.
        new = self.cleaned_data.get("facility")
        return {self.instance.facility_id, new.pk if new else None}
