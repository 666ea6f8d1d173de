"""What managers create: organisations, assessments, functions, answers, results."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from decisions import records
from decisions.models.catalogue import Activity, AnswerOption, Question, SourcingModel

NAME_MAX = 120
NOTE_MAX = 1000
REASON_MAX = 2000


class Organization(models.Model):
    """A client organisation; its members see its assessments and nobody else does."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organizations",
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="one_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"


class Assessment(models.Model):
    """One assessment run of an organisation: a set of business functions to decide on."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in-progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="assessments"
    )
    title = models.CharField(_("title"), max_length=NAME_MAX)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="assessments",
        verbose_name=_("author"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set by the "new assessment" form: a double-clicked submit creates one assessment.
    request_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    history = HistoricalRecords(excluded_fields=["request_token"])

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("assessment")
        indexes = [
            models.Index(fields=["organization", "-updated_at"], name="assessment_org_recent")
        ]

    def __str__(self) -> str:
        return self.title


class FunctionAssessment(models.Model):
    """A business function inside an assessment, its answers and its stored recommendation.

    ``result``, ``snapshot`` and ``previous`` hold JSON whose shape belongs to
    :mod:`decisions.records`; read them through ``stored_result``,
    ``stored_snapshot`` and ``stored_previous``, never by key. A stored result
    never changes until the manager asks to recompute (``previous`` then keeps
    what it was).
    """

    class Status(models.TextChoices):
        NOT_STARTED = "not-started", _("Not started")
        IN_PROGRESS = "in-progress", _("In progress")
        RECOMMENDED = "recommended", _("Recommended")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="functions")
    name = models.CharField(_("business function"), max_length=NAME_MAX)
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="function_assessments",
        verbose_name=_("catalogue activity"),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    answered_count = models.PositiveSmallIntegerField(_("questions answered"), default=0)

    recommended_model = models.ForeignKey(
        SourcingModel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommended_for",
        verbose_name=_("recommended model"),
    )
    confidence = models.FloatField(_("confidence (margin)"), null=True, blank=True)
    borderline = models.BooleanField(_("borderline"), default=False)
    result = models.JSONField(_("result"), null=True, blank=True)
    snapshot = models.JSONField(_("criteria snapshot"), null=True, blank=True)
    criteria_version = models.CharField(_("criteria version"), max_length=20, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    previous = models.JSONField(_("previous result"), null=True, blank=True)

    final_model = models.ForeignKey(
        SourcingModel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_for",
        verbose_name=_("final decision"),
    )
    final_reason = models.TextField(_("reason"), max_length=REASON_MAX, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    # The stored result and its snapshot stay out: they are large, and criteria_version
    # (kept) names the snapshot a result was computed with.
    history = HistoricalRecords(excluded_fields=["result", "snapshot", "previous"])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("function assessment")
        indexes = [models.Index(fields=["assessment", "order"], name="function_in_assessment")]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def stored_result(self) -> records.StoredResult | None:
        return records.StoredResult.from_json(self.result) if self.result else None

    @cached_property
    def stored_snapshot(self) -> records.Snapshot | None:
        return records.Snapshot.from_json(self.snapshot) if self.snapshot else None

    @cached_property
    def stored_previous(self) -> records.PreviousResult | None:
        return records.PreviousResult.from_json(self.previous) if self.previous else None

    def store(
        self,
        result: records.StoredResult,
        snapshot: records.Snapshot,
        previous: records.PreviousResult | None,
    ) -> None:
        """Set the three JSON fields from their records (the caller saves)."""
        self.result = result.to_json()
        self.snapshot = snapshot.to_json()
        self.previous = previous.to_json() if previous else None
        self.criteria_version = snapshot.version
        for name in ("stored_result", "stored_snapshot", "stored_previous"):
            self.__dict__.pop(name, None)

    def refresh_from_db(
        self,
        using: str | None = None,
        fields: Iterable[str] | None = None,
        from_queryset: models.QuerySet[FunctionAssessment] | None = None,
    ) -> None:
        for name in ("stored_result", "stored_snapshot", "stored_previous"):
            self.__dict__.pop(name, None)
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)


class Answer(models.Model):
    """The option a manager chose for one question of one function, with a note."""

    function = models.ForeignKey(
        FunctionAssessment, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(AnswerOption, on_delete=models.PROTECT, related_name="answers")
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer")
        constraints = [
            models.UniqueConstraint(fields=["function", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.function}: {self.option}"
