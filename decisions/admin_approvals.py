"""Admin for the approval workflow and the reports rendered in the background.

Versions, their steps and frozen reports are records: shown, never edited or deleted
here (the app's workflow makes them). A rendered report is only a cache: deleting one
makes the next request render it again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django_tasks_db.models import DBTaskResult

from decisions.admin import ReadOnlyInline, SuperuserOnlyAdmin, ViewOnlyAdmin
from decisions.models import AssessmentVersion, FrozenReport, ReportRender, VersionTransition

# django-tasks-db's own page of the queue lets any staff member with its permissions read
# task arguments and tracebacks; renders are shown below, for superusers only.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


class VersionTransitionInline(ReadOnlyInline):
    model = VersionTransition
    fields = readonly_fields = ("at", "action", "actor", "comment")


class FrozenReportInline(ReadOnlyInline):
    model = FrozenReport
    fields = readonly_fields = ("filename", "sha256", "size", "created_at")


@admin.register(AssessmentVersion)
class AssessmentVersionAdmin(ViewOnlyAdmin):
    list_display = ["assessment", "number", "state", "submitted_by", "decided_by", "decided_at"]
    list_filter = ["state"]
    list_select_related = ["assessment", "submitted_by", "decided_by"]
    search_fields = ["assessment__title", "assessment__organization__name"]
    ordering = ["-submitted_at", "-pk"]
    readonly_fields = (
        "assessment",
        "number",
        "fingerprint",
        "state",
        "include_appendix",
        "submitted_by",
        "submitted_to",
        "submitted_at",
        "decided_by",
        "decided_at",
        "comment",
        "freeze_error",
    )
    fields = readonly_fields
    inlines = [FrozenReportInline, VersionTransitionInline]


@admin.register(ReportRender)
class ReportRenderAdmin(SuperuserOnlyAdmin):
    list_display = ["assessment", "include_appendix", "state", "requested_by", "requested_at"]
    list_filter = ["state"]
    list_select_related = ["assessment", "requested_by"]
    search_fields = ["assessment__title", "fingerprint", "sha256"]
    ordering = ["-requested_at", "-pk"]
    fields = readonly_fields = (
        "assessment",
        "fingerprint",
        "include_appendix",
        "state",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
        "task_id",
        "filename",
        "sha256",
        "error",
    )

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


__all__ = ["AssessmentVersionAdmin", "ReportRenderAdmin"]
