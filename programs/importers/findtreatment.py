"""Import facilities from SAMHSA's FindTreatment.gov locator format.

The locator describes a *facility* with coded service categories (``services``: a list of
``{f1: label, f2: code, f3: "value; value"}``). This module turns one such row into our facts
with pure functions (``parse_row``), then ``import_rows`` writes them, one transaction per row.

Rules (the README's "Importing the national locator" section explains them for curators):

- Only what a code says is written. Anything the source does not say stays not reported
  (NULL, "" or an empty list); no schedule, staff or per-condition facts are made up.
- Every value is either mapped (``CODES``), known but with no place in our model (counted as
  *unmapped*), or unknown (counted by code and value). Nothing is dropped silently.
- The locator's facts are about the whole facility, so each imported program carries the
  facility's populations, medications, approaches and services.
- Keyed on the locator's ``frid``; a re-import only writes fields the source gives a value for,
  and for list facts only replaces the values this importer can produce, so a curator's other
  edits survive.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from programs.curation import history
from programs.geo import USState
from programs.models import (
    Accreditation,
    DualDiagnosis,
    Facility,
    ImportChange,
    Language,
    LevelOfCare,
    Medication,
    Modality,
    Operation,
    PaymentType,
    Population,
    Program,
    Source,
)
from programs.phones import normalize_phone

# --- The code list ---------------------------------------------------------------------------
#
# Each value maps to a tuple of effects "kind:argument". An empty tuple means "known, but our
# model has no place for it": such values are counted as unmapped. A code mapped to None is a
# known category that has no place in our model at all (every value is unmapped).
#
# kinds: level (iop/php/op), pay, acc, lang, op (operation), pop, med (a medication, which also
# means MAT is offered), mod (modality), yes (a yes/no fact known to be yes), mat (yes/no), dual
# (capable), flag (input to a rule below), gender (female/male, see _populations).

CODES: dict[str, dict[str, tuple[str, ...]] | None] = {
    "TC": {
        "Substance use treatment": ("flag:substance_use",),
        "Mental health treatment": ("flag:mental_health",),
    },
    "SET": {
        "Intensive outpatient treatment": ("level:iop",),
        "Partial hospitalization/day treatment": ("level:php",),
        "Outpatient day treatment or partial hospitalization": ("level:php",),
        "Regular outpatient treatment": ("level:op",),
        "Outpatient methadone/buprenorphine or naltrexone treatment": ("mat:yes",),
        # The locator says a facility offers telehealth, never which level is delivered that
        # way, so format stays not reported (see the README).
        "Telemedicine/telehealth": (),
        "Computerized treatment/telemedicine": (),
        # "Outpatient" names the group the outpatient levels belong to; it does not say the
        # care is in person.
        "Outpatient": (),
        "Residential": (),
        "Short-term residential": (),
        "Long-term residential": (),
        "Hospital inpatient": (),
        "Hospital inpatient detoxification": (),
        "Residential detoxification": (),
        "Outpatient detoxification": (),
    },
    "OT": {
        "Buprenorphine used in Treatment": ("med:buprenorphine",),
        "Buprenorphine maintenance": ("med:buprenorphine",),
        "Buprenorphine maintenance for predetermined time": ("med:buprenorphine",),
        "Prescribes/administers buprenorphine": ("med:buprenorphine",),
        "Methadone maintenance": ("med:methadone",),
        "Methadone maintenance for predetermined time": ("med:methadone",),
        # Naltrexone, but the code does not say oral or injectable.
        "Naltrexone used in Treatment": ("mat:yes",),
        "Prescribes/administers naltrexone": ("mat:yes",),
        "Relapse prevention from naltrexone": ("mat:yes",),
        "Do not use medication for opioid addiction": ("mat:no",),
        "SAMHSA-certified Opioid Treatment Program": ("acc:samhsa-otp",),
        # Clients on MAT may attend; it does not say the facility prescribes.
        "Accepts clients on opioid medication": (),
        "Does not treat opioid addiction": (),
        "Use methadone/buprenorphine for pain management or emergency dosing": (),
    },
    "OM": {
        "Methadone used in Treatment": ("med:methadone",),
        "Buprenorphine used in Treatment": ("med:buprenorphine",),
        "Naltrexone used in Treatment": ("mat:yes",),
    },
    "PHR": {
        "Buprenorphine with naloxone (Suboxone®)": ("med:buprenorphine",),
        "Buprenorphine without naloxone": ("med:buprenorphine",),
        "Buprenorphine (extended-release, injectable, for example, Sublocade®)": (
            "med:buprenorphine-injectable",
        ),
        "Naltrexone (oral)": ("med:naltrexone-oral",),
        "Extended-release, injectable Naltrexone (Vivitrol®)": ("med:naltrexone-injectable",),
        "Methadone": ("med:methadone",),
        "Acamprosate (Campral®)": ("med:acamprosate",),
        "Disulfiram (Antabuse®)": ("med:disulfiram",),
        "Medications for psychiatric disorders": ("yes:medication_management",),
    },
    "TAP": {
        "Cognitive behavioral therapy": ("mod:cbt",),
        "Dialectical behavior therapy": ("mod:dbt",),
        "Motivational interviewing": ("mod:motivational-interviewing",),
        "Matrix Model": ("mod:matrix-model",),
        "Contingency management/motivational incentives": ("mod:contingency-management",),
        "Community reinforcement plus vouchers": ("mod:community-reinforcement",),
        "Trauma-related counseling": ("mod:trauma-focused",),
        "Trauma therapy": ("mod:trauma-focused",),
        "Couples/family therapy": ("mod:family-therapy",),
        "Relapse prevention": ("mod:relapse-prevention",),
        "12-step facilitation": ("mod:twelve-step",),
        "Integrated dual disorders treatment": (
            "mod:integrated-dual-disorders",
            "dual:capable",
            "flag:integrated",
        ),
        "Psychotropic medication": ("mod:psychotropic-medication", "yes:medication_management"),
        # Our "individual therapy" fact means with a licensed therapist; the code does not say.
        "Individual psychotherapy": (),
        "Group therapy": (),
        "Substance use counseling approach": (),
        "Anger management": (),
        "Brief intervention": (),
        "Activity therapy": (),
        "Behavior modification": (),
        "Electroconvulsive therapy": (),
        "Rational emotive behavioral therapy": (),
        "Cognitive remediation": (),
        "Telemedicine/telehealth therapy": (),
    },
    "FOP": {
        "Private for-profit organization": ("op:for_profit",),
        "Private non-profit organization": ("op:non_profit",),
        "Regional/district or county, local or municipal government": ("op:government",),
        "Local, county, or community government": ("op:government",),
        "State government": ("op:government",),
        "Tribal government": ("op:tribal",),
        "Department of Veterans Affairs": ("op:va",),
        "U.S. Department of Veterans Affairs": ("op:va",),
        # Our "government" is state, county or city; other federal operators have no place.
        "Federal Government": (),
        "Department of Defense": (),
        "Indian Health Service": (),
    },
    "LCA": {
        "State substance abuse agency": ("acc:state-license",),
        "State mental health department": ("acc:state-license",),
        "State department of health": ("acc:state-license",),
        "Hospital licensing authority": ("acc:hospital-license",),
        "The Joint Commission": ("acc:joint-commission",),
        "Commission on Accreditation of Rehabilitation Facilities": ("acc:carf",),
        "Commission on Accreditation of Rehabilitation Facilities (CARF)": ("acc:carf",),
        "Council on Accreditation": ("acc:coa",),
        "Council on Accreditation (COA)": ("acc:coa",),
        "National Committee for Quality Assurance": ("acc:ncqa",),
        "National Committee for Quality Assurance (NCQA)": ("acc:ncqa",),
        "Federally Qualified Health Center": ("acc:fqhc",),
        "Healthcare Facilities Accreditation Program (HFAP)": (),
        "Other national organization or federal, state or local agency": (),
    },
    "PAY": {
        "Cash or self-payment": ("pay:self-pay",),
        "Medicaid": ("pay:medicaid",),
        "Medicare": ("pay:medicare",),
        "Private health insurance": ("pay:private-insurance",),
        "State-financed health insurance plan other than Medicaid": ("pay:state-insurance",),
        "Military insurance (e.g., TRICARE)": ("pay:tricare",),
        "U.S. Department of VA funds": ("pay:va",),
        "No payment accepted": ("pay:free",),
        # Funding sources of the facility, not a way a family pays.
        "State mental health agency (or equivalent) funds": (),
        "County or local government funds": (),
        "Other State funds": (),
        "Community Mental Health Block Grants": (),
        "State corrections or juvenile justice funds": (),
        "State welfare or child and family services funds": (),
        "Federal, or any government funding for substance abuse programs": (),
        "Community Service Block Grants": (),
        "State education funds": (),
        "IHS/Tribal/Urban (ITU) funds": (),
        "Access to Recovery (ATR) voucher": (),
    },
    "PYAS": {
        "Sliding fee scale (fee is based on income and other factors)": ("pay:sliding-scale",),
        "Payment assistance (check with facility for details)": ("pay:payment-assistance",),
    },
    "SG": {
        "Adolescents": ("pop:adolescents",),
        "Transitional age young adults": ("pop:young-adults",),
        "Seniors or older adults": ("pop:older-adults",),
        "Lesbian, gay, bisexual, or transgender (LGBT) clients": ("pop:lgbtq",),
        "Veterans": ("pop:veterans",),
        "Active duty military": ("pop:veterans",),
        "Pregnant/postpartum women": ("pop:pregnant-postpartum",),
        "Clients referred from the court/judicial system": ("pop:justice-involved",),
        "DUI/DWI clients": ("pop:dui-dwi",),
        "Persons with co-occurring mental and substance use disorders": ("dual:capable",),
        # A group for adult women or men at a facility that serves everyone is not a
        # "women only" / "men only" program; GN says who is accepted (see _populations).
        "Adult women": (),
        "Adult men": (),
        "Military families": (),
        "Persons with serious mental illness (SMI)": (),
        "Children/adolescents with serious emotional disturbance (SED)": (),
        "Persons who have experienced trauma": (),
        "Persons who have experienced sexual abuse": (),
        "Persons with HIV or AIDS": (),
        "Persons who have experienced intimate partner violence, domestic violence": (),
        "Persons with Alzheimer's or dementia": (),
        "Persons with post-traumatic stress disorder (PTSD)": (),
        "Persons with traumatic brain injury (TBI)": (),
        "Persons with eating disorders": (),
    },
    "AGE": {
        "Adults": ("pop:adults",),
        "Young adults": ("pop:young-adults",),
        "Children/adolescents": ("pop:adolescents",),
        "Seniors (65 or older)": ("pop:older-adults",),
    },
    "GN": {"Female": ("gender:female",), "Male": ("gender:male",)},
    "EXCL": {
        "DUI/DWI clients": ("pop:dui-dwi",),
        "All Clients in Opioid Treatment Program": (),
        "Methadone and buprenorphine clients only": (),
    },
    "OL": {
        "Spanish": ("lang:spanish",),
        "American Sign Language": ("lang:asl",),
        "American Sign Language (ASL)": ("lang:asl",),
        "Any Chinese language": ("lang:chinese",),
        "Chinese": ("lang:chinese",),
        "Vietnamese": ("lang:vietnamese",),
        "Korean": ("lang:korean",),
        "Tagalog": ("lang:tagalog",),
        "Russian": ("lang:russian",),
        "Arabic": ("lang:arabic",),
        "Haitian Creole": ("lang:haitian-creole",),
        "Portuguese": ("lang:portuguese",),
        "French": ("lang:french",),
        "German": ("lang:german",),
        "Polish": ("lang:polish",),
        "Navajo": ("lang:navajo",),
        "Hmong": ("lang:hmong",),
        "Somali": ("lang:somali",),
        "Any language other than English": (),
    },
    "SL": {
        # Deaf services may mean an interpreter, captioning or TTY: not "staff speak ASL".
        "Services for the deaf and hard of hearing": (),
        "Spanish": ("lang:spanish",),
        "American Sign Language": ("lang:asl",),
        "Other languages (excluding Spanish)": (),
    },
    "SCR": {
        "Drug or alcohol urine screening": ("yes:drug_testing",),
        "Breath analyzer or blood alcohol testing": ("yes:drug_testing",),
        "Screening for mental health disorders": (),
        "Screening for substance use": (),
        "TB screening": (),
        "HIV testing": (),
        "Screening for Hepatitis C": (),
        "Screening for Hepatitis B": (),
    },
    "TRSRV": {
        "Aftercare/continuing care": ("yes:aftercare_planning",),
        "Discharge Planning": ("yes:aftercare_planning",),
    },
    "EDU": {
        "Family counseling offered": ("yes:family_program",),
        "Individual counseling offered": (),
        "Group counseling offered": (),
        "Substance abuse education": (),
        "Health education services other than HIV/AIDS or hepatitis": (),
        "Employment counseling or training": (),
        "Marital/couples counseling offered": (),
        "Hepatitis education, counseling, or support": (),
        "HIV or AIDS education, counseling, or support": (),
    },
    "AS": {
        "Family psychoeducation": ("yes:family_program",),
        "Acupuncture": ("mod:acupuncture",),
        "Diet and exercise counseling": ("mod:nutrition",),
        "Consumer-run (peer-support) services": ("mod:peer-support",),
        "Mental health services": ("flag:mental_health",),
        "Case management": (),
        "Social skills development": (),
        "Assistance with obtaining social services": (),
        "Suicide prevention services": (),
        "Housing services": (),
        "Court-ordered outpatient treatment": (),
        "Intensive case management": (),
        "Domestic violence services-family or partner": (),
        "Self-help groups": (),
        "Psychosocial rehabilitation services": (),
        "Illness management and recovery": (),
        "Education services": (),
        "Supported housing": (),
        "Transportation assistance": (),
        "Integrated primary care services": (),
        "Assertive community treatment": (),
        "Chronic disease/illness management": (),
        "Early intervention for HIV": (),
    },
    # Known categories with no place in our model: every value is counted as unmapped.
    "ASSES": None,
    "TOBAC": None,
    "SMP": None,
    "FT": None,
    "EMS": None,
    "OTHR": None,
    "HOSP": None,
}

# typeFacility: SA = substance use, MH = mental health.
FACILITY_TYPES = {"SA", "MH"}

LEVEL_PROGRAM_NAMES = {
    LevelOfCare.IOP: "Intensive outpatient program",
    LevelOfCare.PHP: "Partial hospitalization / day treatment program",
    LevelOfCare.OUTPATIENT: "Outpatient program",
}

# The lookup lists each list fact draws from, and the slugs this importer can produce for it:
# on a re-import only these slugs are replaced, so a value a curator added survives.
M2M_KINDS = {
    "pay": ("payment_types", PaymentType),
    "acc": ("accreditations", Accreditation),
    "lang": ("languages", Language),
    "pop": ("populations", Population),
    "med": ("medications", Medication),
    "mod": ("modalities", Modality),
}


def _producible(kind: str) -> frozenset[str]:
    slugs = {
        effect.split(":", 1)[1]
        for values in CODES.values()
        if values
        for effects in values.values()
        for effect in effects
        if effect.startswith(kind + ":")
    }
    if kind == "pop":
        slugs |= {"women", "men"}
    return frozenset(slugs)


MANAGED_SLUGS = {kind: _producible(kind) for kind in M2M_KINDS}
FACILITY_M2M = ("pay", "acc", "lang")
PROGRAM_M2M = ("pop", "med", "mod")
PROGRAM_FLAGS = (
    "offers_mat",
    "drug_testing",
    "family_program",
    "aftercare_planning",
    "medication_management",
)

PROGRESS_EVERY = 500
BATCH_SIZE = 200


def _norm(value: str) -> str:
    """Whitespace collapsed; the locator has stray double spaces in some labels."""
    return " ".join(value.split())


_CODE_INDEX = {
    code: ({_norm(v).casefold(): effects for v, effects in values.items()} if values else None)
    for code, values in CODES.items()
}


# --- Reading ----------------------------------------------------------------------------------


class ImportFileError(Exception):
    """The file cannot be read as locator data at all."""


class RowError(Exception):
    """One row cannot be imported; the message says why, in plain words."""


# The whole file is parsed in memory (the standard library has no streaming JSON parser), which
# takes four to five times the file's size: 23,100 locator rows, the national size, are 65 MB of
# JSON and took 290 MB. Past this limit a file is refused with a message, not read.
MAX_FILE_MB = 100


def parse_json(text: str | bytes, what: str):
    """JSON from the locator, or ImportFileError saying plainly why it is not."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"{what} is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). "
            'Expected the locator\'s JSON with a list of facilities in "rows".'
        ) from exc
    except RecursionError as exc:
        raise ImportFileError(
            f"{what} is not JSON the importer can read: nested too deeply."
        ) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise ImportFileError(f"{what} is not JSON ({visible(str(exc))}).") from exc


