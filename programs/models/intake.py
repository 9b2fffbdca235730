"""Which of a listing's facts came from the national treatment locator.

The questions a family should ask about facts a listing leaves unsaid are declared with each
fact in ``programs/facts.py``.
"""

from .choices import Source

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


def facts_from_locator(program) -> list[str]:
    """For a listing imported from the national locator: which of its facts came from there."""
    if program.facility.source != Source.FINDTREATMENT:
        return []
    return LOCATOR_FACTS
