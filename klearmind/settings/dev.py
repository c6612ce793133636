"""A developer's machine: the embedded defaults, with debug on unless DEBUG says otherwise."""

import os
import secrets

from cryptography.fernet import Fernet

from .base import *  # noqa: F403
from .base import FIELD_ENCRYPTION_KEYS, FIELD_LOOKUP_KEY, VAR_DIR, env_bool

DEBUG = env_bool("DEBUG", True)


def _local_secret(name: str, make) -> str:
    """A key kept in var/, made on first use, so a fresh checkout runs without configuration."""
    path = VAR_DIR / name
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret(
    "secret_key", lambda: secrets.token_urlsafe(50)
)
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [
    _local_secret("field_encryption_key", lambda: Fernet.generate_key().decode())
]
FIELD_LOOKUP_KEY = FIELD_LOOKUP_KEY or _local_secret(
    "field_lookup_key", lambda: Fernet.generate_key().decode()
)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
