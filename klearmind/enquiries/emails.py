"""The staff notice of a new enquiry, sent by the outbox. It carries a link, never what was
typed: a visitor may have written about their health despite the form's notice."""

from django.urls import reverse
from django.utils import timezone
from wagtail.admin.utils import get_admin_base_url

from klearmind.outbox.models import OutgoingMessage
from klearmind.outbox.registry import Built, register_kind

from .models import Enquiry

KIND = "enquiries.new_enquiry"
DEFAULT_SUBJECT = "New message from the website's contact form"


def new_enquiry_message(message: OutgoingMessage) -> Built | None:
    enquiry = Enquiry.objects.only("pk", "created_at").filter(pk=message.about_id).first()
    if enquiry is None:
        return None
    received = timezone.localtime(enquiry.created_at)
    context = {
        "received": f"{received:%d %B %Y at %H:%M}",
        "link": get_admin_base_url() + reverse("enquiries_admin:detail", args=[enquiry.pk]),
    }
    return Built(
        subject=message.params.get("subject") or DEFAULT_SUBJECT,
        context=context,
        from_email=message.params.get("from_email") or None,
    )


def register() -> None:
    register_kind(KIND, template="enquiries/email/new_enquiry", build=new_enquiry_message)
