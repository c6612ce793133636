from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views

VIEW_PERMISSION = "audit.view_auditevent"


class AuditLogMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_PERMISSION)


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path("", views.AuditLogReportView.as_view(), name="report"),
        path(
            "results/", views.AuditLogReportView.as_view(results_only=True), name="report_results"
        ),
    ]
    return [path("audit-log/", include((urls, "audit"), namespace="audit"))]


@hooks.register("register_reports_menu_item")
def register_audit_log_menu_item():
    return AuditLogMenuItem(
        "Audit log", reverse("audit:report"), name="audit-log", icon_name="list-ul", order=1300
    )


@hooks.register("register_permissions")
def register_permissions():
    """Lets an administrator grant the one audit permission to a group in Settings → Groups."""
    return Permission.objects.filter(content_type__app_label="audit", codename="view_auditevent")
