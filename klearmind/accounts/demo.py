"""The demo clinic's staff: one person per role, their logins kept in var/demo_logins.txt.

Roles that see health information need a second factor, so their demo users come with an
authenticator already set up; its key is printed so it can be typed into any authenticator
app (or `oathtool --totp -b KEY`).
"""

import os
import secrets
from base64 import b32encode
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import mfa, roles

EMAIL_DOMAIN = "klearmind.example"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    role: roles.Role


# Usernames are people's names, not role names: a role name is the first a stranger guesses.
DEMO_STAFF = (
    DemoPerson("olivia.marsh", "Olivia", "Marsh", roles.OWNER),
    DemoPerson("daniel.okafor", "Daniel", "Okafor", roles.CLINICIAN),
    DemoPerson("rosa.delgado", "Rosa", "Delgado", roles.FRONT_DESK),
    DemoPerson("priya.raman", "Priya", "Raman", roles.EDITOR),
    DemoPerson("sam.whitfield", "Sam", "Whitfield", roles.MODERATOR),
)
DEMO_USERNAMES = {person.role.name: person.username for person in DEMO_STAFF}


def demo_user(role: roles.Role):
    """The demo clinic's person in this role, if the demo staff have been made."""
    return get_user_model().objects.filter(username=DEMO_USERNAMES[role.name]).first()


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    password: str
    authenticator_hex: str
    still_valid: bool

    @property
    def authenticator_key(self) -> str:
        return b32encode(bytes.fromhex(self.authenticator_hex)).decode().rstrip("=")

    def describe(self) -> str:
        line = f"  {self.username:<14} {self.role:<11}"
        if not self.still_valid:
            return line + " (password changed since)"
        line += f" password {self.password}"
        if self.authenticator_hex:
            line += f"  authenticator key {self.authenticator_key}"
        return line


def logins_file() -> Path:
    # Read at run time, not import time, so a test can point VAR_DIR somewhere else.
    return Path(settings.VAR_DIR) / "demo_logins.txt"


def describe(logins: list[DemoLogin]) -> str:
    header = f"Demo staff logins for {settings.WAGTAILADMIN_BASE_URL}/admin/ :"
    return "\n".join([header, *(login.describe() for login in logins)])


def ensure_demo_staff() -> list[DemoLogin]:
    """Create the demo staff once; later runs reprint their logins and change nothing."""
    kept = _read_logins()
    logins = [_ensure_person(person, kept.get(person.username)) for person in DEMO_STAFF]
    _write_private(
        logins_file(),
        "".join(f"{x.username} {x.password} {x.authenticator_hex or '-'}\n" for x in logins),
    )
    return logins


def _ensure_person(person: DemoPerson, kept: tuple[str, str] | None) -> DemoLogin:
    user_model = get_user_model()
    user = user_model.objects.filter(username=person.username).first()
    if user is None or kept is None:
        password = secrets.token_urlsafe(18)
        user = user or user_model(username=person.username)
        user.first_name, user.last_name = person.first_name, person.last_name
        user.email = f"{person.username}@{EMAIL_DOMAIN}"
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=person.role.name))
        key = _enrol_authenticator(user) if roles.requires_two_factor(user) else ""
    else:
        password, key = kept
    return DemoLogin(
        person.username, person.role.name, password, key, user.check_password(password)
    )


def _enrol_authenticator(user) -> str:
    mfa.remove_second_factor(user)
    device = TOTPDevice.objects.create(user=user, name=mfa.AUTHENTICATOR_NAME, confirmed=True)
    mfa.new_recovery_codes(user)
    return device.key


def _read_logins() -> dict[str, tuple[str, str]]:
    path = logins_file()
    if not path.exists():
        return {}
    kept = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3:
            kept[parts[0]] = (parts[1], "" if parts[2] == "-" else parts[2])
    return kept


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
    path.chmod(0o600)  # in case the file already existed with wider permissions
