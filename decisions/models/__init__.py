"""Models: the catalogue (reference knowledge) and the decisions managers make."""

from decisions.models.assessments import (
    Answer,
    Assessment,
    FunctionAssessment,
    Membership,
    Organization,
)
from decisions.models.catalogue import (
    Activity,
    AnswerOption,
    Benefit,
    CatalogueVersion,
    Criterion,
    DeliveryOption,
    Disagreement,
    Industry,
    OptionScore,
    Provider,
    Question,
    Reading,
    Source,
    SourcingModel,
)

__all__ = [
    "Activity",
    "Answer",
    "AnswerOption",
    "Assessment",
    "Benefit",
    "CatalogueVersion",
    "Criterion",
    "DeliveryOption",
    "Disagreement",
    "FunctionAssessment",
    "Industry",
    "Membership",
    "OptionScore",
    "Organization",
    "Provider",
    "Question",
    "Reading",
    "Source",
    "SourcingModel",
]
