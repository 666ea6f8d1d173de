"""Sign-in throttling beyond one account: password spraying, and what failures may store.

tests/test_security.py covers the lock of one account from one address; here
one address tries many accounts, and an attacker tries to grow the tables.
"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from django.utils import timezone

from tests import factories
from tests.test_security import LIMIT, assert_locked, fail, sign_in

pytestmark = pytest.mark.django_db

ADDRESS_LIMIT = 20  # AXES_ADDRESS_FAILURE_LIMIT's default, asserted in the production settings test
ATTACKER = "203.0.113.66"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def spray(client: Client, usernames: list[str], per_account: int, ip: str = ATTACKER) -> list[int]:
    """Wrong passwords for each username in turn, as a sprayer does: the status codes."""
    return [
        sign_in(client, username, f"Summer202{round_}!", ip=ip).status_code
        for round_ in range(per_account)
        for username in usernames
    ]


def test_one_address_spraying_many_accounts_is_locked(client, settings, manager, outsider):
    """60 passwords across 15 usernames from one address signed in unhindered before."""
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == ADDRESS_LIMIT
    usernames = [f"user{i}" for i in range(14)] + [manager.username]
    per_account = LIMIT - 1  # never enough to lock any one account

    statuses = spray(client, usernames, per_account)

    assert len(statuses) == 60
    assert statuses[: ADDRESS_LIMIT - 1] == [HTTPStatus.OK] * (ADDRESS_LIMIT - 1)
    assert statuses[ADDRESS_LIMIT - 1 :] == [HTTPStatus.TOO_MANY_REQUESTS] * (
        60 - ADDRESS_LIMIT + 1
    )
    # The right password of any account is refused from that address...
    assert_locked(sign_in(Client(), manager.username, factories.PASSWORD, ip=ATTACKER))
    assert_locked(sign_in(Client(), outsider.username, factories.PASSWORD, ip=ATTACKER))
    # ...and accepted from any other.
    other = sign_in(Client(), manager.username, factories.PASSWORD, ip="198.51.100.9")
    assert other.status_code == HTTPStatus.FOUND


def test_an_address_below_its_limit_signs_in(client, manager):
    spray(client, [f"user{i}" for i in range(ADDRESS_LIMIT - 1)], 1)

    response = sign_in(client, manager.username, factories.PASSWORD, ip=ATTACKER)

    assert response.status_code == HTTPStatus.FOUND


def test_signing_in_to_ones_own_account_does_not_reset_the_address_count(client, outsider):
    """An attacker with an account of their own cannot wipe the count of the others."""
    spray(client, [f"user{i}" for i in range(ADDRESS_LIMIT - 1)], 1)
    own = sign_in(client, outsider.username, factories.PASSWORD, ip=ATTACKER)
    assert own.status_code == HTTPStatus.FOUND
    client.logout()

    assert_locked(sign_in(client, "one-more", "wrong", ip=ATTACKER))


def test_the_address_lock_lifts_after_the_cool_off(client, manager):
    spray(client, [f"user{i}" for i in range(ADDRESS_LIMIT)], 1)
    assert_locked(sign_in(client, manager.username, factories.PASSWORD, ip=ATTACKER))

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    response = sign_in(client, manager.username, factories.PASSWORD, ip=ATTACKER)
    assert response.status_code == HTTPStatus.FOUND


# ---- what an anonymous attacker can make us store -------------------------------------------


def test_attempts_refused_by_a_lock_are_not_stored(client):
    spray(client, [f"user{i}" for i in range(ADDRESS_LIMIT)], 1)
    stored = (AccessAttempt.objects.count(), AccessFailureLog.objects.count())
    sizes = sorted(len(row.post_data) for row in AccessAttempt.objects.all())

    for i in range(50):
        response = Client(headers={"user-agent": f"bot/{i}"}).post(
            "/accounts/login/",
            {"username": f"new-name-{i}", "password": "x" * 500},
            REMOTE_ADDR=ATTACKER,
        )
        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS

    assert (AccessAttempt.objects.count(), AccessFailureLog.objects.count()) == stored
    assert sorted(len(row.post_data) for row in AccessAttempt.objects.all()) == sizes


def test_attempts_older_than_the_cool_off_are_deleted(client):
    fail(client, "someone", 2, ip="198.51.100.20")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    fail(client, "someone-else", 1, ip="198.51.100.21")

    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["someone-else"]


def test_the_failure_log_keeps_at_most_its_cap(client, settings):
    settings.AXES_FAILURE_LOG_MAX_ROWS = 10
    for i in range(25):  # a new address each time: no lock stops the writes
        fail(client, f"user{i}", 1, ip=f"198.51.100.{i + 1}")

    kept = list(AccessFailureLog.objects.order_by("pk").values_list("username", flat=True))
    assert kept == [f"user{i}" for i in range(15, 25)]  # the newest


def test_the_failure_log_forgets_failures_older_than_its_retention(client, settings):
    settings.AXES_FAILURE_LOG_DAYS = 90
    fail(client, "old", 1, ip="198.51.100.30")
    fail(client, "recent", 1, ip="198.51.100.31")
    AccessFailureLog.objects.filter(username="old").update(
        attempt_time=timezone.now() - timedelta(days=91)
    )
    AccessFailureLog.objects.filter(username="recent").update(
        attempt_time=timezone.now() - timedelta(days=89)
    )

    fail(client, "new", 1, ip="198.51.100.32")

    kept = set(AccessFailureLog.objects.values_list("username", flat=True))
    assert kept == {"recent", "new"}
