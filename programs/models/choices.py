"""Fixed vocabularies of the domain (see shared/domain.md).

Each choice whose answer a listing may not know has an explicit "not reported" value: the empty
string for text choices, NULL for integer choices and booleans. Templates render all of them
through the ``fact`` template tag.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

NOT_REPORTED_LABEL = _("Not reported - ask at intake")
# How an answer is marked beside its words (never by colour alone): the ``fact`` tag and a
# card's answers to the criteria asked (``fit.Reason``).
ANSWER_SYMBOLS = {"yes": "✓", "no": "✗", "unknown": "?"}


class Source(models.TextChoices):
    DEMO = "demo", _("Fictional demo data")
    FINDTREATMENT = "findtreatment", _("National treatment locator (FindTreatment.gov)")
    CURATOR = "curator", _("IOP Finder curator")
    SYNTHETIC = "synthetic", _("Synthetic benchmark data")


class Operation(models.TextChoices):
    NOT_REPORTED = "", NOT_REPORTED_LABEL
    FOR_PROFIT = "for_profit", _("Private for-profit")
    NON_PROFIT = "non_profit", _("Private non-profit")
    GOVERNMENT = "government", _("Government (state, county or city)")
    TRIBAL = "tribal", _("Tribal")
    VA = "va", _("Veterans Affairs (VA)")


class LevelOfCare(models.TextChoices):
    OUTPATIENT = "op", _("Outpatient (OP)")
    IOP = "iop", _("Intensive outpatient (IOP)")
    PHP = "php", _("Partial hospitalization / day treatment (PHP)")


class Format(models.TextChoices):
    NOT_REPORTED = "", NOT_REPORTED_LABEL
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual (telehealth)")
    HYBRID = "hybrid", _("Hybrid (in person and virtual)")


class DualDiagnosis(models.IntegerChoices):
    """The DDCAT idea in three steps; higher means more integrated mental-health care."""

    ADDICTION_ONLY = 1, _("Addiction services only")
    CAPABLE = 2, _("Dual-diagnosis capable (screens, coordinates, refers)")
    ENHANCED = 3, _("Dual-diagnosis enhanced (treats mental health on site)")


class Availability(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    REFERRAL = "referral", _("By referral")


class ConditionSupportLevel(models.TextChoices):
    ON_SITE = "on_site", _("Treated on site")
    REFERRAL = "referral", _("By referral")
    NOT_SERVED = "not_served", _("Not served")


class ModalityKind(models.TextChoices):
    EVIDENCE_BASED = "evidence", _("Evidence-based therapy")
    MEDICATION = "medication", _("Medication support")
    HOLISTIC = "holistic", _("Holistic")
    MUTUAL_HELP = "mutual_help", _("Mutual help and peer support")
    FAITH = "faith", _("Faith-based")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


# English identifiers (query strings, the API, imports); the words pages show are
# programs.wording.weekday_abbr().
WEEKDAY_ABBR = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WEEKEND_DAYS = (Weekday.SATURDAY, Weekday.SUNDAY)
