"""Synthetic programs for measuring IOP Finder at national size.

``generate(count, seed, shape=...)`` creates fictional facilities and programs spread over real
US ZIP codes (centroids from the offline ``zipcodes`` package, plus a little jitter), with
schedules, staff, approaches, payment, languages and co-occurring support, and with a realistic
share of facts left "not reported". Every facility is marked ``source="synthetic"`` so the rows
never mix with the demo data or real listings, and ``clear()`` removes exactly those rows.

Speed matters (25,000 programs on a 2-core machine): rows are built in memory a chunk of facilities
at a time and written with ``bulk_create``, including the many-to-many through rows. The derived
schedule figures are computed by ``schedule_figures()`` (the one place that logic lives) before the
programs are written, since bulk creation bypasses ``Session.save()``.

Two shapes of data (``Shape``): ``curated`` listings report most facts, as a curator's do;
``locator`` listings look like the national locator's, whose facilities report payment,
approaches and people served (with the frequencies of the locator sample, read through the
importer) but almost never a schedule, staff or care per co-occurring condition.
"""

import functools
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from itertools import accumulate
from pathlib import Path

import zipcodes
from django.conf import settings
from django.db import connection, transaction
from django.utils.text import slugify

from programs.geo import USState
from programs.importers.findtreatment import parse_row, read_rows
from programs.models import (
    Accreditation,
    Availability,
    Condition,
    ConditionSupport,
    ConditionSupportLevel,
    Credential,
    DualDiagnosis,
    Facility,
    Format,
    GroupTopic,
    Language,
    LevelOfCare,
    Medication,
    Modality,
    Operation,
    PaymentType,
    Population,
    Program,
    Session,
    Source,
    StaffRole,
    schedule_figures,
)

# Programs per facility: most facilities run one program, some run two or three tracks
# (about 1.3 programs per facility on average, as in the national locator).
PROGRAMS_PER_FACILITY = 1.3
MAX_PROGRAMS_PER_FACILITY = 3
FACILITIES_PER_CHUNK = 1000
# A city's chance of being picked grows faster than its number of ZIP codes, so that metro
# areas get clusters of facilities while rural towns still get some.
CITY_WEIGHT_EXPONENT = 1.5
JITTER_DEGREES = 0.02  # about a mile or two around the ZIP centroid
VERIFIED_SINCE = date(2024, 11, 1)

NAME_PREFIXES = [
    "Harbor", "Bridgeway", "New Dawn", "Clearview", "Pathways", "Cornerstone", "Riverside",
    "Summit", "Beacon", "Crossroads", "Horizon", "Turning Point", "Lighthouse", "Oak Grove",
    "Second Wind", "Northstar", "Evergreen", "Serenity", "Compass", "Open Door", "Keystone",
    "Willow", "Meadowbrook", "Hillcrest", "Stillwater", "Parkside", "Fresh Start", "Anchor",
]  # fmt: skip
NAME_SUFFIXES = [
    "Recovery Center", "Behavioral Health", "Counseling Services", "Treatment Center",
    "Addiction Services", "Wellness Center", "Health Services", "Recovery Partners",
    "Outpatient Clinic", "Community Mental Health",
]  # fmt: skip
STREET_NAMES = [
    "Main", "Oak", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park", "Pine",
    "Church", "Market", "Union", "Spring", "Center", "Highland", "Franklin", "Jefferson",
]  # fmt: skip
STREET_TYPES = ["Street", "Avenue", "Road", "Boulevard", "Drive", "Lane", "Parkway"]
TRACK_NAMES = {
    "evening": "Evening",
    "morning": "Morning",
    "day": "Day",
    "weekend": "Weekend",
}

