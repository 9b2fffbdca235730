"""Which of a listing's facts came from the national treatment locator.

The questions a family should ask about facts a listing leaves unsaid are declared with each
fact in ``programs/facts.py``.
"""

from django.utils.translation import gettext_lazy as _

from .choices import Source

# The facts a FindTreatment.gov import can fill in (see programs/importers). Listed on the pages
# of imported facilities so that families know which facts the national locator supplied.
LOCATOR_FACTS = [
    _("name, address, phone numbers and website"),
    _("level of care"),
    _("payment accepted and payment help"),
    _("who is served"),
    _("languages"),
    _("licensing and accreditation, and who runs the facility"),
    _("medications for addiction treatment and treatment approaches"),
    _("drug and alcohol testing, family services and aftercare planning"),
    _("mental-health services, where the locator codes them"),
]


def facts_from_locator(program) -> list[str]:
    """For a listing imported from the national locator: which of its facts came from there."""
    if program.facility.source != Source.FINDTREATMENT:
        return []
    return [str(fact) for fact in LOCATOR_FACTS]
