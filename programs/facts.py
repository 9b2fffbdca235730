"""Every fact a family compares, declared once, in the order families read them.

The program page, the comparison, the intake questions, the CSV export and the JSON API all
walk ``FACTS``; none of them names a fact of its own. A fact declares:

* ``key``: its name in the JSON API (a dotted path places it inside an object:
  ``"schedule.has_evening"``, ``"facility.languages"``) and its identity everywhere else;
* ``label``: how pages and the comparison name it (the model field's ``verbose_name`` where it
  has one, read through ``_label()``), and ``help``, a short plain-words note; both are lazy
  translations, read in the page's language when a page shows them (README, "Two languages");
* ``group``: one of ``GROUPS``: the four criteria families compare on, then the rest;
* ``shown``: its value for people: True / False / None (not reported) / a short text / a list of
  names; ``programs/_fact_value.html`` renders it, "Not reported - ask at intake" for None;
* ``data``: its value in the API (defaults to ``shown``); ``csv``: its spreadsheet cell
  (defaults to ``data``; ``csv_heading`` names the column, the label unless given);
* ``question``: what to ask at intake when it is not reported (``asks`` says when, for facts
  whose "unknown" is not simply ``shown`` being None);
* where it appears: ``on_page``, ``in_compare``, ``in_csv``, ``in_api`` (all by default);
  ``block``: a template that shows it on the program page instead of a plain line;
* ``card``: its line on a result card (``OnCard``), for the few facts a card sums up: a shorter
  label or value where the card needs one, and the search parameters whose answers the card
  already lists above its facts (then the line is left out).

Adding a fact: add the model field and its migration, then one ``Fact(...)`` below. The README
("Design notes") has the recipe; ``tests/test_facts.py`` proves a new fact reaches every view.

Every ``shown``/``data`` reads only rows that ``load_related(programs, DETAIL)`` loaded, so
walking the registry costs no queries.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from programs.models import (
    Availability,
    ConditionSupportLevel,
    DualDiagnosis,
    Facility,
    Format,
    LevelOfCare,
    ModalityKind,
    Operation,
    Program,
    Weekday,
)
from programs.models.choices import WEEKDAY_ABBR
from programs.models.loading import loaded
from programs.wording import schedule_summary, sessions_text, short_credential, weekday_abbr


@dataclass(frozen=True)
class Group:
    slug: str
    title: str  # a lazy translation
    # A heading that depends on the listing, where one source means something else by the
    # same facts; None keeps ``title``.
    title_for: Callable[[Program], str | None] | None = None

    def title_of(self, program) -> str:
        return (self.title_for and self.title_for(program)) or self.title


WHERE = Group("where-when", _("Where and when"))
STAFF = Group("who-treats", _("Who treats you"))
APPROACH = Group("how-treat", _("How they treat"))
CO_OCCURRING = Group("co-occurring", _("Care for co-occurring mental-health conditions"))
PAYMENT = Group("payment", _("Payment"))
PEOPLE = Group("served", _("Who is served"))
# The locator codes only languages other than English: its "Spanish" means services in Spanish
# as well, not "no English".
LANGUAGES = Group(
    "languages",
    _("Languages staff speak"),
    title_for=lambda p: (
        gettext("Services in languages other than English") if p.facility.is_from_locator else None
    ),
)
LICENSING = Group("licensing", _("Licensing and accreditation"))
RULES = Group("rules", _("Rules and admission"))
GROUPS = [WHERE, STAFF, APPROACH, CO_OCCURRING, PAYMENT, PEOPLE, LANGUAGES, LICENSING, RULES]


# A fact that summarises others side by side (the staff table, the approaches): only a row of the
# comparison, not a line of the page, a CSV column or an API key.
COMPARISON_ONLY = {"on_page": False, "in_csv": False, "in_api": False}


def _unknown(value) -> bool:
    return value is None or value == "" or value == []


@dataclass(frozen=True)
class OnCard:
    """How a fact sums up on a result card (``card_lines()``, ``programs/_card.html``)."""

    label: str = ""  # the fact's label unless given
    shown: Callable[[Program], Any] | None = None  # the fact's value unless given
    # Criteria (search parameters) that put this fact among the card's answers already.
    answered_by: tuple[str, ...] = ()
    reported_only: bool = False  # no line at all when not reported
    block: str = ""  # a template for the value (it reads ``program`` and ``value``)


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    group: Group
    shown: Callable[[Program], Any]
    data: Callable[[Program], Any] | None = None
    csv: Callable[[Program], Any] | None = None
    csv_heading: str = ""
    question: str = ""
    asks: Callable[[Program], bool] | None = None
    # More questions that depend on what the page lists (the co-occurring conditions).
    follow_up: Callable[[Program, list], list[str]] | None = None
    help: str = ""
    block: str = ""
    on_page: bool = True
    in_compare: bool = True
    in_csv: bool = True
    in_api: bool = True
    card: OnCard | None = None

    def value(self, program):
        return self.shown(program)

    def api_value(self, program):
        return (self.data or self.shown)(program)

    def csv_value(self, program):
        return (self.csv or self.data or self.shown)(program)

    @property
    def heading(self) -> str:
        return self.csv_heading or self.label

    def is_unknown(self, program) -> bool:
        if self.asks is not None:
            return self.asks(program)
        return _unknown(self.shown(program))


# --- Reading facts from a loaded program ---------------------------------------------------


def _label(model, field: str) -> str:
    # capfirst() of a lazy verbose_name stays lazy: the label is read in the page's language.
    return capfirst(model._meta.get_field(field).verbose_name)


def choice_data(value, choices) -> dict | None:
    """``{"code", "label"}`` for a choice, None when not reported. (Faster than Django's
    ``get_FOO_display()``, which rebuilds the choice list on every call.)"""
    if value in ("", None):
        return None
    return {"code": value, "label": _choice_label_in(choices, value, get_language())}


@cache
def _choice_label_in(choices, value, language) -> str:
    """A choice's label in ``language`` (the active one, which ``str()`` reads), translated once
    per language: an API page or a CSV reads the same few labels thousands of times."""
    try:
        label = choices(value).label
    except ValueError:  # a value outside the choices (no constraint forbids it): show it as is
        label = value
    return str(label)


def _choice_label(value, choices) -> str | None:
    data = choice_data(value, choices)
    return data["label"] if data else None


def _rows(rows) -> list[dict] | None:
    # The name in the page's language (a curator's Spanish name under /es/); the slug is the
    # stable identifier.
    language = get_language()
    return [{"slug": row.slug, "name": row.name_in(language)} for row in rows] or None


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _names(items) -> list[str] | None:
    return [str(item) for item in items] or None


def _roles(program, test) -> list:
    return [role for role in loaded(program, "staff_roles") if test(role.credential)]


def _best_availability(roles) -> str | None:
    availabilities = {role.availability for role in roles}
    if Availability.ON_SITE in availabilities:
        return str(Availability.ON_SITE.label)
    if Availability.REFERRAL in availabilities:
        return str(Availability.REFERRAL.label)
    return None


def _modalities_of_kind(program, kind: str) -> list[str] | str | None:
    modalities = list(loaded(program, "modalities"))
    if not modalities:
        return None
    return _names(m for m in modalities if m.kind == kind) or gettext("None listed")


def _hours(program) -> str | None:
    hours = program.hours_per_week
    return (
        gettext("%(hours)s hours") % {"hours": f"{float(hours):g}"} if hours is not None else None
    )


def _sessions_data(program) -> list[dict] | None:
    return [
        {
            # A stable English identifier ("Monday"), whatever the page's language.
            "weekday": Weekday(session.weekday).name.capitalize(),
            "start": session.start.strftime("%H:%M"),
            "end": session.end.strftime("%H:%M"),
            "track": session.track or None,
        }
        for session in loaded(program, "sessions")
    ] or None


def _sessions_csv(program) -> list[str] | None:
    return [
        f"{weekday_abbr(s.weekday)} {s.start:%H:%M}-{s.end:%H:%M}"
        + (f" ({s.track})" if s.track else "")
        for s in loaded(program, "sessions")
    ] or None


def _staff_data(program) -> list[dict] | None:
    return [
        {
            "credential": {"slug": role.credential.slug, "name": role.credential.display_name},
            "availability": choice_data(role.availability, Availability),
            "count": role.count,
            "leads_groups": role.leads_groups,
        }
        for role in loaded(program, "staff_roles")
    ] or None


def _staff_text(program) -> list[str] | None:
    return [
        f"{role.credential.display_name} ({Availability(role.availability).label.lower()})"
        for role in loaded(program, "staff_roles")
    ] or None


def _conditions_data(program) -> list[dict] | None:
    return [
        {
            "condition": {
                "slug": support.condition.slug,
                "name": support.condition.display_name,
            },
            "support": choice_data(support.support, ConditionSupportLevel),
        }
        for support in loaded(program, "condition_support")
    ] or None


def _conditions_text(program) -> list[str] | None:
    return [
        f"{s.condition.display_name}: {ConditionSupportLevel(s.support).label.lower()}"
        for s in loaded(program, "condition_support")
    ] or None


def _medications(program) -> list[str] | str | None:
    names = _names(loaded(program, "medications"))
    if names is None and program.offers_mat is False:
        return gettext("None")
    return names


def _asks_medications(program) -> bool:
    return program.offers_mat is not False and not loaded(program, "medications")


def _asks_conditions(program) -> bool:
    return not loaded(program, "condition_support") and program.dual_diagnosis not in (
        None,
        DualDiagnosis.ADDICTION_ONLY,
    )


def in_sentence(name: str) -> str:
    """A condition's name inside a sentence: lower case, except acronyms ("ADHD", "PTSD...")."""
    return name if name.split()[0].isupper() else name[:1].lower() + name[1:]


