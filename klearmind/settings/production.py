"""Production: everything from the environment, nothing secret in the repository."""

import os

from django.core.exceptions import ImproperlyConfigured

from klearmind.encryption.keys import encryption_keys_problem, lookup_key_problem

from . import checks  # noqa: F401 - registers the checks that refuse unsafe defaults
from .base import *  # noqa: F403
from .base import FIELD_ENCRYPTION_KEYS, FIELD_LOOKUP_KEY, MEDIA_ROOT, env_bool

DEBUG = False
PRODUCTION = True
# One server on purpose: the checks accept an SQLite database (klearmind/settings/checks.py).
ALLOW_SQLITE_IN_PRODUCTION = env_bool("ALLOW_SQLITE_IN_PRODUCTION", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of 50 characters or more.")

if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names the site answers to.")

for problem in (
    encryption_keys_problem(FIELD_ENCRYPTION_KEYS),
    lookup_key_problem(FIELD_LOOKUP_KEY),
):
    if problem:
        raise ImproperlyConfigured(problem)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 31_536_000
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
# Behind the shipped nginx: once Wagtail's view has checked a document's privacy, nginx sends
# the file from its internal location (deploy/nginx/klearmind.conf, klearmind/pages/documents.py).
if env_bool("DOCUMENTS_X_ACCEL_REDIRECT", False):
    SENDFILE_BACKEND = "klearmind.pages.documents"
    SENDFILE_ROOT = MEDIA_ROOT / "documents"
    SENDFILE_URL = "/protected-documents/"

# Behind a TLS-terminating reverse proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)

DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))  # noqa: F405
