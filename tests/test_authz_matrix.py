"""Who may open what: every URL that takes an object id, for every kind of visitor.

The URL patterns are read from the resolver, so a new URL that takes an id
fails ``test_every_id_taking_url_is_in_the_matrix`` until it is added here with
what a member should get. For each entry:

- anonymous visitors are sent to sign in (and nothing changes);
- an outsider (a member of another organisation) and staff who are not members
  get 404, never a hint that the object exists (and nothing changes);
- a member gets the page, or the redirect the endpoint answers with.

The admin's object URLs are checked the same way: only staff get in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import models
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from decisions import questionnaire
from decisions.models import Answer, BusinessCase, FunctionAssessment, Organization, RiskRating

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class Case:
    """One URL and method, and what a member of the organisation gets."""

    name: str
    method: str = "get"
    status: int = HTTPStatus.OK
    redirect_to: str | None = None  # URL name a member is redirected to (same object)
    redirect_kwargs: dict[str, Any] = field(default_factory=dict)
    content_type: str = "text/html"
    kwargs: dict[str, Any] = field(default_factory=dict)
    data: Callable[[FunctionAssessment], dict[str, Any]] | None = None

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}"


def first_step_answer(function: FunctionAssessment) -> dict[str, Any]:
    question = questionnaire.current().questions[0]
    return {"option": question.options[1].pk, "action": "continue"}


def keep_recommendation(function: FunctionAssessment) -> dict[str, Any]:
    return {"final_model": function.recommended_model_id, "reason": ""}


def a_baseline(function: FunctionAssessment) -> dict[str, Any]:
    return {"currency": "EUR", "ftes": "4", "cost_per_fte": "60000"}


def a_risk(function: FunctionAssessment) -> dict[str, Any]:
    return {"data-security-likelihood": "3", "data-security-impact": "4"}


def a_title(function: FunctionAssessment) -> dict[str, Any]:
    return {"title": "Renamed"}


def confirmed(function: FunctionAssessment) -> dict[str, Any]:
    return {"confirm": "yes"}


def a_new_function(function: FunctionAssessment) -> dict[str, Any]:
    return {"name": "A function added later"}


def a_function_list(function: FunctionAssessment) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("list.csv", b"Name\nImported one\n", "text/csv")}


def new_settings(function: FunctionAssessment) -> dict[str, Any]:
    return {"currency": "USD", "discount_rate_percent": "6", "contract_term_months": "36"}


# What a member gets, for every decisions URL that takes an object id.
MATRIX = [
    Case("assessment-detail"),
    Case("assessment-report", content_type="application/pdf"),
    Case("assessment-export-csv", content_type="text/csv"),
    Case("assessment-export-json", content_type="application/json"),
    Case("function-start", status=HTTPStatus.FOUND, redirect_to="decisions:function-review"),
    Case("function-step", kwargs={"step": 1}),
    Case(
        "function-step",
        method="post",
        kwargs={"step": 1},
        data=first_step_answer,
        status=HTTPStatus.FOUND,
        redirect_to="decisions:function-step",
        redirect_kwargs={"step": 2},
    ),
    Case("function-review"),
    Case("function-result"),
    Case(
        "function-result",
        method="post",
        data=keep_recommendation,
        status=HTTPStatus.FOUND,
        redirect_to="decisions:function-result",
    ),
    Case(
        "function-recompute",
        method="post",
        status=HTTPStatus.FOUND,
        redirect_to="decisions:function-result",
    ),
    Case("function-business-case"),
    Case(
        "function-business-case",
        method="post",
        data=a_baseline,
        status=HTTPStatus.FOUND,
        redirect_to="decisions:function-result",
    ),
    Case(
        "function-business-case-delete",
        method="post",
        status=HTTPStatus.FOUND,
        redirect_to="decisions:function-result",
    ),
    # Without a baseline yet, a price page sends the member to enter one first.
    Case(
        "function-price",
        kwargs={"model": "bpo"},
        status=HTTPStatus.FOUND,
        redirect_to="decisions:function-business-case",
    ),
    Case(
        "function-price-delete",
        method="post",
        kwargs={"model": "bpo"},
        status=HTTPStatus.FOUND,
        redirect_to="decisions:function-business-case",
    ),
    Case("function-risks"),
    Case(
        "function-risks",
        method="post",
        data=a_risk,
        status=HTTPStatus.FOUND,
        redirect_to="decisions:function-result",
    ),
    Case("assessment-edit"),
    Case(
        "assessment-edit",
        method="post",
        data=a_title,
        status=HTTPStatus.FOUND,
        redirect_to="decisions:assessment-edit",
    ),
    Case(
        "functions-add",
        method="post",
        data=a_new_function,
        status=HTTPStatus.FOUND,
        redirect_to="decisions:assessment-edit",
    ),
    Case(
        "functions-import",
        method="post",
        data=a_function_list,
        status=HTTPStatus.FOUND,
        redirect_to="decisions:assessment-edit",
    ),
    Case(
        "assessment-recompute",
        method="post",
        status=HTTPStatus.FOUND,
        redirect_to="decisions:assessment-detail",
    ),
    Case("function-remove"),
    Case(
        "function-remove",
        method="post",
        data=confirmed,
        status=HTTPStatus.FOUND,
        redirect_to="decisions:assessment-edit",
    ),
    Case("assessment-delete"),
    Case(
        "assessment-delete",
        method="post",
        data=confirmed,
        status=HTTPStatus.FOUND,
        redirect_to="decisions:dashboard",
    ),
    Case("organization-settings"),
    Case(
        "organization-settings",
        method="post",
        data=new_settings,
        status=HTTPStatus.FOUND,
        redirect_to="decisions:organization-settings",
    ),
]
# The object each URL's id names.
ASSESSMENT_URLS = {"assessment-detail", "assessment-report"} | {
    "assessment-export-csv",
    "assessment-export-json",
    "assessment-edit",
    "assessment-delete",
    "assessment-recompute",
    "functions-add",
    "functions-import",
}
# Redirect targets without an id.
NO_ID_TARGETS = {"decisions:dashboard"}
ORGANIZATION_URLS = {"organization-settings"}
# URLs without an id: public ones; every other one needs a login.
PUBLIC_URLS = {"home", "guide"}


def decisions_patterns() -> list[URLPattern]:
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "decisions":
            return [p for p in entry.url_patterns if isinstance(p, URLPattern)]
    raise AssertionError("decisions URLs are not included in the root URLconf")


def takes_an_id(pattern: URLPattern) -> bool:
    """Any captured part: ``<int:pk>`` converters and the groups of ``re_path`` patterns."""
    return pattern.pattern.regex.groups > 0


def test_every_id_taking_url_is_in_the_matrix():
    id_taking = {p.name for p in decisions_patterns() if takes_an_id(p)}

    assert id_taking, "the resolver introspection found nothing: it is broken"
    assert id_taking == {case.name for case in MATRIX}


@pytest.mark.parametrize(
    "name", sorted(p.name for p in decisions_patterns() if not takes_an_id(p)), ids=str
)
def test_urls_without_an_id_are_public_or_need_a_login(client, catalogue, name):
    url = reverse(f"decisions:{name}")
    response = client.get(url)
    if name in PUBLIC_URLS:
        assert response.status_code in {HTTPStatus.OK, HTTPStatus.FOUND}
        if response.status_code == HTTPStatus.FOUND:
            assert not response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == f"{reverse('login')}?next={url}"


def pk_for(name: str, function: FunctionAssessment) -> int:
    """The id a URL of this name takes: the assessment's, the organisation's or the function's."""
    if name in ASSESSMENT_URLS:
        return function.assessment_id
    if name in ORGANIZATION_URLS:
        return function.assessment.organization_id
    return function.pk


