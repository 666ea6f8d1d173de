"""Catalogue validation: each row's rules, the rules that span rows, and ``load_catalogue``
refusing a bad fixture with a message naming the fixture, the row and the field."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions import catalogue_rules as rules
from decisions.catalogue_rules import (
    MISSING_SCORES,
    NOT_A_PROFILE_OPTION,
    NOT_SCORED_MODEL,
    SCORING_CHANGE,
    TOO_FEW_OPTIONS,
    TOO_FEW_READINGS,
    WRONG_DELIVERY_KIND,
    catalogue_problems,
)
from decisions.models import (
    AnswerOption,
    Criterion,
    DeliveryOption,
    OptionScore,
    Question,
    SourcingModel,
)
from decisions.models.catalogue import (
    NEGATIVE_WEIGHT,
    NOT_FINITE,
    SLUG_LOCKED,
    validate_finite,
)
from tests import factories

pytestmark = pytest.mark.django_db


def errors_of(instance: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


# --- Model validation ----------------------------------------------------------------------


def test_a_negative_weight_is_rejected():
    criterion = factories.CriterionFactory.build(weight=Decimal("-0.5"))

    assert errors_of(criterion)["weight"] == [str(NEGATIVE_WEIGHT)]


def test_a_zero_weight_is_allowed():
    factories.CriterionFactory.build(weight=Decimal(0)).full_clean()


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_a_non_finite_weight_is_rejected(value):
    criterion = factories.CriterionFactory.build(weight=Decimal(value))

    [message] = errors_of(criterion)["weight"]
    assert value in message  # Django names the value: "“NaN” value must be a decimal number."


@pytest.mark.parametrize("value", ["NaN", "Infinity"])
def test_a_non_finite_score_is_rejected(value):
    score = factories.OptionScoreFactory.build(
        option=factories.AnswerOptionFactory(), model=factories.SourcingModelFactory()
    )
    score.score = Decimal(value)

    [message] = errors_of(score)["score"]
    assert value in message


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("NaN"), "abc"])
def test_validate_finite_names_the_problem(value):
    with pytest.raises(ValidationError) as caught:
        validate_finite(value)

    assert caught.value.messages == [str(NOT_FINITE)]


@pytest.mark.parametrize("value", ["-0.01", "10.01", "11"])
def test_a_score_outside_zero_to_ten_is_rejected(value):
    score = factories.OptionScoreFactory.build(
        option=factories.AnswerOptionFactory(),
        model=factories.SourcingModelFactory(),
        score=Decimal(value),
    )

    [message] = errors_of(score)["score"]
    assert "greater than or equal to 0" in message or "less than or equal to 10" in message


@pytest.mark.parametrize("value", ["0", "10", "7.5"])
def test_a_score_from_zero_to_ten_is_accepted(value):
    factories.OptionScoreFactory.build(
        option=factories.AnswerOptionFactory(),
        model=factories.SourcingModelFactory(),
        score=Decimal(value),
    ).full_clean()


def problems_of(row: Any) -> list[tuple[str, str]]:
    """(field, message) of each catalogue problem found on ``row``."""
    return [
        (problem.field, problem.message)
        for problem in catalogue_problems()
        if (problem.model, problem.pk) == (row._meta.label_lower, row.pk)
    ]


def test_a_question_with_fewer_than_two_options_is_a_problem():
    question = factories.QuestionFactory(criterion__kind=Criterion.Kind.PROFILE)
    factories.AnswerOptionFactory(question=question)

    assert problems_of(question) == [("options", str(TOO_FEW_OPTIONS))]
    factories.AnswerOptionFactory(question=question)
    assert problems_of(question) == []


def test_an_option_of_a_scored_criterion_needs_a_score_per_scored_model():
    criterion = factories.scored_criterion()
    option = AnswerOption.objects.filter(question__criterion=criterion).first()
    dropped = option.scores.first()
    dropped.delete()

    expected = MISSING_SCORES % {"models": str(dropped.model)}
    assert problems_of(option) == [("scores", expected)]


def test_an_option_of_a_profile_criterion_needs_no_scores():
    option = factories.AnswerOptionFactory(question__criterion__kind=Criterion.Kind.PROFILE)

    assert problems_of(option) == []


def test_a_duplicate_slug_is_rejected():
    factories.CriterionFactory(slug="shared-slug")
    duplicate = factories.CriterionFactory.build(slug="shared-slug")

    [message] = errors_of(duplicate)["slug"]
    assert "already exists" in message


def test_a_used_slug_cannot_change():
    criterion = factories.scored_criterion(slug="locked-slug")
    factories.AnswerFactory(option=AnswerOption.objects.filter(question__criterion=criterion)[0])
    criterion.slug = "moved-slug"

    assert errors_of(criterion)["slug"] == [str(SLUG_LOCKED)]


def test_an_unused_slug_can_change():
    criterion = factories.scored_criterion(slug="free-slug")
    criterion.slug = "moved-slug"

    criterion.full_clean()


def test_a_used_sourcing_model_slug_cannot_change():
    score = factories.OptionScoreFactory()
    model = score.model
    model.slug = "renamed"

    assert errors_of(model)["slug"] == [str(SLUG_LOCKED)]


def test_a_score_for_a_model_that_does_not_compete_is_rejected():
    specialisation = factories.SourcingModelFactory(is_scored=False)
    score = factories.OptionScoreFactory.build(
        option=factories.AnswerOptionFactory(), model=specialisation
    )

    assert str(NOT_SCORED_MODEL) in errors_of(score)["model"]


# --- load_catalogue ------------------------------------------------------------------------------

BASE_PK = 90_000


def criterion_row(pk: int, **fields: Any) -> dict[str, Any]:
    return {
        "model": "decisions.criterion",
        "pk": pk,
        "fields": {
            "slug": f"fixture-criterion-{pk}",
            "name": f"Fixture criterion {pk}",
            "explanation": "Loaded from a test fixture.",
            "bpo_side": "Under BPO.",
            "kpo_side": "Under KPO.",
            "kind": "scored",
            "weight": "1.00",
            "order": 500,
            **fields,
        },
    }


def question_rows(criterion_pk: int, options: int, score: Any = "5.00") -> list[dict[str, Any]]:
    """A question with ``options`` options, each scoring every scored model."""
    question_pk = criterion_pk
    rows: list[dict[str, Any]] = [
        {
            "model": "decisions.question",
            "pk": question_pk,
            "fields": {"criterion": criterion_pk, "text": "Fixture question?", "order": 0},
        }
    ]
    scored = SourcingModel.objects.filter(is_scored=True).values_list("pk", flat=True)
    for index in range(options):
        option_pk = question_pk * 10 + index
        rows.append(
            {
                "model": "decisions.answeroption",
                "pk": option_pk,
                "fields": {
                    "question": question_pk,
                    "label": f"Option {index}",
                    "code": f"option-{index}",
                    "order": index,
                },
            }
        )
        for model_pk in scored:
            rows.append(
                {
                    "model": "decisions.optionscore",
                    "pk": option_pk * 10 + model_pk,
                    "fields": {"option": option_pk, "model": model_pk, "score": score},
                }
            )
    return rows


def write_fixture(tmp_path: Path, name: str, rows: list[dict[str, Any]], raw: str = "") -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(raw or json.dumps(rows), encoding="utf-8")
    return path


def catalogue_state() -> tuple[Any, ...]:
    return (
        list(Criterion.objects.order_by("pk").values_list("pk", "slug", "name", "weight")),
        Question.objects.count(),
        AnswerOption.objects.count(),
        OptionScore.objects.count(),
    )


@pytest.fixture
def scored_models(db):
    """The catalogue's scored models (created if the catalogue is not loaded)."""
    if not SourcingModel.objects.filter(is_scored=True).exists():
        factories.SourcingModelFactory.create_batch(2)
    return list(SourcingModel.objects.filter(is_scored=True))


