"""The sign-in e-mail, sent by the outbox. Its secret is made as the e-mail is built and only
its hash kept, so no stored row can be turned back into a working link; it carries the link
and nothing about the person's health or visits."""

import secrets

from django.conf import settings
from django.urls import reverse

from klearmind.clinic.models import ClinicSettings
from klearmind.outbox.models import OutgoingMessage
from klearmind.outbox.registry import Built, register_kind

from .models import LINK_VALID, SignInLink, token_hash
from .services import SIGN_IN_EMAIL


def new_token() -> str:
    return secrets.token_urlsafe(32)


def sign_in_message(message: OutgoingMessage) -> Built | None:
    link = SignInLink.objects.filter(pk=message.about_id).first()
    if link is None or not link.is_usable():
        return None  # expired before it could be sent: the person asks again
    token = new_token()
    SignInLink.objects.filter(pk=link.pk).update(token_hash=token_hash(token))
    context = {
        "link": settings.WAGTAILADMIN_BASE_URL + reverse("portal:link", args=[token]),
        "minutes": int(LINK_VALID.total_seconds() // 60),
        "clinic": ClinicSettings.load(),
    }
    return Built(subject="Your link to sign in", context=context)


def register() -> None:
    register_kind(SIGN_IN_EMAIL, template="portal/email/sign_in", build=sign_in_message)
