"""The taxonomies the project publishes at ``/hsds/taxonomies``, and their terms.

HSDS attributes tag a service (or organization, or cost option) with a term of a taxonomy,
with an optional value. Each kind of fact families compare on is one taxonomy here: its terms
are either a fixed vocabulary (``programs.models.choices``) or a lookup list curators extend
(``programs.models.lookups``), and each term's id is derived from the taxonomy's and the term's
code, so it never changes. Yes/no and numeric facts of a program are terms of one taxonomy,
``program-fact``, whose attribute value is ``true``/``false`` or the number; a fact that was
not reported gets no attribute at all.
"""

from dataclasses import dataclass
from functools import cached_property, lru_cache

from programs.models import (
    Accreditation,
    Condition,
    Credential,
    DualDiagnosis,
    Format,
    GroupTopic,
    Language,
    LevelOfCare,
    Medication,
    Modality,
    Operation,
    PaymentType,
    Population,
)

from .ids import derived_id


@dataclass(frozen=True)
class Term:
    taxonomy: "Taxonomy"
    code: str
    name: str
    description: str

    @cached_property
    def id(self) -> str:
        return self.taxonomy.term_id(self.code)

    @cached_property
    def data(self) -> dict:
        """The term as HSDS ``taxonomy_term`` (``term_data``), built once."""
        return {
            "id": self.id,
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "taxonomy": self.taxonomy.name,
            "taxonomy_id": self.taxonomy.id,
        }


# A page of services names about 1,300 terms, the export a million: each is made once, with
# its id (a renamed lookup value makes a new one; the cache is bounded).
@lru_cache(maxsize=4096)
def _term(taxonomy: "Taxonomy", code: str, name: str, description: str) -> Term:
    return Term(taxonomy, code, name, description)


# Compared and hashed by identity (each is one constant below): a term's hash, taken for every
# attribute of every service, would otherwise hash the taxonomy's every field.
@dataclass(frozen=True, eq=False)
class Taxonomy:
    code: str
    name: str
    description: str
    # Where the terms come from: a lookup model, a choices class, or a fixed list of
    # (code, name, description).
    lookup: type | None = None
    choices: type | None = None
    fixed: tuple = ()

    @cached_property
    def id(self) -> str:
        return derived_id(None, "taxonomy", self.code)

    def term_id(self, code) -> str:
        return derived_id(None, "taxonomy", self.code, "term", code)

    def term(self, code, name: str, description: str = "") -> Term:
        return _term(self, str(code), str(name), description or str(name))

    def fixed_terms(self) -> list[Term]:
        if self.choices is not None:
            return [
                self.term(value, label)
                for value, label in self.choices.choices
                if value not in ("", None)
            ]
        return [self.term(code, name, description) for code, name, description in self.fixed]


# (attribute name on Program, term name, description); booleans give "true"/"false".
PROGRAM_FACTS = (
    ("individual_therapy", "Individual therapy", "Individual therapy with a licensed therapist."),
    ("drug_testing", "Drug and alcohol testing", "Random drug and alcohol testing."),
    ("family_program", "Family program", "Family therapy or a family program."),
    ("aftercare_planning", "Aftercare planning", "Aftercare and discharge planning."),
    ("accepting_new_clients", "Accepting new clients", "Said to be accepting new clients."),
    (
        "accepting_confirmed_on",
        "Accepting answer confirmed on",
        "The day the accepting-new-clients answer was confirmed (ISO date); an answer older "
        "than 30 days is only a hint: ask.",
    ),
    ("typical_wait_days", "Typical wait in days", "Typical wait for a first appointment."),
    ("wait_confirmed_on", "Wait confirmed on", "The day the typical wait was confirmed."),
    ("offers_mat", "Medication for addiction treatment", "Offers MAT/MOUD."),
    ("psychiatric_evaluation", "Psychiatric evaluation", "Psychiatric screening and evaluation."),
    ("medication_management", "Medication management", "Psychiatric medication management."),
    ("hours_per_week", "Hours per week", "Scheduled hours a week, from the weekly sessions."),
    ("typical_length_weeks", "Typical length in weeks", "Typical length of the program."),
    ("group_size_max", "Largest group size", "The largest group a session has."),
    ("is_demo", "Fictional demo listing", "A made-up listing that shows how the site works."),
)

