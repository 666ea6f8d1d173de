"""Writes: assessments, answers, recommendations, final decisions, business cases and risks.

Every service is keyword-only, validates, and runs in a transaction so a
failure leaves nothing half-written. The business-case services check figures with
the same arithmetic the pages use (``decisions.costing``), so a figure that saves is
one the pages can show.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, OuterRef, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from decisions import costing, questionnaire, records, scoring
from decisions.advice import specialised_model
from decisions.business_case import costing_message
from decisions.models import (
    Activity,
    Answer,
    Assessment,
    BusinessCase,
    Criterion,
    FunctionAssessment,
    Organization,
    PriceOverride,
    PricingBasis,
    RiskRating,
    RiskType,
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


def function_names(
    activities: Sequence[Activity], custom_functions: Sequence[tuple[str, Activity | None]]
) -> list[tuple[str, Activity | None]]:
    """The functions a new assessment gets: one per chosen activity, then each custom name."""
    return [(a.name, a) for a in activities] + [
        (name.strip(), activity) for name, activity in custom_functions if name.strip()
    ]


def function_list_error(names: Sequence[tuple[str, Activity | None]]) -> ValidationError | None:
    """What is wrong with a new assessment's list of functions, if anything (no query: forms
    show it together with their other errors)."""
    if not names:
        return ValidationError(NO_FUNCTIONS, code="no_functions")
    if len({name.casefold() for name, _activity in names}) != len(names):
        return ValidationError(DUPLICATE_FUNCTION, code="duplicate_function")
    if len(names) > MAX_FUNCTIONS:
        return ValidationError(
            _("An assessment holds at most %(max)d functions."), params={"max": MAX_FUNCTIONS}
        )
    return None


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
    names = function_names(activities, custom_functions)
    error = function_list_error(names)
    if error is not None:
        raise error
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
    refresh_assessment_status(function.assessment_id)


def refresh_assessment_status(assessment_id: int) -> None:
    """Completed when every function has a recommendation and a final decision; one UPDATE."""
    pending = FunctionAssessment.objects.filter(assessment_id=OuterRef("pk")).exclude(
        status=FunctionAssessment.Status.RECOMMENDED, final_model__isnull=False
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
    answers = _answer_entries(function, walkthrough)
    # The prices its business case is estimated with: kept until the next computation.
    snapshot = walkthrough.snapshot.with_pricing(
        walkthrough.pricing_for(walkthrough.location_of(answers))
    )
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
        refresh_assessment_status(locked.assessment_id)
    function.refresh_from_db()
    return function


# --- Organisation settings, the business case and the risk register ---------------------------

NEEDS_A_BASELINE = _("Enter today's cost of this function first: a price is compared with it.")
NOT_PRICED = _("Keeping the work in-house is today's cost: it takes no price.")
CURRENCY_CHANGED = _(
    "The organisation now reports in %(currency)s: check that the amounts are in "
    "%(currency)s and save again."
)
PRICE_CURRENCY = _(
    "Today's cost of this function is in %(currency)s: give the price in %(currency)s too."
)
PRICE_NO_LONGER_FITS = _(
    "Your %(model)s price no longer fits: %(problem)s Change or remove that price first."
)
RATE_BOTH = _("Rate both the likelihood and the impact, or neither.")
OWNER_TOO_LONG = _("Keep the owner to %(max)d characters.")


def _costing_error(error: costing.CostingError, fields: Sequence[str]) -> ValidationError:
    """A costing error as a ValidationError on its field (when the form has it)."""
    message = costing_message(error)
    if error.field in fields:
        return ValidationError({error.field: message}, code="costing")
    return ValidationError(message, code="costing")


def _touch(assessment_id: int) -> None:
    Assessment.objects.filter(pk=assessment_id).update(updated_at=timezone.now())


def organization_settings_save(
    *,
    organization: Organization,
    user: User,
    currency: str,
    discount_rate_percent: Decimal,
    contract_term_months: int,
) -> Organization:
    """Change the currency, discount rate and default term of an organisation's business cases.

    Business cases entered in another currency keep it (and say so) until they are edited.
    """
    if not organization.memberships.filter(user=user).exists():
        raise ValidationError(NOT_A_MEMBER, code="not_member")
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        locked.currency = currency.strip().upper()
        locked.discount_rate_percent = discount_rate_percent
        locked.contract_term_months = contract_term_months
        locked.full_clean(exclude=["slug", "name"])
        locked.save(update_fields=["currency", "discount_rate_percent", "contract_term_months"])
    organization.refresh_from_db()
    return organization


BASELINE_FIELDS = ("annual_cost", "ftes", "cost_per_fte", "yearly_volume")


def business_case_save(
    *,
    function: FunctionAssessment,
    user: User,
    currency: str,
    annual_cost: Decimal | None,
    ftes: Decimal | None,
    cost_per_fte: Decimal | None,
    yearly_volume: int | None,
) -> BusinessCase:
    """Record (or change) today's in-house cost of a function: its business-case baseline.

    ``currency`` is the one the form showed; it must still be the organisation's. The
    function's own prices must still resolve against the new baseline (a per-transaction
    price needs a volume), or nothing is saved.
    """
    organization = function.assessment.organization
    if currency != organization.currency:
        raise ValidationError(
            CURRENCY_CHANGED, code="currency_changed", params={"currency": organization.currency}
        )
    with transaction.atomic():
        locked = FunctionAssessment.objects.select_for_update().get(pk=function.pk)
        case = BusinessCase.objects.filter(function=locked).first() or BusinessCase(function=locked)
        case.currency = currency
        case.annual_cost = annual_cost
        case.ftes = ftes
        case.cost_per_fte = cost_per_fte
        case.yearly_volume = yearly_volume
        case.updated_by = user
        try:  # first: its messages say more than the columns' size limits
            baseline = case.baseline()
        except costing.CostingError as error:
            raise _costing_error(error, BASELINE_FIELDS) from error
        case.full_clean(exclude=["function"])
        terms = organization.terms()
        for price in locked.price_overrides.select_related("sourcing_model"):
            try:
                costing.estimate(baseline, price.entry(price.sourcing_model.slug).pricing(), terms)
            except costing.CostingError as error:
                message = ValidationError(
                    PRICE_NO_LONGER_FITS,
                    code="price_no_longer_fits",
                    params={
                        "model": price.sourcing_model.abbreviation,
                        "problem": costing_message(error),
                    },
                )
                field = error.field if error.field in BASELINE_FIELDS else None
                raise (ValidationError({field: message}) if field else message) from error
        case.save()
        _touch(locked.assessment_id)
    return case


def business_case_delete(*, function: FunctionAssessment) -> None:
    """Forget a function's business case: its baseline and its own prices."""
    with transaction.atomic():
        locked = FunctionAssessment.objects.select_for_update().get(pk=function.pk)
        PriceOverride.objects.filter(function=locked).delete()
        BusinessCase.objects.filter(function=locked).delete()
        _touch(locked.assessment_id)