def _missing_conditions_question(program, conditions) -> list[str]:
    """When a program reports some conditions: one question about the listed ones it leaves out."""
    supports = list(loaded(program, "condition_support"))
    if not supports or program.dual_diagnosis == DualDiagnosis.ADDICTION_ONLY:
        return []
    reported = {support.condition_id for support in supports}
    missing = [in_sentence(c.display_name) for c in conditions if c.pk not in reported]
    if not missing:
        return []
    return [condition_question(missing)]


def or_list(names: list[str]) -> str:
    """ "A, B or C"."""
    if len(names) == 1:
        return names[0]
    return gettext("%(first)s or %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def condition_question(names: list[str]) -> str:
    """The intake question about conditions a listing does not say it treats (names as
    ``in_sentence()`` gives them)."""
    return gettext("Do you treat %(conditions)s here, by referral, or not at all?") % {
        "conditions": or_list(names)
    }


def _bool(field: str, group: Group, question: str = "", **options) -> Fact:
    """A yes / no / not reported fact stored in one nullable boolean field of the program."""
    options.setdefault("label", _label(Program, field))
    return Fact(
        key=options.pop("key", field),
        group=group,
        shown=lambda program: getattr(program, field),
        question=question,
        **options,
    )


def _number(
    field: str, label: str, group: Group, amount: Callable[[int], str], heading: str, question: str
) -> Fact:
    """A count stored in one nullable field: "12 weeks" on pages (``amount`` words it), the
    number in the API."""
    return Fact(
        field,
        label,
        group,
        shown=lambda p: amount(getattr(p, field)) if getattr(p, field) else None,
        data=lambda p: getattr(p, field),
        csv_heading=heading,
        question=question,
    )


def _facility_list(field: str, group: Group, question: str, **options) -> Fact:
    """A list of lookup values on the program's facility (payment, languages...)."""
    options.setdefault("label", _label(Facility, field))
    return Fact(
        key=f"facility.{field}",
        group=group,
        shown=lambda program: _names(loaded(program.facility, field)),
        data=lambda program: _rows(loaded(program.facility, field)),
        question=question,
        **options,
    )


def _program_list(field: str, group: Group, question: str = "", **options) -> Fact:
    options.setdefault("label", _label(Program, field))
    return Fact(
        key=field,
        group=group,
        shown=options.pop("shown", lambda program: _names(loaded(program, field))),
        data=lambda program: _rows(loaded(program, field)),
        question=question,
        **options,
    )


# --- The registry, in page order -------------------------------------------------------------


def _group_leaders_short(program) -> str | None:
    """Who leads groups, by the abbreviation a credential's name ends with: "LCSW, CADC"."""
    names = [
        short_credential(role.credential.name)
        for role in loaded(program, "staff_roles")
        if role.leads_groups
    ]
    return ", ".join(names) or None


CARD_PAYMENTS = 4


def _payment_summary(program) -> str | None:
    """The first few ways to pay, and how many more: "Medicaid, Medicare and 3 more"."""
    names = [row.display_name for row in loaded(program.facility, "payment_types")]
    if not names:
        return None
    shown = ", ".join(names[:CARD_PAYMENTS])
    more = len(names) - CARD_PAYMENTS
    if more <= 0:
        return shown
    return shown + " " + gettext("and %(more)s more") % {"more": more}


FACTS: list[Fact] = [
    # Where and when
    Fact(
        "level_of_care",
        _("Level of care"),
        WHERE,
        shown=lambda p: _choice_label(p.level_of_care, LevelOfCare),
        data=lambda p: choice_data(p.level_of_care, LevelOfCare),
        on_page=False,
        card=OnCard(_("Level and format"), block="programs/facts/_card_level.html"),
    ),
    Fact(
        "address",
        _("Address"),
        WHERE,
        shown=lambda p: p.facility.address_lines,
        block="programs/facts/_address.html",
        in_compare=False,
        in_csv=False,
        in_api=False,
    ),
    Fact(
        "town",
        _("Town"),
        WHERE,
        shown=lambda p: f"{p.facility.city}, {p.facility.state}",
        **COMPARISON_ONLY,
    ),
    Fact(
        "format",
        _("Format"),
        WHERE,
        shown=lambda p: _choice_label(p.format, Format),
        data=lambda p: choice_data(p.format, Format),
        question=_("Are sessions in person, online, or both?"),
    ),
    Fact(
        "schedule.hours_per_week",
        _("Hours per week"),
        WHERE,
        shown=_hours,
        data=lambda p: float(p.hours_per_week) if p.hours_per_week is not None else None,
    ),
    Fact(
        "schedule.has_evening",
        _("Evening sessions"),
        WHERE,
        shown=lambda p: p.has_evening,
        help=_("Starting at 4 pm or later."),
    ),
    Fact("schedule.has_weekend", _("Weekend sessions"), WHERE, shown=lambda p: p.has_weekend),
    Fact(
        "schedule.days",
        _("Days"),
        WHERE,
        shown=lambda p: p.schedule_days or None,
        csv=lambda p: [weekday_abbr(WEEKDAY_ABBR.index(day)) for day in p.schedule_days] or None,
        on_page=False,
        in_compare=False,
    ),
    _number(
        "typical_length_weeks",
        _("Typical length"),
        WHERE,
        lambda n: ngettext("%(count)d week", "%(count)d weeks", n) % {"count": n},
        _("Typical length (weeks)"),
        _("How many weeks does the program usually last?"),
    ),
    Fact(
        "schedule.sessions",
        _("Schedule"),
        WHERE,
        shown=lambda p: sessions_text(loaded(p, "sessions")) or None,
        data=_sessions_data,
        csv=_sessions_csv,
        csv_heading=_("Sessions"),
        question=_("Which days and times do sessions run, and how many hours a week is that?"),
        block="programs/facts/_schedule.html",
        card=OnCard(
            shown=lambda p: schedule_summary(p) or None,
            answered_by=("evening", "weekend", "days", "max_hours"),
        ),
    ),
    # Who treats you
    Fact(
        "physician",
        _("Psychiatrist or other physician"),
        STAFF,
        shown=lambda p: _best_availability(_roles(p, lambda c: c.is_physician)),
        question=_("Is a psychiatrist or other physician available, on site or by referral?"),
        card=OnCard(_("Psychiatrist or physician"), answered_by=("physician",)),
        **COMPARISON_ONLY,
    ),
    Fact(
        "prescriber",
        _("Someone who can prescribe"),
        STAFF,
        shown=lambda p: _best_availability(_roles(p, lambda c: c.is_prescriber)),
        help=_("A physician, nurse practitioner or physician assistant."),
        **COMPARISON_ONLY,
    ),
    Fact(
        "licensed_therapists",
        _("Licensed therapists"),
        STAFF,
        shown=lambda p: _names(
            f"{role.credential} ({role.get_availability_display().lower()})"
            for role in _roles(p, lambda c: c.is_licensed_therapist)
        ),
        **COMPARISON_ONLY,
    ),
    _bool(
        "individual_therapy",
        STAFF,
        _("Will I have individual sessions with a licensed therapist, and how often?"),
        card=OnCard(answered_by=("therapist",)),
    ),
    Fact(
        "group_leaders",
        _("Who leads groups"),
        STAFF,
        shown=lambda p: _names(r.credential for r in loaded(p, "staff_roles") if r.leads_groups),
        question=_("Who leads the groups, and what credentials do they hold?"),
        card=OnCard(
            _("Groups led by"),
            shown=_group_leaders_short,
            answered_by=("leader",),
            reported_only=True,
        ),
        **COMPARISON_ONLY,
    ),
    _number(
        "group_size_max",
        _("Largest group"),
        STAFF,
        lambda n: ngettext("%(count)d person", "%(count)d people", n) % {"count": n},
        _("Largest group size"),
        _("How many people are in a group?"),
    ),
    Fact(
        "staff",
        _("Treatment team"),
        STAFF,
        shown=_staff_text,
        data=_staff_data,
        csv=_staff_text,
        csv_heading=_("Staff"),
        question=_("Who is on the treatment team, and what licenses do they hold?"),
        block="programs/facts/_staff.html",
        in_compare=False,
    ),
    # How they treat
    Fact(
        "modalities",
        _label(Program, "modalities"),
        APPROACH,
        shown=lambda p: _names(loaded(p, "modalities")),
        data=lambda p: _rows(loaded(p, "modalities")),
        question=_("Which therapies do you use (for example CBT, DBT, 12-step facilitation)?"),
        block="programs/facts/_modalities.html",
        in_compare=False,
    ),
    *(
        Fact(
            f"modalities.{kind.value}",
            kind.label,
            APPROACH,
            shown=lambda p, kind=kind: _modalities_of_kind(p, kind),
            on_page=False,
            in_csv=False,
            in_api=False,
        )
        for kind in ModalityKind
    ),
    _bool(
        "offers_mat",
        APPROACH,
        _(
            "Do you prescribe or continue medication for addiction treatment, such as "
            "buprenorphine or naltrexone?"
        ),
        card=OnCard(_("Medication for addiction (MAT)"), answered_by=("mat", "medication")),
    ),
    _program_list(
        "medications",
        APPROACH,
        _("Which medications for addiction treatment can I get or keep taking here?"),
        label=_("Medications offered"),
        shown=_medications,
        asks=_asks_medications,
    ),
    _program_list(
        "group_topics",
        APPROACH,
        _("What topics do the groups cover?"),
        label=_("Group topics"),
    ),
    _bool("family_program", APPROACH, _("Is there a family program or family therapy?")),
    _bool("aftercare_planning", APPROACH, _("Will you help plan aftercare when I finish?")),
    # Co-occurring mental-health care
    Fact(
        "dual_diagnosis",
        _("Overall"),
        CO_OCCURRING,
        shown=lambda p: _choice_label(p.dual_diagnosis, DualDiagnosis),
        data=lambda p: choice_data(p.dual_diagnosis, DualDiagnosis),
        csv_heading=_("Co-occurring (dual-diagnosis) capability"),
        question=_(
            "Do you treat mental-health conditions such as depression, anxiety or PTSD here, "
            "or refer out?"
        ),
        card=OnCard(_("Mental-health care"), answered_by=("condition", "dual")),
    ),
    _bool(
        "psychiatric_evaluation",
        CO_OCCURRING,
        _("Is a psychiatric evaluation part of intake?"),
        label=_("Psychiatric evaluation"),
    ),
    _bool(
        "medication_management",
        CO_OCCURRING,
        _("Can someone here prescribe and manage psychiatric medication?"),
    ),
    Fact(
        "conditions",
        _("Condition by condition"),
        CO_OCCURRING,
        shown=_conditions_text,
        data=_conditions_data,
        csv=_conditions_text,
        csv_heading=_("Co-occurring conditions"),
        question=_(
            "Which mental-health conditions do you treat on site, and which do you refer out?"
        ),
        asks=_asks_conditions,
        follow_up=_missing_conditions_question,
        block="programs/facts/_conditions.html",
        in_compare=False,
    ),
    # Payment, people served, languages, licensing, rules and admission
    _facility_list(
        "payment_types",
        PAYMENT,
        _("Which insurance do you accept, and is there a sliding fee or payment plan?"),
        label=_("Payment accepted"),
        card=OnCard(_("Payment"), shown=_payment_summary, answered_by=("payment",)),
    ),
    _program_list(
        "populations",
        PEOPLE,
        _("Who is the program for (age, gender, other groups)?"),
    ),
    _facility_list(
        "languages",
        LANGUAGES,
        _("Which languages do staff speak?"),
        label=_("Languages spoken by staff"),
    ),
    _facility_list(
        "accreditations",
        LICENSING,
        _(
            "Is the program licensed by the state, and is it accredited (for example CARF or The "
            "Joint Commission)?"
        ),
        label=_("Licenses and accreditations"),
    ),
    Fact(
        "facility.operation",
        _("Run by"),
        LICENSING,
        shown=lambda p: _choice_label(p.facility.operation, Operation),
        data=lambda p: choice_data(p.facility.operation, Operation),
    ),
    _bool("drug_testing", RULES, _("Do you test for drugs and alcohol, and how often?")),
    # Availability is shown only with the day it was confirmed (programs.availability words it,
    # and after 30 days says "last confirmed ... - ask"); the API and CSV give the raw answer and
    # its date. An answer too old to rely on is asked about again at intake.
    Fact(
        "accepting_new_clients",
        _("Accepting new clients"),
        RULES,
        shown=lambda p: p.accepting_display or None,
        data=lambda p: p.accepting_new_clients,
        question=_("Are you taking new clients now, and how soon could I start?"),
        asks=lambda p: not p.accepting_is_current,
    ),
    Fact(
        "accepting_confirmed_on",
        _("Accepting new clients: confirmed on"),
        RULES,
        shown=lambda p: _iso(p.accepting_confirmed_on),
        on_page=False,
        in_compare=False,
    ),
    Fact(
        "typical_wait_days",
        _("Typical wait for a first appointment"),
        RULES,
        shown=lambda p: p.wait_display or None,
        data=lambda p: p.typical_wait_days,
        csv_heading=_("Typical wait for a first appointment (days)"),
    ),
    Fact(
        "wait_confirmed_on",
        _("Typical wait: confirmed on"),
        RULES,
        shown=lambda p: _iso(p.wait_confirmed_on),
        on_page=False,
        in_compare=False,
    ),
]

assert len({fact.key for fact in FACTS}) == len(FACTS), "two facts share a key"


def by_key(key: str) -> Fact:
    return next(fact for fact in FACTS if fact.key == key)


def facts_of(group: Group) -> list[Fact]:
    return [fact for fact in FACTS if fact.group == group]


# --- What the views read -----------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One fact of one program, ready for a template."""

    fact: Fact
    value: Any

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, list | tuple)


