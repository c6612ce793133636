from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from wagtail.admin.utils import get_admin_base_url

from .models import Enquiry

DEFAULT_SUBJECT = "New message from the website's contact form"


@task()
def notify_new_enquiry(
    *, enquiry_id: int, recipients: list[str], subject: str = "", from_email: str = ""
) -> None:
    """Tell staff an enquiry arrived. The e-mail carries a link, never what was typed: a
    visitor may have written about their health despite the form's notice."""
    enquiry = Enquiry.objects.only("pk", "created_at").get(pk=enquiry_id)
    link = get_admin_base_url() + reverse("enquiries_admin:detail", args=[enquiry.pk])
    received = timezone.localtime(enquiry.created_at)
    send_mail(
        subject=subject or DEFAULT_SUBJECT,
        message=(
            f"A visitor sent a message through the contact form on "
            f"{received:%d %B %Y at %H:%M}.\n\n"
            f"Sign in to read it (front desk, clinicians and the owner):\n{link}\n"
        ),
        from_email=from_email or None,
        recipient_list=recipients,
    )
