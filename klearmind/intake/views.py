"""The public questionnaire: a start page, one page per step, the resume link, the thank-you.

The draft being filled in is carried in the candidate's session; the resume link (a secret
token, only its hash stored) brings it back in another browser. No answer ever goes into a
URL, and every page is `private, no-store`.
"""

from functools import wraps

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from klearmind.audit.services import client_ip

from . import services, steps
from .models import Draft, IntakeSettings, Submission

SESSION_DRAFT = "intake_draft"
SESSION_TOKEN = "intake_token"  # noqa: S105 - a session key, not a secret
SESSION_SUBMITTED = "intake_submitted"
SESSION_LINK_SENT = "intake_link_sent"


def private_page(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        return response

    return wrapped


def current_draft(request) -> Draft | None:
    pk = request.session.get(SESSION_DRAFT)
    return Draft.objects.filter(pk=pk).first() if pk else None


def step_url(step: steps.Step) -> str:
    return reverse("intake:step", args=[step.slug])


@private_page
@require_GET
def start(request):
    context = {"draft": current_draft(request), "intake_settings": IntakeSettings.load()}
    return render(request, "intake/start.html", context)


@private_page
@require_http_methods(["GET", "POST"])
def step(request, slug: str):
    this = steps.BY_SLUG.get(slug)
    if this is None:
        raise Http404("No such step.")
    draft = current_draft(request)
    if draft is None and this is not steps.FIRST:
        return redirect("intake:thanks" if already_submitted(request) else "intake:start")
    answers = draft.answers if draft else {}
    if not steps.may_open(this, answers):
        return redirect(step_url(steps.first_incomplete(answers) or steps.FIRST))
    if request.method == "GET":
        form = this.form_class(initial=answers.get(this.slug))
        return render_step(request, this, form, answers, urgent=bool(draft and draft.urgent))
    form = this.form_class(request.POST)
    if request.POST.get("action") == "back":
        return go_back(draft, this, form, answers)
    if not form.is_valid():
        keep_positive_item9(draft, this, form)
        urgent = bool(draft and draft.urgent)
        return render_step(request, this, form, answers, status=400, urgent=urgent)
    return advance(request, draft, this, form)


def keep_positive_item9(draft, this, form) -> None:
    """A positive item 9 counts once saved, even on a page sent back for a missing answer:
    keep what was valid there, without moving the candidate on."""
    item9 = posted_item9(form) if this.slug == "phq9" else None
    if draft is not None and item9 is not None and item9 > 0:
        services.save_step(
            draft=draft, step=this.slug, data=form.valid_answers(), next_step=draft.step
        )


def go_back(draft, this, form, answers):
    """Keep what was valid on this page and show the previous one."""
    previous = steps.neighbour(this, answers, offset=-1) or this
    if draft is not None:
        services.save_step(
            draft=draft, step=this.slug, data=form.valid_answers(), next_step=previous.slug
        )
    return redirect(step_url(previous))


def advance(request, draft, this, form):
    data = form.answers()
    if draft is None:
        if form.cleaned_data.get("website"):
            return redirect("intake:thanks")  # a robot filled the honeypot: store nothing
        if not services.within_rate_limit(ip=client_ip(request), action="start"):
            return too_many(request)
        draft, token = services.start_draft(about=data)
        request.session[SESSION_DRAFT] = draft.pk
        request.session[SESSION_TOKEN] = token
        request.session.pop(SESSION_SUBMITTED, None)
        return redirect(step_url(steps.BY_SLUG[draft.step]))
    following = steps.neighbour(this, {**draft.answers, this.slug: data}, offset=1)
    if following is not None:
        services.save_step(draft=draft, step=this.slug, data=data, next_step=following.slug)
        return redirect(step_url(following))
    if not services.within_rate_limit(ip=client_ip(request), action="submit"):
        return too_many(request)
    services.save_step(draft=draft, step=this.slug, data=data, next_step=this.slug)
    submission = services.submit_draft(draft=draft)
    request.session.pop(SESSION_DRAFT, None)
    request.session[SESSION_SUBMITTED] = submission.pk
    return redirect("intake:thanks")


def already_submitted(request) -> bool:
    """True when this browser's questionnaire was sent (a back button or a second click)."""
    token = request.session.get(SESSION_TOKEN)
    if token is None:
        return False
    submission = Submission.objects.filter(draft_key=services.token_hash(token)).first()
    if submission is not None:
        request.session[SESSION_SUBMITTED] = submission.pk
    return submission is not None


def render_step(request, this, form, answers, *, status: int = 200, urgent: bool = False):
    active = steps.active_steps(answers)
    item9 = steps.phq9_item9(answers)
    if this.slug == "phq9" and form.is_bound:
        item9 = posted_item9(form)
    token = request.session.get(SESSION_TOKEN) if answers else None
    context = {
        "step": this,
        "form": form,
        "position": active.index(this) + 1,
        "total": len(active),
        "is_last": this is active[-1],
        "is_first": this is steps.FIRST,
        # Still shown once an earlier positive answer was changed back (the draft is urgent).
        "crisis": (item9 is not None and item9 > 0) or urgent,
        "resume_url": request.build_absolute_uri(reverse("intake:resume", args=[token]))
        if token
        else "",
        "just_started": this.slug == "conditions" and "conditions" not in answers,
        "link_sent": request.session.pop(SESSION_LINK_SENT, None),
    }
    return render(request, "intake/step.html", context, status=status)


def posted_item9(form) -> int | None:
    try:
        return int(form.data.get("phq9_9", ""))
    except ValueError:
        return None


def too_many(request):
    return render(request, "intake/too_many.html", status=429)


@private_page
@require_POST
def email_link(request):
    """E-mail this browser's resume link to the address given on the first step."""
    draft, token = current_draft(request), request.session.get(SESSION_TOKEN)
    if draft is None or token is None:
        return redirect("intake:start")
    if not services.within_rate_limit(ip=client_ip(request), action="link"):
        return too_many(request)
    link = request.build_absolute_uri(reverse("intake:resume", args=[token]))
    sent = services.send_resume_link(draft=draft, link=link)
    request.session[SESSION_LINK_SENT] = "sent" if sent else "failed"
    back = steps.BY_SLUG.get(request.POST.get("step", ""), steps.BY_SLUG[draft.step])
    return redirect(step_url(back))


@private_page
@require_GET
def resume(request, token: str):
    draft = services.find_draft(token)
    if draft is not None:
        request.session[SESSION_DRAFT] = draft.pk
        request.session[SESSION_TOKEN] = token
        target = steps.first_incomplete(draft.answers) or steps.BY_SLUG[draft.step]
        return redirect(step_url(target))
    sent = Submission.objects.filter(draft_key=services.token_hash(token)).exists()
    context = {"sent": sent, "intake_settings": IntakeSettings.load()}
    return render(request, "intake/resume_gone.html", context, status=200 if sent else 404)


@private_page
@require_GET
def thanks(request):
    pk = request.session.get(SESSION_SUBMITTED)
    submission = Submission.objects.filter(pk=pk).only("urgent").first() if pk else None
    context = {
        "urgent": bool(submission and submission.urgent),
        "intake_settings": IntakeSettings.load(),
    }
    return render(request, "intake/thanks.html", context)