# Probabilities that a lookup value is present, by slug; slugs not listed get DEFAULT_CHANCE.
DEFAULT_CHANCE = 0.04
PAYMENT_CHANCES = {
    "medicaid": 0.6, "medicare": 0.35, "private-insurance": 0.75, "state-insurance": 0.2,
    "tricare": 0.15, "va": 0.08, "self-pay": 0.7, "sliding-scale": 0.35, "free": 0.1,
    "payment-plan": 0.25, "payment-assistance": 0.15,
}  # fmt: skip
LANGUAGE_CHANCES = {"english": 0.97, "spanish": 0.4, "asl": 0.08}
ACCREDITATION_CHANCES = {
    "state-license": 0.85, "carf": 0.25, "joint-commission": 0.3, "coa": 0.05, "ncqa": 0.04,
    "fqhc": 0.06, "hospital-license": 0.06, "samhsa-otp": 0.05,
}  # fmt: skip
POPULATION_CHANCES = {
    "adults": 0.85, "young-adults": 0.3, "older-adults": 0.15, "women": 0.06, "men": 0.05,
    "lgbtq": 0.15, "veterans": 0.12, "pregnant-postpartum": 0.07, "justice-involved": 0.25,
    "dui-dwi": 0.2,
}  # fmt: skip
MODALITY_CHANCES = {
    "cbt": 0.85, "dbt": 0.45, "motivational-interviewing": 0.75, "matrix-model": 0.3,
    "contingency-management": 0.15, "community-reinforcement": 0.1, "trauma-focused": 0.45,
    "family-therapy": 0.5, "relapse-prevention": 0.8, "mindfulness": 0.4,
    "integrated-dual-disorders": 0.3, "psychotropic-medication": 0.35, "mat": 0.35,
    "expressive-therapies": 0.2, "yoga": 0.12, "meditation": 0.2, "acupuncture": 0.04,
    "nutrition": 0.1, "twelve-step": 0.55, "smart-recovery": 0.25, "peer-support": 0.45,
    "faith-based": 0.08,
}  # fmt: skip
MEDICATION_CHANCES = {
    "buprenorphine": 0.8, "buprenorphine-injectable": 0.25, "naltrexone-oral": 0.5,
    "naltrexone-injectable": 0.55, "methadone": 0.12, "acamprosate": 0.3, "disulfiram": 0.2,
}  # fmt: skip
TOPIC_CHANCES = {"relapse-prevention": 0.8, "psychoeducation": 0.6, "life-skills": 0.45}
CREDENTIAL_CHANCES = {
    "psychiatrist": 0.35, "addiction-physician": 0.2, "psychiatric-np": 0.3,
    "physician-assistant": 0.08, "psychologist": 0.2, "lcsw": 0.6, "lpc": 0.55, "lmft": 0.25,
    "licensed-addiction-counselor": 0.45, "certified-addiction-counselor": 0.55,
    "registered-nurse": 0.3, "peer-recovery-specialist": 0.35, "case-manager": 0.4,
}  # fmt: skip

# Weekly patterns, as (weekdays, start, end, track key). Mon=0.
IOP_PATTERNS = [
    ((0, 2, 3), time(18, 0), time(21, 0), "evening"),
    ((0, 1, 3), time(17, 30), time(20, 30), "evening"),
    ((1, 3), time(17, 0), time(20, 30), "evening"),
    ((0, 2, 4), time(9, 0), time(12, 0), "morning"),
    ((0, 1, 2, 3), time(9, 30), time(12, 30), "morning"),
    ((1, 3, 4), time(10, 0), time(13, 0), "day"),
    ((0, 3), time(9, 0), time(15, 0), "day"),
    ((0, 2, 5), time(10, 0), time(13, 0), "weekend"),
    ((5, 6), time(9, 0), time(13, 30), "weekend"),
]
PHP_PATTERNS = [
    ((0, 1, 2, 3, 4), time(9, 0), time(15, 0), "day"),
    ((0, 1, 2, 3, 4), time(8, 30), time(13, 30), "day"),
    ((0, 1, 2, 3), time(9, 0), time(14, 30), "day"),
]
OP_PATTERNS = [
    ((1,), time(18, 0), time(19, 30), "evening"),
    ((0, 3), time(17, 30), time(19, 0), "evening"),
    ((2,), time(10, 0), time(11, 30), "morning"),
    ((5,), time(10, 0), time(12, 0), "weekend"),
]
PATTERNS = {
    LevelOfCare.IOP: IOP_PATTERNS,
    LevelOfCare.PHP: PHP_PATTERNS,
    LevelOfCare.OUTPATIENT: OP_PATTERNS,
}
LEVEL_NAMES = {
    LevelOfCare.IOP: "Intensive Outpatient",
    LevelOfCare.PHP: "Partial Hospitalization",
    LevelOfCare.OUTPATIENT: "Outpatient",
}
DESCRIPTION_PHRASES = [
    "Group therapy is the core of the program, with individual sessions every week.",
    "Groups cover relapse prevention, coping skills and stress management.",
    "Families are invited to a weekly family education evening.",
    "Care for depression, anxiety and trauma alongside substance use.",
    "A step-down program for people leaving detox or residential care.",
    "Telehealth groups are available for people who cannot travel.",
    "Mindfulness and expressive arts complement the counseling.",
    "Medication for opioid and alcohol use disorders is prescribed on site.",
    "Peer recovery specialists help with housing, work and mutual-help meetings.",
    "Spanish-speaking counselors lead some groups.",
]
SYNTHETIC_NOTE = "Synthetic listing made up for load testing; not a real program."
LOCATOR_SAMPLE = Path(settings.BASE_DIR) / "fixtures" / "findtreatment" / "locator-sample.json"
# A value the locator sample never shows still turns up now and then, so every filter finds some.
UNSEEN_CHANCE = 0.01