def test_a_good_fixture_loads_and_loading_it_again_changes_nothing(tmp_path, scored_models):
    rows = [criterion_row(BASE_PK + 1), *question_rows(BASE_PK + 1, options=3)]
    path = write_fixture(tmp_path, "good", rows)

    call_command("load_catalogue", str(path), verbosity=0)
    loaded = catalogue_state()
    call_command("load_catalogue", str(path), verbosity=0)

    assert catalogue_state() == loaded
    criterion = Criterion.objects.get(pk=BASE_PK + 1)
    assert criterion.questions.get().options.count() == 3
    assert OptionScore.objects.filter(option__question__criterion=criterion).count() == 3 * len(
        scored_models
    )


def test_rows_may_refer_forward_to_rows_later_in_the_file(tmp_path, scored_models):
    rows = [criterion_row(BASE_PK + 2), *question_rows(BASE_PK + 2, options=2)]
    path = write_fixture(tmp_path, "forward", list(reversed(rows)))

    call_command("load_catalogue", str(path), verbosity=0)

    assert Question.objects.get(pk=BASE_PK + 2).options.count() == 2


def bad_fixtures(tmp_path: Path) -> dict[str, tuple[Path, list[str]]]:
    """name -> (fixture file, phrases the error must contain)."""
    pk = BASE_PK + 3
    existing_slug = Criterion.objects.order_by("pk").values_list("slug", flat=True).first()
    one_option = [criterion_row(pk), *question_rows(pk, options=1)]
    nan_score = [criterion_row(pk), *question_rows(pk, options=2, score="NaN")]
    infinite_weight = [criterion_row(pk, weight="Infinity")]
    return {
        "negative-weight": (
            write_fixture(tmp_path, "negative", [criterion_row(pk, weight="-1.00")]),
            ["negative.json", "decisions.criterion", f"pk={pk}", "weight", str(NEGATIVE_WEIGHT)],
        ),
        "nan-score": (
            write_fixture(tmp_path, "nan", nan_score),
            ["nan.json", "decisions.optionscore", "score", str(NOT_FINITE).rstrip(".")],
        ),
        "nan-literal-score": (
            write_fixture(
                tmp_path, "nanliteral", [], raw=json.dumps(nan_score).replace('"NaN"', "NaN")
            ),
            ["nanliteral.json", "decisions.optionscore", "score", str(NOT_FINITE).rstrip(".")],
        ),
        "infinite-weight": (
            write_fixture(tmp_path, "infinite", infinite_weight),
            ["infinite.json", "decisions.criterion", "weight", str(NOT_FINITE).rstrip(".")],
        ),
        "question-with-one-option": (
            write_fixture(tmp_path, "lonely", one_option),
            ["lonely.json", "decisions.question", f"pk={pk}", str(TOO_FEW_OPTIONS).rstrip(".")],
        ),
        "duplicate-slug": (
            write_fixture(tmp_path, "duplicate", [criterion_row(pk, slug=existing_slug)]),
            ["duplicate.json", "decisions.criterion", "slug", existing_slug, "already exists"],
        ),
        "score-out-of-range": (
            write_fixture(
                tmp_path, "range", [criterion_row(pk), *question_rows(pk, options=2, score="11")]
            ),
            ["range.json", "decisions.optionscore", "score", "less than or equal to 10"],
        ),
        "duplicate-option-code": (
            write_fixture(tmp_path, "twice", [same_code_again(pk)]),
            ["twice.json", "decisions.answeroption", f"pk={pk}", "code", "already exists"],
        ),
    }


