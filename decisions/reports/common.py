"""Helpers the exporters share: file names."""

from __future__ import annotations

from django.utils import timezone
from django.utils.text import slugify

from decisions.models import Assessment


def export_filename(assessment: Assessment, extension: str) -> str:
    """An ASCII file name safe in a Content-Disposition header and on any file system."""
    title = slugify(assessment.title)[:60].strip("-") or "assessment"
    today = timezone.localdate().isoformat()
    return f"sourcing-{assessment.pk}-{title}-{today}.{extension}"