@dataclass(frozen=True)
class ListFact:
    """How often a list fact is not reported, and each value's chance when it is."""

    chances: dict[str, float]
    not_reported: float


@dataclass(frozen=True)
class Shape:
    """What share of each kind of fact synthetic listings report, and with which values."""

    name: str
    lists: dict[str, ListFact]
    # Yes/no facts: (chance of yes when reported, chance of not reported).
    flags: dict[str, tuple[float, float]]
    schedule_reported: float
    staff_reported: float
    conditions_reported: float
    dual_diagnosis_weights: tuple[int, int, int, int]  # not reported, addiction only, capable, enh.


CURATED = Shape(
    name="curated",
    lists={
        "payment_types": ListFact(PAYMENT_CHANCES, 0.1),
        "languages": ListFact(LANGUAGE_CHANCES, 0.2),
        "accreditations": ListFact(ACCREDITATION_CHANCES, 0.25),
        "populations": ListFact(POPULATION_CHANCES, 0.1),
        "modalities": ListFact(MODALITY_CHANCES, 0.1),
        "medications": ListFact(MEDICATION_CHANCES, 0.2),
        "group_topics": ListFact(TOPIC_CHANCES, 0.3),
    },
    flags={
        "individual_therapy": (0.9, 0.2),
        "drug_testing": (0.8, 0.2),
        "family_program": (0.6, 0.2),
        "aftercare_planning": (0.85, 0.2),
        "accepting_new_clients": (0.8, 0.35),
        "offers_mat": (0.6, 0.25),
        "psychiatric_evaluation": (0.6, 0.2),
        "medication_management": (0.55, 0.2),
    },
    schedule_reported=0.92,
    staff_reported=0.9,
    conditions_reported=0.85,
    dual_diagnosis_weights=(25, 15, 35, 25),
)

# The importer's names for the locator's list facts, and ours.
_LOCATOR_LISTS = {
    "pay": "payment_types",
    "lang": "languages",
    "acc": "accreditations",
    "pop": "populations",
    "mod": "modalities",
    "med": "medications",
}


@functools.cache
def locator_shape(path: Path = LOCATOR_SAMPLE) -> Shape:
    """A shape measured on the locator sample, read through the importer as a real import is.

    The locator says nothing of schedules, staff, per-condition care or group topics; a few
    listings get them anyway, as curators fill some in."""
    parsed = [parse_row(raw, number) for number, raw in enumerate(read_rows(path), 1)]
    parsed = [row for row in parsed if row.substance_use]
    lists = {}
    for kind, attribute in _LOCATOR_LISTS.items():
        values = [
            ({**row.facility_m2m, **row.program_m2m}).get(kind) for row in parsed
        ]  # None: not reported
        reported = [value for value in values if value]
        counts = Counter(slug for value in reported for slug in value)
        base = CURATED.lists[attribute].chances
        chances = {slug: counts[slug] / len(reported) if reported else 0 for slug in counts}
        chances |= {slug: UNSEEN_CHANCE for slug in base if slug not in counts}
        lists[attribute] = ListFact(chances, 1 - len(reported) / len(parsed))
    lists["group_topics"] = replace(CURATED.lists["group_topics"], not_reported=0.9)
    flags = {}
    for flag, curated in CURATED.flags.items():
        values = [row.program.get(flag) for row in parsed]
        known = [value for value in values if value is not None]
        if not known:
            flags[flag] = (curated[0], 0.9)
            continue
        flags[flag] = (sum(known) / len(known), 1 - len(known) / len(parsed))
    duals = Counter(row.program.get("dual_diagnosis") for row in parsed)
    return Shape(
        name="locator",
        lists=lists,
        flags=flags,
        schedule_reported=0.1,
        staff_reported=0.1,
        conditions_reported=0.15,
        dual_diagnosis_weights=(
            max(1, duals[None]),
            duals[DualDiagnosis.ADDICTION_ONLY],
            duals[DualDiagnosis.CAPABLE],
            duals[DualDiagnosis.ENHANCED],
        ),
    )


