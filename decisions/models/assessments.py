"""What managers create: organisations, assessments, functions, answers, results."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from decisions import costing, records
from decisions.models.catalogue import (
    Activity,
    AnswerOption,
    PricingFields,
    Question,
    RiskType,
    SourcingModel,
    validate_currency,
    validate_finite,
)

NAME_MAX = 120
NOTE_MAX = 1000
REASON_MAX = 2000
OWNER_MAX = 120
MITIGATION_MAX = 2000
DEFAULT_CURRENCY = "EUR"
DEFAULT_DISCOUNT_RATE_PERCENT = Decimal(8)
DEFAULT_TERM_MONTHS = 60
RATING_SCALE = (1, 5)  # likelihood and impact


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
    # Settings of the business case, edited by the members ("Organisation settings").
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default=DEFAULT_CURRENCY,
        validators=[validate_currency],
        help_text=_("The ISO 4217 currency business cases are entered and reported in."),
    )
    discount_rate_percent = models.DecimalField(
        _("discount rate (% a year)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_DISCOUNT_RATE_PERCENT,
        validators=[
            validate_finite,
            MinValueValidator(Decimal(0)),
            MaxValueValidator(costing.MAX_DISCOUNT_RATE * 100),
        ],
        help_text=_(
            "What money is worth to the organisation a year: net values are discounted at it."
        ),
    )
    contract_term_months = models.PositiveSmallIntegerField(
        _("default contract term (months)"),
        default=DEFAULT_TERM_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(costing.MAX_TERM_MONTHS)],
        help_text=_("Net values are counted over this term; 60 months is five years."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discount_rate_percent__gte=0)
                & models.Q(discount_rate_percent__lte=costing.MAX_DISCOUNT_RATE * 100),
                name="organization_discount_rate_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(contract_term_months__gte=1)
                & models.Q(contract_term_months__lte=costing.MAX_TERM_MONTHS),
                name="organization_term_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def terms(self) -> costing.Terms:
        """The contract term and discount rate business cases are valued over."""
        return costing.Terms(
            months=self.contract_term_months, discount_rate=self.discount_rate_percent / 100
        )


class Membership(models.Model):
    """A user's place in an organisation, with the role they play in it.

    The owner manages the roles (there is always one); an approver approves
    assessments submitted to them; a member does everything else every role does.
    """

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")
        APPROVER = "approver", _("Approver")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)

    history = HistoricalRecords()

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
    # Beside the result so lists need not parse it: the weight share answered "not sure"
    # (lowers the confidence band) and the criteria on which respondents are split.
    unsure_share = models.FloatField(_("share of weight not sure"), default=0)
    open_disagreements = models.PositiveSmallIntegerField(_("open disagreements"), default=0)
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
    """The option one respondent chose for one question of one function, with a note.

    ``option`` null is the honest "Not sure" (scored questions only): the engine leaves the
    criterion out of that respondent's result and renormalises the weights.
    """

    function = models.ForeignKey(
        FunctionAssessment, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(
        AnswerOption, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    respondent = models.ForeignKey(
        "decisions.Respondent", on_delete=models.CASCADE, related_name="answers"
    )
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer")
        constraints = [
            models.UniqueConstraint(
                fields=["function", "question", "respondent"], name="one_answer_per_respondent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.function}: {self.option}"


# --- The business case and the risk register of a function ------------------------------------


def _amount_field(label: object, **kwargs: object) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(
        label,  # type: ignore[arg-type]
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_finite, MinValueValidator(Decimal(0))],
        **kwargs,  # type: ignore[arg-type]
    )


class EditedByMember(models.Model):
    """Who changed a business-case or risk row last, and when (the history keeps the rest)."""

    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        abstract = True


class BusinessCase(EditedByMember):
    """Today's in-house cost of a function: the baseline its estimates are measured against.

    Either ``annual_cost``, or ``ftes`` x ``cost_per_fte`` (fully loaded); ``ftes`` may
    accompany an annual cost and ``yearly_volume`` is optional, for prices per FTE or per
    transaction. ``currency`` is the organisation's at the time it was entered.
    """

    function = models.OneToOneField(
        FunctionAssessment, on_delete=models.CASCADE, related_name="business_case"
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    annual_cost = _amount_field(_("today's annual cost"))
    ftes = models.DecimalField(
        _("FTEs"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_finite, MinValueValidator(Decimal(0))],
    )
    cost_per_fte = _amount_field(_("fully loaded cost per FTE a year"))
    yearly_volume = models.PositiveBigIntegerField(_("transactions a year"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("business case")

    def __str__(self) -> str:
        return f"{self.function}: {self.currency}"

    def baseline(self) -> costing.Baseline:
        """The costing input; raises :class:`decisions.costing.CostingError` if incomplete."""
        return costing.Baseline(
            currency=self.currency,
            annual_cost=self.annual_cost,
            ftes=self.ftes,
            cost_per_fte=self.cost_per_fte,
            yearly_volume=None if self.yearly_volume is None else Decimal(self.yearly_volume),
        )


class PriceOverride(PricingFields, EditedByMember):
    """A function's own price for one model: an adjusted assumption or a provider's quote.

    It replaces the catalogue's assumption for that model in this function's estimate.
    """

    class Kind(models.TextChoices):
        OVERRIDE = "override", _("My own assumption")
        QUOTE = "quote", _("A provider's quote")

    function = models.ForeignKey(
        FunctionAssessment, on_delete=models.CASCADE, related_name="price_overrides"
    )
    sourcing_model = models.ForeignKey(
        SourcingModel,
        verbose_name=_("sourcing model"),
        on_delete=models.PROTECT,
        related_name="price_overrides",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OVERRIDE)
    provider = models.CharField(_("provider"), max_length=NAME_MAX, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("price for one function")
        constraints = [
            models.UniqueConstraint(
                fields=["function", "sourcing_model"], name="one_price_per_function_and_model"
            ),
            models.CheckConstraint(
                condition=models.Q(low__lte=models.F("expected"))
                & models.Q(expected__lte=models.F("high"))
                & models.Q(low__gte=0),
                name="override_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.function}: {self.sourcing_model}"


class RiskRating(EditedByMember):
    """How likely and how harmful one risk is for a function, as it stands with its mitigation."""

    function = models.ForeignKey(
        FunctionAssessment, on_delete=models.CASCADE, related_name="risk_ratings"
    )
    risk_type = models.ForeignKey(
        RiskType, verbose_name=_("risk"), on_delete=models.PROTECT, related_name="ratings"
    )
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood"),
        validators=[MinValueValidator(RATING_SCALE[0]), MaxValueValidator(RATING_SCALE[1])],
    )
    impact = models.PositiveSmallIntegerField(
        _("impact"),
        validators=[MinValueValidator(RATING_SCALE[0]), MaxValueValidator(RATING_SCALE[1])],
    )
    owner = models.CharField(_("owner"), max_length=OWNER_MAX, blank=True)
    mitigation = models.TextField(_("mitigation"), max_length=MITIGATION_MAX, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["risk_type__order", "pk"]
        verbose_name = _("risk rating")
        constraints = [
            models.UniqueConstraint(fields=["function", "risk_type"], name="one_rating_per_risk"),
            models.CheckConstraint(
                condition=models.Q(likelihood__gte=RATING_SCALE[0])
                & models.Q(likelihood__lte=RATING_SCALE[1])
                & models.Q(impact__gte=RATING_SCALE[0])
                & models.Q(impact__lte=RATING_SCALE[1]),
                name="rating_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.function}: {self.risk_type} ({self.likelihood} x {self.impact})"
