"""Screens of the controlled-substance register (namespace care_admin)."""

from django.urls import path

from . import exports, views

urlpatterns = [
    path("register/", views.home, name="register"),
    path("register/receive/", views.receive, name="register_receive"),
    path("register/containers/<int:pk>/", views.container, name="register_container"),
    path("register/entries/<int:pk>/reverse/", views.reverse_entry, name="register_reverse"),
    path("register/charts/<int:chart_pk>/", views.draw, name="register_draw"),
    path("register/counts/new/<int:location_pk>/", views.count_new, name="register_count_new"),
    path("register/counts/<int:pk>/", views.count, name="register_count"),
    path("register/counts/<int:pk>/count.csv", exports.count_csv, name="register_count_csv"),
    path("register/lines/<int:pk>/review/", views.review, name="register_review"),
    path("register/register.csv", exports.export_csv, name="register_csv"),
]