def url_of(case: Case, function: FunctionAssessment) -> str:
    return reverse(
        f"decisions:{case.name}", kwargs={"pk": pk_for(case.name, function), **case.kwargs}
    )


def send(client: Client, case: Case, function: FunctionAssessment):
    data = case.data(function) if case.data else {}
    return getattr(client, case.method)(url_of(case, function), data)


def state(function: FunctionAssessment) -> tuple[Any, ...]:
    """What any of these requests could change."""
    function = FunctionAssessment.objects.get(pk=function.pk)
    answers = sorted(Answer.objects.filter(function=function).values_list("question", "option"))
    organization = Organization.objects.get(pk=function.assessment.organization_id)
    return (
        answers,
        function.final_model_id,
        function.final_reason,
        function.computed_at,
        function.assessment.updated_at,
        list(BusinessCase.objects.filter(function=function).values()),
        list(RiskRating.objects.filter(function=function).values()),
        (
            organization.currency,
            organization.discount_rate_percent,
            organization.contract_term_months,
        ),
    )


@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_anonymous_visitors_are_sent_to_sign_in(client, recommended_function, case):
    before = state(recommended_function)

    response = send(client, case, recommended_function)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{reverse('login')}?next={url_of(case, recommended_function)}"
    assert state(recommended_function) == before


@pytest.mark.parametrize("visitor", ["outsider", "staff"])
@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_non_members_get_404_and_change_nothing(
    client, recommended_function, case, visitor, request
):
    client.force_login(request.getfixturevalue(visitor))
    before = state(recommended_function)

    response = send(client, case, recommended_function)

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert state(recommended_function) == before


