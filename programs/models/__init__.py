"""The program data model, one module per concept."""

from .changes import ListingsVersion
from .choices import (
    NOT_REPORTED_LABEL,
    Availability,
    ConditionSupportLevel,
    DualDiagnosis,
    Format,
    LevelOfCare,
    ModalityKind,
    Operation,
    Source,
    Weekday,
)
from .curation import (
    ProposalStatus,
    ProviderLink,
    ProviderLinkError,
    ProviderProposal,
    Report,
    ReportReason,
    Resolution,
)
from .facility import Facility
from .imports import ImportChange
from .lookups import (
    Accreditation,
    Condition,
    Credential,
    GroupTopic,
    Language,
    Medication,
    Modality,
    PaymentType,
    Population,
)
from .program import (
    ConditionSupport,
    Program,
    ProgramText,
    Session,
    StaffRole,
    schedule_figures,
)

__all__ = [
    "NOT_REPORTED_LABEL",
    "Accreditation",
    "Availability",
    "Condition",
    "ConditionSupport",
    "ConditionSupportLevel",
    "Credential",
    "DualDiagnosis",
    "Facility",
    "Format",
    "GroupTopic",
    "ImportChange",
    "Language",
    "LevelOfCare",
    "ListingsVersion",
    "Medication",
    "Modality",
    "ModalityKind",
    "Operation",
    "PaymentType",
    "Population",
    "Program",
    "ProgramText",
    "ProposalStatus",
    "ProviderLink",
    "ProviderLinkError",
    "ProviderProposal",
    "Report",
    "ReportReason",
    "Resolution",
    "Session",
    "Source",
    "StaffRole",
    "Weekday",
    "schedule_figures",
]
