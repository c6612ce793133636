"""The demo clinic's staff: one person per role, their logins kept in var/demo_logins.txt.

Roles that see health information need a second factor, so their demo users come with an
authenticator already set up; its key is printed so it can be typed into any authenticator
app (or `oathtool --totp -b KEY`).
"""

import os
import secrets
from base64 import b32decode, b32encode
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


def header() -> str:
    return f"Demo staff logins for {settings.WAGTAILADMIN_BASE_URL}/admin/ :"


def describe(logins: list[DemoLogin]) -> str:
    return "\n".join([header(), *(login.describe() for login in logins)])


def logins_text(logins: list[DemoLogin]) -> str:
    """The file's text: the lines printed, with every password kept, even one staff changed
    since (the next run needs it to see that it changed)."""
    lines = [header()]
    for login in logins:
        line = f"  {login.username:<14} {login.role:<11} password {login.password}"
        if login.authenticator_hex:
            line += f"  authenticator key {login.authenticator_key}"
        lines.append(line + ("" if login.still_valid else "  (password changed since)"))
    return "\n".join(lines) + "\n"


def ensure_demo_staff() -> list[DemoLogin]:
    """Create the demo staff once; later runs reprint their logins and change nothing."""
    kept = _read_logins()
    logins = [_ensure_person(person, kept.get(person.username)) for person in DEMO_STAFF]
    _write_private(logins_file(), logins_text(logins))
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
        login = parse_login_line(line)
        if login is not None:
            kept[login[0]] = login[1:]
    return kept


def parse_login_line(line: str) -> tuple[str, str, str] | None:
    """(username, password, authenticator key in hex) from a line of the logins file, or None
    for its header. Reads the older three-column lines (the key in hex) too."""
    parts = line.split()
    if "password" in parts[1:-1]:
        password = parts[parts.index("password") + 1]
        key = parts[parts.index("key") + 1] if "key" in parts[:-1] else ""
        return parts[0], password, _hex_key(key)
    if len(parts) == 3 and not line.startswith(" "):
        return parts[0], parts[1], "" if parts[2] == "-" else parts[2]
    return None


def _hex_key(base32_key: str) -> str:
    if not base32_key:
        return ""
    padded = base32_key + "=" * (-len(base32_key) % 8)
    return b32decode(padded).hex()


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
    path.chmod(0o600)  # in case the file already existed with wider permissions
