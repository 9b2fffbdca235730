"""Load the fictional demo listings (``fixtures/demo.json`` by default).

The file holds facilities with their programs nested inside. Lookup values (payment, languages,
credentials, conditions...) are given by slug; a fact left out of the file is stored as "not
reported", never as "no". Run it again and it updates the same rows in place: facilities are
keyed on (source "demo", source_id) and programs on their slug within the facility. The file
owns its facilities, so sessions, staff and condition rows are replaced by what the file says,
and programs the file no longer lists are removed from them.

Every object is built through its model: fields are validated by ``full_clean`` and the
database constraints apply on save. The whole file loads in one transaction, so a bad file
changes nothing.
"""

import json
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from programs.models import (
    Accreditation,
    Availability,
    Condition,
    ConditionSupport,
    ConditionSupportLevel,
    Credential,
    DualDiagnosis,
    Facility,
    GroupTopic,
    Language,
    Medication,
    Modality,
    PaymentType,
    Population,
    Program,
    Session,
    Source,
    StaffRole,
)
from programs.models.choices import WEEKDAY_ABBR

DEFAULT_PATH = Path(settings.BASE_DIR) / "fixtures" / "demo.json"

# Plain model fields the file may set; any left out goes back to the field's default, which is
# "not reported" for every fact that may be unknown.
FACILITY_FIELDS = [
    "name", "slug", "street1", "street2", "city", "state", "zip_code", "latitude", "longitude",
    "phone", "intake_phone", "website", "operation", "last_verified", "is_published",
]  # fmt: skip
FACILITY_LOOKUPS = {
    "accreditations": ("accreditations", Accreditation),
    "languages": ("languages", Language),
    "payment": ("payment_types", PaymentType),
}
PROGRAM_FIELDS = [
    "name", "slug", "level_of_care", "format", "description", "typical_length_weeks",
    "group_size_max", "individual_therapy", "drug_testing", "family_program",
    "aftercare_planning", "accepting_new_clients", "accepting_confirmed_on", "offers_mat",
    "psychiatric_evaluation", "typical_wait_days", "wait_confirmed_on",
    "medication_management", "is_published",
]  # fmt: skip
PROGRAM_LOOKUPS = {
    "populations": ("populations", Population),
    "medications": ("medications", Medication),
    "modalities": ("modalities", Modality),
    "group_topics": ("group_topics", GroupTopic),
}
# The file names the three dual-diagnosis steps in words rather than numbers.
DUAL_DIAGNOSIS = {
    "addiction_only": DualDiagnosis.ADDICTION_ONLY,
    "capable": DualDiagnosis.CAPABLE,
    "enhanced": DualDiagnosis.ENHANCED,
}
FACILITY_KEYS = {"source_id", "programs", *FACILITY_FIELDS, *FACILITY_LOOKUPS}
PROGRAM_KEYS = {
    "sessions", "staff", "conditions", "dual_diagnosis", *PROGRAM_FIELDS, *PROGRAM_LOOKUPS,
}  # fmt: skip
STAFF_KEYS = {"availability", "count", "leads_groups"}


class DemoFileError(CommandError):
    """The file is not a valid demo file; the message says where and why."""


class Command(BaseCommand):
    help = "Load the fictional demo facilities and programs (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            type=Path,
            default=DEFAULT_PATH,
            help=f"JSON file to load (default: {DEFAULT_PATH.relative_to(settings.BASE_DIR)}).",
        )

    def handle(self, *args, path: Path, **options):
        data = read_demo_file(path)
        with transaction.atomic():
            counts = DemoLoader().load(data)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {counts['facilities']} demo facilities "
                f"({counts['facilities_created']} new) and {counts['programs']} programs "
                f"({counts['programs_created']} new, {counts['programs_removed']} removed) "
                f"in {counts['states']} states from {path}."
            )
        )


def read_demo_file(path: Path) -> list[dict]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DemoFileError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DemoFileError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}."
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("facilities"), list):
        raise DemoFileError(f'{path} must be a JSON object with a "facilities" list.')
    return data["facilities"]


