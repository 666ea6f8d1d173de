"""Helpers the exporters share: which functions have a result, file names."""

from __future__ import annotations

from django.utils import timezone
from django.utils.text import slugify

from decisions.models import Assessment, FunctionAssessment


def has_recommendation(function: FunctionAssessment) -> bool:
    """Whether the function is fully answered and has a stored result to report."""
    return (
        function.status == FunctionAssessment.Status.RECOMMENDED
        and bool(function.result)
        and bool(function.snapshot)
    )


def export_filename(assessment: Assessment, extension: str) -> str:
    """An ASCII file name safe in a Content-Disposition header and on any file system."""
    title = slugify(assessment.title)[:60].strip("-") or "assessment"
    today = timezone.localdate().isoformat()
    return f"sourcing-{assessment.pk}-{title}-{today}.{extension}"
