"""Each role's home screen at /admin/: its panels first, in place of Wagtail's page counts."""

from wagtail import hooks

from .panels import ClinicianPanel, EditorPanel, FrontDeskPanel, ModeratorPanel, OwnerPanel

# Each role's group name (klearmind.accounts.roles) and its panel. The owner's panel also goes
# to superusers.
ROLE_PANELS = {
    "Front desk": FrontDeskPanel,
    "Clinician": ClinicianPanel,
    "Owner": OwnerPanel,
    "Moderator": ModeratorPanel,
    "Editor": EditorPanel,
}


def role_names(user) -> set[str]:
    names = set(user.groups.values_list("name", flat=True))
    if user.is_superuser:
        names.add("Owner")
    return names


@hooks.register("construct_homepage_summary_items", order=100)
def remove_page_counts(request, summary_items):
    """The pages, images and documents counted say nothing about the clinic's day."""
    summary_items.clear()


@hooks.register("construct_homepage_panels")
def add_role_panels(request, panels):
    held = role_names(request.user)
    panels += [panel(request) for role, panel in ROLE_PANELS.items() if role in held]
