"""Services: stored recommendations, snapshots, recompute, final decisions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from decisions import questionnaire, records, services
from decisions.demo_profiles import ARCHETYPES
from decisions.models import Answer, Assessment, Criterion, FunctionAssessment, SourcingModel
from tests import factories
from tests.conftest import answer_all, answer_archetype

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("archetype", "activity"),
    [(name, spec.get("activity")) for name, spec in ARCHETYPES.items() if spec.get("expected")],
)
def test_archetypes_get_the_documented_model(assessment, manager, archetype, activity):
    from decisions.models import Activity

    function = factories.FunctionAssessmentFactory(
        assessment=assessment,
        name=archetype,
        activity=Activity.objects.filter(slug=activity).first(),
    )
    answer_archetype(function, manager, archetype)
    assert function.recommended_model.slug == ARCHETYPES[archetype]["expected"]


def test_stored_result_has_everything(recommended_function):
    function = recommended_function
    assert function.status == FunctionAssessment.Status.RECOMMENDED
    result, snapshot = function.stored_result, function.stored_snapshot
    assert set(result.scores) == {"bpo", "kpo", "in-house"}
    assert function.confidence == pytest.approx(result.engine.margin)
    assert function.computed_at is not None
    assert function.criteria_version == snapshot.version
    scored = Criterion.objects.filter(kind=Criterion.Kind.SCORED).count()
    assert len(result.engine.contributions) == scored
    assert len(result.engine.sensitivity) == scored
    slugs = {c.slug for c in snapshot.criteria}
    assert slugs == set(Criterion.objects.values_list("slug", flat=True))
    assert {a.criterion for a in result.answers} == slugs
    assert function.result["schema"] == records.SCHEMA
    # Completed only once the final decision is recorded too (issue 13).
    assert function.assessment.status == Assessment.Status.IN_PROGRESS


def test_admin_change_does_not_alter_stored_result(recommended_function):
    before = (
        recommended_function.result,
        recommended_function.snapshot,
        recommended_function.criteria_version,
    )
    Criterion.objects.filter(slug="complexity").update(weight=Decimal("9.5"))
    recommended_function.refresh_from_db()
    assert (
        recommended_function.result,
        recommended_function.snapshot,
        recommended_function.criteria_version,
    ) == before
    assert questionnaire.current().version != recommended_function.criteria_version


def test_recompute_uses_current_criteria_and_keeps_previous(recommended_function):
    old_version = recommended_function.criteria_version
    old_scores = recommended_function.stored_result.scores
    Criterion.objects.filter(slug="complexity").update(weight=Decimal("9.5"))
    function = services.recommendation_recompute(function=recommended_function)
    assert function.criteria_version == questionnaire.current().version != old_version
    assert function.stored_previous.criteria_version == old_version
    assert function.stored_previous.scores == old_scores
    assert function.stored_snapshot.criterion("complexity").weight == Decimal("9.5")


def test_recompute_without_change_keeps_no_previous(recommended_function):
    function = services.recommendation_recompute(function=recommended_function)
    assert function.previous is None


def test_changing_an_answer_recomputes(recommended_function, manager):
    function = recommended_function
    before = function.stored_result.scores
    question = questionnaire.current().questions[0]
    last_option = question.options[-1]
    services.answer_save(
        function=function, question=question, option_id=last_option.id, user=manager
    )
    assert function.stored_result.scores != before
    assert Answer.objects.filter(function=function).count() == len(
        questionnaire.current().questions
    )


def test_answer_save_refuses_option_of_another_question(function, manager):
    questions = questionnaire.current().questions
    with pytest.raises(ValidationError) as error:
        services.answer_save(
            function=function,
            question=questions[0],
            option_id=questions[1].options[0].id,
            user=manager,
        )
    assert services.OPTION_NOT_OF_QUESTION in error.value.messages
    assert not Answer.objects.exists()


def test_all_weights_zero_is_a_clear_error(function, manager):
    Criterion.objects.update(weight=0)
    with pytest.raises(ValidationError) as error:
        answer_all(function, manager)
    assert services.NO_WEIGHT in error.value.messages
    # The last answer rolled back with the failed computation: nothing half-written.
    function.refresh_from_db()
    assert function.result is None
    assert function.answers.count() == len(questionnaire.current().questions) - 1


def test_decision_requires_reason_when_it_differs(recommended_function, manager):
    other = SourcingModel.objects.exclude(pk=recommended_function.recommended_model_id).first()
    with pytest.raises(ValidationError):
        services.decision_record(
            function=recommended_function, final_model=other, reason=" ", user=manager
        )
    recommended_function.refresh_from_db()
    assert recommended_function.final_model is None
    services.decision_record(
        function=recommended_function, final_model=other, reason="Board prefers it", user=manager
    )
    assert recommended_function.final_model == other
    assert recommended_function.final_reason == "Board prefers it"
    assert recommended_function.decided_by == manager


def test_decision_before_recommendation_is_refused(function, manager):
    with pytest.raises(ValidationError):
        services.decision_record(
            function=function, final_model=SourcingModel.objects.first(), reason="x", user=manager
        )


def test_create_refuses_non_member(organization):
    with pytest.raises(ValidationError):
        services.assessment_create(
            user=factories.UserFactory(),
            organization=organization,
            title="x",
            custom_functions=[("a", None)],
        )
