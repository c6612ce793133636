"""The demo staff login: one superuser whose generated password is kept in var/."""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

USERNAME = "admin"
EMAIL = "admin@klearmind.example"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    still_valid: bool

    def describe(self) -> str:
        admin_url = f"{settings.WAGTAILADMIN_BASE_URL}/admin/"
        if not self.still_valid:
            return f"Demo staff login: {admin_url}  user {self.username}  (password changed since)"
        return f"Demo staff login: {admin_url}  user {self.username}  password {self.password}"


def password_file() -> Path:
    # Read at run time, not import time, so a test can point VAR_DIR somewhere else.
    return Path(settings.VAR_DIR) / "demo_login.txt"


def ensure_demo_login() -> DemoLogin:
    """Create the demo superuser once; its password lives in var/demo_login.txt (mode 0600)."""
    path = password_file()
    password = path.read_text().strip() if path.exists() else ""
    fresh = not password
    if fresh:
        password = secrets.token_urlsafe(18)
        _write_private(path, password + "\n")
    user_model = get_user_model()
    user = user_model.objects.filter(username=USERNAME).first()
    if user is None:
        user = user_model.objects.create_superuser(USERNAME, EMAIL, password)
    elif fresh:
        user.set_password(password)
        user.save(update_fields=["password"])
    return DemoLogin(USERNAME, password, user.check_password(password))


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
    path.chmod(0o600)  # in case the file already existed with wider permissions
