"""Settings for `make bench`: the production settings plus two benchmark-only URLs.

Everything comes from ``outsourcing.settings`` (read from the environment as in
production: ``bench/run.py`` sets DEBUG off, a SECRET_KEY, ALLOWED_HOSTS and
DATABASE_URL); only the root URLconf changes, so the real settings file stays
the single source and production URLs stay untouched.
"""

from outsourcing.settings import *  # noqa: F403

ROOT_URLCONF = "bench.benchurls"