@dataclass(frozen=True)
class Section:
    """A group of a program page: runs of plain facts (shown in a list) and blocks."""

    group: Group
    parts: list  # each a list[Shown] (plain facts) or one Shown with a block template
    title: str = ""


def page_sections(program) -> list[Section]:
    """The program page's groups, facts and values, in registry order."""
    sections = []
    for group in GROUPS:
        parts: list = []
        for fact in facts_of(group):
            if not fact.on_page:
                continue
            shown = Shown(fact, fact.value(program))
            if fact.block:
                parts.append(shown)
            elif parts and isinstance(parts[-1], list):
                parts[-1].append(shown)
            else:
                parts.append([shown])
        sections.append(Section(group, parts, group.title_of(program)))
    return sections


def intake_questions(program, conditions=()) -> list[str]:
    """A question for every fact this program has not reported, in page order.

    ``conditions``: the co-occurring conditions the page lists; those the program has not
    reported on are asked about together.
    """
    questions = []
    for fact in FACTS:
        if fact.question and fact.is_unknown(program):
            questions.append(str(fact.question))
        if fact.follow_up is not None:
            questions.extend(fact.follow_up(program, list(conditions)))
    return questions


def api_data(program) -> dict:
    """Every fact's API value, placed at its key (``"schedule.has_evening"`` nests)."""
    return api_reader()(program)