LEVEL_OF_CARE = Taxonomy(
    "level-of-care",
    "Level of care",
    "ASAM levels of outpatient care: outpatient, intensive outpatient, partial hospitalization.",
    choices=LevelOfCare,
)
FORMAT = Taxonomy("format", "Format", "In person, virtual (telehealth) or hybrid.", choices=Format)
DUAL_DIAGNOSIS = Taxonomy(
    "dual-diagnosis",
    "Co-occurring capability",
    "How integrated the care for co-occurring mental-health conditions is (after DDCAT).",
    choices=DualDiagnosis,
)
OPERATION = Taxonomy("operation", "Operation", "Who runs the facility.", choices=Operation)
APPROACH = Taxonomy(
    "approach", "Treatment approach", "Therapies and approaches a program offers.", Modality
)
MEDICATION = Taxonomy(
    "medication", "Medication", "Medications for addiction treatment offered.", Medication
)
GROUP_TOPIC = Taxonomy("group-topic", "Group topic", "Topics of group sessions.", GroupTopic)
POPULATION = Taxonomy("population", "Who is served", "Groups a program serves.", Population)
CONDITION = Taxonomy(
    "condition",
    "Co-occurring condition",
    "A mental-health condition; the value says how it is handled: on_site, referral or not_served.",
    Condition,
)
STAFF_ROLE = Taxonomy(
    "staff-role",
    "Staff role",
    "A role or credential on the team; the value is on_site or referral.",
    Credential,
)
PAYMENT = Taxonomy("payment", "Payment", "Payment the facility accepts.", PaymentType)
ACCREDITATION = Taxonomy(
    "accreditation", "License or accreditation", "What the facility holds.", Accreditation
)
LANGUAGE = Taxonomy("language", "Language", "Languages the facility's staff speak.", Language)
PROGRAM_FACT = Taxonomy(
    "program-fact",
    "Program fact",
    "A yes/no fact (value true or false) or a figure (value the number) about a program. "
    "A fact the program has not reported has no attribute: not reported is not no.",
    fixed=PROGRAM_FACTS,
)

TAXONOMIES = (
    LEVEL_OF_CARE,
    FORMAT,
    APPROACH,
    MEDICATION,
    CONDITION,
    DUAL_DIAGNOSIS,
    STAFF_ROLE,
    GROUP_TOPIC,
    POPULATION,
    PAYMENT,
    LANGUAGE,
    ACCREDITATION,
    OPERATION,
    PROGRAM_FACT,
)
TAXONOMY_BY_ID = {taxonomy.id: taxonomy for taxonomy in TAXONOMIES}


def all_terms() -> list[Term]:
    """Every term of every taxonomy, in the taxonomies' order (one query per lookup list)."""
    terms = []
    for taxonomy in TAXONOMIES:
        if taxonomy.lookup is None:
            terms += taxonomy.fixed_terms()
        else:
            rows = taxonomy.lookup.objects.order_by(*taxonomy.lookup._meta.ordering)
            terms += [taxonomy.term(slug, name) for slug, name in rows.values_list("slug", "name")]
    return terms


def taxonomy_data(taxonomy: Taxonomy) -> dict:
    return {
        "id": taxonomy.id,
        "name": taxonomy.name,
        "description": taxonomy.description,
        "version": "1",
    }


def term_data(term: Term) -> dict:
    """The term as HSDS ``taxonomy_term``; one dict per term, shared by every attribute that
    nests it, so callers must not change it."""
    return term.data
