from django.urls import path

from . import admin_views

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
]