def api_reader() -> Callable[[Program], dict]:
    """``api_data`` for the programs of one answer: which facts, and where each goes, read
    from the registry once rather than once per program."""
    places = []
    for fact in FACTS:
        if fact.in_api:
            *path, name = fact.key.split(".")
            places.append((path, name, fact.api_value))

    def read(program) -> dict:
        data: dict = {}
        for path, name, value in places:
            target = data
            for part in path:
                target = target.setdefault(part, {})
            target[name] = value(program)
        return data

    return read


# Read from FACTS on each call, never copied at import, so the registry is the only list.
def csv_facts() -> list[Fact]:
    return [fact for fact in FACTS if fact.in_csv]


def compare_facts() -> list[Fact]:
    return [fact for fact in FACTS if fact.in_compare]


@dataclass(frozen=True)
class CardLine:
    """One line of a result card: a label, and a value or a template that shows it."""

    label: str
    value: Any
    block: str = ""

    @property
    def is_answer(self) -> bool:
        """A yes, a no or not reported, shown by ``{% fact %}``; else a text shown as it is
        (or the fact's ``block``)."""
        return self.value is None or self.value is True or self.value is False


def card_lines(program, asked=()) -> list[CardLine]:
    """A result card's facts, in registry order, leaving out those the card's answers to the
    search (``asked``: the criteria chosen) already give. Reads only what
    ``load_related(programs, CARD)`` loaded."""
    lines = []
    for fact in FACTS:
        card = fact.card
        if card is None or any(param in asked for param in card.answered_by):
            continue
        value = (card.shown or fact.shown)(program)
        if card.reported_only and _unknown(value):
            continue
        lines.append(CardLine(card.label or fact.label, value, card.block))
    return lines
