"""Writes: assessments, answers, recommendations and final decisions.

Every service is keyword-only, validates, and runs in a transaction so a
failure leaves nothing half-written.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, OuterRef, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from decisions import questionnaire, records, scoring
from decisions.advice import specialised_model
from decisions.models import (
    Activity,
    Answer,
    Assessment,
    Criterion,
    FunctionAssessment,
    Organization,
    SourcingModel,
)
from decisions.models.assessments import NOTE_MAX
from decisions.questionnaire import QuestionDef, Questionnaire

NOT_A_MEMBER = _("You are not a member of this organisation.")
OPTION_NOT_OF_QUESTION = _("Choose one of the options offered for this question.")
NO_FUNCTIONS = _("Choose at least one business function or add one by name.")
DUPLICATE_FUNCTION = _("Each business function can be assessed only once per assessment.")
REASON_REQUIRED = _("Say why the final decision differs from the recommendation.")
NOT_RECOMMENDED_YET = _("Answer every question before recording a final decision.")
NO_WEIGHT = _("Every scored criterion has weight 0: ask an admin to set the weights.")
STALE_FORM = _("This form has expired: reload the page and submit it again.")
NOTE_TOO_LONG = _("Keep the note to %(max)d characters.")
QUESTIONNAIRE_CHANGED = _(
    "The questionnaire was changed by an administrator while you answered: "
    "reload the page and answer again."
)
TOO_MANY_ASSESSMENTS = _(
    "You have created %(max)d assessments in the last hour: wait a while before creating "
    "another, or add functions to one you have."
)
MAX_FUNCTIONS = 200


def assessment_create(
    *,
    user: User,
    organization: Organization,
    title: str,
    activities: Sequence[Activity] = (),
    custom_functions: Sequence[tuple[str, Activity | None]] = (),
    request_token: uuid.UUID | None = None,
) -> Assessment:
    """Create an assessment with one function per chosen activity and custom name.

    A repeated ``request_token`` (a double-clicked submit) returns the
    assessment the first submit created instead of a second one.
    """
    if not organization.memberships.filter(user=user).exists():
        raise ValidationError(NOT_A_MEMBER, code="not_member")
    if request_token is not None:
        existing = Assessment.objects.filter(request_token=request_token, owner=user).first()
        if existing is not None:
            return existing
    names = [(a.name, a) for a in activities] + [
        (name.strip(), activity) for name, activity in custom_functions if name.strip()
    ]
    if not names:
        raise ValidationError(NO_FUNCTIONS, code="no_functions")
    if len({name.casefold() for name, _activity in names}) != len(names):
        raise ValidationError(DUPLICATE_FUNCTION, code="duplicate_function")
    if len(names) > MAX_FUNCTIONS:
        raise ValidationError(
            _("An assessment holds at most %(max)d functions."), params={"max": MAX_FUNCTIONS}
        )
    try:
        with transaction.atomic():
            _check_hourly_cap(user)
            assessment = Assessment(
                organization=organization, title=title, owner=user, request_token=request_token
            )
            # The token's uniqueness is left to the database: a parallel submit that
            # wins the race shows up as the IntegrityError handled below.
            assessment.full_clean(exclude=["request_token"])
            assessment.save()
            functions = [
                FunctionAssessment(assessment=assessment, name=name, activity=activity, order=i)
                for i, (name, activity) in enumerate(names, start=1)
            ]
            for function in functions:
                function.full_clean(exclude=["assessment"])
            FunctionAssessment.objects.bulk_create(functions)
    except IntegrityError:
        if request_token is None:
            raise
        # The same token raced in from a parallel request: that one won.
        existing = Assessment.objects.filter(request_token=request_token, owner=user).first()
        if existing is None:
            # Another user's token: a replayed or forged form, not a double click.
            raise ValidationError(STALE_FORM, code="stale_form") from None
        return existing
    return assessment


def _check_hourly_cap(user: User) -> None:
    """At most ``ASSESSMENTS_PER_HOUR`` new assessments per member in the last hour.

    The member's row is locked first, so parallel submits are counted one after the other.
    """
    User.objects.select_for_update().filter(pk=user.pk).exists()
    cap = settings.ASSESSMENTS_PER_HOUR
    recent = Assessment.objects.filter(
        owner=user, created_at__gte=timezone.now() - timedelta(hours=1)
    )
    if recent.count() >= cap:
        raise ValidationError(
            TOO_MANY_ASSESSMENTS, code="too_many_assessments", params={"max": cap}
        )


def answer_save(
    *,
    function: FunctionAssessment,
    question: QuestionDef,
    option_id: int,
    note: str = "",
    user: User,
    walkthrough: Questionnaire | None = None,
) -> Answer:
    """Save (or change) the answer to one question and recompute when complete.

    ``question`` comes from the current questionnaire (``questionnaire.current()``,
    passed as ``walkthrough`` when the caller already has it). The function row
    is locked for the duration, so two saves of the same step at the same
    moment end with exactly one answer and one recommendation.
    """
    if question.option(option_id) is None:
        raise ValidationError({"option": OPTION_NOT_OF_QUESTION}, code="foreign_option")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": ValidationError(NOTE_TOO_LONG, params={"max": NOTE_MAX})},
            code="note_too_long",
        )
    try:
        with transaction.atomic():
            locked = FunctionAssessment.objects.select_for_update().get(pk=function.pk)
            answer, _created = Answer.objects.update_or_create(
                function=locked,
                question_id=question.id,
                defaults={"option_id": option_id, "note": note, "answered_by": user},
            )
            _refresh_progress(locked, walkthrough)
    except IntegrityError as error:
        # The question or option was deleted between reading the questionnaire and saving.
        raise ValidationError(QUESTIONNAIRE_CHANGED, code="questionnaire_changed") from error
    function.refresh_from_db()
    return answer


def _refresh_progress(
    function: FunctionAssessment, walkthrough: Questionnaire | None = None
) -> None:
    """Update the progress counters; (re)compute the recommendation once complete."""
    if walkthrough is None:
        walkthrough = questionnaire.current()
    answered = set(function.answers.values_list("question_id", flat=True))
    function.answered_count = sum(1 for q in walkthrough.questions if q.id in answered)
    complete = function.answered_count == len(walkthrough) and len(walkthrough) > 0
    if complete:
        _compute(function, walkthrough)
    else:
        function.status = (
            FunctionAssessment.Status.IN_PROGRESS
            if function.answered_count
            else FunctionAssessment.Status.NOT_STARTED
        )
        function.save(update_fields=["answered_count", "status"])
    _refresh_assessment_status(function.assessment_id)


def _refresh_assessment_status(assessment_id: int) -> None:
    """Completed when every function has a recommendation; one UPDATE."""
    pending = FunctionAssessment.objects.filter(assessment_id=OuterRef("pk")).exclude(
        status=FunctionAssessment.Status.RECOMMENDED
    )
    Assessment.objects.filter(pk=assessment_id).update(
        status=Case(
            When(Exists(pending), then=Value(Assessment.Status.IN_PROGRESS)),
            default=Value(Assessment.Status.COMPLETED),
        ),
        updated_at=timezone.now(),
    )


def _answer_entries(
    function: FunctionAssessment, walkthrough: Questionnaire
) -> list[records.AnswerEntry]:
    answers = {
        answer.question_id: answer
        for answer in function.answers.only("question_id", "option_id", "note")
    }
    entries = []
    for question in walkthrough.questions:
        answer = answers[question.id]
        option = question.option(answer.option_id)
        if option is None:  # the option moved to another question since it was chosen
            raise ValidationError(QUESTIONNAIRE_CHANGED, code="questionnaire_changed")
        entries.append(
            records.AnswerEntry(
                criterion=question.criterion.slug,
                criterion_name=question.criterion.name,
                kind=question.criterion.kind,
                question_id=question.id,
                question=question.text,
                option_id=option.id,
                option_code=option.code,
                option_label=option.label,
                note=answer.note,
            )
        )
    return entries


def _compute(function: FunctionAssessment, walkthrough: Questionnaire) -> None:
    snapshot = walkthrough.snapshot
    answers = _answer_entries(function, walkthrough)
    option_scores = snapshot.option_scores()
    weights = {c.slug: c.weight for c in snapshot.criteria}
    inputs = [
        scoring.CriterionInput(
            slug=a.criterion, weight=weights[a.criterion], scores=option_scores[a.option_id]
        )
        for a in answers
        if a.kind == Criterion.Kind.SCORED
    ]
    try:
        engine = scoring.score(inputs, snapshot.scored_models)
    except scoring.ScoringError as error:
        raise ValidationError(NO_WEIGHT if "weight" in str(error) else str(error)) from error
    activity_model = function.activity.typical_model.slug if function.activity is not None else None
    recommended = specialised_model(engine.winner, activity_model, snapshot.models)
    earlier = function.stored_result
    previous = function.stored_previous
    if earlier is not None and function.criteria_version != snapshot.version:
        previous = records.PreviousResult(
            recommended=earlier.recommended,
            scores=earlier.scores,
            criteria_version=function.criteria_version,
            computed_at=function.computed_at,
            snapshot=function.stored_snapshot,
        )
    function.store(
        records.StoredResult(engine=engine, recommended=recommended, answers=tuple(answers)),
        snapshot,
        previous,
    )
    function.recommended_model = SourcingModel.objects.get(slug=recommended)
    function.confidence = engine.margin
    function.borderline = engine.borderline
    function.computed_at = timezone.now()
    function.status = FunctionAssessment.Status.RECOMMENDED
    function.save()


def recommendation_recompute(*, function: FunctionAssessment) -> FunctionAssessment:
    """Recompute a stored recommendation under the current catalogue.

    The earlier result is kept in ``previous`` when the criteria changed, so
    the page can show what changed.
    """
    with transaction.atomic():
        locked = FunctionAssessment.objects.select_for_update().get(pk=function.pk)
        _refresh_progress(locked)
    function.refresh_from_db()
    return function


def decision_record(
    *,
    function: FunctionAssessment,
    final_model: SourcingModel,
    reason: str,
    user: User,
) -> FunctionAssessment:
    """Record the manager's final decision; a reason is required when it differs."""
    reason = reason.strip()
    if function.recommended_model_id is None:
        raise ValidationError(NOT_RECOMMENDED_YET, code="not_recommended")
    if final_model.pk != function.recommended_model_id and not reason:
        raise ValidationError({"reason": REASON_REQUIRED}, code="reason_required")
    with transaction.atomic():
        locked = FunctionAssessment.objects.select_for_update().get(pk=function.pk)
        locked.final_model = final_model
        locked.final_reason = reason
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.full_clean(exclude=["assessment", "activity", "recommended_model"])
        locked.save(update_fields=["final_model", "final_reason", "decided_by", "decided_at"])
        Assessment.objects.filter(pk=locked.assessment_id).update(updated_at=timezone.now())
    function.refresh_from_db()
    return function
