"""factory-boy factories for the catalogue and the decisions."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from decisions import models
from decisions.vocabulary import DeliveryKind

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source

    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Source document {n}")
    file_name = factory.Sequence(lambda n: f"{n:03d}_doc.txt")


class SourcingModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SourcingModel
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"model-{n}")
    abbreviation = factory.Sequence(lambda n: f"M{n}")
    name = factory.Sequence(lambda n: f"Model {n}")
    definition = "A way of sourcing work."


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Activity

    slug = factory.Sequence(lambda n: f"activity-{n}")
    name = factory.Sequence(lambda n: f"Activity {n}")
    description = "Something a business does."
    typical_model = factory.SubFactory(SourcingModelFactory)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Criterion

    slug = factory.Sequence(lambda n: f"criterion-{n}")
    name = factory.Sequence(lambda n: f"Criterion {n}")
    explanation = "What this criterion is about."
    bpo_side = "Under BPO."
    kpo_side = "Under KPO."
    weight = Decimal(1)
    order = factory.Sequence(lambda n: 100 + n)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Question

    criterion = factory.SubFactory(CriterionFactory)
    text = factory.Sequence(lambda n: f"Question {n}?")


class AnswerOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AnswerOption

    question = factory.SubFactory(QuestionFactory)
    label = factory.Sequence(lambda n: f"Option {n}")
    code = factory.Sequence(lambda n: f"option-{n}")


class OptionScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OptionScore

    option = factory.SubFactory(AnswerOptionFactory)
    model = factory.SubFactory(SourcingModelFactory)
    score = Decimal(5)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Provider

    slug = factory.Sequence(lambda n: f"provider-{n}")
    name = factory.Sequence(lambda n: f"Provider {n}")
    description = "A sample provider."
    pricing_model = models.Provider.Pricing.PER_FTE
    size = models.Provider.Size.MEDIUM


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Assessment

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Assessment {n}")
    owner = factory.SubFactory(UserFactory)


class FunctionAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FunctionAssessment

    assessment = factory.SubFactory(AssessmentFactory)
    name = factory.Sequence(lambda n: f"Function {n}")
    order = factory.Sequence(lambda n: n)


class DeliveryOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DeliveryOption

    slug = factory.Sequence(lambda n: f"delivery-{n}")
    name = factory.Sequence(lambda n: f"Delivery option {n}")
    kind = DeliveryKind.LOCATION
    description = "Where the work is done."


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Industry

    slug = factory.Sequence(lambda n: f"industry-{n}")
    name = factory.Sequence(lambda n: f"Industry {n}")
    typical_model = factory.SubFactory(SourcingModelFactory)


class BenefitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Benefit

    slug = factory.Sequence(lambda n: f"benefit-{n}")
    name = factory.Sequence(lambda n: f"Benefit {n}")
    description = "Why outsourcing helps."


class DisagreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Disagreement

    slug = factory.Sequence(lambda n: f"disagreement-{n}")
    topic = factory.Sequence(lambda n: f"Disputed point {n}")


class ReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Reading

    disagreement = factory.SubFactory(DisagreementFactory)
    statement = factory.Sequence(lambda n: f"One document's reading {n}.")
    source = factory.SubFactory(SourceFactory)


class RespondentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Respondent
        django_get_or_create = ("function", "user")

    function = factory.SubFactory(FunctionAssessmentFactory)
    user = factory.LazyAttribute(lambda r: r.function.assessment.owner or UserFactory())


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Answer

    function = factory.SubFactory(FunctionAssessmentFactory)
    option = factory.SubFactory(AnswerOptionFactory)
    question = factory.LazyAttribute(lambda a: a.option.question)
    respondent = factory.SubFactory(RespondentFactory, function=factory.SelfAttribute("..function"))


def scored_criterion(*, options: int = 2, **kwargs) -> models.Criterion:
    """A scored criterion with one question whose options score every scored model."""
    criterion = CriterionFactory(**kwargs)
    question = QuestionFactory(criterion=criterion)
    scored = list(models.SourcingModel.objects.filter(is_scored=True))
    if not scored:
        scored = [SourcingModelFactory(), SourcingModelFactory()]
    for order in range(options):
        option = AnswerOptionFactory(question=question, order=order)
        for model in scored:
            OptionScoreFactory(option=option, model=model, score=Decimal(order * 5))
    return criterion
