"""The catalogue: reference knowledge drawn from the seed documents.

Loaded from ``fixtures/`` by ``manage.py load_catalogue`` and edited by staff
in Django admin. A row's own rules live here (field validators, constraints and
``clean()``); the rules that span rows live in ``decisions.catalogue_rules``.
Admin forms and the load command apply both, so they reject a bad row with the
same message.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from decisions import catalogue_rules, costing, records
from decisions.business_case import costing_message
from decisions.formatting import is_currency
from decisions.vocabulary import PROFILE_DELIVERY_KINDS, DeliveryKind

SLUG_LOCKED = _("This slug is already used by stored answers or results and cannot change.")
NOT_FINITE = _("Enter a finite number.")
NEGATIVE_WEIGHT = _("A weight cannot be negative.")
MAX_OPTION_SCORE = Decimal(10)


def validate_finite(value: Any) -> None:
    """Reject NaN and infinities, which a Decimal or float field would otherwise accept."""
    try:
        finite = math.isfinite(value)
    except (TypeError, ValueError):
        finite = False
    if not finite:
        raise ValidationError(NOT_FINITE, code="not_finite")


class SlugLockedModel(models.Model):
    """A catalogue row whose slug others refer to: once used, it never changes."""

    class Meta:
        abstract = True

    def is_used(self) -> bool:
        raise NotImplementedError

    def clean(self) -> None:
        super().clean()
        self.validate_slug_unchanged()

    def validate_slug_unchanged(self) -> None:
        """Refuse a new slug when the stored row is used (compares with the stored slug)."""
        if self.pk is None:
            return
        stored = (
            type(self)
            ._default_manager.filter(pk=self.pk)
            .values_list("slug", flat=True)  # type: ignore[misc]  # concrete models have it
            .first()
        )
        if stored is not None and stored != getattr(self, "slug") and self.is_used():  # noqa: B009
            raise ValidationError({"slug": SLUG_LOCKED}, code="slug_locked")


class Source(models.Model):
    """A source document the catalogue's facts are drawn from."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    publisher = models.CharField(_("publisher"), max_length=120, blank=True)
    file_name = models.CharField(
        _("document file"), max_length=120, help_text=_("File name under shared/seeds/.")
    )
    summary = models.TextField(_("summary"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("source document")

    def __str__(self) -> str:
        # Two documents share a title: the publisher tells them apart.
        return f"{self.publisher}: {self.title}" if self.publisher else self.title


class SourcingModel(SlugLockedModel):
    """BPO, KPO, LPO (KPO's legal specialisation) or keeping the work in-house."""

    slug = models.SlugField(_("code"), max_length=30, unique=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=12)
    name = models.CharField(_("name"), max_length=100)
    definition = models.TextField(_("definition"))
    specialises = models.ForeignKey(
        "self",
        verbose_name=_("specialisation of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="specialisations",
        help_text=_("LPO is KPO's specialisation for legal work."),
    )
    is_scored = models.BooleanField(
        _("competes in scoring"),
        default=True,
        help_text=_(
            "Scored models compete in the recommendation; a specialisation (LPO) is named "
            "when its parent wins for a function of its field."
        ),
    )
    is_outsourced = models.BooleanField(_("outsourced"), default=True)
    contract_shape = models.TextField(_("contract shape that usually suits it"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("sourcing model")

    def __str__(self) -> str:
        return self.abbreviation

    def is_used(self) -> bool:
        return (
            self.recommended_for.exists()
            or self.decided_for.exists()
            or OptionScore.objects.filter(model=self).exists()
        )

    def clean(self) -> None:
        super().clean()
        if self.specialises_id is not None and self.specialises_id == self.pk:
            raise ValidationError({"specialises": _("A model cannot specialise itself.")})
        stored = type(self).objects.filter(pk=self.pk).values_list("is_scored", flat=True)
        error = catalogue_rules.scoring_change(
            was_scored=stored.first() if self.pk is not None else None,
            is_scored=self.is_scored,
            options_scored=AnswerOption.objects.filter(
                question__criterion__kind=Criterion.Kind.SCORED
            ).exists(),
        )
        if error is not None:
            raise ValidationError({"is_scored": error})


DELIVERY_KINDS = {
    DeliveryKind.LOCATION: _("Delivery location"),
    DeliveryKind.OFFICE: _("Office"),
    DeliveryKind.STRUCTURE: _("Provider structure"),
}


class DeliveryOption(SlugLockedModel):
    """How and where outsourced work is delivered: the one table for delivery location,
    office and provider structure (see ``decisions.vocabulary``)."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=DELIVERY_KINDS)
    description = models.TextField(_("description"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "order", "slug"]
        verbose_name = _("delivery option")

    def __str__(self) -> str:
        return self.name

    def is_used(self) -> bool:
        return (
            self.providers.exists()
            or self.office_providers.exists()
            or self.structure_providers.exists()
            or self.activities.exists()
            or self.answer_options.exists()
            or self.pricing_assumptions.exists()
        )


class Activity(SlugLockedModel):
    """An outsourceable business activity and the model it typically goes to."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"))
    typical_model = models.ForeignKey(
        SourcingModel,
        verbose_name=_("typical model"),
        on_delete=models.PROTECT,
        related_name="typical_activities",
    )
    office = models.ForeignKey(
        DeliveryOption,
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        limit_choices_to={"kind": DeliveryKind.OFFICE},
        help_text=_("Front or back office; empty when the split does not apply."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.name

    def is_used(self) -> bool:
        return self.function_assessments.exists()


class Industry(models.Model):
    """An industry where a sourcing model is common."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    typical_model = models.ForeignKey(
        SourcingModel,
        verbose_name=_("common with"),
        on_delete=models.PROTECT,
        related_name="industries",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["typical_model__order", "order", "name"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return self.name


class Benefit(models.Model):
    """A benefit of outsourcing, with the models it applies to and any caveat."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"))
    caveat = models.TextField(_("caveat"), blank=True)
    sourcing_models = models.ManyToManyField(
        SourcingModel, verbose_name=_("applies to"), blank=True, related_name="benefits"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("benefit")

    def __str__(self) -> str:
        return self.name


class Disagreement(models.Model):
    """A point on which the source documents disagree; each reading is kept."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    topic = models.CharField(_("topic"), max_length=160)
    summary = models.TextField(_("what it means for a decision"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("disagreement between sources")
        verbose_name_plural = _("disagreements between sources")

    def __str__(self) -> str:
        return self.topic


class Reading(models.Model):
    """One document's reading of a disputed point."""

    disagreement = models.ForeignKey(
        Disagreement, on_delete=models.CASCADE, related_name="readings"
    )
    statement = models.TextField(_("statement"))
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("reading")

    def __str__(self) -> str:
        return f"{self.source}: {self.statement[:60]}"


class Criterion(SlugLockedModel):
    """A comparison criterion between BPO and KPO, weighted by staff."""

    class Kind(models.TextChoices):
        SCORED = "scored", _("Decides the model (scored)")
        PROFILE = "profile", _("Refines the recommendation and shortlist (not scored)")

    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        help_text=_("Reports, exports and tests refer to it; it cannot change once used."),
    )
    name = models.CharField(_("name"), max_length=120)
    explanation = models.TextField(_("plain-language explanation"))
    bpo_side = models.TextField(_("under BPO"))
    kpo_side = models.TextField(_("under KPO"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SCORED)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[validate_finite, MinValueValidator(Decimal(0), message=NEGATIVE_WEIGHT)],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=0), name="criterion_weight_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_used(self) -> bool:
        from decisions.models.assessments import Answer

        return Answer.objects.filter(question__criterion=self).exists()


class Question(models.Model):
    """What the manager is asked for a criterion."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    help_text = models.TextField(_("help for the manager"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion__order", "order", "pk"]
        verbose_name = _("question")

    def __str__(self) -> str:
        return self.text


class AnswerOption(models.Model):
    """An answer a manager can pick; scores toward each sourcing model."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("label"), max_length=200)
    code = models.SlugField(
        _("code"),
        max_length=40,
        help_text=_("Stable short code, e.g. 'offshore'; exports and reports show it."),
    )
    delivery_option = models.ForeignKey(
        DeliveryOption,
        verbose_name=_("delivery option"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answer_options",
        limit_choices_to={"kind__in": list(PROFILE_DELIVERY_KINDS.values())},
        help_text=_(
            "Profile questions only: the delivery location or office this answer asks of a "
            "provider. Empty for answers such as 'No preference'."
        ),
    )
    explanation = models.TextField(_("explanation"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("answer option")
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="option_code_unique")
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        super().clean()
        try:
            criterion = self.question.criterion
        except ObjectDoesNotExist:
            return  # a missing question is reported on its own field
        delivery = self.delivery_option if self.delivery_option_id is not None else None
        error = catalogue_rules.profile_option_delivery(
            criterion_slug=criterion.slug, kind=delivery.kind if delivery else None
        )
        if error is not None:
            raise ValidationError({"delivery_option": error})


class OptionScore(models.Model):
    """How strongly an answer option points toward a sourcing model (0 to 10)."""

    option = models.ForeignKey(AnswerOption, on_delete=models.CASCADE, related_name="scores")
    model = models.ForeignKey(
        SourcingModel,
        verbose_name=_("sourcing model"),
        on_delete=models.PROTECT,
        limit_choices_to={"is_scored": True},
    )
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        validators=[
            validate_finite,
            MinValueValidator(Decimal(0)),
            MaxValueValidator(MAX_OPTION_SCORE),
        ],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["model__order"]
        verbose_name = _("option score")
        constraints = [
            models.UniqueConstraint(fields=["option", "model"], name="one_score_per_model"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0) & models.Q(score__lte=10),
                name="option_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model}: {self.score}"

    def clean(self) -> None:
        super().clean()
        if self.model_id is not None:
            error = catalogue_rules.score_for_unscored_model(model_is_scored=self.model.is_scored)
            if error is not None:
                raise ValidationError({"model": error})


class Provider(models.Model):
    """A provider profile. The shipped ones are samples: the documents name no real firm."""

    class Pricing(models.TextChoices):
        PER_FTE = "per-fte", _("Per full-time employee (FTE)")
        PER_TRANSACTION = "per-transaction", _("Per transaction")
        PER_OUTCOME = "per-outcome", _("Per outcome")

    class Size(models.TextChoices):
        SMALL = "small", _("Small (under 250 staff)")
        MEDIUM = "medium", _("Medium (250 to 2,500 staff)")
        LARGE = "large", _("Large (over 2,500 staff)")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    is_sample = models.BooleanField(
        _("sample profile"), default=True, help_text=_("Illustrative, not a real firm.")
    )
    description = models.TextField(_("description"))
    sourcing_models = models.ManyToManyField(
        SourcingModel, verbose_name=_("models offered"), related_name="providers"
    )
    activities = models.ManyToManyField(
        Activity, verbose_name=_("activities served"), related_name="providers", blank=True
    )
    delivery_options = models.ManyToManyField(
        DeliveryOption,
        verbose_name=_("delivery locations"),
        related_name="providers",
        blank=True,
        limit_choices_to={"kind": DeliveryKind.LOCATION},
    )
    offices = models.ManyToManyField(
        DeliveryOption,
        verbose_name=_("offices served"),
        related_name="office_providers",
        blank=True,
        limit_choices_to={"kind": DeliveryKind.OFFICE},
        help_text=_("Front office, back office or both."),
    )
    structure = models.ForeignKey(
        DeliveryOption,
        verbose_name=_("structure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="structure_providers",
        limit_choices_to={"kind": DeliveryKind.STRUCTURE},
    )
    certifications = models.CharField(
        _("certifications"), max_length=300, blank=True, help_text=_("Comma-separated.")
    )
    pricing_model = models.CharField(_("pricing model"), max_length=20, choices=Pricing.choices)
    size = models.CharField(_("size"), max_length=10, choices=Size.choices)
    headquarters = models.CharField(_("headquarters"), max_length=80, blank=True)
    sources = models.ManyToManyField(
        Source,
        verbose_name=_("kind of provider described in"),
        blank=True,
        related_name="provider_profiles",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider profile")

    def __str__(self) -> str:
        return self.name

    @property
    def certification_list(self) -> list[str]:
        return [c.strip() for c in self.certifications.split(",") if c.strip()]


# --- The business case: prices per model x location --------------------------------------------

NOT_A_CURRENCY = _("Enter an ISO 4217 currency code in use today, such as EUR or USD.")


def validate_currency(value: str) -> None:
    if value and not is_currency(value):
        raise ValidationError(NOT_A_CURRENCY, code="not_a_currency")


class PricingBasis(models.TextChoices):
    """What a price, transition or governance value is measured in (``costing.Basis``)."""

    SHARE = costing.Basis.SHARE.value, _("Share of today's in-house cost (0.65 = 65 %)")
    PER_FTE = costing.Basis.PER_FTE.value, _("Per in-house FTE")
    PER_TRANSACTION = costing.Basis.PER_TRANSACTION.value, _("Per transaction")
    AMOUNT = costing.Basis.AMOUNT.value, _("Fixed amount")


def _price_field(label: Any, **kwargs: Any) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(
        label,
        max_digits=19,
        decimal_places=costing.MAX_PLACES,
        validators=[validate_finite, MinValueValidator(0)],
        **kwargs,
    )


class PricingFields(models.Model):
    """A price range on a basis, a one-off transition cost and an ongoing governance overhead.

    Shared by the catalogue's assumptions and a function's own override or quote. Prices
    and governance are a year; the transition is paid once. ``clean()`` checks the values
    as the business-case arithmetic (``decisions.costing``) will read them.
    """

    basis = models.CharField(
        _("price basis"), max_length=20, choices=PricingBasis.choices, default=PricingBasis.SHARE
    )
    low = _price_field(_("low price"))
    expected = _price_field(_("expected price"))
    high = _price_field(_("high price"))
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        validators=[validate_currency],
        help_text=_("ISO 4217 code; needed when any value is money rather than a share."),
    )
    transition_basis = models.CharField(
        _("transition cost basis"),
        max_length=20,
        choices=PricingBasis.choices,
        default=PricingBasis.SHARE,
    )
    transition_value = _price_field(
        _("one-off transition cost"), default=Decimal(0), help_text=_("Paid once, at the start.")
    )
    governance_basis = models.CharField(
        _("governance overhead basis"),
        max_length=20,
        choices=PricingBasis.choices,
        default=PricingBasis.SHARE,
    )
    governance_value = _price_field(
        _("governance overhead a year"),
        default=Decimal(0),
        help_text=_("The retained organisation that manages the provider, a year."),
    )
    note = models.TextField(_("where the figures come from"), blank=True)

    class Meta:
        abstract = True

    def entry(
        self, model: str, location: str = "", *, is_sample: bool = False
    ) -> records.PricingEntry:
        """The values as a typed record (what a snapshot keeps and the arithmetic reads)."""
        return records.PricingEntry(
            model=model,
            location=location,
            basis=self.basis,
            low=self.low,
            expected=self.expected,
            high=self.high,
            currency=self.currency,
            transition_basis=self.transition_basis,
            transition_value=self.transition_value,
            governance_basis=self.governance_basis,
            governance_value=self.governance_value,
            note=self.note,
            is_sample=is_sample,
        )

    def clean(self) -> None:
        super().clean()
        numbers = ("low", "expected", "high", "transition_value", "governance_value")
        if any(getattr(self, name) is None for name in numbers):
            return  # a missing value is reported on its own field
        try:
            self.entry("model").pricing()
        except costing.CostingError as error:
            field = error.field if error.field in {f.name for f in self._meta.fields} else None
            raise ValidationError(
                {field: costing_message(error)} if field else costing_message(error)
            ) from error


class PricingAssumption(PricingFields):
    """A typical price for outsourcing to one model from one delivery location.

    The shipped rows are samples: the source documents give no figures. An assumption
    without a location holds for any location (a function with no preference, or one
    whose location has no row of its own).
    """

    sourcing_model = models.ForeignKey(
        SourcingModel,
        verbose_name=_("sourcing model"),
        on_delete=models.PROTECT,
        related_name="pricing_assumptions",
        limit_choices_to={"is_outsourced": True},
    )
    location = models.ForeignKey(
        DeliveryOption,
        verbose_name=_("delivery location"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pricing_assumptions",
        limit_choices_to={"kind": DeliveryKind.LOCATION},
        help_text=_("Empty: any location, used when no row matches the function's location."),
    )
    is_sample = models.BooleanField(
        _("sample assumption"),
        default=True,
        help_text=_("Illustrative figures, not market data: replace them with your own."),
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pricing_assumptions",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["sourcing_model__order", "order", "pk"]
        verbose_name = _("pricing assumption")
        constraints = [
            models.UniqueConstraint(
                fields=["sourcing_model", "location"],
                condition=models.Q(location__isnull=False),
                name="one_pricing_per_model_and_location",
            ),
            models.UniqueConstraint(
                fields=["sourcing_model"],
                condition=models.Q(location__isnull=True),
                name="one_any_location_pricing_per_model",
            ),
            models.CheckConstraint(
                condition=models.Q(low__lte=models.F("expected"))
                & models.Q(expected__lte=models.F("high"))
                & models.Q(low__gte=0),
                name="pricing_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        where = self.location.name if self.location is not None else _("any location")
        return f"{self.sourcing_model} · {where}"

    def clean(self) -> None:
        super().clean()
        if self.sourcing_model_id is not None and not self.sourcing_model.is_outsourced:
            raise ValidationError(
                {"sourcing_model": _("Keeping work in-house is today's cost: it takes no price.")}
            )
        if self.location is not None and self.location.kind != DeliveryKind.LOCATION:
            raise ValidationError(
                {
                    "location": catalogue_rules.WRONG_DELIVERY_KIND
                    % {"kind": DELIVERY_KINDS[DeliveryKind.LOCATION]}
                }
            )

    def record(self) -> records.PricingEntry:
        """This assumption as a snapshot records it."""
        return self.entry(
            self.sourcing_model.slug,
            self.location.slug if self.location is not None else "",
            is_sample=self.is_sample,
        )


# --- The risk register's catalogue -----------------------------------------------------------


class RiskType(SlugLockedModel):
    """A kind of risk outsourcing a function can bring, with default mitigations per model."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("risk type")

    def __str__(self) -> str:
        return self.name

    def is_used(self) -> bool:
        return self.ratings.exists()


class RiskMitigation(models.Model):
    """The usual way to reduce one risk type under one sourcing model."""

    risk_type = models.ForeignKey(
        RiskType, verbose_name=_("risk type"), on_delete=models.CASCADE, related_name="mitigations"
    )
    sourcing_model = models.ForeignKey(
        SourcingModel,
        verbose_name=_("sourcing model"),
        on_delete=models.PROTECT,
        related_name="risk_mitigations",
    )
    text = models.TextField(_("default mitigation"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["sourcing_model__order", "pk"]
        verbose_name = _("default mitigation")
        constraints = [
            models.UniqueConstraint(
                fields=["risk_type", "sourcing_model"], name="one_mitigation_per_risk_and_model"
            )
        ]

    def __str__(self) -> str:
        return f"{self.risk_type} · {self.sourcing_model}"


class CatalogueVersion(models.Model):
    """One row whose ``token`` changes whenever any catalogue table changes.

    Database triggers (installed by the migrations through
    :mod:`decisions.catalogue_version`) replace the token on every insert,
    update, delete or truncate of a catalogue table, whatever the write path:
    admin, the load command, a queryset ``update()`` or raw SQL. Caches of the
    questionnaire and the guide are keyed on it. The token is random, never a
    counter, so a rolled-back change can never make an old cache look current.
    """

    token = models.CharField(max_length=64)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("catalogue version")

    def __str__(self) -> str:
        return self.token


# Every table of these models (and of their many-to-many relations) is catalogue:
# reference knowledge edited by staff, read by the engine, the questionnaire and
# the guide. Each carries the trigger that moves ``CatalogueVersion.token``.
CATALOGUE_MODELS: tuple[type[models.Model], ...] = (
    Source,
    SourcingModel,
    DeliveryOption,
    Activity,
    Industry,
    Benefit,
    Disagreement,
    Reading,
    Criterion,
    Question,
    AnswerOption,
    OptionScore,
    Provider,
    PricingAssumption,
    RiskType,
    RiskMitigation,
)


def catalogue_tables() -> list[str]:
    """The database tables of the catalogue, many-to-many tables included."""
    tables = []
    for model in CATALOGUE_MODELS:
        tables.append(model._meta.db_table)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            assert through is not None  # Django creates it for every many-to-many field
            tables.append(through._meta.db_table)
    return tables