def shape_named(name: str) -> Shape:
    if name == "locator":
        return locator_shape()
    if name == "curated":
        return CURATED
    raise ValueError(f"Unknown shape {name!r}: use curated or locator.")


@dataclass(frozen=True)
class Place:
    zip_code: str
    city: str
    state: str
    latitude: float
    longitude: float
    area_code: str


@dataclass
class Lookups:
    """Ids of the lookup rows by slug, read once per run."""

    payment: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    accreditations: dict[str, int] = field(default_factory=dict)
    populations: dict[str, int] = field(default_factory=dict)
    modalities: dict[str, int] = field(default_factory=dict)
    medications: dict[str, int] = field(default_factory=dict)
    topics: dict[str, int] = field(default_factory=dict)
    credentials: dict[str, int] = field(default_factory=dict)
    conditions: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Lookups":
        def ids(model) -> dict[str, int]:
            return dict(model.objects.order_by("pk").values_list("slug", "pk"))

        return cls(
            payment=ids(PaymentType),
            languages=ids(Language),
            accreditations=ids(Accreditation),
            populations=ids(Population),
            modalities=ids(Modality),
            medications=ids(Medication),
            topics=ids(GroupTopic),
            credentials=ids(Credential),
            conditions=ids(Condition),
        )


@functools.cache
def _places() -> tuple[list[list[Place]], list[float]]:
    """Real ZIP codes grouped by city, with cumulative weights for picking a city."""
    states = set(USState.values)
    by_city: dict[tuple[str, str], list[Place]] = defaultdict(list)
    for row in zipcodes.list_all():
        if not row["active"] or row["zip_code_type"] != "STANDARD" or row["state"] not in states:
            continue
        latitude, longitude = float(row["lat"]), float(row["long"])
        if latitude == 0 or longitude == 0:
            continue
        area_codes = row.get("area_codes") or ["555"]
        by_city[(row["city"], row["state"])].append(
            Place(row["zip_code"], row["city"], row["state"], latitude, longitude, area_codes[0])
        )
    cities = [by_city[key] for key in sorted(by_city)]
    weights = list(accumulate(len(places) ** CITY_WEIGHT_EXPONENT for places in cities))
    return cities, weights


def _maybe(rng: random.Random, chance: float) -> bool:
    return rng.random() < chance


def _nullable_bool(rng: random.Random, yes: float, not_reported: float = 0.2) -> bool | None:
    """True, False or None (not reported) with the given shares."""
    if _maybe(rng, not_reported):
        return None
    return _maybe(rng, yes)


def _pick_ids(
    rng: random.Random, ids: dict[str, int], chances: dict[str, float], not_reported: float
) -> list[int]:
    """Lookup ids for a list fact; an empty list means not reported."""
    if not ids or _maybe(rng, not_reported):
        return []
    picked = [pk for slug, pk in ids.items() if _maybe(rng, chances.get(slug, DEFAULT_CHANCE))]
    return picked or [rng.choice(list(ids.values()))]


