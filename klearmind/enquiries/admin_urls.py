from django.urls import path

from . import admin_views

app_name = "enquiries_admin"

urlpatterns = [
    path("", admin_views.listing, name="listing"),
    path("csv/", admin_views.export_csv, name="csv"),
    path("<int:pk>/", admin_views.detail, name="detail"),
    path("<int:pk>/status/", admin_views.change_status, name="status"),
]
