from django.urls import path

from . import money, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in_page, name="sign_in"),
    path("sign-in/<str:token>/", views.open_link, name="link"),
    path("sign-out/", views.sign_out_view, name="sign_out"),
    path("scores/", views.scores, name="scores"),
    path("payments/", money.payments, name="payments"),
    path("payments/receipt.pdf", money.receipt, name="receipt"),
    path(
        "payments/membership/<int:pk>/cancel/",
        money.cancel_membership,
        name="cancel_membership",
    ),
    path("record.json", views.record_download, {"kind": "json"}, name="record_json"),
    path("record.fhir.json", views.record_download, {"kind": "fhir"}, name="record_fhir"),
    path("record/summary/", views.record_summary, name="record_summary"),
    path("check-ins/<int:pk>/", views.check_in, name="check_in"),
    path("passkeys/", views.passkey_list, name="passkeys"),
    path("passkeys/<int:pk>/remove/", views.passkey_remove, name="passkey_remove"),
    path("passkeys/add/options/", views.passkey_add_options, name="passkey_add_options"),
    path("passkeys/add/", views.passkey_add, name="passkey_add"),
    path(
        "passkeys/sign-in/options/",
        views.passkey_sign_in_options,
        name="passkey_sign_in_options",
    ),
    path("passkeys/sign-in/", views.passkey_sign_in, name="passkey_sign_in"),
]
