"""How well each program fits what a family asked for: met, not met, or not reported.

Real listings leave most facts unsaid, so a filter that kept only programs that *reported* a
fact would answer most real searches with nothing. Instead the place, the words, the state, the
level of care and the facility stay hard limits, and every other filter is a *criterion*: each
program gets, per chosen criterion, 1 (reported and met), 0 (reported and not met) or NULL (not
reported), computed in SQL so that the page, the CSV and the API group, count and order programs
the same way:

* **matches**: every chosen criterion reported and met;
* **might fit**: none contradicted, at least one not reported (ask about it);
* **does not fit**: at least one reported and not met; listed only when asked for.

A criterion can be made a must-have (``?must=evening``): then "not reported" does not fit.

Each criterion below names the fact of ``programs.facts`` it tests (its card line shows that
fact's value) and declares its test once, as a SQL expression over a program row.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from programs import facts
from programs.availability import accepting_recently
from programs.models import (
    Availability,
    ConditionSupport,
    ConditionSupportLevel,
    DualDiagnosis,
    Facility,
    Format,
    Modality,
    ModalityKind,
    Program,
    StaffRole,
)
from programs.models.choices import ANSWER_SYMBOLS, WEEKDAY_ABBR
from programs.wording import weekday_abbr

MATCHES, MIGHT_FIT, DOES_NOT_FIT = 0, 1, 2
GROUP_KEYS = {MATCHES: "matches", MIGHT_FIT: "might_fit", DOES_NOT_FIT: "does_not_fit"}
ANSWERS = {1: "yes", 0: "no", None: None}  # as the API and CSV give them; None: not reported
GROUP_TITLES = {
    MATCHES: _("Matches everything you asked"),
    MIGHT_FIT: _("Might fit: ask about what is not reported"),
    DOES_NOT_FIT: _("Does not fit"),
}


def _either(names) -> str:
    """ "A or B or C", in the page's language."""
    return functools.reduce(
        lambda first, last: gettext("%(first)s or %(last)s") % {"first": first, "last": last},
        [str(name) for name in names],
    )


def _not_listed(value) -> str:
    return gettext("%(value)s not listed") % {"value": value}


def _day_words(days) -> str:
    return ", ".join(weekday_abbr(WEEKDAY_ABBR.index(day.capitalize())) for day in days)


def _hours(value) -> str:
    return f"{value.normalize():f}"


def _state(met: Q, reported: Q) -> Case:
    """1 when ``met``, else 0 when ``reported``, else NULL (not reported)."""
    return Case(
        When(met, then=Value(1)),
        When(reported, then=Value(0)),
        default=Value(None),
        output_field=IntegerField(),
    )


def _met_or_unknown(met: Q) -> Case:
    """1 when ``met``, else NULL: a fact whose absence is never reported as a no."""
    return Case(When(met, then=Value(1)), default=Value(None), output_field=IntegerField())


def _exists(model, **lookups) -> Q:
    return Q(Exists(model.objects.filter(**lookups)))


def _staff(**lookups) -> Q:
    return _exists(StaffRole, program=OuterRef("pk"), **lookups)


def _listed(owner, field: str, value) -> Case:
    """A list fact of the program (``owner`` "program") or its facility ("facility"): met when
    the list holds ``value``, not met when it is reported (not empty) without it."""
    model = Program if owner == "program" else Facility
    relation = getattr(model, field)
    through, column = relation.through, relation.field.m2m_reverse_field_name()
    outer = OuterRef("pk") if owner == "program" else OuterRef("facility")
    return _state(
        _exists(through, **{owner: outer, column: value}),
        _exists(through, **{owner: outer}),
    )


def _modality_kind(kind: str) -> Case:
    through = Program.modalities.through
    return _state(
        _exists(Modality, programs=OuterRef("pk"), kind=kind),
        _exists(through, program=OuterRef("pk")),
    )


def _yes_no(field: str) -> Callable[[Any], Case]:
    return lambda value: _state(Q(**{field: True}), Q(**{field: False}))


def _days_mask(days) -> int:
    mask = 0
    for day in days:
        mask |= 1 << WEEKDAY_ABBR.index(day.capitalize())
    return mask


def _within_days(days) -> Case:
    # Every session on a chosen day: the program's day mask is a non-empty subset of the chosen.
    chosen = _days_mask(days)
    subsets = [mask for mask in range(1, 128) if mask & ~chosen == 0]
    return _state(Q(days_mask__in=subsets), Q(days_mask__gt=0))


