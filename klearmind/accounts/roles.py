"""The clinic's staff roles: Django groups whose permissions are exactly what is written here.

A migration creates them and every `migrate` puts them back to this definition, so a role
means the same on every installation. A person may belong to several groups.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db.models import Q

ALL = "__all__"
ADMIN_ACCESS = "wagtailadmin.access_admin"

# Whoever holds one of these sees health information or patients' details: two factors
# are required and the idle limit is the short one.
HEALTH_PERMISSIONS = (
    "accounts.view_health_record",
    "accounts.change_health_record",
    "accounts.export_health_record",
    "accounts.view_patient_contact",
    "accounts.manage_appointments",
    "enquiries.view_enquiry",
    # A payer's account names their visits; a superbill carries a diagnosis.
    "payments.view_ledger",
    "payments.make_superbill",
)

EDITOR_PAGE_PERMISSIONS = ("add", "change", "publish", "lock", "unlock", "view")
MEDIA_PERMISSIONS = tuple(
    f"{app}.{action}_{model}"
    for app, model in (("wagtailimages", "image"), ("wagtaildocs", "document"))
    for action in ("add", "change", "choose", "delete", "view")
)
COMMENT_PERMISSIONS = (
    "comments.view_comment",
    "comments.change_comment",
    "comments.delete_comment",
    "comments.moderate_comment",
    "comments.change_commentsettings",
    "comments.view_commentsettings",
)


@dataclass(frozen=True)
class Role:
    name: str
    description: str
    permissions: tuple[str, ...] | str
    page_permissions: tuple[str, ...] = ()
    collection_permissions: tuple[str, ...] = field(default=())


OWNER = Role(
    "Owner",
    "Everything, including staff accounts, the audit log and unlocking logins.",
    ALL,
    page_permissions=("add", "change", "publish", "lock", "unlock", "view", "bulk_delete"),
    collection_permissions=MEDIA_PERMISSIONS,
)
# Booking: the front desk records closures and providers' time off; clinicians invite the
# candidates they accept to book treatment online.
BOOKING_DESK_PERMISSIONS = tuple(
    f"booking.{action}_{model}"
    for model in ("closure", "timeoff")
    for action in ("add", "change", "delete", "view")
)
BOOKING_CLINICIAN_PERMISSIONS = ("booking.add_invitation", "booking.view_invitation")
# Enquiries: what visitors write to the clinic, which may speak of their health.
ENQUIRY_PERMISSIONS = ("enquiries.view_enquiry", "enquiries.change_enquiry")
# Care: clinicians define the treatment protocols and the care settings.
CARE_CLINICIAN_PERMISSIONS = (
    *(f"care.{action}_protocol" for action in ("add", "change", "view")),
    "care.change_caresettings",
    "care.view_caresettings",
    # Consent documents: written and published by clinicians (docs/decisions/039).
    *(f"care.{action}_consentdocument" for action in ("add", "change", "view")),
)

# Payments (the back office's side): the desk records what is paid in the clinic, clinicians
# read accounts and make superbills (they choose the diagnosis); the owner, holding every
# permission, also records adjustments and sees the payment reports.
PAYMENTS_DESK_PERMISSIONS = ("payments.view_ledger", "payments.record_payment")
PAYMENTS_CLINICIAN_PERMISSIONS = ("payments.view_ledger", "payments.make_superbill")

CLINICIAN = Role(
    "Clinician",
    "Health records: questionnaires, charts and scores, read and write; appointments; enquiries; "
    "payers' accounts and superbills.",
    (
        ADMIN_ACCESS,
        *HEALTH_PERMISSIONS,
        *BOOKING_CLINICIAN_PERMISSIONS,
        *CARE_CLINICIAN_PERMISSIONS,
        *ENQUIRY_PERMISSIONS,
        *PAYMENTS_CLINICIAN_PERMISSIONS,
    ),
)
FRONT_DESK = Role(
    "Front desk",
    "Appointments, patients' contact details, enquiries and payments taken in the clinic; no "
    "questionnaire answers or charts.",
    (
        ADMIN_ACCESS,
        "accounts.view_patient_contact",
        "accounts.manage_appointments",
        *BOOKING_DESK_PERMISSIONS,
        *ENQUIRY_PERMISSIONS,
        *PAYMENTS_DESK_PERMISSIONS,
    ),
)
EDITOR = Role(
    "Editor",
    "Pages, images, documents, safety notices, redirects and the clinic's settings.",
    (
        ADMIN_ACCESS,
        *(f"pages.{a}_safetynotice" for a in ("add", "change", "delete", "view")),
        "clinic.change_clinicsettings",
        "clinic.view_clinicsettings",
        *(f"wagtailredirects.{a}_redirect" for a in ("add", "change", "delete", "view")),
    ),
    page_permissions=EDITOR_PAGE_PERMISSIONS,
    collection_permissions=MEDIA_PERMISSIONS,
)
MODERATOR = Role(
    "Moderator",
    "Public comments: the moderation queue, replies as the clinic, comment settings.",
    (ADMIN_ACCESS, *COMMENT_PERMISSIONS),
)
ROLES = (OWNER, CLINICIAN, FRONT_DESK, EDITOR, MODERATOR)

# Wagtail creates these two on a new site; our Editor and Moderator replace them.
WAGTAIL_DEFAULT_GROUPS = ("Editors", "Moderators")


def holders_of(permission: str):
    """Active users who hold `permission` ("app_label.codename"): directly, through a group
    or as superusers."""
    app_label, codename = permission.split(".")
    held = {"content_type__app_label": app_label, "codename": codename}
    holders = (
        Q(is_superuser=True)
        | Q(**{f"user_permissions__{key}": value for key, value in held.items()})
        | Q(**{f"groups__permissions__{key}": value for key, value in held.items()})
    )
    return get_user_model().objects.filter(holders, is_active=True).distinct()


def sees_health_information(user) -> bool:
    return user.is_active and any(user.has_perm(name) for name in HEALTH_PERMISSIONS)


def requires_two_factor(user) -> bool:
    """Staff who can see health information may not work without a second factor."""
    return user.is_superuser or sees_health_information(user)


def idle_limit(user) -> timedelta:
    minutes = (
        settings.STAFF_IDLE_MINUTES_HEALTH
        if requires_two_factor(user)
        else settings.STAFF_IDLE_MINUTES
    )
    return timedelta(minutes=minutes)


def sync_roles(apps=global_apps) -> None:
    """Create the role groups and set their permissions to exactly the definitions above."""
    _create_missing_permissions(apps)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role in ROLES:
        group, _ = group_model.objects.get_or_create(name=role.name)
        if role.permissions == ALL:
            group.permissions.set(permission_model.objects.all())
        else:
            group.permissions.set(_permissions(apps, role.permissions))
        pages = [f"wagtailcore.{action}_page" for action in role.page_permissions]
        _set_tree_permissions(apps, group, link="GroupPagePermission", tree="Page", names=pages)
        _set_tree_permissions(
            apps,
            group,
            link="GroupCollectionPermission",
            tree="Collection",
            names=role.collection_permissions,
        )
    _retire_unused_wagtail_groups(apps)


def sync_after_migrate(sender, *, apps=global_apps, using="default", **kwargs) -> None:
    # A flush (between transactional tests) sends post_migrate without a plan; like every
    # other row a migration made, the groups then come back only with the data they belong to.
    if sender.label == "accounts" and "plan" in kwargs:
        sync_roles(apps)


def _create_missing_permissions(apps) -> None:
    for app_config in apps.get_app_configs():
        # Historical app configs carry no models module; the creators skip such apps.
        had_module = getattr(app_config, "models_module", None)
        app_config.models_module = had_module or True
        try:
            create_contenttypes(app_config, verbosity=0, apps=apps)
            create_permissions(app_config, verbosity=0, apps=apps)
        finally:
            app_config.models_module = had_module


def _permissions(apps, names):
    permission_model = apps.get_model("auth", "Permission")
    found = []
    for name in names:
        app_label, codename = name.split(".")
        if not _has_app(apps, app_label):
            continue  # granted by the migrate that installs that app
        found.append(
            permission_model.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return found


def _has_app(apps, app_label) -> bool:
    try:
        return bool(apps.get_app_config(app_label).get_models())
    except LookupError:
        return False


def _set_tree_permissions(apps, group, *, link: str, tree: str, names) -> None:
    """Grant `names` on the root of Wagtail's page or collection tree, and nothing else there.

    `link` is the model joining groups to the tree (GroupPagePermission or
    GroupCollectionPermission) and `tree` the tree's model (Page or Collection).
    """
    if not _has_app(apps, "wagtailcore"):
        return
    link_model = apps.get_model("wagtailcore", link)
    link_model.objects.filter(group=group).delete()
    root = apps.get_model("wagtailcore", tree).objects.filter(depth=1).first()
    if root is None:
        return
    for permission in _permissions(apps, names):
        link_model.objects.create(group=group, permission=permission, **{tree.lower(): root})


def _retire_unused_wagtail_groups(apps) -> None:
    group_model = apps.get_model("auth", "Group")
    group_model.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS, user__isnull=True).delete()
