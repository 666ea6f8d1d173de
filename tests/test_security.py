"""Security promises of the deployment (SECURITY.md): settings, headers, cookies, throttling.

Production settings are checked in a fresh process with a production
environment (``manage.py check --deploy``), because the test process itself
runs with a relaxed SECURE_SSL_REDIRECT (tests/testenv.py). Everything else is
checked in-process through HTTP, with override_settings for the HTTPS parts.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from datetime import timedelta
from html.parser import HTMLParser
from http import HTTPStatus
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from decisions.models import Answer, Criterion
from outsourcing.middleware import LAST_SEEN, SIGNED_IN_AT
from outsourcing.settings import DEV_SECRET_KEY, client_ip_address
from tests import factories

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)
# Every variable outsourcing/settings.py reads, and the test-only async escape hatch
# (tests/conftest.py): the subprocesses start from none of them.
CONFIG_VARS = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "BEHIND_TLS_PROXY",
    "TRUSTED_PROXY_COUNT",
    "AXES_FAILURE_LIMIT",
    "AXES_ADDRESS_FAILURE_LIMIT",
    "AXES_COOLOFF_MINUTES",
    "AXES_FAILURE_LOG_DAYS",
    "AXES_FAILURE_LOG_MAX_ROWS",
    "AXES_ENABLED",
    "SESSION_IDLE_MINUTES",
    "SESSION_MAX_AGE_HOURS",
    "SQLITE_BUSY_TIMEOUT_SECONDS",
    "ASSESSMENTS_PER_HOUR",
    "DJANGO_SETTINGS_MODULE",
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def production_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in CONFIG_VARS}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(64),
        DEBUG="false",
        ALLOWED_HOSTS="advisor.example.com",
        DJANGO_SETTINGS_MODULE="outsourcing.settings",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# ---- production settings ----------------------------------------------------------------


def test_check_deploy_is_clean_under_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_check_deploy_flags_an_insecure_setting():
    """The check above can fail: turning off the HTTPS redirect is reported."""
    env = production_env(SECURE_SSL_REDIRECT="false")

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]

    result = run(["manage.py", "check"], env)

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("blank", ["", "   ", "\t\n"], ids=["empty", "spaces", "whitespace"])
def test_production_refuses_to_start_with_a_blank_secret_key(blank):
    result = run(["manage.py", "check"], production_env(SECRET_KEY=blank))

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "public_key",
    [DEV_SECRET_KEY, f"  {DEV_SECRET_KEY}  ", "django-insecure-" + "x" * 50],
    ids=["development-key", "development-key-padded", "startproject-insecure-key"],
)
def test_production_refuses_to_start_with_a_public_secret_key(public_key):
    result = run(["manage.py", "check"], production_env(SECRET_KEY=public_key))

    assert result.returncode != 0
    assert "SECRET_KEY is a public development key" in result.stderr


def test_development_still_starts_with_the_development_key():
    env = production_env(DEBUG="true", SECRET_KEY=None)

    result = run(["manage.py", "check"], env)

    assert result.returncode == 0, result.stderr


PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in %r}, default=str))
"""
SECURE_SETTINGS = [
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "AXES_FAILURE_LIMIT",
    "AXES_ADDRESS_FAILURE_LIMIT",
    "AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT",
    "AXES_FAILURE_LOG_DAYS",
    "AXES_FAILURE_LOG_MAX_ROWS",
    "AXES_ENABLED",
    "SESSION_IDLE_TIMEOUT",
    "SESSION_COOKIE_AGE",
    "ASSESSMENTS_PER_HOUR",
]


def test_production_defaults_are_secure_without_any_security_variable():
    result = run(["-c", PRINT_SETTINGS % SECURE_SETTINGS], production_env())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])

    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["AXES_ENABLED"] is True
    assert values["AXES_FAILURE_LIMIT"] == 5
    assert values["AXES_ADDRESS_FAILURE_LIMIT"] == 20
    assert values["AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT"] is False
    assert values["AXES_FAILURE_LOG_DAYS"] == 90
    assert values["AXES_FAILURE_LOG_MAX_ROWS"] == 10_000
    assert values["SESSION_IDLE_TIMEOUT"] == 4 * 3600
    assert values["SESSION_COOKIE_AGE"] == 14 * 24 * 3600
    assert values["ASSESSMENTS_PER_HOUR"] == 20


# ---- headers ------------------------------------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


