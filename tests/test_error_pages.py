"""Error pages: every one of them is a page with the security headers, never a crash.

SECURITY.md promises CSP, X-Frame-Options, nosniff, Referrer-Policy and
Cross-Origin-Opener-Policy on every response. The attack on a local copy found
two holes: a form posted as UTF-16 made Django's error views re-read the body
they could not decode, so gunicorn answered a bare 500 with no header at all;
and the 400 for a bad Host header skipped the CSP and framing headers.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests import factories
from tests.test_security import LIMIT, fail, sign_in

pytestmark = pytest.mark.django_db

UTF16_FORM = "application/x-www-form-urlencoded; charset=utf-16"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def assert_security_headers(response) -> None:
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def csrf_client(user=None) -> tuple[Client, str]:
    """A client that must pass the CSRF check, with its cookie and token (as a browser has)."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    client.get(reverse("login"))
    return client, client.cookies[settings.CSRF_COOKIE_NAME].value


@pytest.mark.parametrize(
    "body",
    [
        "username=a&password=b".encode("utf-16"),
        b"\xff\xfe\x00",  # not even UTF-16
        b"username=caf\xe9",  # Latin-1, declared as UTF-16
    ],
    ids=["utf-16", "truncated", "latin-1"],
)
@pytest.mark.parametrize(
    "url_name", ["login", "admin:login", "decisions:assessment-create", "no-such-page"]
)
@pytest.mark.parametrize("token_in", ["header", "body"])
def test_a_body_that_cannot_be_decoded_is_an_error_page_not_a_crash(
    manager, url_name, body, token_in
):
    client, token = csrf_client(manager)
    url = "/no-such-page/" if url_name == "no-such-page" else reverse(url_name)
    if token_in == "body":
        body = f"csrfmiddlewaretoken={token}&".encode("utf-16") + body
    headers = {"X-CSRFToken": token} if token_in == "header" else {}

    response = client.generic("POST", url, data=body, content_type=UTF16_FORM, headers=headers)

    if url_name == "no-such-page":  # no view, so no CSRF check to read the body
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert "Page not found" in response.content.decode()
    else:
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "Bad request" in response.content.decode()
    assert_security_headers(response)


def test_a_utf8_post_still_works(manager):
    """The check above is about the body, not about CSRF: a normal sign-in passes it."""
    client, token = csrf_client()
    response = client.post(
        reverse("login"),
        {"username": manager.username, "password": factories.PASSWORD},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == HTTPStatus.FOUND


# ---- every kind of response carries the headers ----------------------------------------------


def bad_host(client: Client):
    return client.get(reverse("decisions:guide"), headers={"host": "evil.example"})


def bad_host_over_http_with_the_https_redirect(client: Client):
    with override_settings(SECURE_SSL_REDIRECT=True):
        return client.get(reverse("decisions:guide"), headers={"host": "evil.example"})


def https_redirect(client: Client):
    with override_settings(SECURE_SSL_REDIRECT=True):
        return client.get(reverse("decisions:guide"))


def csrf_refused(client: Client):
    return Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})


def staff_without_permissions(client: Client):
    client.force_login(factories.UserFactory(username="intern", is_staff=True))
    return client.get(reverse("admin:decisions_criterion_changelist"))


def not_found(client: Client):
    return client.get("/no-such-page/")


def wrong_method(client: Client):
    return client.post(reverse("decisions:guide"))


def sign_in_redirect(client: Client):
    return client.get(reverse("decisions:dashboard"))


def locked_out(client: Client):
    fail(client, "someone", LIMIT - 1)
    return sign_in(client, "someone", "wrong again")


def server_error(client: Client):
    with override_settings(ROOT_URLCONF="tests.error_urls"):
        return Client(raise_request_exception=False).get("/broken/")


RESPONSES = [
    (bad_host, HTTPStatus.BAD_REQUEST),
    (bad_host_over_http_with_the_https_redirect, HTTPStatus.BAD_REQUEST),
    (https_redirect, HTTPStatus.MOVED_PERMANENTLY),
    (csrf_refused, HTTPStatus.FORBIDDEN),
    (staff_without_permissions, HTTPStatus.FORBIDDEN),
    (not_found, HTTPStatus.NOT_FOUND),
    (wrong_method, HTTPStatus.METHOD_NOT_ALLOWED),
    (sign_in_redirect, HTTPStatus.FOUND),
    (locked_out, HTTPStatus.TOO_MANY_REQUESTS),
    (server_error, HTTPStatus.INTERNAL_SERVER_ERROR),
]


@pytest.mark.parametrize(("send", "status"), RESPONSES, ids=[s.__name__ for s, _ in RESPONSES])
def test_every_kind_of_response_carries_the_security_headers(client, catalogue, send, status):
    response = send(client)

    assert response.status_code == status
    assert_security_headers(response)


@pytest.mark.parametrize(
    ("send", "text"),
    [
        (bad_host, "Bad request"),
        (not_found, "Page not found"),
        (staff_without_permissions, "Access denied"),
        (server_error, "Something went wrong on our side"),
    ],
    ids=["400", "404", "403", "500"],
)
def test_error_pages_are_ours(client, send, text):
    response = send(client)

    assert text in response.content.decode()
    assert "Sourcing Advisor" in response.content.decode()


def test_the_csrf_failure_page_offers_to_reload_the_form(client, catalogue):
    response = csrf_refused(client)

    page = response.content.decode()
    assert "This form could not be accepted" in page
    # A fresh GET of the page that posted: the form comes back with a new token.
    assert f'href="{reverse("login")}">Reload the form</a>' in page
    reloaded = client.get(reverse("login"))
    assert reloaded.status_code == HTTPStatus.OK
    assert "csrfmiddlewaretoken" in reloaded.content.decode()