def _labelled(key: str) -> Callable[[Any], str]:
    """A criterion worded as its fact's label (``programs.facts``), read when a page asks."""
    return lambda value: str(facts.by_key(key).label)


@dataclass(frozen=True)
class Criterion:
    """One filter that ranks rather than hides: ``param`` is its query-string name."""

    param: str
    fact: str  # the key of the fact in programs.facts whose value explains the answer
    test: Callable[[Any], Case]  # the cleaned value -> 1 / 0 / NULL per program
    wording: Callable[[Any], str]  # "Evening sessions", "Accepts Medicaid"
    misfit: Callable[[Any], str]  # why a program does not fit: "no evening sessions"
    per_value: bool = False  # several values are several criteria (every condition chosen)
    explains: bool = False  # the card shows the fact's value beside the answer ("Mon, Wed 6-9 pm")
    # What to ask at intake when the listing does not say (default: the fact's own question).
    question: Callable[[Any], str] | None = None


CRITERIA: list[Criterion] = [
    Criterion(
        "evening",
        "schedule.sessions",
        _yes_no("has_evening"),
        _labelled("schedule.has_evening"),
        lambda v: gettext("no evening sessions"),
        explains=True,
    ),
    Criterion(
        "weekend",
        "schedule.sessions",
        _yes_no("has_weekend"),
        _labelled("schedule.has_weekend"),
        lambda v: gettext("no weekend sessions"),
        explains=True,
    ),
    Criterion(
        "days",
        "schedule.sessions",
        _within_days,
        lambda v: gettext("Meets only on %(days)s") % {"days": _day_words(v)},
        lambda v: gettext("sessions on other days"),
        explains=True,
    ),
    Criterion(
        "max_hours",
        "schedule.hours_per_week",
        lambda v: _state(Q(hours_per_week__lte=v), Q(hours_per_week__isnull=False)),
        lambda v: gettext("At most %(hours)s hours a week") % {"hours": _hours(v)},
        lambda v: gettext("more than %(hours)s hours a week") % {"hours": _hours(v)},
        explains=True,
    ),
    Criterion(
        "format",
        "format",
        lambda v: _state(Q(format__in=v), ~Q(format=Format.NOT_REPORTED)),
        lambda v: _either(Format(code).label for code in v),
        lambda v: gettext("another format"),
    ),
    Criterion(
        "physician",
        "physician",
        lambda v: _state(
            _staff(credential__is_physician=True, availability=Availability.ON_SITE),
            _staff(credential__is_physician=True),
        ),
        lambda v: gettext("Psychiatrist or physician on site"),
        lambda v: gettext("a physician by referral only"),
        explains=True,
    ),
    Criterion(
        "prescriber",
        "prescriber",
        lambda v: _met_or_unknown(_staff(credential__is_prescriber=True)),
        _labelled("prescriber"),
        lambda v: gettext("no prescriber"),
        explains=True,
    ),
    Criterion(
        "therapist",
        "individual_therapy",
        _yes_no("individual_therapy"),
        _labelled("individual_therapy"),
        lambda v: gettext("no individual therapy"),
    ),
    Criterion(
        "leader",
        "group_leaders",
        lambda v: _state(
            _staff(credential__in=list(v), leads_groups=True),
            _staff(credential__in=list(v), leads_groups=False),
        ),
        lambda v: gettext("Groups led by %(roles)s") % {"roles": _either(v)},
        lambda v: gettext("groups led by others"),
        explains=True,
    ),
    Criterion(
        "modality",
        "modalities",
        lambda v: _listed("program", "modalities", v),
        lambda v: gettext("Offers %(offer)s") % {"offer": v},
        lambda v: _not_listed(v),
        per_value=True,
    ),
    Criterion(
        "mat",
        "offers_mat",
        _yes_no("offers_mat"),
        lambda v: gettext("Medication for addiction treatment"),
        lambda v: gettext("no medication for addiction treatment"),
    ),
    Criterion(
        "medication",
        "medications",
        lambda v: _state(
            _exists(Program.medications.through, program=OuterRef("pk"), medication=v),
            Q(offers_mat=False) | _exists(Program.medications.through, program=OuterRef("pk")),
        ),
        lambda v: gettext("Offers %(offer)s") % {"offer": v},
        lambda v: _not_listed(v),
    ),
    Criterion(
        "holistic",
        "modalities.holistic",
        lambda v: _modality_kind(ModalityKind.HOLISTIC),
        lambda v: gettext("Holistic options"),
        lambda v: gettext("no holistic options listed"),
    ),
    Criterion(
        "mutual_help",
        "modalities.mutual_help",
        lambda v: _modality_kind(ModalityKind.MUTUAL_HELP),
        lambda v: gettext("Mutual-help groups"),
        lambda v: gettext("no mutual-help groups listed"),
    ),
    Criterion(
        "condition",
        "conditions",
        lambda v: _state(
            _exists(
                ConditionSupport,
                program=OuterRef("pk"),
                condition=v,
                support=ConditionSupportLevel.ON_SITE,
            ),
            _exists(ConditionSupport, program=OuterRef("pk"), condition=v)
            | Q(dual_diagnosis=DualDiagnosis.ADDICTION_ONLY),
        ),
        lambda v: (
            gettext("Treats %(condition)s on site")
            % {"condition": facts.in_sentence(v.display_name)}
        ),
        lambda v: gettext("%(condition)s not treated on site") % {"condition": v.display_name},
        per_value=True,
        question=lambda v: facts.condition_question([facts.in_sentence(v.display_name)]),
    ),
    Criterion(
        "dual",
        "dual_diagnosis",
        lambda v: _state(Q(dual_diagnosis__gte=int(v)), Q(dual_diagnosis__isnull=False)),
        lambda v: (
            str(DualDiagnosis(int(v)).label)
            if int(v) > 1
            else gettext("Reports its mental-health care")
        ),
        lambda v: gettext("less mental-health care"),
    ),
    Criterion(
        "payment",
        "facility.payment_types",
        lambda v: _listed("facility", "payment_types", v),
        lambda v: gettext("Accepts %(payment)s") % {"payment": v},
        lambda v: _not_listed(v),
    ),
    Criterion(
        "population",
        "populations",
        lambda v: _listed("program", "populations", v),
        lambda v: gettext("Serves %(people)s") % {"people": v},
        lambda v: _not_listed(v),
    ),
    Criterion(
        "language",
        "facility.languages",
        lambda v: _listed("facility", "languages", v),
        lambda v: gettext("Staff speak %(language)s") % {"language": v},
        lambda v: _not_listed(v),
    ),
    Criterion(
        "accreditation",
        "facility.accreditations",
        lambda v: _listed("facility", "accreditations", v),
        lambda v: str(v),
        lambda v: _not_listed(v),
    ),
    Criterion(
        "accepting",
        "accepting_new_clients",
        # Met only when confirmed within FRESH_DAYS; a "no" of any age is reported and not met.
        lambda v: _state(accepting_recently(timezone.localdate()), Q(accepting_new_clients=False)),
        lambda v: gettext("Accepting new clients (confirmed in the last 30 days)"),
        lambda v: gettext("not taking new clients"),
    ),
]
BY_PARAM: dict[str, Criterion] = {criterion.param: criterion for criterion in CRITERIA}


