"""Settings for the test suite: fast hashing, tasks run at once, e-mail kept in memory."""

import os

from cryptography.fernet import Fernet

from .base import *  # noqa: F403
from .base import DATABASES, INSTALLED_APPS

SECRET_KEY = "test-only-key-not-secret-" + "x" * 40  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WHITENOISE_USE_FINDERS = True
WAGTAILADMIN_BASE_URL = "http://testserver"
WHITENOISE_AUTOREFRESH = True
DEMO_SPANISH = False  # on in the Spanish pages' tests (override_settings); see settings.base
# Files the tests write (uploaded images, the demo login) stay inside the checkout's test-output,
# one folder per database, as the SQLite and PostgreSQL runs go side by side.
# The runs under a set clock (tests/clock.py) go beside the SQLite run, so they get their own.
_DATABASE = "postgres" if os.environ.get("DATABASE_URL") else "sqlite"
_CLOCK = "-clock" if os.environ.get("KLEARMIND_TEST_CLOCK") else ""
RUN_OUTPUT = BASE_DIR / "test-output" / (_DATABASE + _CLOCK)  # noqa: F405
VAR_DIR = RUN_OUTPUT / "var"
MEDIA_ROOT = RUN_OUTPUT / "media"
# The runs under a set clock each start from a copy of one SQLite test database built once
# (tests/database_template.py): the test database is that file, kept with `--reuse-db`.
if os.environ.get("KLEARMIND_TEST_DATABASE_FILE") and "sqlite" in DATABASES["default"]["ENGINE"]:
    DATABASES["default"]["TEST"] = {"NAME": os.environ["KLEARMIND_TEST_DATABASE_FILE"]}
# Field encryption: a fresh key for every run, and a model to encrypt (no migrations; the test
# database creates its table).
FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
FIELD_LOOKUP_KEY = "test-only-lookup-key-" + "y" * 32  # noqa: S105
INSTALLED_APPS = [
    *INSTALLED_APPS,
    "klearmind.encryption.tests.testapp",
    "klearmind.enquiries.tests.testapp",  # a form-builder page for the system check
]
# The page cache stays on, as in production: the middleware stores pages and sets their
# headers, while hits are answered only in front of Django (klearmind.wsgi), where the test
# client never goes, so the suite still sees every page rendered; the conftest empties the
# cache around each test. No purge requests leave the test run.
WAGTAILFRONTENDCACHE = {}
