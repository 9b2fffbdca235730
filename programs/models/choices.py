"""Fixed vocabularies of the domain (see shared/domain.md).

Each choice whose answer a listing may not know has an explicit "not reported" value: the empty
string for text choices, NULL for integer choices and booleans. Templates render all of them
through ``programs/_fact.html``.
"""

from django.db import models

NOT_REPORTED_LABEL = "Not reported - ask at intake"


class Source(models.TextChoices):
    DEMO = "demo", "Fictional demo data"
    FINDTREATMENT = "findtreatment", "National treatment locator (FindTreatment.gov)"
    CURATOR = "curator", "IOP Finder curator"
    SYNTHETIC = "synthetic", "Synthetic benchmark data"


class Operation(models.TextChoices):
    NOT_REPORTED = "", NOT_REPORTED_LABEL
    FOR_PROFIT = "for_profit", "Private for-profit"
    NON_PROFIT = "non_profit", "Private non-profit"
    GOVERNMENT = "government", "Government (state, county or city)"
    TRIBAL = "tribal", "Tribal"
    VA = "va", "Veterans Affairs (VA)"


class LevelOfCare(models.TextChoices):
    OUTPATIENT = "op", "Outpatient (OP)"
    IOP = "iop", "Intensive outpatient (IOP)"
    PHP = "php", "Partial hospitalization / day treatment (PHP)"


class Format(models.TextChoices):
    NOT_REPORTED = "", NOT_REPORTED_LABEL
    IN_PERSON = "in_person", "In person"
    VIRTUAL = "virtual", "Virtual (telehealth)"
    HYBRID = "hybrid", "Hybrid (in person and virtual)"


class DualDiagnosis(models.IntegerChoices):
    """The DDCAT idea in three steps; higher means more integrated mental-health care."""

    ADDICTION_ONLY = 1, "Addiction services only"
    CAPABLE = 2, "Dual-diagnosis capable (screens, coordinates, refers)"
    ENHANCED = 3, "Dual-diagnosis enhanced (treats mental health on site)"


class Availability(models.TextChoices):
    ON_SITE = "on_site", "On site"
    REFERRAL = "referral", "By referral"


class ConditionSupportLevel(models.TextChoices):
    ON_SITE = "on_site", "Treated on site"
    REFERRAL = "referral", "By referral"
    NOT_SERVED = "not_served", "Not served"


class ModalityKind(models.TextChoices):
    EVIDENCE_BASED = "evidence", "Evidence-based therapy"
    MEDICATION = "medication", "Medication support"
    HOLISTIC = "holistic", "Holistic"
    MUTUAL_HELP = "mutual_help", "Mutual help and peer support"
    FAITH = "faith", "Faith-based"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


WEEKDAY_ABBR = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WEEKEND_DAYS = (Weekday.SATURDAY, Weekday.SUNDAY)
