from django.urls import path

from . import patient_views, views

app_name = "booking"

urlpatterns = [
    path("", views.start, name="start"),
    # The e-mailed links: each opens the tokenless address below it in this browser.
    path("invitation/<str:token>/", patient_views.open_invitation, name="invitation_link"),
    path("visit/<str:token>/", patient_views.open_visit, name="visit_link"),
    path("invitation/", patient_views.invitation, name="invitation"),
    path("my-visit/<int:pk>/", patient_views.appointment, name="appointment"),
    path("my-visit/<int:pk>/calendar.ics", patient_views.calendar, name="calendar"),
    path("my-visit/<int:pk>/cancel/", patient_views.cancel, name="cancel"),
    path("my-visit/<int:pk>/reschedule/", patient_views.reschedule, name="reschedule"),
    path("my-visit/<int:pk>/series/cancel/", patient_views.series_cancel, name="series_cancel"),
    path(
        "my-visit/<int:pk>/series/reschedule/",
        patient_views.series_reschedule,
        name="series_reschedule",
    ),
    path("<slug:service>/", views.place, name="place"),
    path("<slug:service>/<slug:place>/", views.month, name="month"),
    path("<slug:service>/<slug:place>/details/", views.details, name="details"),
    path("<slug:service>/<slug:place>/<str:day>/", views.day, name="day"),
]
