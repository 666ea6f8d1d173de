"""Deciding together: who answers a function, what the owner settled, invitations by link.

Answers belong to a :class:`Respondent` (one per function and person). A function with one
respondent and nothing settled is computed exactly as in stage one; more respondents (or a
settlement) go through :mod:`decisions.consensus`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from decisions.models.assessments import NOTE_MAX, Assessment, FunctionAssessment
from decisions.models.catalogue import AnswerOption, Question

EMAIL_MAX = 254


class Respondent(models.Model):
    """A person asked to answer one function (or who answered it on their own).

    ``submitted_at`` is set when the person has answered every question: from then on the
    group result counts their answers and they may see the others'. ``user`` is null only
    when the account was deleted later (their answers stay part of the record).
    """

    function = models.ForeignKey(
        FunctionAssessment, on_delete=models.CASCADE, related_name="respondents"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="respondents",
        verbose_name=_("respondent"),
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        verbose_name = _("respondent")
        constraints = [
            models.UniqueConstraint(fields=["function", "user"], name="one_respondent_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.function}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class Settlement(models.Model):
    """The owner's agreed answer to one question of a function, beside the individual answers.

    ``option`` null means the agreement is "nobody knows" (the criterion is left out).
    """

    function = models.ForeignKey(
        FunctionAssessment, on_delete=models.CASCADE, related_name="settlements"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="settlements")
    option = models.ForeignKey(
        AnswerOption,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settlements",
        verbose_name=_("agreed answer"),
    )
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    settled_at = models.DateTimeField(_("settled at"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("settled criterion")
        constraints = [
            models.UniqueConstraint(fields=["function", "question"], name="one_settlement")
        ]

    def __str__(self) -> str:
        return f"{self.function}: {self.option or _('Not sure')}"


class Invitation(models.Model):
    """A single-use, expiring link that brings a colleague without an account in.

    Only the SHA-256 of the token is stored; the link itself is mailed once.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="invitations")
    functions = models.ManyToManyField(FunctionAssessment, related_name="invitations")
    email = models.EmailField(_("email"), max_length=EMAIL_MAX)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")

    def __str__(self) -> str:
        return self.email