def rows_of(data, what: str) -> list:
    rows = data.get("rows") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise ImportFileError(
            f'{what} is JSON but not locator data: expected a list of facilities in "rows".'
        )
    return rows


def read_rows(path: str | Path, *, max_mb: int = MAX_FILE_MB) -> list:
    """The list of rows in a locator JSON file (``{"rows": [...]}`` or a bare list)."""
    path = Path(path)
    shown = visible(str(path))
    try:
        size = path.stat().st_size
        if size > max_mb * 1024 * 1024:
            raise ImportFileError(
                f"{shown} is {size / 1024 / 1024:.0f} MB, over the {max_mb} MB this importer "
                "reads into memory. Split it into smaller files (each with its rows) or sync "
                "from the locator with --api, which reads it a page at a time."
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ImportFileError(f"{shown}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"{shown}: cannot read the file ({visible(str(exc))})") from exc
    except MemoryError as exc:
        raise ImportFileError(f"{shown}: too large to read into memory") from exc
    return rows_of(parse_json(text, shown), shown)


def visible(text: str) -> str:
    """``text`` safe for an operator's terminal: anything unprintable written as an escape.

    Names from a file may carry terminal escape sequences (which can set a terminal's title or
    worse), bidirectional overrides or lone surrogates; the summary shows them as ``\\x1b``.
    """
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape", "backslashreplace").decode("ascii")
        for ch in text
    )


# --- Parsing one row (pure) -------------------------------------------------------------------


@dataclass
class ParsedRow:
    number: int
    frid: str
    facility: dict  # scalar Facility fields; None means "the source does not say"
    facility_m2m: dict[str, set[str] | None]
    program: dict  # scalar Program fields; None means "the source does not say"
    program_m2m: dict[str, set[str] | None]
    levels: set[str]
    substance_use: bool
    unmapped: Counter = field(default_factory=Counter)  # (code, value) -> 1
    unknown_codes: Counter = field(default_factory=Counter)  # "CODE (label)" -> 1
    unknown_values: Counter = field(default_factory=Counter)  # (code, value) -> 1

    @property
    def name(self) -> str:
        return self.facility["name"]


# Control characters (whitespace aside, which is collapsed first), bidirectional overrides and
# isolates (they make text read differently from what it stores), and lone surrogates (valid in
# JSON, but not text any database can store). A row carrying one is refused, not cleaned: it is
# not what the locator publishes, and a cleaned name would not be the facility's name either.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _shown(raw) -> str:
    """A raw value quoted for a message: escaped, and cut short."""
    text = visible(repr(raw))
    return text if len(text) <= 60 else text[:57] + "..."


def _text(row: dict, key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    # bool is an int in Python, but `"zip": true` is not a ZIP code.
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RowError(f"{key} is not text")
    text = " ".join(str(value).split())
    bad = _FORBIDDEN.search(text)
    if bad:
        raise RowError(f"{key} contains a control or invalid character ({visible(bad.group())})")
    return text


def _coordinate(row: dict, key: str, limit: float) -> float | None:
    raw = row.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise RowError(f"{key} {_shown(raw)} is not a number")
    try:
        value = float(raw)
    except (OverflowError, ValueError) as exc:
        raise RowError(f"{key} {_shown(raw)} is not a number") from exc
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise RowError(f"impossible {key} {_shown(raw)} (must be between -{limit:g} and {limit:g})")
    return value


_ZIP = re.compile(r"^([0-9]{5})(-[0-9]{4})?$")
_STATES = set(USState.values)
_URL = URLValidator(schemes=["http", "https"])


def _website(value: str) -> str | None:
    """A valid web address, or None. A bare host gets http:// (the locator omits it at times)."""
    if not value:
        return ""
    candidate = value if "://" in value else f"http://{value}"
    try:
        _URL(candidate)
    except ValidationError:
        return None
    return candidate if len(candidate) <= 300 else None


def parse_row(row, number: int) -> ParsedRow:
    """Our facts for one locator row. Raises RowError when the row cannot be imported."""
    if not isinstance(row, dict):
        raise RowError("not a facility object")
    frid = _text(row, "frid")
    if not frid:
        raise RowError("missing frid (the locator's facility id)")
    if len(frid) > 100:
        raise RowError("frid longer than 100 characters")

    name1, name2 = _text(row, "name1"), _text(row, "name2")
    if not name1:
        raise RowError("missing name")
    name = f"{name1} - {name2}" if name2 and name2.casefold() not in name1.casefold() else name1
    if len(name) > 200:
        raise RowError("name longer than 200 characters")
    city = _text(row, "city")
    if not city:
        raise RowError("missing city")
    state = _text(row, "state").upper()
    if state not in _STATES:
        raise RowError(f"unknown state {_shown(row.get('state'))}")
    zip_match = _ZIP.match(_text(row, "zip"))
    if not zip_match:
        raise RowError(f"bad ZIP code {_shown(row.get('zip'))} (expected five digits)")
    latitude = _coordinate(row, "latitude", 90)
    longitude = _coordinate(row, "longitude", 180)
    if (latitude is None) != (longitude is None):
        raise RowError("only one of latitude and longitude is given")
    if latitude == 0 and longitude == 0:
        raise RowError("impossible coordinates 0, 0 (a placeholder, not a location)")
    unmapped: Counter = Counter()
    # Numbers are stored in one shape; an unreadable one leaves the phone not reported (the
    # row is kept) and is counted in the summary.
    phones = {}
    for key in ("phone", "intake1"):
        try:
            phones[key] = normalize_phone(_text(row, key))
        except ValueError:
            phones[key] = ""
            unmapped[(key, "an unreadable phone number")] += 1
    phone, intake = phones["phone"], phones["intake1"]
    for key in ("street1", "street2"):
        if len(_text(row, key)) > 200:
            raise RowError(f"{key} longer than 200 characters")
    if len(city) > 100:
        raise RowError("city longer than 100 characters")

    unknown_codes: Counter = Counter()
    unknown_values: Counter = Counter()

    website = _website(_text(row, "website"))
    if website is None:
        unmapped[("website", _text(row, "website"))] += 1
    hotline = _text(row, "hotline1")
    if hotline:
        # Our model has a main and an intake phone only. Counted, not listed number by number.
        unmapped[("hotline1", "a hotline number")] += 1

    type_facility = _text(row, "typeFacility")
    if type_facility and type_facility not in FACILITY_TYPES:
        unknown_values[("typeFacility", type_facility)] += 1

    effects: set[str] = set()
    # Values whose effects end up used only by a rule that did not fire (e.g. GN when both).
    gender_values: list[tuple[str, str]] = []
    services = row.get("services") or []
    if not isinstance(services, list):
        raise RowError("services is not a list")
    for service in services:
        if not isinstance(service, dict):
            raise RowError("a service entry is not an object")
        code = _text(service, "f2")
        label = _text(service, "f1")
        values = [_norm(v) for v in _text(service, "f3").split(";") if v.strip()]
        if code not in _CODE_INDEX:
            unknown_codes[f"{code or '(no code)'} ({label or 'no label'})"] += 1
            continue
        index = _CODE_INDEX[code]
        for value in values:
            if index is None:
                unmapped[(code, value)] += 1
                continue
            value_effects = index.get(value.casefold())
            if value_effects is None:
                unknown_values[(code, value)] += 1
            elif not value_effects:
                unmapped[(code, value)] += 1
            else:
                effects.update(value_effects)
                if code == "GN":
                    gender_values.append((code, value))

    def slugs(kind: str) -> set[str]:
        prefix = kind + ":"
        return {e[len(prefix) :] for e in effects if e.startswith(prefix)}

    # Operation: one answer, or not reported when the codes disagree.
    operations = slugs("op")
    operation = None
    if len(operations) == 1:
        operation = operations.pop()
    elif operations:
        for value in operations:
            unmapped[("FOP", f"conflicting operation {value}")] += 1

    # Who is served. "Women only" / "men only" only when the facility accepts one gender.
    populations = slugs("pop")
    genders = slugs("gender")
    if genders == {"female"}:
        populations.add("women")
    elif genders == {"male"}:
        populations.add("men")
    else:
        for key in gender_values:
            unmapped[key] += 1

    medications = slugs("med")
    if medications or "mat:yes" in effects:
        offers_mat = True
    elif "mat:no" in effects:
        offers_mat = False
    else:
        offers_mat = None

    # Co-occurring care (DDCAT idea). "Enhanced" needs integrated dual-disorder treatment AND
    # mental-health treatment at the facility; a co-occurring group or integrated treatment
    # alone is "capable". Nothing in the codes says "addiction only", so that is never set.
    if "flag:integrated" in effects and "flag:mental_health" in effects:
        dual = DualDiagnosis.ENHANCED
    elif "dual:capable" in effects:
        dual = DualDiagnosis.CAPABLE
    else:
        dual = None

    yes = slugs("yes")
    program = {
        "offers_mat": offers_mat,
        **{flag: (True if flag in yes else None) for flag in PROGRAM_FLAGS if flag != "offers_mat"},
        "dual_diagnosis": dual,
    }

    return ParsedRow(
        number=number,
        frid=frid,
        facility={
            "name": name,
            "street1": _text(row, "street1"),
            "street2": _text(row, "street2"),
            "city": city,
            "state": state,
            "zip_code": zip_match.group(1),
            "latitude": latitude,
            "longitude": longitude,
            "phone": phone or None,
            "intake_phone": intake or None,
            "website": website or None,
            "operation": operation,
        },
        facility_m2m={kind: slugs(kind) or None for kind in FACILITY_M2M},
        program=program,
        program_m2m={
            "pop": populations or None,
            "med": medications or None,
            "mod": slugs("mod") or None,
        },
        levels=slugs("level"),
        substance_use="flag:substance_use" in effects or type_facility == "SA",
        unmapped=unmapped,
        unknown_codes=unknown_codes,
        unknown_values=unknown_values,
    )


# --- Writing ----------------------------------------------------------------------------------


@dataclass
class ImportReport:
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    programs_created: int = 0
    programs_updated: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    actions: list[tuple[int, str, str]] = field(default_factory=list)  # row, action, what
    unmapped: Counter = field(default_factory=Counter)
    unknown_codes: Counter = field(default_factory=Counter)
    unknown_values: Counter = field(default_factory=Counter)
    # (facility name, program or None, field, old, new): what a re-import changed.
    changes: list[tuple[str, Program | None, str, str, str]] = field(default_factory=list)
    # Facts a curator changed since the last import: the curator's value was kept.
    kept: list[tuple[str, Program | None, str, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def _unique_slug(model, text: str) -> str:
    base = slugify(text)[:200].strip("-") or model._meta.model_name
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


class _Lookups:
    """Lookup rows by slug, loaded once per import."""

    def __init__(self):
        self.rows = {
            kind: {obj.slug: obj for obj in model.objects.all()}
            for kind, (_, model) in M2M_KINDS.items()
        }
        self.missing: Counter = Counter()

    def pks(self, kind: str, slugs: Iterable[str]) -> set[int]:
        found = set()
        for slug in slugs:
            obj = self.rows[kind].get(slug)
            if obj is None:
                self.missing[(kind, slug)] += 1
            else:
                found.add(obj.pk)
        return found

    def names(self, kind: str, pks: Iterable[int]) -> str:
        """The values with these pks, by name, for an ImportChange."""
        by_pk = {obj.pk: obj for obj in self.rows[kind].values()}
        return ", ".join(sorted(str(by_pk[pk]) if pk in by_pk else f"#{pk}" for pk in pks))

    def managed_pks(self, kind: str) -> set[int]:
        return {obj.pk for slug, obj in self.rows[kind].items() if slug in MANAGED_SLUGS[kind]}


def _display(value) -> str:
    """A field's value as the text an ImportChange keeps."""
    if value is None:
        return ""
    return str(value)


def _apply_scalars(
    obj, values: dict, changes: list | None = None, kept: list | None = None
) -> list[str]:
    """Set each field the source gives a value for; a None never erases what is there.

    ``changes`` collects ``(field, old, new)`` for the change log of a re-import. A field a
    curator changed since the last import keeps the curator's value: ``kept`` collects
    ``(field, curator's value, source's value)`` for the queue instead.
    """
    curated = _curated_since_import(obj, values) if kept is not None else set()
    changed = []
    for name, value in values.items():
        if value is None:
            continue
        old = getattr(obj, name)
        if old != value and name in curated:
            kept.append((name, _display(old), _display(value)))
        elif old != value:
            setattr(obj, name, value)
            changed.append(name)
            if changes is not None:
                changes.append((name, _display(old), _display(value)))
    return changed


def _curated_since_import(obj, values: dict) -> set[str]:
    """The fields of ``values`` whose value differs from what the last import left there.

    Read from the listing's history: the last version an import recorded. A listing imported
    before history was kept has none, and nothing counts as curated then. A field whose
    curator's value an import kept before stays the curator's: the import never takes it back.
    """
    last = history.last_import_version(obj)
    if last is None:
        return set()
    then = last.field_dict
    curated = {name for name in values if name in then and then[name] != getattr(obj, name)}
    held = ImportChange.objects.filter(curator_value_kept=True, field__in=list(values))
    if isinstance(obj, Facility):
        held = held.filter(facility=obj, program=None)
    else:
        held = held.filter(program=obj)
    return curated | set(held.values_list("field", flat=True))


def _apply_m2m(
    obj, values: dict, lookups: _Lookups, *, created: bool, changes: list | None = None
) -> list[str]:
    """Replace only the lookup values this importer can produce; keep a curator's others."""
    changed = []
    for kind, slugs in values.items():
        if slugs is None:
            continue
        attr = M2M_KINDS[kind][0]
        manager = getattr(obj, attr)
        current = set() if created else set(manager.values_list("pk", flat=True))
        wanted = (current - lookups.managed_pks(kind)) | lookups.pks(kind, slugs)
        if wanted != current:
            if created:
                manager.add(*wanted)
            else:
                manager.set(wanted)
            changed.append(attr)
            if changes is not None:
                changes.append((attr, lookups.names(kind, current), lookups.names(kind, wanted)))
    return changed


def _locked_listing(frid: str) -> Facility | None:
    """The facility with this frid, its row locked until the row's transaction ends.

    The admin takes the same lock first (``Facility.lock_rows``), so an import and a curator on
    the same listing wait for each other instead of deadlocking, and the import reads what the
    curator saved (``is_published`` included), not a copy from before.
    """
    # Matched on the frid alone: a curator who took a listing over (changed its source) keeps
    # it, and the import neither touches it nor makes a second copy.
    # (Naming every source and excluding "" lets the database use the unique source-id index.)
    return (
        Facility.objects.select_for_update()
        .filter(source__in=Source.values, source_id=frid)
        .exclude(source_id="")
        .order_by("pk")
        .first()
    )


def _write_row(parsed: ParsedRow, levels: list[str], run: ImportRun):
    """Create or update one facility and its programs. Returns (action, programs c/u)."""
    lookups, now = run.lookups, run.now
    facility = _locked_listing(parsed.frid)
    if facility is not None and facility.source != Source.FINDTREATMENT:
        return "kept", 0, 0
    created = facility is None
    # (program or None, field, old, new) for every change to a listing that already existed.
    log: list[tuple[Program | None, str, str, str]] = []
    facility_changes: list | None = None if created else []
    if created:
        facility = Facility(
            source=Source.FINDTREATMENT,
            source_id=parsed.frid,
            is_published=True,
            operation=Operation.NOT_REPORTED,
        )
    # (program or None, field, curator's value, source's value): changes not written.
    kept: list[tuple[Program | None, str, str, str]] = []
    facility_kept: list | None = None if created else []
    if not created:
        history.ensure_baseline(facility)
    changed = _apply_scalars(facility, parsed.facility, facility_changes, facility_kept)
    kept += [(None, *change) for change in facility_kept or ()]
    if run.source_year is not None and facility.source_published_year != run.source_year:
        facility.source_published_year = run.source_year
        changed.append("source_published_year")
    if created:
        facility.slug = _unique_slug(Facility, f"{facility.name} {facility.city}")
        facility.source_imported_at = now
        facility.save()
    changed += _apply_m2m(
        facility, parsed.facility_m2m, lookups, created=created, changes=facility_changes
    )
    log += [(None, *change) for change in facility_changes or ()]

    programs_created = programs_updated = 0
    for level in levels:
        program = None
        if not created:
            program = facility.programs.filter(level_of_care=level).order_by("pk").first()
        if program is None:
            program = Program(
                facility=facility,
                level_of_care=level,
                name=LEVEL_PROGRAM_NAMES[level],
                slug=_unique_slug(Program, f"{facility.slug} {level}"),
                is_published=True,
            )
            _apply_scalars(program, parsed.program)
            program.save()
            _apply_m2m(program, parsed.program_m2m, lookups, created=True)
            programs_created += 1
            if not created:
                log.append((program, "program", "", program.name))
            continue
        program_changes: list = []
        program_kept: list = []
        program_changed = _apply_scalars(program, parsed.program, program_changes, program_kept)
        kept += [(program, *change) for change in program_kept]
        if program_changed:
            # Only the fields the source gave: a curator's change to any other field (published
            # included) made while this row was read is not written back.
            program.save(update_fields=program_changed)
        program_changed += _apply_m2m(
            program, parsed.program_m2m, lookups, created=False, changes=program_changes
        )
        log += [(program, *change) for change in program_changes]
        if program_changed:
            programs_updated += 1

    if created:
        history.record([facility], comment=history.IMPORT_COMMENT, when=now)
        return "create", programs_created, programs_updated
    # Once per difference: a later import that finds the same one adds nothing.
    open_held = set(
        ImportChange.objects.filter(
            facility=facility, curator_value_kept=True, reviewed_at=None
        ).values_list("program_id", "field", "old_value", "new_value")
    )
    kept = [
        change
        for change in kept
        if (change[0].pk if change[0] else None, *change[1:]) not in open_held
    ]
    _record_changes(facility, kept, now, curator_value_kept=True)
    run.report.kept += [
        (facility.name, program, name, old, new) for program, name, old, new in kept
    ]
    if changed or programs_created or programs_updated:
        # The import date says when these facts were loaded; it moves only when they change.
        facility.source_imported_at = now
        scalar_fields = [
            name for name in changed if name in parsed.facility or name.startswith("source_")
        ]
        facility.save(update_fields=[*scalar_fields, "source_imported_at", "updated_at"])
        _record_changes(facility, log, now)
        run.report.changes += [
            (facility.name, program, name, old, new) for program, name, old, new in log
        ]
        history.record([facility], comment=history.IMPORT_COMMENT, when=now)
        return "update", programs_created, programs_updated
    return "unchanged", 0, 0


def _record_changes(facility, changes, now, *, curator_value_kept: bool = False) -> None:
    """One ImportChange per (program, field, old, new): what this import changed on the
    listing, or (``curator_value_kept``) what it would have changed but left to the curator."""
    ImportChange.objects.bulk_create(
        ImportChange(
            facility=facility,
            program=program,
            field=name,
            old_value=old,
            new_value=new,
            changed_at=now,
            curator_value_kept=curator_value_kept,
        )
        for program, name, old, new in changes
    )


def _batch_size() -> int:
    # PostgreSQL: one transaction per row, so an import holds the listings stamp (which every
    # writing transaction updates) only while it writes one facility, and never while waiting
    # for a facility a curator is saving. SQLite has one writer at a time and no row locks, so
    # rows are committed in batches there (a commit per row is slow), each row in a savepoint.
    return BATCH_SIZE if connection.vendor == "sqlite" else 1


def import_rows(
    rows: list,
    *,
    all_levels: bool = False,
    dry_run: bool = False,
    now: datetime | None = None,
    source_year: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import locator rows. Each row is atomic; a bad row never stops the rest.

    With ``dry_run`` every row is written and rolled back, so the report says exactly what a
    real run would do while the database is left as it was. ``source_year`` is the year the
    source published these facts, when the operator knows it; it is stored on each facility.
    """
    run = new_run(all_levels=all_levels, dry_run=dry_run, now=now, source_year=source_year)
    total = len(rows)
    run.import_many(rows, progress=progress, total=total)
    if progress and total >= PROGRESS_EVERY and total % PROGRESS_EVERY:
        progress(total, total)
    return run.finish()


def new_run(
    *,
    all_levels: bool = False,
    dry_run: bool = False,
    now: datetime | None = None,
    source_year: int | None = None,
) -> ImportRun:
    return ImportRun(
        report=ImportReport(dry_run=dry_run),
        lookups=_Lookups(),
        now=now or timezone.now(),
        levels=(
            [LevelOfCare.IOP, LevelOfCare.PHP, LevelOfCare.OUTPATIENT]
            if all_levels
            else [LevelOfCare.IOP]
        ),
        all_levels=all_levels,
        source_year=source_year,
    )


DEADLOCK_RETRIES = 3


def _is_lock_conflict(exc: DatabaseError) -> bool:
    # PostgreSQL's "deadlock detected" (40P01) and "could not serialize access" (40001).
    return getattr(getattr(exc, "__cause__", None), "sqlstate", None) in {"40P01", "40001"}


@dataclass
class ImportRun:
    """The state of one import: its report, lookups, time and the frids seen so far."""

    report: ImportReport
    lookups: _Lookups
    now: datetime
    levels: list[str]
    all_levels: bool
    source_year: int | None = None
    seen: dict[str, int] = field(default_factory=dict)
    rows_done: int = 0

    def import_many(self, rows: list, *, progress=None, total: int | None = None) -> None:
        """Import ``rows``, numbered on from the rows this run has already seen."""
        batch = _batch_size()
        first = self.rows_done
        for start in range(0, len(rows), batch):
            # A row on its own is its own transaction (the atomic block in _import_one), so
            # that a deadlock can be retried; rows in a batch are savepoints in one transaction.
            with transaction.atomic() if batch > 1 else nullcontext():
                for offset in range(start, min(start + batch, len(rows))):
                    number = first + offset + 1
                    if progress and number % PROGRESS_EVERY == 0:
                        progress(number, total)
                    self.import_one(rows[offset], number)
        self.rows_done = first + len(rows)

    def finish(self) -> ImportReport:
        report = self.report
        for (kind, slug), count in self.lookups.missing.items():
            report.unmapped[
                (f"lookup {M2M_KINDS[kind][0]}", f"{slug} (missing from the list)")
            ] += count
        self.lookups.missing.clear()
        return report

    def import_one(self, raw, number: int) -> None:
        try:
            self._import_one(raw, number)
        except Exception as exc:  # noqa: BLE001 - one odd row must never stop the others
            # Whatever went wrong was inside the row's savepoint, which is rolled back.
            self.report.failed.append(
                (number, f"unexpected error: {type(exc).__name__}: {visible(str(exc))[:200]}")
            )

    def _import_one(self, raw, number: int) -> None:
        report = self.report
        try:
            parsed = parse_row(raw, number)
        except RowError as exc:
            report.failed.append((number, str(exc)))
            return
        report.unknown_codes.update(parsed.unknown_codes)
        report.unknown_values.update(parsed.unknown_values)

        if parsed.frid in self.seen:
            report.skipped.append((number, f"same frid as row {self.seen[parsed.frid]}"))
            return
        self.seen[parsed.frid] = number
        if not parsed.substance_use:
            report.skipped.append((number, f"{parsed.name}: mental health only, no substance use"))
            return
        levels = [level for level in self.levels if level in parsed.levels]
        if not levels:
            what = "IOP, PHP or outpatient" if self.all_levels else "intensive outpatient"
            report.skipped.append((number, f"{parsed.name}: no {what} treatment"))
            return

        for attempt in range(DEADLOCK_RETRIES + 1):
            changes_before, kept_before = len(report.changes), len(report.kept)
            try:
                with transaction.atomic():
                    action, p_created, p_updated = _write_row(parsed, levels, self)
                    if report.dry_run:
                        transaction.set_rollback(True)
                break
            except DatabaseError as exc:
                del report.changes[changes_before:]
                del report.kept[kept_before:]
                # Retried only when the row is its own transaction (PostgreSQL): inside a
                # batch the other rows' work is lost with the transaction anyway.
                retry = (
                    _is_lock_conflict(exc)
                    and attempt < DEADLOCK_RETRIES
                    and not connection.in_atomic_block
                )
                if not retry:
                    report.failed.append(
                        (number, f"database refused the row: {visible(str(exc))[:300]}")
                    )
                    return
                time.sleep(0.1 * 2**attempt)
        if action == "kept":
            report.skipped.append(
                (
                    number,
                    f"{parsed.name}: its listing's source is no longer the locator; left as is",
                )
            )
            return
        report.unmapped.update(parsed.unmapped)
        report.programs_created += p_created
        report.programs_updated += p_updated
        if action == "create":
            report.created += 1
        elif action == "update":
            report.updated += 1
        else:
            report.unchanged += 1
        level_names = ", ".join(str(level) for level in levels)
        report.actions.append((number, action, f"{parsed.name} ({level_names})"))
