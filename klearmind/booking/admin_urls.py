from django.urls import path

from . import admin_views, series_admin_views

app_name = "booking_admin"

urlpatterns = [
    path("", admin_views.calendar, name="calendar"),
    path("my-schedule/", admin_views.my_schedule, name="my_schedule"),
    path("day-sheet/", admin_views.day_sheet, name="day_sheet"),
    path("book/", admin_views.book, name="book"),
    path("invitations/", admin_views.invitations, name="invitations"),
    path("appointments/<int:pk>/", admin_views.appointment, name="appointment"),
    path("appointments/<int:pk>/status/", admin_views.appointment_action, name="action"),
    path("appointments/<int:pk>/move/", admin_views.appointment_move, name="move"),
    path("series/book/", series_admin_views.series_book, name="series_book"),
    path("series/<int:pk>/", series_admin_views.series_detail, name="series"),
    path("series/<int:pk>/move/", series_admin_views.series_move, name="series_move"),
    path("series/<int:pk>/cancel/", series_admin_views.series_cancel, name="series_cancel"),
]