def same_code_again(pk: int) -> dict[str, Any]:
    """A new option of a stored question with the code of one of its options."""
    taken = AnswerOption.objects.order_by("pk").first() or factories.AnswerOptionFactory()
    fields = {"question": taken.question_id, "label": "Again", "code": taken.code, "order": 9}
    return {"model": "decisions.answeroption", "pk": pk, "fields": fields}


BAD_FIXTURES = [
    "negative-weight",
    "nan-score",
    "nan-literal-score",
    "infinite-weight",
    "question-with-one-option",
    "duplicate-slug",
    "score-out-of-range",
    "duplicate-option-code",
]


@pytest.mark.parametrize("name", BAD_FIXTURES)
def test_load_catalogue_refuses_a_bad_fixture_and_saves_nothing(tmp_path, scored_models, name):
    if name == "duplicate-slug" and not Criterion.objects.exists():
        factories.CriterionFactory()
    path, phrases = bad_fixtures(tmp_path)[name]
    before = catalogue_state()

    with pytest.raises(CommandError) as caught:
        call_command("load_catalogue", str(path), verbosity=0)

    message = str(caught.value)
    for phrase in phrases:
        assert phrase in message, f"{phrase!r} missing from {message!r}"
    assert catalogue_state() == before


def test_load_catalogue_rolls_back_good_rows_loaded_before_the_bad_one(tmp_path, scored_models):
    existing = factories.CriterionFactory(name="Original name")
    renamed = criterion_row(existing.pk, slug=existing.slug, name="Changed by the fixture")
    path = write_fixture(tmp_path, "mixed", [renamed, criterion_row(BASE_PK + 4, weight="-2")])
    before = catalogue_state()

    with pytest.raises(CommandError, match="A weight cannot be negative"):
        call_command("load_catalogue", str(path), verbosity=0)

    assert catalogue_state() == before
    existing.refresh_from_db()
    assert existing.name == "Original name"


