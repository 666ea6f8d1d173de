"""Loaded with ``-p tests.testenv`` (pyproject addopts) before pytest-django sets
Django up: test runs get a throwaway secret key unless one is set."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
# The test client and live_server speak plain HTTP; the HTTPS redirect is
# tested explicitly with override_settings.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Background tasks run inside the request that enqueues them; the one browser test
# that waits for a real worker switches to the database backend itself.
os.environ.setdefault("TASK_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