class Generator:
    """Builds and writes one run of synthetic rows; see ``generate()``."""

    def __init__(self, seed: int | None, first_number: int, shape: Shape = CURATED):
        self.rng = random.Random(seed)
        self.shape = shape
        self.lookups = Lookups.load()
        self.cities, self.city_weights = _places()
        self.number = first_number

    # --- Building rows in memory --------------------------------------------------------------

    def place(self) -> Place:
        places = self.rng.choices(self.cities, cum_weights=self.city_weights)[0]
        return self.rng.choice(places)

    def facility(self) -> tuple[Facility, dict[str, list[int]]]:
        rng = self.rng
        self.number += 1
        place = self.place()
        prefix = rng.choice(NAME_PREFIXES + [place.city])
        name = f"{prefix} {rng.choice(NAME_SUFFIXES)}"
        slug = slugify(f"{name} {place.city} {place.state}")[:190] + f"-s{self.number}"
        verified = None if _maybe(rng, 0.1) else VERIFIED_SINCE + timedelta(days=rng.randrange(720))
        facility = Facility(
            name=name,
            slug=slug,
            street1=f"{rng.randint(10, 9999)} {rng.choice(STREET_NAMES)} "
            f"{rng.choice(STREET_TYPES)}",
            street2=f"Suite {rng.randint(100, 400)}" if _maybe(rng, 0.2) else "",
            city=place.city,
            state=place.state,
            zip_code=place.zip_code,
            latitude=round(place.latitude + rng.uniform(-JITTER_DEGREES, JITTER_DEGREES), 5),
            longitude=round(place.longitude + rng.uniform(-JITTER_DEGREES, JITTER_DEGREES), 5),
            # 555-01xx numbers are reserved for fiction, so no real line can be dialled.
            phone=f"({place.area_code}) 555-01{rng.randrange(100):02d}",
            intake_phone=(
                f"({place.area_code}) 555-01{rng.randrange(100):02d}" if _maybe(rng, 0.5) else ""
            ),
            operation=rng.choices(
                [
                    Operation.NOT_REPORTED,
                    Operation.FOR_PROFIT,
                    Operation.NON_PROFIT,
                    Operation.GOVERNMENT,
                    Operation.TRIBAL,
                    Operation.VA,
                ],
                weights=[10, 45, 34, 8, 1, 2],
            )[0],
            source=Source.SYNTHETIC,
            last_verified=verified,
            is_published=True,
        )
        lookups = self.lookups
        m2m = {
            "payment_types": self.pick(lookups.payment, "payment_types"),
            "languages": self.pick(lookups.languages, "languages"),
            "accreditations": self.pick(lookups.accreditations, "accreditations"),
        }
        return facility, m2m

    def pick(self, ids: dict[str, int], attribute: str) -> list[int]:
        fact = self.shape.lists[attribute]
        return _pick_ids(self.rng, ids, fact.chances, fact.not_reported)

    def flag(self, name: str) -> bool | None:
        yes, not_reported = self.shape.flags[name]
        return _nullable_bool(self.rng, yes, not_reported=not_reported)

    def program(self, facility: Facility, level: str, pattern) -> tuple[Program, dict]:
        """A program with its sessions, staff, conditions and list facts (not yet saved)."""
        rng = self.rng
        sessions = self.sessions(pattern)
        track = TRACK_NAMES[pattern[3]] if pattern else ""
        name = f"{track} {LEVEL_NAMES[level]} Program".strip()
        if _maybe(rng, 0.15):
            name = f"Adult {name}"
        offers_mat = self.flag("offers_mat")
        dual = rng.choices(
            [None, DualDiagnosis.ADDICTION_ONLY, DualDiagnosis.CAPABLE, DualDiagnosis.ENHANCED],
            weights=self.shape.dual_diagnosis_weights,
        )[0]
        hours, evening, weekend, mask = schedule_figures(sessions)
        accepting = self.flag("accepting_new_clients")
        program = Program(
            facility=facility,
            name=name,
            slug="",  # set once the facility slug is final
            level_of_care=level,
            format=rng.choices(
                [Format.NOT_REPORTED, Format.IN_PERSON, Format.HYBRID, Format.VIRTUAL],
                weights=[12, 55, 25, 8],
            )[0],
            description=" ".join(
                [SYNTHETIC_NOTE, *rng.sample(DESCRIPTION_PHRASES, rng.randint(1, 3))]
            ),
            typical_length_weeks=(
                None if _maybe(rng, 0.3) else rng.choice([4, 6, 8, 10, 12, 16, 24])
            ),
            group_size_max=None if _maybe(rng, 0.4) else rng.randint(6, 15),
            individual_therapy=self.flag("individual_therapy"),
            drug_testing=self.flag("drug_testing"),
            family_program=self.flag("family_program"),
            aftercare_planning=self.flag("aftercare_planning"),
            accepting_new_clients=accepting,
            # An answer is stored with the day it was confirmed (a constraint says so).
            accepting_confirmed_on=(
                None if accepting is None else VERIFIED_SINCE + timedelta(days=rng.randrange(720))
            ),
            offers_mat=offers_mat,
            psychiatric_evaluation=self.flag("psychiatric_evaluation"),
            medication_management=self.flag("medication_management"),
            dual_diagnosis=dual,
            is_published=True,
            hours_per_week=hours,
            has_evening=evening,
            has_weekend=weekend,
            days_mask=mask,
        )
        lookups = self.lookups
        related = {
            "sessions": sessions,
            "staff": self.staff(),
            "conditions": self.conditions(dual),
            "populations": self.pick(lookups.populations, "populations"),
            "modalities": self.pick(lookups.modalities, "modalities"),
            "medications": self.pick(lookups.medications, "medications") if offers_mat else [],
            "group_topics": self.pick(lookups.topics, "group_topics"),
        }
        return program, related

    def sessions(self, pattern) -> list[Session]:
        if pattern is None:
            return []  # schedule not reported
        weekdays, start, end, track = pattern
        return [
            Session(weekday=day, start=start, end=end, track=TRACK_NAMES[track]) for day in weekdays
        ]

    def staff(self) -> list[StaffRole]:
        rng = self.rng
        if not _maybe(rng, self.shape.staff_reported):
            return []
        ids = _pick_ids(rng, self.lookups.credentials, CREDENTIAL_CHANCES, 0)
        return [
            StaffRole(
                credential_id=pk,
                availability=Availability.ON_SITE if _maybe(rng, 0.75) else Availability.REFERRAL,
                count=None if _maybe(rng, 0.5) else rng.randint(1, 6),
                leads_groups=_nullable_bool(rng, 0.5, not_reported=0.4),
            )
            for pk in ids
        ]

    def conditions(self, dual: int | None) -> list[ConditionSupport]:
        rng = self.rng
        if not _maybe(rng, self.shape.conditions_reported):
            return []
        # Shares of on site / by referral / not served, by dual-diagnosis capability.
        weights = {
            DualDiagnosis.ENHANCED: [75, 20, 5],
            DualDiagnosis.CAPABLE: [35, 55, 10],
            DualDiagnosis.ADDICTION_ONLY: [5, 60, 35],
        }.get(dual, [40, 40, 20])
        levels = [
            ConditionSupportLevel.ON_SITE,
            ConditionSupportLevel.REFERRAL,
            ConditionSupportLevel.NOT_SERVED,
        ]
        return [
            ConditionSupport(condition_id=pk, support=rng.choices(levels, weights=weights)[0])
            for pk in self.lookups.conditions.values()
            if _maybe(rng, 0.7)
        ]

    def facility_programs(self, count: int):
        """(level, pattern) for each program of one facility, with distinct names."""
        rng = self.rng
        chosen = []
        names = set()
        while len(chosen) < count:
            level = rng.choices(
                [LevelOfCare.IOP, LevelOfCare.PHP, LevelOfCare.OUTPATIENT], weights=[70, 12, 18]
            )[0]
            reported = _maybe(rng, self.shape.schedule_reported)
            pattern = rng.choice(PATTERNS[level]) if reported else None
            key = (level, pattern[3] if pattern else "")
            if key in names:
                continue
            names.add(key)
            chosen.append((level, pattern))
        return chosen

    # --- Writing ------------------------------------------------------------------------------

    def write_chunk(self, program_counts: list[int]) -> int:
        """Build and bulk-create one chunk of facilities; returns the programs written."""
        facilities, facility_m2m = [], []
        for _ in program_counts:
            facility, m2m = self.facility()
            facilities.append(facility)
            facility_m2m.append(m2m)

        programs, program_related = [], []
        for facility, count in zip(facilities, program_counts, strict=True):
            for level, pattern in self.facility_programs(count):
                program, related = self.program(facility, level, pattern)
                program.slug = f"{facility.slug}-{slugify(program.name)}"[:220]
                programs.append(program)
                program_related.append(related)

        with transaction.atomic():
            Facility.objects.bulk_create(facilities, batch_size=1000)
            for program in programs:
                program.facility_id = program.facility.pk
            Program.objects.bulk_create(programs, batch_size=1000)

            children = {Session: [], StaffRole: [], ConditionSupport: []}
            for program, related in zip(programs, program_related, strict=True):
                for model, key in (
                    (Session, "sessions"),
                    (StaffRole, "staff"),
                    (ConditionSupport, "conditions"),
                ):
                    for row in related[key]:
                        row.program_id = program.pk
                        children[model].append(row)
            for model, rows in children.items():
                model.objects.bulk_create(rows, batch_size=2000)

            for attribute in ("payment_types", "languages", "accreditations"):
                self._write_m2m(Facility, attribute, "facility", facilities, facility_m2m)
            for attribute in ("populations", "modalities", "medications", "group_topics"):
                self._write_m2m(Program, attribute, "program", programs, program_related)
        return len(programs)

    @staticmethod
    def _write_m2m(model, attribute: str, owner: str, owners, values) -> None:
        through = getattr(model, attribute).through
        # Positional arguments take Model.__init__'s fast path; check the field order first.
        owner_field, target_field = (f.attname for f in through._meta.concrete_fields[1:])
        assert owner_field == f"{owner}_id", (through, owner_field)
        rows = [
            through(None, obj.pk, pk)
            for obj, value in zip(owners, values, strict=True)
            for pk in value[attribute]
        ]
        through.objects.bulk_create(rows, batch_size=2000)