def is_chosen(value) -> bool:
    if hasattr(value, "exists") and not isinstance(value, list):
        value = list(value)
    return value not in (None, "", [], False)


@dataclass(frozen=True)
class Chosen:
    """One criterion as a family chose it, with its place among the page's criteria."""

    criterion: Criterion
    value: Any
    index: int
    must: bool

    @property
    def alias(self) -> str:
        return f"fit_{self.index}"

    @property
    def label(self) -> str:
        return self.criterion.wording(self.value)

    @property
    def value_key(self) -> str | None:
        """The one value it stands for, for a criterion with a row per value (its slug)."""
        return getattr(self.value, "slug", None) if self.criterion.per_value else None

    @property
    def question(self) -> str:
        if self.criterion.question is not None:
            return self.criterion.question(self.value)
        question = facts.by_key(self.criterion.fact).question
        return str(question) if question else gettext("%(criterion)s?") % {"criterion": self.label}

    def expression(self):
        test = self.criterion.test(self.value)
        # A must-have turns "not reported" into "does not fit".
        return Coalesce(test, Value(0)) if self.must else test


def chosen_criteria(cleaned: dict, must: list[str]) -> list[Chosen]:
    """The criteria a search chose, in registry order, from the form's cleaned values."""
    found: list[Chosen] = []
    for criterion in CRITERIA:
        value = cleaned.get(criterion.param)
        if not is_chosen(value):
            continue
        values = list(value) if criterion.per_value else [value]
        for one in values:
            found.append(Chosen(criterion, one, len(found), criterion.param in must))
    return found


