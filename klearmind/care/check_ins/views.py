"""The public check-in page behind a private signed link. It works without JavaScript, is
never cached, and once answered shows only a thank-you, never the answers. The e-mailed link
opens it in the browser and is left behind: the page's own address carries no token."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from klearmind.clinic.http import private_page
from klearmind.intake.views import posted_item9

from .forms import check_in_form
from .models import CheckIn
from .services import (
    BadLink,
    check_in_id,
    check_in_page_path,
    complete_check_in,
    grant_check_in,
    is_check_in_granted,
)

SESSION_URGENT = "care_check_in_urgent"


@private_page
def open_check_in(request, token: str):
    """The e-mailed link: let this browser open the check-in, then go to its own address."""
    found = find_check_in(token)
    if found is None:
        return gone(request)
    grant_check_in(request.session, found)
    return redirect(check_in_page_path(found))


@private_page
@require_http_methods(["GET", "POST"])
def check_in(request, pk: int):
    found = None
    if is_check_in_granted(request.session, pk):
        found = CheckIn.objects.filter(pk=pk).first()
    if found is None:
        return gone(request)
    if found.completed_at is not None:
        urgent = request.session.get(SESSION_URGENT) == found.pk
        return render(request, "care/check_in_received.html", {"crisis": urgent})
    if found.is_expired():
        return render(request, "care/check_in_gone.html", {"expired": True}, status=410)
    form_class = check_in_form(found.measures)
    if request.method == "GET":
        return render_form(request, form_class())
    form = form_class(request.POST)
    if not form.is_valid():
        return render_form(request, form, status=400)
    try:
        measurement = complete_check_in(check_in_id=found.pk, answers=form.measure_answers())
    except ValidationError:
        return redirect(request.path)  # answered a moment ago, or the link just ran out
    if measurement.urgent:
        request.session[SESSION_URGENT] = found.pk
    return redirect(request.path)


def gone(request):
    return render(request, "care/check_in_gone.html", {"expired": False}, status=404)


def find_check_in(token: str) -> CheckIn | None:
    try:
        pk = check_in_id(token)
    except BadLink:
        return None
    return CheckIn.objects.filter(pk=pk).first()


def render_form(request, form, *, status: int = 200):
    item9 = posted_item9(form) if form.is_bound else None
    context = {"form": form, "crisis": item9 is not None and item9 > 0}
    return render(request, "care/check_in_form.html", context, status=status)