def test_load_catalogue_refuses_an_option_missing_a_score(tmp_path, scored_models):
    pk = BASE_PK + 5
    rows = [criterion_row(pk), *question_rows(pk, options=2)]
    missing = next(r for r in rows if r["model"] == "decisions.optionscore")
    rows.remove(missing)
    model = SourcingModel.objects.get(pk=missing["fields"]["model"])
    path = write_fixture(tmp_path, "unscored", rows)

    with pytest.raises(CommandError) as caught:
        call_command("load_catalogue", str(path), verbosity=0)

    message = str(caught.value)
    assert "unscored.json" in message
    assert f"decisions.answeroption pk={missing['fields']['option']}" in message
    assert str(MISSING_SCORES % {"models": str(model)}).rstrip(".") in message
    assert not Criterion.objects.filter(pk=pk).exists()


def test_load_catalogue_refuses_to_change_a_used_slug(tmp_path, scored_models):
    criterion = factories.scored_criterion(slug="answered-already")
    factories.AnswerFactory(option=AnswerOption.objects.filter(question__criterion=criterion)[0])
    path = write_fixture(tmp_path, "rename", [criterion_row(criterion.pk, slug="renamed")])

    with pytest.raises(CommandError, match="cannot change"):
        call_command("load_catalogue", str(path), verbosity=0)

    criterion.refresh_from_db()
    assert criterion.slug == "answered-already"


def test_the_shipped_catalogue_passes_validation():
    call_command("load_catalogue", verbosity=0)

    assert Criterion.objects.exists()


def test_loading_the_shipped_catalogue_gives_every_row_a_history_entry():
    call_command("load_catalogue", verbosity=0)

    for model in (Criterion, Question, AnswerOption, OptionScore, SourcingModel):
        with_history = set(model.history.values_list("id", flat=True))
        assert set(model.objects.values_list("pk", flat=True)) <= with_history, model


def test_load_catalogue_records_history_for_new_and_changed_rows_only(tmp_path, scored_models):
    pk = BASE_PK + 6
    path = write_fixture(tmp_path, "historic", [criterion_row(pk, name="First name")])

    call_command("load_catalogue", str(path), verbosity=0)
    call_command("load_catalogue", str(path), verbosity=0)
    write_fixture(tmp_path, "historic", [criterion_row(pk, name="Second name")])
    call_command("load_catalogue", str(path), verbosity=0)

    records = list(Criterion.objects.get(pk=pk).history.order_by("history_date", "history_id"))
    assert [(r.history_type, r.name) for r in records] == [
        ("+", "First name"),
        ("~", "Second name"),
    ]
    assert {r.history_change_reason for r in records} == {"Loaded from fixture historic.json"}


def test_a_fixture_may_refer_to_rows_of_an_earlier_one(tmp_path, scored_models):
    pk = BASE_PK + 7
    first = write_fixture(tmp_path, "first", [criterion_row(pk)])
    second = write_fixture(tmp_path, "second", question_rows(pk, options=2))

    call_command("load_catalogue", str(first), str(second), verbosity=0)

    assert Question.objects.get(pk=pk).criterion_id == pk


def test_load_catalogue_finds_a_fixture_by_name():
    out = StringIO()

    call_command("load_catalogue", "catalogue", stdout=out)

    assert "the catalogue passes every rule" in out.getvalue()


