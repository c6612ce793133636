"""The contact page's form: a thin view over `services.receive_enquiry`."""

from django.shortcuts import redirect
from django.template.response import TemplateResponse

from klearmind.clinic.http import client_ip, make_private
from klearmind.comments.forms import seconds_since_rendered
from klearmind.comments.rules import Submission

from .forms import EnquiryForm
from .services import EnquiryRefused, Notice, receive_enquiry

SENT = "sent"


def contact_page(request, page):
    """The contact page (`ContactPage.serve`): the form, a sent message, or the thank-you."""
    request.is_preview = getattr(request, "is_preview", False)
    if request.method == "POST":
        return make_private(send(request, page))  # it may hold what was typed
    if SENT in request.GET:
        return TemplateResponse(
            request, "pages/contact_page_landing.html", page.get_context(request)
        )
    return render_page(request, page, EnquiryForm())


def send(request, page):
    form = EnquiryForm(request.POST)
    if not form.is_valid():
        return render_page(request, page, form, status=400)
    try:
        receive_enquiry(
            submission=submission_from(request, form),
            phone=form.cleaned_data["phone"],
            notice=Notice(page.notify_addresses, page.subject, page.from_address),
        )
    except EnquiryRefused as refusal:
        return render_page(request, page, form, status=refusal.status, refusal=refusal)
    return redirect(f"{page.get_url(request)}?{SENT}=1")


def submission_from(request, form: EnquiryForm) -> Submission:
    """What was sent, in the shape the comments' spam checks read."""
    data = form.cleaned_data
    return Submission(
        author_name=data["name"],
        author_email=data["email"],
        author_url="",
        text=data["message"],
        ip_address=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
        homepage=data["homepage"],
        seconds_on_form=seconds_since_rendered(data["rendered"]),
    )


def render_page(request, page, form, *, status: int = 200, refusal=None):
    """The contact page with `form` as it was sent and the reason it was not accepted."""
    request.enquiry_form, request.enquiry_refusal = form, refusal
    context = page.get_context(request)
    return TemplateResponse(request, page.get_template(request), context, status=status)
