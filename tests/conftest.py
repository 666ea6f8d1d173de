"""Shared pytest fixtures.

The shipped catalogue (fixtures/catalogue.json) is loaded once into the test
database, so every test sees the real criteria, questions and providers; each
test's changes roll back.
"""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings

from tests import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # playwright's event loop + ORM

# Property tests check behaviour, not speed: on a busy 2-core runner some examples
# take longer than Hypothesis's 200 ms default deadline without being wrong.
hypothesis_settings.register_profile("default", deadline=None)
hypothesis_settings.load_profile("default")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, test in a file rather than Django's shared in-memory database.

    Threads (tests/test_concurrency.py, live_server) then each open their own
    connection to one database and meet SQLite's real file locking, as gunicorn
    workers do. Each pytest-xdist worker has its own temporary folder.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"] == "django.db.backends.sqlite3" and not test.get("NAME"):
        test["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_catalogue", verbosity=0)


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    """Tests run with DEBUG off but without collectstatic: static URLs stay unhashed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashers cost ~0.5 s per user by design; tests need no such cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalogue(db):
    """Ensure the catalogue is present (transactional tests flush it) and return nothing."""
    from decisions.models import Criterion

    if not Criterion.objects.exists():
        call_command("load_catalogue", verbosity=0)


@pytest.fixture
def organization(db):
    return factories.OrganizationFactory(name="Acme Manufacturing")


@pytest.fixture
def manager(organization):
    """The organisation's first member, so its owner (roles: decisions.approvals)."""
    user = factories.UserFactory(username="manager")
    factories.MembershipFactory(organization=organization, user=user, role="owner")
    return user


@pytest.fixture
def outsider(db):
    user = factories.UserFactory(username="outsider")
    factories.MembershipFactory(user=user)  # a member of some other organisation
    return user


@pytest.fixture
def staff(db):
    return factories.StaffFactory(username="staff")


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


def answer_all(function, user, choose=None):
    """Answer every question of a function through the service (first option by default).

    ``choose(question)`` returns the option (a ``questionnaire.OptionDef``) to pick.
    """
    from decisions import questionnaire, services

    for question in questionnaire.current().questions:
        option = choose(question) if choose else question.options[0]
        services.answer_save(function=function, question=question, option_id=option.id, user=user)
    function.refresh_from_db()
    return function


def answer_archetype(function, user, archetype: str):
    """Answer a function as one of decisions.demo_profiles.ARCHETYPES describes it."""
    from decisions.demo_profiles import ARCHETYPES

    codes = ARCHETYPES[archetype]

    def choose(question):
        code = codes[question.criterion.slug]
        return next(o for o in question.options if o.code == code)

    return answer_all(function, user, choose)


@pytest.fixture
def assessment(manager, organization):
    return factories.AssessmentFactory(organization=organization, owner=manager)


@pytest.fixture
def function(assessment):
    return factories.FunctionAssessmentFactory(assessment=assessment, name="Payroll")


@pytest.fixture
def recommended_function(function, manager):
    """A function answered completely (first option everywhere), so it has a result."""
    return answer_all(function, manager)


def add_archetype(assessment, user, name: str, *, order: int = 0):
    """A function of the assessment named, linked and answered as the archetype ``name``."""
    from decisions.demo_profiles import ARCHETYPES
    from decisions.models import Activity

    function = factories.FunctionAssessmentFactory(
        assessment=assessment,
        name=name,
        order=order,
        activity=Activity.objects.get(slug=ARCHETYPES[name]["activity"]),
    )
    return answer_archetype(function, user, name)
