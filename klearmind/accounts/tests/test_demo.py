import stat
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp.oath import TOTP

from klearmind.accounts import mfa, roles
from klearmind.accounts.demo import DEMO_STAFF, ensure_demo_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def by_name(logins):
    return {login.username: login for login in logins}


def test_one_demo_person_per_role_with_their_login_printed(var_dir):
    logins = by_name(ensure_demo_staff())
    assert set(logins) == {
        "olivia.marsh",
        "daniel.okafor",
        "rosa.delgado",
        "priya.raman",
        "sam.whitfield",
    }
    role_names = {role.name.lower().replace(" ", "") for role in roles.ROLES}
    assert not set(logins) & role_names, "a role's name is the first username a stranger tries"
    for person in DEMO_STAFF:
        user = get_user_model().objects.get(username=person.username)
        assert list(user.groups.values_list("name", flat=True)) == [person.role.name]
        assert user.check_password(logins[person.username].password)
        assert not user.is_superuser


def test_roles_that_need_a_second_factor_get_a_working_authenticator(var_dir):
    logins = by_name(ensure_demo_staff())
    for username in ("olivia.marsh", "daniel.okafor", "rosa.delgado"):
        login = logins[username]
        device = mfa.authenticator(get_user_model().objects.get(username=username))
        assert device.key == login.authenticator_hex
        code = TOTP(bytes.fromhex(login.authenticator_hex)).token()
        assert device.verify_token(f"{code:06d}")
        assert f"authenticator key {login.authenticator_key}" in login.describe()
    assert logins["priya.raman"].authenticator_hex == ""


def test_logins_are_kept_private_in_var_and_reprinted_unchanged(var_dir):
    first = ensure_demo_staff()
    path = var_dir / "demo_logins.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first[0].password in path.read_text()
    assert ensure_demo_staff() == first


def test_a_lost_logins_file_gets_new_passwords(var_dir):
    first = by_name(ensure_demo_staff())
    (var_dir / "demo_logins.txt").unlink()
    second = by_name(ensure_demo_staff())
    assert second["priya.raman"].password != first["priya.raman"].password
    assert (
        get_user_model()
        .objects.get(username="priya.raman")
        .check_password(second["priya.raman"].password)
    )


def test_a_password_changed_by_staff_is_not_reprinted(var_dir):
    old = by_name(ensure_demo_staff())["priya.raman"].password
    editor = get_user_model().objects.get(username="priya.raman")
    editor.set_password("a-new-password-chosen-by-staff")
    editor.save()
    output = StringIO()
    call_command("load_demo", stdout=output)
    assert old not in output.getvalue()
    assert "priya.raman    Editor      (password changed since)" in output.getvalue()
