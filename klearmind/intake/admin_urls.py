from django.urls import path

from . import admin_views

app_name = "intake_admin"

urlpatterns = [
    path("", admin_views.queue, name="queue"),
    path("settings/", admin_views.intake_settings, name="settings"),
    path("<int:pk>/", admin_views.detail, name="detail"),
    path("<int:pk>/print/", admin_views.print_view, name="print"),
    path("<int:pk>/status/", admin_views.change_status, name="status"),
    path("<int:pk>/note/", admin_views.add_note, name="note"),
    path("<int:pk>/assign/", admin_views.assign, name="assign"),
    path("<int:pk>/invite/", admin_views.invite, name="invite"),
    path("<int:pk>/consultation/undo/", admin_views.undo_consultation, name="undo_consultation"),
]
