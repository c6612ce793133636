from django.core.mail import send_mail
from django.urls import reverse
from django_tasks import task
from wagtail.admin.utils import get_admin_base_url
from wagtail.contrib.forms.models import FormSubmission


@task()
def notify_contact_submission(*, submission_id: int) -> None:
    """Tell staff a contact message arrived. The e-mail carries a link, never what was typed:
    a visitor may have written about their health despite the form's notice."""
    submission = FormSubmission.objects.select_related("page").get(pk=submission_id)
    page = submission.page.specific
    link = get_admin_base_url() + reverse("wagtailforms:list_submissions", args=[page.pk])
    send_mail(
        subject=page.subject or "New message from the website's contact form",
        message=(
            f"A visitor sent a message through “{page.title}” on "
            f"{submission.submit_time:%d %B %Y at %H:%M} UTC.\n\n"
            f"Sign in to read it:\n{link}\n"
        ),
        from_email=page.from_address or None,
        recipient_list=page.notify_addresses,
    )
