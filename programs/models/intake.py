"""What a listing leaves unsaid, turned into questions a family can ask at intake.

Unknown is not "no": each fact a program has not reported becomes a plain question, so the gap
in the listing becomes something to ask about instead of something to guess. This module is the
one place that decides which facts lead to which questions; ``Program.intake_questions()``
calls it. It reads only data that ``ProgramQuerySet.with_detail_data()`` has loaded, so it
costs no queries.
"""

from .choices import DualDiagnosis, Format, Source

# The facts a FindTreatment.gov import can fill in (see programs/importers). Listed on the pages
# of imported facilities so that families know which facts the national locator supplied.
LOCATOR_FACTS = [
    "name, address, phone numbers and website",
    "level of care",
    "payment accepted and payment help",
    "who is served",
    "languages",
    "licensing and accreditation, and who runs the facility",
    "medications for addiction treatment and treatment approaches",
    "drug and alcohol testing, family services and aftercare planning",
    "mental-health services, where the locator codes them",
]


def intake_questions(program, conditions=()) -> list[str]:
    """Questions about every fact this program has not reported, in the order of the page.

    ``conditions``: the co-occurring conditions the page lists; those the program has not
    reported on are asked about together.
    """
    facility = program.facility
    sessions = list(program.sessions.all())
    roles = list(program.staff_roles.all())
    supports = list(program.condition_support.all())
    questions: list[str] = []

    def ask(unknown: bool, question: str) -> None:
        if unknown:
            questions.append(question)

    # Where and when
    ask(not sessions, "Which days and times do sessions run, and how many hours a week is that?")
    ask(program.format == Format.NOT_REPORTED, "Are sessions in person, online, or both?")
    ask(program.typical_length_weeks is None, "How many weeks does the program usually last?")

    # Who treats you
    credentials = [role.credential for role in roles]
    ask(not roles, "Who is on the treatment team, and what licenses do they hold?")
    ask(
        not any(credential.is_physician for credential in credentials),
        "Is a psychiatrist or other physician available, on site or by referral?",
    )
    ask(
        program.individual_therapy is None,
        "Will I have individual sessions with a licensed therapist, and how often?",
    )
    ask(
        not any(role.leads_groups for role in roles),
        "Who leads the groups, and what credentials do they hold?",
    )
    ask(program.group_size_max is None, "How many people are in a group?")

    # How they treat
    ask(
        not program.modalities.all(),
        "Which therapies do you use (for example CBT, DBT, 12-step facilitation)?",
    )
    ask(
        program.offers_mat is None,
        "Do you prescribe or continue medication for addiction treatment, such as "
        "buprenorphine or naltrexone?",
    )
    ask(
        program.offers_mat is not False and not program.medications.all(),
        "Which medications for addiction treatment can I get or keep taking here?",
    )
    ask(not program.group_topics.all(), "What topics do the groups cover?")
    ask(program.family_program is None, "Is there a family program or family therapy?")
    ask(program.aftercare_planning is None, "Will you help plan aftercare when I finish?")

    # Co-occurring care
    ask(
        program.dual_diagnosis is None,
        "Do you treat mental-health conditions such as depression, anxiety or PTSD here, or "
        "refer out?",
    )
    ask(
        not supports and program.dual_diagnosis not in (None, DualDiagnosis.ADDICTION_ONLY),
        "Which mental-health conditions do you treat on site, and which do you refer out?",
    )
    if supports and program.dual_diagnosis != DualDiagnosis.ADDICTION_ONLY:
        reported = {support.condition_id for support in supports}
        missing = [_in_sentence(c.name) for c in conditions if c.pk not in reported]
        if missing:
            listed = (
                missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} or {missing[-1]}"
            )
            questions.append(f"Do you treat {listed} here, by referral, or not at all?")
    ask(program.psychiatric_evaluation is None, "Is a psychiatric evaluation part of intake?")
    ask(
        program.medication_management is None,
        "Can someone here prescribe and manage psychiatric medication?",
    )

    # Payment, people served, languages, licensing, rules, admission
    ask(
        not facility.payment_types.all(),
        "Which insurance do you accept, and is there a sliding fee or payment plan?",
    )
    ask(not program.populations.all(), "Who is the program for (age, gender, other groups)?")
    ask(not facility.languages.all(), "Which languages do staff speak?")
    ask(
        not facility.accreditations.all(),
        "Is the program licensed by the state, and is it accredited (for example CARF or The "
        "Joint Commission)?",
    )
    ask(program.drug_testing is None, "Do you test for drugs and alcohol, and how often?")
    ask(
        not program.accepting_is_current,
        "Are you taking new clients now, and how soon could I start?",
    )
    return questions


def _in_sentence(name: str) -> str:
    """A condition's name inside a sentence: lower case, except acronyms ("ADHD", "PTSD...")."""
    return name if name.split()[0].isupper() else name[:1].lower() + name[1:]


def facts_from_locator(program) -> list[str]:
    """For a listing imported from the national locator: which of its facts came from there."""
    if program.facility.source != Source.FINDTREATMENT:
        return []
    return LOCATOR_FACTS
