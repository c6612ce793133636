from django.urls import path

from . import patient_views, views

app_name = "booking"

urlpatterns = [
    path("", views.start, name="start"),
    path("invitation/<str:token>/", patient_views.invitation, name="invitation"),
    path("visit/<str:token>/", patient_views.appointment, name="appointment"),
    path("visit/<str:token>/calendar.ics", patient_views.calendar, name="calendar"),
    path("visit/<str:token>/cancel/", patient_views.cancel, name="cancel"),
    path("visit/<str:token>/reschedule/", patient_views.reschedule, name="reschedule"),
    path("<slug:service>/", views.place, name="place"),
    path("<slug:service>/<slug:place>/", views.month, name="month"),
    path("<slug:service>/<slug:place>/details/", views.details, name="details"),
    path("<slug:service>/<slug:place>/<str:day>/", views.day, name="day"),
]