class DemoLoader:
    """Turns the parsed file into saved objects. Call ``load`` inside a transaction."""

    def __init__(self):
        self._lookups: dict[type, dict[str, object]] = {}
        names = ["facilities", "facilities_created", "programs", "programs_created"]
        self.counts = dict.fromkeys([*names, "programs_removed"], 0)
        self._states: set[str] = set()

    def load(self, facilities: list) -> dict[str, int]:
        seen: set[str] = set()
        for index, spec in enumerate(facilities):
            where = f"facilities[{index}]"
            spec = self._expect_object(spec, where, FACILITY_KEYS)
            source_id = spec.get("source_id")
            if not isinstance(source_id, str) or not source_id:
                raise DemoFileError(f'{where}: "source_id" is required (e.g. "demo-001").')
            if source_id in seen:
                raise DemoFileError(f"{where}: source_id {source_id!r} appears twice.")
            seen.add(source_id)
            self._load_facility(spec, f"{where} ({source_id})")
        return {**self.counts, "states": len(self._states)}

    # --- Facilities and programs ------------------------------------------------------------

    def _load_facility(self, spec: dict, where: str) -> None:
        facility = Facility.objects.filter(source=Source.DEMO, source_id=spec["source_id"]).first()
        if facility is None:
            facility = Facility(source=Source.DEMO, source_id=spec["source_id"])
            self.counts["facilities_created"] += 1
        values = {"is_published": True, **spec}
        self._assign(facility, FACILITY_FIELDS, values)
        self._save(facility, where)
        for key, (field, model) in FACILITY_LOOKUPS.items():
            getattr(facility, field).set(self._resolve(model, spec.get(key, []), f"{where}.{key}"))
        self.counts["facilities"] += 1
        self._states.add(facility.state)

        programs = spec.get("programs", [])
        if not isinstance(programs, list):
            raise DemoFileError(f'{where}: "programs" must be a list.')
        slugs = []
        for index, program_spec in enumerate(programs):
            program_where = f"{where}.programs[{index}]"
            program_spec = self._expect_object(program_spec, program_where, PROGRAM_KEYS)
            slugs.append(self._load_program(facility, program_spec, program_where))
        _, removed = facility.programs.exclude(slug__in=slugs).delete()
        self.counts["programs_removed"] += removed.get(Program._meta.label, 0)

    def _load_program(self, facility: Facility, spec: dict, where: str) -> str:
        program = Program.objects.filter(facility=facility, slug=spec.get("slug")).first()
        if program is None:
            program = Program(facility=facility)
            self.counts["programs_created"] += 1
        self._assign(program, PROGRAM_FIELDS, spec)
        dual = spec.get("dual_diagnosis")
        if dual is not None and dual not in DUAL_DIAGNOSIS:
            raise DemoFileError(
                f"{where}: dual_diagnosis must be one of {', '.join(DUAL_DIAGNOSIS)} "
                f"(or left out when not reported), not {dual!r}."
            )
        program.dual_diagnosis = DUAL_DIAGNOSIS.get(dual)
        self._save(program, where)
        for key, (field, model) in PROGRAM_LOOKUPS.items():
            getattr(program, field).set(self._resolve(model, spec.get(key, []), f"{where}.{key}"))

        # The file owns this program's schedule, staff and conditions: replace them. Rows are
        # validated one by one and inserted in bulk; the figures are refreshed once at the end.
        program.sessions.all().delete()
        program.staff_roles.all().delete()
        program.condition_support.all().delete()
        sessions = [
            self._session(program, session, f"{where}.sessions[{index}]")
            for index, session in enumerate(self._expect_list(spec, "sessions", where))
        ]
        staff_roles = [
            self._staff_role(program, slug, staff, f"{where}.staff.{slug}")
            for slug, staff in self._expect_mapping(spec, "staff", where).items()
        ]
        conditions = [
            self._condition_support(program, slug, support, f"{where}.conditions.{slug}")
            for slug, support in self._expect_mapping(spec, "conditions", where).items()
        ]
        for model, rows, label in [
            (Session, sessions, "sessions"),
            (StaffRole, staff_roles, "staff"),
            (ConditionSupport, conditions, "conditions"),
        ]:
            try:
                model.objects.bulk_create(rows)
            except IntegrityError as exc:
                raise DemoFileError(f"{where}.{label}: rejected by the database ({exc}).") from exc
        program.refresh_schedule_figures()
        self.counts["programs"] += 1
        return program.slug

    # --- Rows inside a program --------------------------------------------------------------

    def _session(self, program: Program, spec, where: str) -> Session:
        if not isinstance(spec, list) or len(spec) not in (3, 4):
            raise DemoFileError(f'{where}: a session is ["Mon", "18:00", "21:00"(, "track")].')
        day, start, end, *track = spec
        if day not in WEEKDAY_ABBR:
            raise DemoFileError(f"{where}: day must be one of {', '.join(WEEKDAY_ABBR)}.")
        session = Session(
            program=program,
            weekday=WEEKDAY_ABBR.index(day),
            start=start,
            end=end,
            track=track[0] if track else "",
        )
        self._validate_row(session, where, exclude=["program"])
        return session

    def _staff_role(self, program: Program, slug: str, spec, where: str) -> StaffRole:
        # Either "on_site" / "referral", or {"availability": ..., "count": 3, "leads_groups": true}
        if isinstance(spec, str):
            spec = {"availability": spec}
        spec = self._expect_object(spec, where, STAFF_KEYS)
        if spec.get("availability") not in Availability.values:
            raise DemoFileError(
                f"{where}: availability must be one of {', '.join(Availability.values)}."
            )
        (credential,) = self._resolve(Credential, [slug], where)
        role = StaffRole(
            program=program,
            credential=credential,
            availability=spec["availability"],
            count=spec.get("count"),
            leads_groups=spec.get("leads_groups"),
        )
        self._validate_row(role, where, exclude=["program", "credential"])
        return role

    def _condition_support(self, program: Program, slug: str, support, where: str):
        if support not in ConditionSupportLevel.values:
            raise DemoFileError(
                f"{where}: must be one of {', '.join(ConditionSupportLevel.values)}."
            )
        (condition,) = self._resolve(Condition, [slug], where)
        row = ConditionSupport(program=program, condition=condition, support=support)
        self._validate_row(row, where, exclude=["program", "condition"])
        return row

    # --- Helpers ----------------------------------------------------------------------------

    @staticmethod
    def _assign(obj, fields: Iterable[str], spec: dict) -> None:
        for name in fields:
            field = obj._meta.get_field(name)
            setattr(obj, field.attname, spec[name] if name in spec else field.get_default())

    @staticmethod
    def _validate_row(obj, where: str, exclude: list[str] | None = None) -> None:
        """Run the model's field validation and say what is wrong where.

        Constraints are left to the database, which enforces them on save: Django's own check
        costs a query per constraint per row and made loading several times slower. Foreign
        keys to rows this loader has just fetched or saved are excluded for the same reason.
        """
        try:
            obj.full_clean(exclude=exclude, validate_constraints=False)
        except ValidationError as exc:
            problems = "; ".join(
                " ".join(messages)
                if field == NON_FIELD_ERRORS
                else f"{field}: {' '.join(messages)}"
                for field, messages in exc.message_dict.items()
            )
            raise DemoFileError(f"{where}: {problems}") from exc

    def _save(self, obj, where: str) -> None:
        self._validate_row(obj, where)
        try:
            obj.save()
        except IntegrityError as exc:
            raise DemoFileError(f"{where}: rejected by the database ({exc}).") from exc

    def _resolve(self, model, slugs, where: str) -> list:
        if model not in self._lookups:
            self._lookups[model] = {row.slug: row for row in model.objects.all()}
        known = self._lookups[model]
        if not isinstance(slugs, list):
            raise DemoFileError(f"{where}: must be a list of slugs.")
        unknown = [slug for slug in slugs if slug not in known]
        if unknown:
            raise DemoFileError(
                f"{where}: unknown {model._meta.verbose_name} "
                f"{', '.join(repr(slug) for slug in unknown)}."
            )
        return [known[slug] for slug in slugs]

    @staticmethod
    def _expect_object(spec, where: str, allowed: set[str]) -> dict:
        if not isinstance(spec, dict):
            raise DemoFileError(f"{where}: must be a JSON object.")
        unknown = sorted(set(spec) - allowed)
        if unknown:
            raise DemoFileError(f"{where}: unknown keys {', '.join(unknown)}.")
        return spec

    @staticmethod
    def _expect_list(spec: dict, key: str, where: str) -> list:
        value = spec.get(key, [])
        if not isinstance(value, list):
            raise DemoFileError(f'{where}: "{key}" must be a list.')
        return value

    @staticmethod
    def _expect_mapping(spec: dict, key: str, where: str) -> dict:
        value = spec.get(key, {})
        if not isinstance(value, dict):
            raise DemoFileError(f'{where}: "{key}" must be an object keyed by slug.')
        return value