PAGES = [
    ("decisions:guide", "anonymous"),
    ("login", "anonymous"),
    ("decisions:dashboard", "manager"),
    ("decisions:assessment-create", "manager"),
    ("admin:index", "staff"),
    ("admin:login", "anonymous"),
]


@pytest.fixture
def client_as(client, request):
    def sign_in(who: str) -> Client:
        if who != "anonymous":
            client.force_login(request.getfixturevalue(who))
        return client

    return sign_in


@pytest.mark.parametrize(("url_name", "who"), PAGES)
def test_pages_carry_the_security_headers(client_as, catalogue, url_name, who):
    response = client_as(who).get(reverse(url_name))

    assert response.status_code == HTTPStatus.OK
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Content-Security-Policy" in response


def test_not_found_pages_carry_the_headers_too(client):
    response = client.get("/no-such-page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["X-Frame-Options"] == "DENY"
    assert csp_directives(response)["script-src"] == ["'self'"]


@pytest.mark.parametrize(("url_name", "who"), PAGES)
def test_the_content_security_policy_is_strict(client_as, catalogue, url_name, who):
    directives = csp_directives(client_as(who).get(reverse(url_name)))

    assert directives["default-src"] == ["'self'"]
    # Scripts: our own files, and inline ones only with this response's nonce.
    assert set(directives["script-src"]) <= {"'self'"} | {
        value for value in directives["script-src"] if value.startswith("'nonce-")
    }
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    everything = " ".join(value for values in directives.values() for value in values)
    for loose in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:"):
        assert loose not in everything.split()


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, styles, handlers."""

    def __init__(self, nonce: str | None) -> None:
        super().__init__()
        self.nonce = nonce
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            url = (value or "").strip().lower().replace(" ", "")
            # No-op placeholders (nested-admin's links) never navigate: their click
            # handlers prevent it (tests/browser/test_csp.py clicks one, no violation).
            if (
                name in {"href", "src", "action"}
                and url.startswith("javascript:")
                and url not in {"javascript:void(0)", "javascript://"}
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        is_data = (a.get("type") or "").endswith("json")
        has_nonce = self.nonce is not None and a.get("nonce") == self.nonce
        if tag == "script" and not a.get("src") and not is_data and not has_nonce:
            self.found.append("inline <script> without the nonce")
        if tag == "style" and not has_nonce:
            self.found.append("<style> element without the nonce")


def inline_code(response) -> list[str]:
    nonces = [
        value.removeprefix("'nonce-").removesuffix("'")
        for value in csp_directives(response)["script-src"]
        if value.startswith("'nonce-")
    ]
    parser = InlineCode(nonces[0] if nonces else None)
    parser.feed(response.content.decode())
    return parser.found


@pytest.fixture
def member_pages(manager, recommended_function) -> list[str]:
    function = recommended_function
    return [
        reverse("decisions:guide"),
        reverse("login"),
        reverse("decisions:dashboard"),
        reverse("decisions:assessment-create"),
        reverse("decisions:assessment-detail", args=[function.assessment_id]),
        reverse("decisions:function-step", args=[function.pk, 1]),
        reverse("decisions:function-review", args=[function.pk]),
        reverse("decisions:function-result", args=[function.pk]),
    ]


def test_our_pages_have_no_inline_script_style_or_handler(client, manager, member_pages):
    client.force_login(manager)
    for url in member_pages:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert inline_code(response) == [], url


def test_admin_pages_have_no_inline_script_style_or_handler(admin_client, catalogue):
    criterion = Criterion.objects.get(slug="complexity")
    criterion.weight += 1
    criterion.save()  # a history entry to list
    urls = [
        reverse("admin:index"),
        reverse("admin:decisions_criterion_changelist"),
        reverse("admin:decisions_criterion_change", args=[criterion.pk]),
        reverse("admin:decisions_criterion_history", args=[criterion.pk]),
        reverse("admin:decisions_functionassessment_changelist"),
    ]
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert inline_code(response) == [], url


def test_the_inline_code_check_finds_inline_code():
    """The two tests above can fail."""
    html = (
        '<p style="color:red" onclick="x()">a</p><script>alert(1)</script><style>p{}</style>'
        '<a href="javascript:alert(1)">b</a><script nonce="abc">ok()</script>'
    )
    parser = InlineCode(nonce="abc")
    parser.feed(html)
    assert len(parser.found) == 5


# ---- HTTPS ------------------------------------------------------------------------------


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https(client):
    response = client.get("/guide/?q=1")

    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "https://testserver/guide/?q=1"


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
)
def test_https_responses_carry_hsts(client, catalogue):
    response = client.get("/guide/", secure=True)

    assert response.status_code == HTTPStatus.OK
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@override_settings(
    SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
)
def test_behind_a_tls_proxy_the_forwarded_scheme_counts(client, catalogue):
    assert client.get("/guide/", headers={"x-forwarded-proto": "https"}).status_code == 200
    assert client.get("/guide/", headers={"x-forwarded-proto": "http"}).status_code == 301


# ---- cookies and sessions ----------------------------------------------------------------


def test_session_and_csrf_cookies_are_secure_and_http_only(client, manager):
    page = client.get(reverse("login"))
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] is True
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"

    response = client.post(
        reverse("login"), {"username": manager.username, "password": factories.PASSWORD}
    )

    assert response.status_code == HTTPStatus.FOUND
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


def test_signing_out_ends_the_session(client, manager):
    client.post(reverse("login"), {"username": manager.username, "password": factories.PASSWORD})
    old_session = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))

    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = old_session
    response = thief.get(reverse("decisions:dashboard"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def session_clock(client: Client, **ago: int) -> None:
    """Move the session's sign-in and last-activity times ``ago`` seconds into the past."""
    session = client.session
    for key, seconds in ago.items():
        session[key] = session[key] - seconds
    session.save()


def test_an_idle_session_ends(client, manager, settings):
    assert 2 * 3600 <= settings.SESSION_IDLE_TIMEOUT <= 8 * 3600  # a few hours by default
    client.post(reverse("login"), {"username": manager.username, "password": factories.PASSWORD})
    assert client.get(reverse("decisions:dashboard")).status_code == HTTPStatus.OK
    old_session = client.cookies[settings.SESSION_COOKIE_NAME].value

    session_clock(client, **{LAST_SEEN: settings.SESSION_IDLE_TIMEOUT + 1})
    response = client.get(reverse("decisions:dashboard"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))
    page = client.get(response["Location"]).content.decode()
    assert "signed out after a while without activity" in page
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = old_session
    assert thief.get(reverse("decisions:dashboard")).status_code == HTTPStatus.FOUND


def test_an_active_session_stays_and_its_activity_is_recorded(client, manager, settings):
    client.force_login(manager)
    client.get(reverse("decisions:dashboard"))
    session_clock(client, **{LAST_SEEN: settings.SESSION_IDLE_TIMEOUT - 60})

    assert client.get(reverse("decisions:dashboard")).status_code == HTTPStatus.OK
    # The request counted as activity: the idle clock starts again.
    assert time.time() - client.session[LAST_SEEN] < 60


def test_a_session_ends_at_its_absolute_age_however_active(client, manager, settings):
    client.force_login(manager)
    client.get(reverse("decisions:dashboard"))
    session_clock(client, **{SIGNED_IN_AT: settings.SESSION_COOKIE_AGE + 1})

    response = client.get(reverse("decisions:dashboard"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_posts_without_the_csrf_token_are_refused(manager, function):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    url = reverse("decisions:function-step", args=[function.pk, 1])
    option = Criterion.objects.order_by("order").first().questions.first().options.first()

    response = client.post(url, {"option": option.pk, "action": "continue"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Answer.objects.filter(function=function).exists()


# ---- login throttling (django-axes) -------------------------------------------------------

LIMIT = 5  # AXES_FAILURE_LIMIT's default, asserted in the production settings test


def sign_in(client: Client, username: str, password: str, ip: str = "203.0.113.7", url=None):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def fail(client: Client, username: str, times: int, ip: str = "203.0.113.7", url=None) -> None:
    for _ in range(times):
        response = sign_in(client, username, "wrong password", ip, url)
        assert response.status_code == HTTPStatus.OK  # the form again, with its error
        assert not response.wsgi_request.user.is_authenticated


def lock(client: Client, username: str, ip: str = "203.0.113.7", url=None) -> None:
    """Fail until the limit: the failure that reaches it is answered with the lock page."""
    fail(client, username, LIMIT - 1, ip, url)
    assert_locked(sign_in(client, username, "wrong again", ip, url))


def assert_locked(response) -> None:
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    text = response.content.decode()
    assert "Sign-in temporarily locked" in text
    assert "too many failed sign-in attempts" in text
    assert "try again in about 15 minutes" in text
    assert "_auth_user_id" not in response.wsgi_request.session


def test_repeated_failures_lock_the_account_from_that_address(client, manager):
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    lock(client, manager.username)

    # Even the right password is refused while locked.
    assert_locked(sign_in(client, manager.username, factories.PASSWORD))


def test_the_lock_is_for_that_account_from_that_address_only(client, manager, outsider):
    lock(client, manager.username)

    other_address = sign_in(Client(), manager.username, factories.PASSWORD, ip="198.51.100.9")
    other_account = sign_in(Client(), outsider.username, factories.PASSWORD)

    assert other_address.status_code == HTTPStatus.FOUND
    assert other_account.status_code == HTTPStatus.FOUND


def test_the_lock_lifts_after_the_cool_off(client, manager):
    lock(client, manager.username)
    assert_locked(sign_in(client, manager.username, factories.PASSWORD))

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert sign_in(client, manager.username, factories.PASSWORD).status_code == HTTPStatus.FOUND


def test_a_successful_sign_in_resets_the_count(client, manager):
    fail(client, manager.username, LIMIT - 1)
    assert sign_in(client, manager.username, factories.PASSWORD).status_code == HTTPStatus.FOUND
    client.post(reverse("logout"))

    fail(client, manager.username, LIMIT - 1)  # would lock had the count not been reset
    assert sign_in(client, manager.username, factories.PASSWORD).status_code == HTTPStatus.FOUND


def test_the_admin_sign_in_is_throttled_too(client, staff):
    admin_login = reverse("admin:login")
    lock(client, staff.username, url=admin_login)

    response = sign_in(client, staff.username, factories.PASSWORD, url=admin_login)
    assert_locked(response)


def test_sign_in_attempts_are_logged_with_username_and_address(client, manager):
    fail(client, manager.username, 1)
    sign_in(client, manager.username, factories.PASSWORD)

    failure = AccessFailureLog.objects.get()
    assert (failure.username, failure.ip_address) == (manager.username, "203.0.113.7")
    success = AccessLog.objects.get()
    assert (success.username, success.ip_address) == (manager.username, "203.0.113.7")
    # Passwords are never stored.
    for row in AccessAttempt.objects.all():
        assert "wrong password" not in row.post_data


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.2"),  # no proxy: the header is the client's to forge
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # a forged first entry is ignored
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.9", "198.51.100.1"),
        (2, "198.51.100.1", "10.0.0.2"),  # fewer entries than proxies: not trusted
        (1, "", "10.0.0.2"),
        # Whatever the header holds, the answer is an address or the peer's.
        (1, "not-an-ip", "10.0.0.2"),
        (1, "<script>alert(1)</script>", "10.0.0.2"),
        (1, "1" * 300, "10.0.0.2"),
        (1, "198.51.100.1:8080", "10.0.0.2"),
        (1, "198.51.100.1/24", "10.0.0.2"),
        (1, "6.6.6.6, not-an-ip", "10.0.0.2"),
        (1, "2001:DB8::0001", "2001:db8::1"),  # written one way, stored one way
        (1, " 198.51.100.1 ", "198.51.100.1"),
    ],
)
def test_client_address_behind_trusted_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip_address(request) == expected


@pytest.mark.parametrize("remote", ["", "unix:/run/gunicorn.sock", "not-an-ip"])
def test_a_peer_address_that_is_no_address_is_none(settings, remote):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR=remote)

    assert client_ip_address(request) is None


@pytest.mark.parametrize(
    "forwarded", ["not-an-ip", "<b>x</b>", "1" * 300, "203.0.113.7, 999.1.1.1"]
)
def test_a_forged_forwarded_address_is_no_error_and_counts_as_the_peer(
    client, settings, manager, forwarded
):
    """On PostgreSQL "not-an-ip" in the address column was a 500 at sign-in."""
    settings.TRUSTED_PROXY_COUNT = 1

    response = client.post(
        reverse("login"),
        {"username": manager.username, "password": "wrong"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=forwarded,
    )

    assert response.status_code == HTTPStatus.OK
    assert AccessAttempt.objects.get().ip_address == "10.0.0.2"
    assert AccessFailureLog.objects.get().ip_address == "10.0.0.2"


def test_behind_a_proxy_the_lock_follows_the_forwarded_client(client, settings, manager):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for _ in range(LIMIT):
        client.post(
            reverse("login"),
            {"username": manager.username, "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )

    someone_else = Client().post(
        reverse("login"),
        {"username": manager.username, "password": factories.PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )

    assert someone_else.status_code == HTTPStatus.FOUND
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