@pytest.mark.parametrize(
    ("rows", "phrases"),
    [
        pytest.param(
            [{"model": "auth.group", "pk": BASE_PK, "fields": {"name": "Sneaked in"}}],
            ["stray.json", f"auth.group pk={BASE_PK}", "not a catalogue row"],
            id="not-a-catalogue-row",
        ),
        pytest.param(
            [
                {
                    "model": "decisions.question",
                    "pk": BASE_PK + 8,
                    "fields": {"criterion": BASE_PK + 99, "text": "Orphan?", "order": 0},
                }
            ],
            ["stray.json", "decisions_question", str(BASE_PK + 99)],
            id="missing-parent",
        ),
    ],
)
def test_load_catalogue_refuses_rows_it_cannot_check(tmp_path, scored_models, rows, phrases):
    path = write_fixture(tmp_path, "stray", rows)
    before = catalogue_state()

    with pytest.raises(CommandError) as caught:
        call_command("load_catalogue", str(path), verbosity=0)

    for phrase in phrases:
        assert phrase in str(caught.value), (phrase, str(caught.value))
    assert "Nothing was loaded." in str(caught.value)
    assert catalogue_state() == before
    assert not Group.objects.filter(name="Sneaked in").exists()


def test_load_catalogue_refuses_an_unknown_fixture():
    with pytest.raises(CommandError, match="No JSON fixture named 'no-such-fixture'"):
        call_command("load_catalogue", "no-such-fixture", verbosity=0)


def test_load_catalogue_refuses_a_profile_option_pointing_at_the_wrong_kind(tmp_path):
    option = AnswerOption.objects.get(question__criterion__slug="delivery-location", code="onshore")
    structure = DeliveryOption.objects.get(slug="captive-division")
    row = {
        "model": "decisions.answeroption",
        "pk": option.pk,
        "fields": {
            "question": option.question_id,
            "label": option.label,
            "code": option.code,
            "delivery_option": structure.pk,
            "order": option.order,
        },
    }
    path = write_fixture(tmp_path, "kinds", [row])

    with pytest.raises(CommandError) as caught:
        call_command("load_catalogue", str(path), verbosity=0)

    message = str(caught.value)
    assert f"kinds.json': decisions.answeroption pk={option.pk} (code 'onshore')" in message
    assert "delivery_option: " + str(WRONG_DELIVERY_KIND % {"kind": "location"}).rstrip(".") in (
        message
    )
    option.refresh_from_db()
    assert option.delivery_option.slug == "onshore"


# --- The rules that span rows, wherever they are broken -----------------------------------


def test_a_profile_option_must_point_at_a_delivery_option_of_its_kind():
    option = AnswerOption.objects.get(question__criterion__slug="office", code="front")
    option.delivery_option = DeliveryOption.objects.get(slug="offshore")

    assert errors_of(option)["delivery_option"] == [str(WRONG_DELIVERY_KIND % {"kind": "office"})]


def test_only_profile_options_point_at_a_delivery_option():
    criterion = factories.scored_criterion()
    option = AnswerOption.objects.filter(question__criterion=criterion).first()
    option.delivery_option = DeliveryOption.objects.get(slug="offshore")

    assert errors_of(option)["delivery_option"] == [str(NOT_A_PROFILE_OPTION)]
    option.save()
    assert problems_of(option) == [("delivery_option", str(NOT_A_PROFILE_OPTION))]


def test_a_score_for_a_model_that_does_not_compete_is_a_problem():
    option = AnswerOption.objects.filter(question__criterion__kind=Criterion.Kind.SCORED).first()
    lpo = SourcingModel.objects.get(slug="lpo")
    score = OptionScore.objects.create(option=option, model=lpo, score=Decimal(5))

    assert problems_of(score) == [("model", str(NOT_SCORED_MODEL))]


def test_a_disagreement_needs_two_readings():
    disagreement = factories.DisagreementFactory()
    factories.ReadingFactory(disagreement=disagreement)

    assert problems_of(disagreement) == [("readings", str(TOO_FEW_READINGS))]


