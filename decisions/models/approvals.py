"""The approval workflow and the rendered reports (issue 12).

- :class:`AssessmentVersion` — one state of an assessment's content (named by its
  content fingerprint) that was submitted for approval; its workflow state.
- :class:`VersionTransition` — every step of the workflow: who, when, what, a comment.
- :class:`FrozenReport` — the exact PDF bytes of an approved version, never changed.
- :class:`ReportRender` — a report rendered in the background, cached by the fingerprint
  of what it shows (one row per assessment, fingerprint and appendix choice).

PDF bytes live in the database (``BinaryField``), not in MEDIA_ROOT: every web node and
every worker sees them through the one database, with no shared file system to set up,
and a frozen report is backed up with the decision it records.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from decisions.models.assessments import Assessment

COMMENT_MAX = 2000
SHA256_LENGTH = 64


class AssessmentVersion(models.Model):
    """A version of an assessment: its content as it was when submitted for approval.

    The version an assessment is at is worked out from its content fingerprint
    (``decisions.approvals``): while the content matches this row's ``fingerprint`` the
    assessment *is* this version; any later edit or recompute makes it the next one.
    """

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")
        SUPERSEDED = "superseded", _("Superseded by a later version")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    fingerprint = models.CharField(_("content fingerprint"), max_length=SHA256_LENGTH)
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    include_appendix = models.BooleanField(_("appendix in the report"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("approver"),
    )
    submitted_at = models.DateTimeField(_("submitted"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX, blank=True)
    freeze_error = models.TextField(_("freezing failed"), blank=True)

    class Meta:
        ordering = ["assessment", "-number"]
        verbose_name = _("assessment version")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="one_version_number"),
            models.UniqueConstraint(
                fields=["assessment", "fingerprint"], name="one_version_per_content"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} v{self.number}"


class VersionTransition(models.Model):
    """One step of the approval workflow, kept for the record."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted for approval")
        APPROVE = "approve", _("Approved")
        RETURN = "return", _("Returned for changes")
        SUPERSEDE = "supersede", _("Superseded by a later version")
        FREEZE = "freeze", _("Report frozen")

    version = models.ForeignKey(
        AssessmentVersion, on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"))
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("approval step")

    def __str__(self) -> str:
        return f"{self.version}: {self.get_action_display()}"


class FrozenReport(models.Model):
    """The PDF of an approved version, byte for byte; written once, never updated."""

    version = models.OneToOneField(
        AssessmentVersion, on_delete=models.CASCADE, related_name="frozen_report"
    )
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("SHA-256"), max_length=SHA256_LENGTH)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("frozen"), auto_now_add=True)

    class Meta:
        verbose_name = _("frozen report")

    def __str__(self) -> str:
        return f"{self.version}: {self.sha256[:12]}"


class ReportRender(models.Model):
    """A report requested by a member and rendered by a background worker.

    Unique per assessment, fingerprint and appendix choice: a double click, or a
    colleague asking for the same report, finds the row and enqueues nothing.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    IN_FLIGHT = (State.QUEUED, State.RUNNING)

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="renders")
    fingerprint = models.CharField(_("fingerprint"), max_length=SHA256_LENGTH)
    include_appendix = models.BooleanField(_("with the appendix"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"))
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content = models.BinaryField(_("PDF"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=SHA256_LENGTH, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("rendered report")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "fingerprint", "include_appendix"],
                name="one_render_per_content",
            )
        ]
        indexes = [models.Index(fields=["requested_by", "state"], name="render_in_flight")]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.fingerprint[:12]} ({self.state})"
