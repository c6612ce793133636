from django.urls import path

from . import admin_views

app_name = "outbox_admin"

urlpatterns = [
    path("", admin_views.listing, name="listing"),
    path("<int:pk>/retry/", admin_views.retry, name="retry"),
]