PRICE_FIELDS = (
    "basis",
    "low",
    "expected",
    "high",
    "currency",
    "transition_basis",
    "transition_value",
    "governance_basis",
    "governance_value",
)
# Which baseline figure a price on a basis needs, to say so beside the basis.
_NEEDS = {
    costing.MissingVolumeError: PricingBasis.PER_TRANSACTION,
    costing.MissingFtesError: PricingBasis.PER_FTE,
}


@dataclass(frozen=True)
class PriceInput:
    """What a manager enters for one model's price: an own assumption or a provider's quote."""

    kind: str
    provider: str
    basis: str
    low: Decimal
    expected: Decimal
    high: Decimal
    currency: str
    transition_basis: str
    transition_value: Decimal
    governance_basis: str
    governance_value: Decimal
    note: str


def price_save(
    *, function: FunctionAssessment, model: SourcingModel, user: User, price: PriceInput
) -> PriceOverride:
    """Replace the catalogue's assumption for one model in this function's business case.

    The price must fit the function's baseline: the same currency, and a volume or an
    FTE count when it is per transaction or per FTE.
    """
    if not model.is_outsourced:
        raise ValidationError(NOT_PRICED, code="not_priced")
    with transaction.atomic():
        locked = FunctionAssessment.objects.select_for_update().get(pk=function.pk)
        case = BusinessCase.objects.filter(function=locked).first()
        if case is None:
            raise ValidationError(NEEDS_A_BASELINE, code="needs_a_baseline")
        override = PriceOverride.objects.filter(
            function=locked, sourcing_model=model
        ).first() or PriceOverride(function=locked, sourcing_model=model)
        for name, value in vars(price).items():
            setattr(override, name, value.strip() if isinstance(value, str) else value)
        override.currency = override.currency.upper()
        override.updated_by = user
        try:  # first: its messages say more than the columns' limits
            pricing = override.entry(model.slug).pricing()
        except costing.CostingError as error:
            raise _costing_error(error, PRICE_FIELDS) from error
        override.full_clean(exclude=["function", "sourcing_model"])
        if pricing.currency is not None and pricing.currency != case.currency:
            raise ValidationError(
                {"currency": ValidationError(PRICE_CURRENCY, params={"currency": case.currency})},
                code="currency_mismatch",
            )
        try:
            costing.estimate(case.baseline(), pricing, locked.assessment.organization.terms())
        except costing.CostingError as error:
            needed = _NEEDS.get(type(error))
            field = next(
                (
                    name
                    for name in ("basis", "transition_basis", "governance_basis")
                    if getattr(override, name) == needed
                ),
                error.field,
            )
            raise _costing_error(error.__class__(str(error), field=field), PRICE_FIELDS) from error
        override.save()
        _touch(locked.assessment_id)
    return override


