import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from klearmind.accounts import roles

from .factories import staff

pytestmark = pytest.mark.django_db


def codes(group: Group) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def test_the_migration_creates_the_five_roles_and_retires_wagtails_defaults():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Owner", "Clinician", "Front desk", "Editor", "Moderator"} <= names
    assert not names & {"Editors", "Moderators"}


@pytest.mark.parametrize("role", [r for r in roles.ROLES if r is not roles.OWNER])
def test_each_role_holds_exactly_its_permissions(role):
    group = Group.objects.get(name=role.name)
    assert codes(group) == set(role.permissions)


def test_the_owner_holds_every_permission():
    owner = Group.objects.get(name="Owner")
    assert owner.permissions.count() == Permission.objects.count()


def test_health_permissions_stay_with_owner_and_clinician():
    # The front desk's share: contact details, appointments, enquiries and payers' accounts.
    desk = {
        "accounts.view_patient_contact",
        "accounts.manage_appointments",
        "enquiries.view_enquiry",
        "payments.view_ledger",
    }
    health = set(roles.HEALTH_PERMISSIONS) - desk
    for group in Group.objects.exclude(name__in=["Owner", "Clinician"]):
        assert not codes(group) & health, group.name
    assert codes(Group.objects.get(name="Front desk")) >= desk


def test_only_the_front_desk_clinicians_and_the_owner_read_enquiries():
    for group in Group.objects.all():
        reads = "enquiries.view_enquiry" in codes(group)
        assert reads is (group.name in ("Owner", "Clinician", "Front desk")), group.name


def test_editors_edit_pages_and_media_from_the_root_without_bulk_delete():
    editor = Group.objects.get(name="Editor")
    root = Page.get_first_root_node()
    page_codes = set(
        GroupPagePermission.objects.filter(group=editor, page=root).values_list(
            "permission__codename", flat=True
        )
    )
    assert page_codes == {f"{a}_page" for a in roles.EDITOR_PAGE_PERMISSIONS}
    media = GroupCollectionPermission.objects.filter(
        group=editor, collection=Collection.get_first_root_node()
    )
    assert media.count() == len(roles.MEDIA_PERMISSIONS)


def test_syncing_again_undoes_a_permission_added_by_hand():
    editor = Group.objects.get(name="Editor")
    editor.permissions.add(Permission.objects.get(codename="view_health_record"))
    roles.sync_roles()
    assert "accounts.view_health_record" not in codes(editor)


@pytest.mark.parametrize(
    ("role_names", "two_factor", "idle_minutes"),
    [
        (("Owner",), True, 15),
        (("Clinician",), True, 15),
        (("Front desk",), True, 15),
        (("Editor",), False, 30),
        (("Moderator",), False, 30),
        (("Editor", "Front desk"), True, 15),
        ((), False, 30),
    ],
)
def test_two_factor_and_idle_limit_follow_what_a_person_may_see(
    role_names, two_factor, idle_minutes
):
    user = staff(*role_names)
    assert roles.requires_two_factor(user) is two_factor
    assert roles.idle_limit(user).total_seconds() == idle_minutes * 60


def test_a_superuser_always_needs_a_second_factor():
    assert roles.requires_two_factor(staff(is_superuser=True))


def test_holders_of_a_permission_have_it_directly_through_a_role_or_as_superusers():
    clinician = staff("Clinician")
    direct = staff()
    direct.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="change_health_record")
    )
    superuser = staff(is_superuser=True)
    staff("Front desk", "Editor")
    staff("Clinician", is_active=False)
    holders = roles.holders_of("accounts.change_health_record")
    assert set(holders) == {clinician, direct, superuser}
    assert set(roles.holders_of("comments.moderate_comment")) == {superuser}


@pytest.mark.parametrize(
    ("role", "held"),
    [
        ("Front desk", {"view_ledger", "record_payment"}),
        ("Clinician", {"view_ledger", "make_superbill"}),
        ("Editor", set()),
        ("Moderator", set()),
        (
            "Owner",
            {
                "view_ledger",
                "record_payment",
                "make_superbill",
                "view_payment_reports",
                "record_adjustment",
            },
        ),
    ],
)
def test_payment_permissions_follow_the_role(role, held):
    payments = {
        code.removeprefix("payments.")
        for code in codes(Group.objects.get(name=role))
        if code.startswith("payments.") and code.split(".")[1] in PAYMENT_SCREENS
    }
    assert payments == held


PAYMENT_SCREENS = {
    "view_ledger",
    "record_payment",
    "make_superbill",
    "view_payment_reports",
    "record_adjustment",
}