@pytest.mark.parametrize(
    ("field", "slug", "expected"),
    [
        ("delivery_options", "front-office", "location"),
        ("offices", "onshore", "office"),
    ],
)
def test_a_provider_offers_delivery_options_of_the_right_kind(field, slug, expected):
    provider = factories.ProviderFactory()
    getattr(provider, field).add(DeliveryOption.objects.get(slug=slug))

    assert problems_of(provider) == [(field, str(WRONG_DELIVERY_KIND % {"kind": expected}))]


def test_an_activity_office_and_a_provider_structure_are_of_the_right_kind():
    offshore = DeliveryOption.objects.get(slug="offshore")
    activity = factories.ActivityFactory(office=offshore)
    provider = factories.ProviderFactory(structure=offshore)

    assert problems_of(activity) == [("office", str(WRONG_DELIVERY_KIND % {"kind": "office"}))]
    assert problems_of(provider) == [
        ("structure", str(WRONG_DELIVERY_KIND % {"kind": "structure"}))
    ]


def test_the_shipped_catalogue_has_no_problems():
    assert catalogue_problems() == []


def test_finding_problems_costs_the_same_queries_however_large_the_catalogue():
    with CaptureQueriesContext(connection) as shipped:
        catalogue_problems()
    factories.scored_criterion(options=3)
    provider = factories.ProviderFactory(structure=DeliveryOption.objects.get(slug="onshore"))
    provider.offices.add(DeliveryOption.objects.get(slug="offshore"))
    factories.ReadingFactory()

    with CaptureQueriesContext(connection) as larger:
        problems = catalogue_problems()

    assert len(larger) == len(shipped)
    assert len(problems) == 3  # the structure, the office and the lone reading


# --- The rules on plain values (no database) ----------------------------------------------


@pytest.mark.parametrize(("count", "broken"), [(0, True), (1, True), (2, False), (5, False)])
def test_too_few_options(count, broken):
    assert (rules.too_few_options(count) is not None) is broken
    assert (rules.too_few_readings(count) is not None) is broken


def test_missing_scores_names_each_missing_model_in_order():
    scored = {1: "BPO", 2: "KPO", 3: "In-house"}

    error = rules.missing_scores(scored_criterion=True, scored_models=scored, scored_ids={2})

    assert error.messages == [str(MISSING_SCORES % {"models": "BPO, In-house"})]
    assert (
        rules.missing_scores(scored_criterion=True, scored_models=scored, scored_ids={1, 2, 3})
        is None
    )
    assert rules.missing_scores(scored_criterion=False, scored_models=scored, scored_ids=()) is None


@pytest.mark.parametrize(
    ("criterion", "kind", "message"),
    [
        ("delivery-location", "location", None),
        ("delivery-location", None, None),
        ("office", "office", None),
        ("office", "location", WRONG_DELIVERY_KIND % {"kind": "office"}),
        ("delivery-location", "structure", WRONG_DELIVERY_KIND % {"kind": "location"}),
        ("complexity", "location", NOT_A_PROFILE_OPTION),
        ("complexity", None, None),
    ],
)
def test_profile_option_delivery(criterion, kind, message):
    error = rules.profile_option_delivery(criterion_slug=criterion, kind=kind)

    assert (error.messages if error else None) == ([str(message)] if message else None)


def test_a_model_joins_or_leaves_scoring_only_with_its_scores():
    bpo = SourcingModel.objects.get(slug="bpo")
    bpo.is_scored = False
    newcomer = factories.SourcingModelFactory.build(slug="newcomer", is_scored=True)
    bystander = factories.SourcingModelFactory.build(slug="bystander", is_scored=False)

    assert errors_of(bpo)["is_scored"] == [str(SCORING_CHANGE)]
    assert errors_of(newcomer)["is_scored"] == [str(SCORING_CHANGE)]
    bystander.full_clean()


@pytest.mark.parametrize(
    ("was_scored", "is_scored", "options_scored", "broken"),
    [
        (True, False, True, True),
        (False, True, True, True),
        (None, True, True, True),
        (None, False, True, False),
        (True, True, True, False),
        (True, False, False, False),
        (None, True, False, False),
    ],
)
def test_scoring_change(was_scored, is_scored, options_scored, broken):
    error = rules.scoring_change(
        was_scored=was_scored, is_scored=is_scored, options_scored=options_scored
    )

    assert (error is not None) is broken
