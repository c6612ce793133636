from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("", views.start, name="start"),
    path("step/<int:number>/", views.step, name="step"),
    path("resume/email/", views.email_link, name="email_link"),
    path("resume/show/", views.show_link, name="show_link"),
    path("resume/<str:token>/", views.resume, name="resume"),
    path("thank-you/", views.thanks, name="thanks"),
]
