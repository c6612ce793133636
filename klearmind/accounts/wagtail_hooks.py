from django.conf import settings
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import urls


@hooks.register("register_admin_urls")
def register_urls():
    return [path("security/", include(urls, namespace="accounts"))]


@hooks.register("register_account_menu_item")
def security_menu_item(request):
    return {
        "url": reverse("accounts:security"),
        "label": "Two-factor authentication and sessions",
        "help_text": "Your authenticator app, recovery codes, and signing out everywhere.",
    }


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_settings_menu_item")
def locked_logins_menu_item():
    return PermissionMenuItem(
        "Locked-out logins",
        reverse("accounts:locked_logins"),
        icon_name="lock",
        order=900,
        permission="accounts.unlock_login",
    )


@hooks.register("insert_global_admin_css")
def session_timeout_styles():
    return format_html('<link rel="stylesheet" href="{}">', static("accounts/accounts.css"))


@hooks.register("insert_global_admin_js")
def session_timeout_script():
    return format_html(
        '<script src="{}" data-status-url="{}" data-keepalive-url="{}" data-login-url="{}" '
        'data-warning-seconds="{}" defer></script>',
        static("accounts/session-timeout.js"),
        reverse("accounts:session_status"),
        reverse("accounts:session_keepalive"),
        reverse("wagtailadmin_login"),
        settings.STAFF_IDLE_WARNING_SECONDS,
    )