def annotate(queryset, chosen: list[Chosen]):
    """Each program's answer per criterion (``fit_N``), then how many are met (``fit_met``)
    and contradicted (``fit_fails``), and its group (``fit_group``: matches, might fit, does
    not fit).

    SQL has no shared subexpressions: every use of an answer repeats its test (for a list
    fact, two EXISTS subqueries), so each total reads each answer once, as arithmetic on
    1 / 0 / NULL rather than a CASE per outcome. The group is the worst answer: met counts 0,
    not reported 1, not met 2."""
    if not chosen:
        return queryset
    queryset = queryset.annotate(**{c.alias: c.expression() for c in chosen})
    answers = [F(c.alias) for c in chosen]

    def total(terms):
        return functools.reduce(lambda first, then: first + then, terms)

    # 1 - answer is 0 when met, 1 when not met, NULL when not reported.
    grades = [
        Coalesce(Value(DOES_NOT_FIT) * (Value(1) - answer), Value(MIGHT_FIT)) for answer in answers
    ]
    return queryset.annotate(
        fit_met=total(Coalesce(answer, Value(0)) for answer in answers),
        fit_fails=total(Coalesce(Value(1) - answer, Value(0)) for answer in answers),
        fit_group=Greatest(*grades) if len(grades) > 1 else grades[0],
    )


@dataclass(frozen=True)
class Misfit:
    """Why some programs do not fit: how many contradict one criterion."""

    chosen: Chosen
    count: int
    only: int  # how many contradict this criterion and nothing else

    @property
    def text(self) -> str:
        return f"{self.chosen.criterion.misfit(self.chosen.value)} ({self.count})"


@dataclass(frozen=True)
class Counts:
    matches: int
    might_fit: int
    does_not_fit: int
    misfits: list[Misfit]

    @property
    def listed(self) -> int:
        return self.matches + self.might_fit


def count(queryset, chosen: list[Chosen]) -> Counts:
    """How many programs fall in each group, and per criterion how many contradict it: one
    query over the annotated queryset.

    The answers (``fit_N``) are a subquery and the outer queries only add up their columns.
    Asked of the ORM as aggregates, every filtered count copied each criterion's SQL again (a
    statement growing with the square of the criteria: 670 KB and 12 s for the 44 criteria of
    issue 16), and even as a subquery Django rewrote those copies in Python for seconds. The
    subquery selects each answer once and is fenced (``OFFSET 0``, on SQLite ``LIMIT -1``) so
    that neither database merges it into the outer query, which would copy an answer's test
    (its EXISTS subqueries) into every use of its column again; the group and the number of
    contradictions are worked out from the columns as ``annotate()`` does."""
    aliases = [c.alias for c in chosen]
    rows = queryset.order_by().values(*aliases)
    inner, params = rows.query.sql_with_params()
    database = connections[queryset.db]
    name = database.ops.quote_name
    fence = "LIMIT -1" if database.vendor == "sqlite" else "OFFSET 0"
    answers = [name(alias) for alias in aliases]
    fails = " + ".join(f"COALESCE(1 - {answer}, 0)" for answer in answers)
    unknown = " + ".join(f"(CASE WHEN {answer} IS NULL THEN 1 ELSE 0 END)" for answer in answers)
    per_row = (
        f"SELECT {', '.join(answers)}, ({fails}) AS fit_fails, ({unknown}) AS fit_unknown "
        f"FROM ({inner} {fence}) fit_answers"
    )

    def tally(condition: str) -> str:
        return f"COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"

    groups = {
        MATCHES: "fit_fails = 0 AND fit_unknown = 0",
        MIGHT_FIT: "fit_fails = 0 AND fit_unknown > 0",
        DOES_NOT_FIT: "fit_fails > 0",
    }
    columns = [tally(groups[group]) for group in GROUP_KEYS]
    for answer in answers:
        columns.append(tally(f"{answer} = 0"))
        columns.append(tally(f"fit_fails = 1 AND {answer} = 0"))
    with database.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM ({per_row}) fit_rows", params)
        found = [int(value) for value in cursor.fetchone()]
    matches, might_fit, does_not_fit = found[:3]
    misfits = [
        Misfit(c, found[3 + 2 * i], found[4 + 2 * i])
        for i, c in enumerate(chosen)
        if found[3 + 2 * i]
    ]
    return Counts(matches, might_fit, does_not_fit, misfits)


