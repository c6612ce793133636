from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/recovery-codes/", views.new_recovery_codes, name="new_recovery_codes"),
    path("two-factor/remove/", views.remove_two_factor, name="remove_two_factor"),
    path("", views.security, name="security"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("session/status/", views.session_status, name="session_status"),
    path("session/keep-alive/", views.session_keepalive, name="session_keepalive"),
    path("locked-logins/", views.locked_logins, name="locked_logins"),
]
