"""Document control: what the report says about itself (status, version, who, when).

The approval workflow builds a :class:`DocumentControl` for the version it renders
(``decisions.approvals``); a report rendered outside it (tests, the bench) uses
:func:`draft_control`. The PDF prints it on page 1 and in its metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from decisions.models import Assessment


@dataclass(frozen=True)
class DocumentControl:
    """Everything page 1's document-control block prints, already in words."""

    status: str  # "Draft", "Submitted for approval", "Approved", "Returned for changes"
    version: int  # the assessment version this report shows (1, 2, ...)
    prepared_by: str  # the assessment's author
    prepared_for: str  # who is asked to decide (the approvers, else the organisation)
    generated_at: datetime  # aware
    approved_by: str = ""
    approved_at: datetime | None = None  # aware
    submitted_at: datetime | None = None  # aware
    # SHA-256 (hex) of the content the report was made from; the app shows the SHA-256
    # of the PDF bytes themselves (a document cannot contain its own hash).
    fingerprint: str = ""
    include_appendix: bool = False

    @property
    def time_zone(self) -> str:
        return timezone.get_current_timezone_name()


def person_name(user: object) -> str:
    if user is None:
        return ""
    full = user.get_full_name()  # type: ignore[attr-defined]
    return str(full or user.get_username())  # type: ignore[attr-defined]


def draft_control(assessment: Assessment, *, include_appendix: bool = False) -> DocumentControl:
    """A working draft of the current answers, not part of any approval."""
    return DocumentControl(
        status=_("Draft"),
        version=1,
        prepared_by=person_name(assessment.owner),
        prepared_for=assessment.organization.name,
        generated_at=timezone.localtime(),
        include_appendix=include_appendix,
    )