@dataclass(frozen=True)
class Reason:
    """One line of a card: a chosen criterion and what the listing says about it."""

    label: str
    state: int | None  # 1 met, 0 not met, None not reported
    detail: Any = None  # the fact's value, when it says more than yes or no

    @property
    def answer(self) -> str | None:
        return ANSWERS[self.state]

    @property
    def tone(self) -> str:
        """The line's class and what its symbol says: yes, no or unknown (``_reasons.html``)."""
        return self.answer or "unknown"

    @property
    def symbol(self) -> str:
        return ANSWER_SYMBOLS[self.tone]

    @property
    def said(self) -> str:
        """The answer in the page's language, never told by colour or symbol alone."""
        if self.state == 1:
            return pgettext("a program's answer to what you asked", "yes")
        if self.state == 0:
            return pgettext("a program's answer to what you asked", "no")
        return gettext("not reported - ask")


def reasons(program, chosen: list[Chosen]) -> list[Reason]:
    """The card lines of one fetched program, from its ``fit_N`` answers and the facts."""
    lines = []
    for c in chosen:
        state = getattr(program, c.alias, None)
        detail = None
        if c.criterion.explains and state is not None:
            detail = facts.by_key(c.criterion.fact).value(program)
        if c.criterion.param == "condition":
            # How this condition is handled, not the program's overall label.
            detail = program.condition_support_label(c.value)
        if isinstance(detail, list | tuple):
            detail = ", ".join(str(item) for item in detail)
        if detail in (True, False, ""):
            detail = None
        lines.append(Reason(c.label, state, detail))
    return lines


def heading(group: int, counts: Counts) -> str:
    """A group's heading on the results page, with how many programs it holds."""
    number = {MATCHES: counts.matches, MIGHT_FIT: counts.might_fit}.get(group, counts.does_not_fit)
    return f"{GROUP_TITLES[group]} ({number})"


def prepare(programs, chosen: list[Chosen], counts: "Counts | None", start: int = 1) -> None:
    """Give each fetched program of a results page its card lines (``fit_reasons``), its
    place in the whole list (``fit_position``) and its group's heading (``fit_heading``)."""
    if not chosen or counts is None:
        return
    for position, program in enumerate(programs, start=start):
        program.fit_reasons = reasons(program, chosen)
        program.fit_position = position
        program.fit_heading = heading(program.fit_group, counts)


def fit_data(program, chosen: list[Chosen]) -> dict | None:
    """A program's group and its answer per chosen criterion, for the API and the CSV."""
    if not chosen:
        return None
    return {
        "group": GROUP_KEYS[program.fit_group],
        "criteria": [
            {
                "criterion": c.criterion.param,
                "value": c.value_key,
                "label": c.label,
                "answer": ANSWERS[getattr(program, c.alias)],
            }
            for c in chosen
        ],
    }


def answer(programs, chosen: list[Chosen]) -> None:
    """Give programs fetched on their own (a program page, a comparison) their answers to a
    search's criteria and their card lines: one query."""
    programs = list(programs)
    if not chosen or not programs:
        return
    aliases = [c.alias for c in chosen]
    rows = annotate(Program.objects.filter(pk__in=[p.pk for p in programs]), chosen)
    by_pk = {row["pk"]: row for row in rows.values("pk", "fit_group", *aliases)}
    for program in programs:
        for name, value in by_pk[program.pk].items():
            setattr(program, name, value)
        program.fit_reasons = reasons(program, chosen)


def unknown_questions(program, chosen: list[Chosen]) -> list[str]:
    """The questions about the chosen criteria this program does not report: asked first."""
    return list(
        dict.fromkeys(c.question for c in chosen if getattr(program, c.alias, None) is None)
    )


def questions_to_ask(program, chosen: list[Chosen], conditions=()) -> list[str]:
    """Every question for what this program's listing does not say: about the family's chosen
    criteria first, then the rest in page order (``facts.intake_questions``)."""
    first = unknown_questions(program, chosen)
    return first + [q for q in facts.intake_questions(program, conditions) if q not in first]
