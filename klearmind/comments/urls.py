from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("post/<int:page_id>/", views.post, name="post"),
    path("token/", views.token, name="token"),
    path("unsubscribe/", views.unsubscribe_confirm, name="unsubscribe_confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
