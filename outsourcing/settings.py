"""Settings for Sourcing Advisor, read from the environment.

Every variable is documented in README.md ("Configuration"). Development
defaults apply only when DEBUG is on; in production a missing, blank or public SECRET_KEY
refuses to start.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import TYPE_CHECKING

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105
TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, got {raw!r}.")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}.") from None


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or DEBUG=true for local development only)."
        )
    SECRET_KEY = DEV_SECRET_KEY
# The development key is in this file, and Django's startproject keys carry this prefix:
# anyone could sign sessions and reset tokens with them.
if not DEBUG and SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured(
        "SECRET_KEY is a public development key. Generate a secret one, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "decisions.apps.SourcingAdminConfig",  # django.contrib.admin, catalogue grouped apart
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "nested_admin",
    "axes",
    "django_tasks_db",
    "decisions",
]

MIDDLEWARE = [
    # The header middleware comes first, so that every response gets its headers:
    # the 400 for a bad Host header and the HTTPS redirect included.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "outsourcing.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "outsourcing.middleware.SessionTimeoutMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "outsourcing.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

WSGI_APPLICATION = "outsourcing.wsgi.application"

DEFAULT_SQLITE_URL = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or DEFAULT_SQLITE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has one write lock for the whole file. A transaction that starts by
    # reading and then writes cannot wait for it (SQLite answers "database is
    # locked" at once to avoid a deadlock), so transactions start IMMEDIATE: they
    # take the write lock at BEGIN, waiting up to the busy timeout for it, and
    # several workers queue their writes the way PostgreSQL's row locks make them.
    # Persistent connections stay off (threads of runserver).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE", timeout=env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 20)
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "decisions:dashboard"
LOGOUT_REDIRECT_URL = "login"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security headers. The strict ones apply whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions end after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_AGE_HOURS
# after signing in however active (outsourcing.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 4 * 60) * 60  # seconds
SESSION_COOKIE_AGE = env_int("SESSION_MAX_AGE_HOURS", 14 * 24) * 3600  # seconds
if not 0 < SESSION_IDLE_TIMEOUT <= SESSION_COOKIE_AGE:
    raise ImproperlyConfigured(
        "SESSION_IDLE_MINUTES must be at least 1 and no longer than SESSION_MAX_AGE_HOURS."
    )
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Strict Content-Security-Policy: no inline script or style anywhere; scripts
# that must run inline carry the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Login throttling (django-axes, outsourcing/signin.py): lock an account from an
# address after repeated failures, and an address that fails on many accounts.
AXES_HANDLER = "outsourcing.signin.ThrottlingHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
if not 0 < AXES_FAILURE_LIMIT <= AXES_ADDRESS_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        "AXES_FAILURE_LIMIT must be at least 1 and AXES_ADDRESS_FAILURE_LIMIT at least as "
        f"large, got {AXES_FAILURE_LIMIT} and {AXES_ADDRESS_FAILURE_LIMIT}."
    )
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Attempts refused by a lock are not stored: an anonymous attacker cannot grow the
# tables by hammering, and a lock lasts the cool-off from the failure that set it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Keep failed sign-ins (AccessFailureLog) as an audit trail, bounded in age and
# rows: the per-account counters (AccessAttempt) are cleared by a successful sign-in.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_FAILURE_LOG_DAYS = env_int("AXES_FAILURE_LOG_DAYS", 90)
AXES_FAILURE_LOG_MAX_ROWS = env_int("AXES_FAILURE_LOG_MAX_ROWS", 10_000)
if AXES_FAILURE_LOG_DAYS < 1 or AXES_FAILURE_LOG_MAX_ROWS < 1:
    raise ImproperlyConfigured("AXES_FAILURE_LOG_DAYS and AXES_FAILURE_LOG_MAX_ROWS must be >= 1.")
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Behind reverse proxies REMOTE_ADDR is the nearest proxy's address, shared by
# every visitor: a lock would shut an account out for everyone. With N trusted
# proxies that each append to X-Forwarded-For, the client is N from the right.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)


def ip_address_or_none(value: str | None) -> str | None:
    """The address in its one canonical spelling, or None when ``value`` is no IP address."""
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip_address(request: HttpRequest) -> str | None:
    """The client's address for django-axes (see TRUSTED_PROXY_COUNT).

    The forwarded entry is used only when it is a valid IP address: anything else
    ("not-an-ip", markup, 300 characters) counts as the peer's address, so a forged
    header can neither break the sign-in nor pick whose address gets locked.
    """
    from django.conf import settings

    remote = ip_address_or_none(request.META.get("REMOTE_ADDR"))
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return ip_address_or_none(forwarded[-count]) or remote


AXES_CLIENT_IP_CALLABLE = client_ip_address

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}

# A member creates at most this many assessments an hour (decisions.services).
ASSESSMENTS_PER_HOUR = env_int("ASSESSMENTS_PER_HOUR", 20)
if ASSESSMENTS_PER_HOUR < 1:
    raise ImproperlyConfigured("ASSESSMENTS_PER_HOUR must be at least 1.")

# Report generation: the URL fetcher serves only these folders from disk.
REPORT_ASSET_DIRS = [BASE_DIR / "static"]

# Mail (invitations to answer): printed to the console in development, SMTP in production.
# Django 6.1's MAILERS replaces the EMAIL_* settings; the environment variables keep their names.
_SMTP = "django.core.mail.backends.smtp.EmailBackend"
_MAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend" if DEBUG else _SMTP
)
MAILERS = {
    "default": {
        "BACKEND": _MAIL_BACKEND,
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 587),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
            "timeout": env_int("EMAIL_TIMEOUT", 10),
        }
        if _MAIL_BACKEND == _SMTP
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Sourcing Advisor <noreply@localhost>")
# An invitation link to answer works once, for this many days.
INVITATION_DAYS = env_int("INVITATION_DAYS", 14)
if INVITATION_DAYS < 1:
    raise ImproperlyConfigured("INVITATION_DAYS must be at least 1.")
# Background work (Django's Tasks framework): reports render in `manage.py db_worker`
# processes that read their queue from the database (django-tasks-db). TASK_BACKEND
# swaps the backend, e.g. django.tasks.backends.immediate.ImmediateBackend to run
# every task inside the request (the tests do).
TASKS = {"default": {"BACKEND": os.environ.get("TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}
# How many reports one user may have waiting or rendering at a time.
REPORT_RENDERS_IN_FLIGHT = env_int("REPORT_RENDERS_IN_FLIGHT", 3)
if REPORT_RENDERS_IN_FLIGHT < 1:
    raise ImproperlyConfigured("REPORT_RENDERS_IN_FLIGHT must be at least 1.")