def _programs_per_facility(rng: random.Random, count: int) -> list[int]:
    """Split ``count`` programs over facilities, 1 to 3 each, about 1.3 on average."""
    facilities = max(1, round(count / PROGRAMS_PER_FACILITY))
    facilities = min(facilities, count)
    counts = [1] * facilities
    extra = count - facilities
    open_slots = [i for i in range(facilities) for _ in range(MAX_PROGRAMS_PER_FACILITY - 1)]
    for index in rng.sample(open_slots, extra):
        counts[index] += 1
    return counts


def generate(
    count: int,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    shape: Shape = CURATED,
) -> dict[str, int]:
    """Create ``count`` synthetic published programs; returns how many rows of each kind."""
    first_number = Facility.objects.filter(source=Source.SYNTHETIC).count()
    generator = Generator(seed, first_number, shape)
    per_facility = _programs_per_facility(generator.rng, count)
    written = 0
    for start in range(0, len(per_facility), FACILITIES_PER_CHUNK):
        written += generator.write_chunk(per_facility[start : start + FACILITIES_PER_CHUNK])
        if progress:
            progress(written, count)
    _refresh_statistics()
    return {"facilities": len(per_facility), "programs": written}


def _refresh_statistics() -> None:
    """Let the query planner see the new row counts at once.

    After a bulk load PostgreSQL's statistics still describe the empty tables until autovacuum
    gets round to them, and the planner picks nested loops meant for a handful of rows. SQLite
    keeps no statistics until ANALYZE runs; with them it starts a "near" search from the
    facilities' coordinates index rather than from every IOP.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if connection.vendor == "postgresql":
        tables = {model._meta.db_table for model in (Facility, Program, Session, StaffRole)}
        tables |= {ConditionSupport._meta.db_table}
        for model, attributes in (
            (Facility, ("payment_types", "languages", "accreditations")),
            (Program, ("populations", "modalities", "medications", "group_topics")),
        ):
            tables |= {getattr(model, name).through._meta.db_table for name in attributes}
        # VACUUM also sets the visibility map, so that counts can read indexes alone; it cannot
        # run inside a transaction (tests), where ANALYZE alone has to do.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(f"{command} " + ", ".join(sorted(tables)))


def clear() -> int:
    """Delete every synthetic row (and nothing else); returns the facilities deleted."""
    facilities = Facility.objects.filter(source=Source.SYNTHETIC)
    programs = Program.objects.filter(facility__source=Source.SYNTHETIC)
    with transaction.atomic():
        # Children first, each in one statement, so the cascade has nothing left to collect
        # row by row.
        for model in (Session, StaffRole, ConditionSupport):
            model.objects.filter(program__in=programs).delete()
        for attribute in ("populations", "modalities", "medications", "group_topics"):
            getattr(Program, attribute).through.objects.filter(program__in=programs).delete()
        for attribute in ("payment_types", "languages", "accreditations"):
            getattr(Facility, attribute).through.objects.filter(facility__in=facilities).delete()
        programs.delete()
        deleted = facilities.count()
        facilities.delete()
    return deleted
