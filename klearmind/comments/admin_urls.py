from django.urls import path

from . import admin_views

app_name = "comments_admin"

urlpatterns = [
    path("", admin_views.queue, name="queue"),
    path("<int:pk>/", admin_views.detail, name="detail"),
    path("bulk/", admin_views.bulk, name="bulk"),
    path("<int:pk>/crisis-resources/", admin_views.crisis_resources, name="crisis_resources"),
    path("personal-data/", admin_views.personal_data, name="personal_data"),
]