def price_delete(*, function: FunctionAssessment, model: SourcingModel) -> None:
    """Go back to the catalogue's assumption for one model."""
    with transaction.atomic():
        locked = FunctionAssessment.objects.select_for_update().get(pk=function.pk)
        PriceOverride.objects.filter(function=locked, sourcing_model=model).delete()
        _touch(locked.assessment_id)


@dataclass(frozen=True)
class RatingInput:
    """One risk type's rating for a function; no likelihood and no impact means not rated."""

    risk_type: RiskType
    likelihood: int | None
    impact: int | None
    owner: str = ""
    mitigation: str = ""


def _rating_values(rating: RiskRating) -> tuple[object, ...]:
    return (rating.likelihood, rating.impact, rating.owner, rating.mitigation)


def risks_save(
    *, function: FunctionAssessment, user: User, ratings: Sequence[RatingInput]
) -> list[RiskRating]:
    """Replace a function's risk register with ``ratings``; all of them or none are saved.

    Errors are keyed ``<risk type slug>-<field>`` so a form can show them beside the field.
    """
    errors: dict[str, list[ValidationError]] = {}
    kept: list[RiskRating] = []
    unchanged: set[int] = set()  # saved again, they would add a history entry for nothing
    with transaction.atomic():
        locked = FunctionAssessment.objects.select_for_update().get(pk=function.pk)
        existing = {r.risk_type_id: r for r in locked.risk_ratings.all()}
        rated: set[int] = set()
        for entry in ratings:
            prefix = entry.risk_type.slug
            if entry.likelihood is None and entry.impact is None:
                continue
            if entry.likelihood is None or entry.impact is None:
                missing = "likelihood" if entry.likelihood is None else "impact"
                errors.setdefault(f"{prefix}-{missing}", []).append(
                    ValidationError(RATE_BOTH, code="rate_both")
                )
                continue
            rating = existing.get(entry.risk_type.pk) or RiskRating(
                function=locked, risk_type=entry.risk_type
            )
            stored = _rating_values(rating) if rating.pk is not None else None
            rating.likelihood, rating.impact = entry.likelihood, entry.impact
            rating.owner, rating.mitigation = entry.owner.strip(), entry.mitigation.strip()
            rating.updated_by = user
            try:
                rating.full_clean(exclude=["function", "risk_type"])
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    errors.setdefault(f"{prefix}-{name}", []).extend(
                        ValidationError(m) for m in messages
                    )
                continue
            rated.add(entry.risk_type.pk)
            kept.append(rating)
            if stored == _rating_values(rating):
                unchanged.add(entry.risk_type.pk)
        if errors:
            raise ValidationError(errors)
        RiskRating.objects.filter(function=locked).exclude(risk_type_id__in=rated).delete()
        for rating in kept:
            if rating.risk_type_id not in unchanged:
                rating.save()
        _touch(locked.assessment_id)
    return kept