@pytest.mark.parametrize("case", MATRIX, ids=str)
def test_members_get_the_page_or_the_expected_redirect(manager_client, recommended_function, case):
    response = send(manager_client, case, recommended_function)

    assert response.status_code == case.status
    if case.redirect_to:
        location = response["Location"]
        name = case.redirect_to.removeprefix("decisions:")
        target = (
            reverse(case.redirect_to)
            if case.redirect_to in NO_ID_TARGETS
            else reverse(
                case.redirect_to,
                kwargs={"pk": pk_for(name, recommended_function), **case.redirect_kwargs},
            )
        )
        assert location.split("#")[0].split("?")[0] == target
    else:
        assert response["Content-Type"].startswith(case.content_type)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if case.content_type == "text/html":
            text = body.decode()
            assert recommended_function.assessment.title in text or (
                recommended_function.name in text
                or recommended_function.assessment.organization.name in text
            )
        else:
            assert body  # a non-empty export


# ---- the admin -------------------------------------------------------------------------


@pytest.fixture
def admin_objects(recommended_function, staff) -> dict[type[models.Model], models.Model]:
    """One row for every model registered in the admin (the catalogue is loaded)."""
    Group.objects.create(name="Catalogue editors")
    access = {"user_agent": "pytest", "ip_address": "127.0.0.1", "username": "someone"}
    AccessAttempt.objects.create(**access, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**access)
    AccessFailureLog.objects.create(**access)
    rows = {}
    for model in admin.site._registry:
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"no {model._meta.label} row to test the admin with"
        rows[model] = obj
    return rows


def admin_object_patterns() -> list[tuple[type[models.Model], URLPattern]]:
    """Every admin URL (of every registered model) that takes an object id."""
    found = []
    for model, model_admin in admin.site._registry.items():
        for pattern in model_admin.get_urls():
            if isinstance(pattern, URLPattern) and takes_an_id(pattern):
                found.append((model, pattern))
    return found


def view_suffix(model: type[models.Model], pattern: URLPattern) -> str:
    """ "change", "history"...; "" for the unnamed ``<id>/`` redirect to the change page."""
    return (pattern.name or "").removeprefix(f"{model._meta.app_label}_{model._meta.model_name}_")


# The admin views that take an object id; anything else is new and must be added here.
ADMIN_OBJECT_VIEWS = {"", "change", "history", "delete", "simple_history", "password_change"}


def test_every_admin_object_url_is_covered():
    suffixes = {view_suffix(model, pattern) for model, pattern in admin_object_patterns()}

    assert {"change", "simple_history"} <= suffixes  # the introspection works
    assert suffixes == ADMIN_OBJECT_VIEWS


def admin_urls(rows: dict[type[models.Model], models.Model]) -> list[tuple[str, str, Any]]:
    """(url, view suffix, object) for every admin object URL, with a real id."""
    urls = []
    for model, pattern in admin_object_patterns():
        obj = rows[model]
        suffix = view_suffix(model, pattern)
        opts = model._meta
        if suffix == "":
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            urls.append((change.removesuffix("change/"), suffix, obj))
            continue
        args: list[Any] = [obj.pk]
        if suffix == "simple_history":
            record = obj.history.order_by("pk").first()
            if record is None:
                obj.save()  # a first version to open
                record = obj.history.order_by("pk").first()
            args.append(record.pk)
        urls.append((reverse(f"admin:{pattern.name}", args=args), suffix, obj))
    return urls


def test_admin_object_urls_are_for_staff_only(client, admin_objects, manager, staff):
    urls = admin_urls(admin_objects)
    assert len(urls) >= 3 * len(admin_objects)
    login = reverse("admin:login")

    for url, _suffix, _obj in urls:
        anonymous = client.get(url)
        assert anonymous.status_code == HTTPStatus.FOUND, url
        assert anonymous["Location"].startswith(login), url

    client.force_login(manager)  # a member of an organisation, not staff
    for url, _suffix, _obj in urls:
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND, url
        assert response["Location"].startswith(login), url

    client.force_login(staff)
    factory_request = RequestFactory().get("/")
    factory_request.user = staff
    for url, suffix, obj in urls:
        model_admin = admin.site._registry[type(obj)]
        response = client.get(url)
        if suffix == "":
            assert response.status_code == HTTPStatus.FOUND, url
            assert response["Location"] == f"{url}change/"
            continue
        allowed = suffix != "delete" or model_admin.has_delete_permission(factory_request, obj)
        expected = HTTPStatus.OK if allowed else HTTPStatus.FORBIDDEN
        assert response.status_code == expected, url


def test_nested_admin_data_is_for_staff_only(client, manager, staff):
    url = reverse("nesting_server_data")
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    client.force_login(manager)
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    client.force_login(staff)
    assert client.get(url).status_code == HTTPStatus.OK


def test_revert_page_of_an_object_with_a_locked_slug_opens(admin_client, recommended_function):
    """A used sourcing model's slug is read-only: its old versions still open (was a 500)."""
    model = recommended_function.recommended_model
    assert model.is_used()
    record = model.history.order_by("pk").first()
    if record is None:
        model.save()
        record = model.history.order_by("pk").first()
    url = reverse("admin:decisions_sourcingmodel_simple_history", args=[model.pk, record.pk])

    response = admin_client.get(url)

    assert response.status_code == HTTPStatus.OK
