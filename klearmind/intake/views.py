"""The public questionnaire: a start page, one page per step, the resume link, the thank-you.

The draft being filled in is carried in the candidate's session by its id; the resume link (a
secret token, only its hash stored, made when the candidate asks for it) brings it back in
another browser. Step addresses are numbers, so no address names a measure; the resume link is
exchanged for the session and left at once, so a token is in one request line only. No answer
ever goes into a URL, and every page is `private, no-store`.
"""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from klearmind.clinic.http import client_ip, private_page

from . import services, steps
from .consultation import SESSION_SUBMITTED, consultation_url
from .models import Draft, IntakeSettings, Submission

SESSION_DRAFT = "intake_draft"
# The draft's key (its token's hash, what the submission keeps): finds the questionnaire once
# sent. Never the token itself, which would let a copy of the sessions table open the draft.
SESSION_DRAFT_KEY = "intake_draft_key"
SESSION_LINK_SENT = "intake_link_sent"


def current_draft(request) -> Draft | None:
    pk = request.session.get(SESSION_DRAFT)
    return Draft.objects.filter(pk=pk).first() if pk else None


def step_url(step: steps.Step, answers: dict) -> str:
    return reverse("intake:step", args=[steps.number_of(step, answers)])


def keep_draft(request, draft: Draft) -> None:
    request.session[SESSION_DRAFT] = draft.pk
    request.session[SESSION_DRAFT_KEY] = draft.token_hash
    request.session.pop(SESSION_SUBMITTED, None)


def continue_at(draft: Draft) -> steps.Step:
    """Where a returning candidate carries on: the first step left to answer, else the furthest
    reached (when the conditions chosen still bring it in), else the last."""
    answers = draft.answers
    furthest = steps.BY_SLUG.get(draft.step)
    if furthest not in steps.active_steps(answers):
        furthest = steps.active_steps(answers)[-1]
    return steps.first_incomplete(answers) or furthest


@private_page
@require_GET
def start(request):
    draft = current_draft(request)
    context = {
        "draft": draft,
        "continue_url": step_url(continue_at(draft), draft.answers) if draft else "",
        "intake_settings": IntakeSettings.load(),
    }
    return render(request, "intake/start.html", context)


@private_page
@require_http_methods(["GET", "POST"])
def step(request, number: int):
    draft = current_draft(request)
    if draft is None and number != 1:
        return redirect("intake:thanks" if already_submitted(request) else "intake:start")
    answers = draft.answers if draft else {}
    this = steps.at_number(number, answers)
    if this is None or not steps.may_open(this, answers):
        return redirect(step_url(steps.first_incomplete(answers) or steps.FIRST, answers))
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
        answers = draft.answers
    return redirect(step_url(previous, answers))


def advance(request, draft, this, form):
    data = form.answers()
    if draft is None:
        if form.cleaned_data.get("website"):
            return redirect("intake:thanks")  # a robot filled the honeypot: store nothing
        if not services.within_rate_limit(ip=client_ip(request), action="start"):
            return too_many(request)
        # Its first token is dropped: a link is made when the candidate asks for one.
        draft, _ = services.start_draft(about=data)
        keep_draft(request, draft)
        return redirect(step_url(steps.BY_SLUG[draft.step], draft.answers))
    following = steps.neighbour(this, {**draft.answers, this.slug: data}, offset=1)
    if following is not None:
        services.save_step(draft=draft, step=this.slug, data=data, next_step=following.slug)
        return redirect(step_url(following, draft.answers))
    if not services.within_rate_limit(ip=client_ip(request), action="submit"):
        return too_many(request)
    services.save_step(draft=draft, step=this.slug, data=data, next_step=this.slug)
    submission = services.submit_draft(draft=draft, language=get_language())
    request.session.pop(SESSION_DRAFT, None)
    request.session[SESSION_SUBMITTED] = submission.pk
    return redirect("intake:thanks")


def already_submitted(request) -> bool:
    """True when this browser's questionnaire was sent (a back button or a second click)."""
    key = request.session.get(SESSION_DRAFT_KEY)
    if key is None:
        return False
    submission = Submission.objects.filter(draft_key=key).first()
    if submission is not None:
        request.session[SESSION_SUBMITTED] = submission.pk
    return submission is not None


def render_step(request, this, form, answers, *, status: int = 200, urgent: bool = False):
    active = steps.active_steps(answers)
    item9 = steps.phq9_item9(answers)
    if this.slug == "phq9" and form.is_bound:
        item9 = posted_item9(form)
    context = {
        "step": this,
        "form": form,
        "position": active.index(this) + 1,
        "total": len(active),
        "is_last": this is active[-1],
        "is_first": this is steps.FIRST,
        # Still shown once an earlier positive answer was changed back (the draft is urgent).
        "crisis": (item9 is not None and item9 > 0) or urgent,
        "has_draft": bool(answers),
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


def asked_from(request, draft: Draft) -> steps.Step:
    """The step whose "Finish later" was used (its number is posted), to go back to."""
    try:
        number = int(request.POST.get("step", ""))
    except ValueError:
        number = 0
    return steps.at_number(number, draft.answers) or continue_at(draft)


def new_resume_url(request, draft: Draft) -> str:
    """A new resume link, replacing the last; this session follows the draft's new key."""
    token = services.issue_resume_token(draft=draft)
    request.session[SESSION_DRAFT_KEY] = draft.token_hash
    return request.build_absolute_uri(reverse("intake:resume", args=[token]))


def render_link(request, draft: Draft, back: steps.Step, *, url: str, mail_failed: bool = False):
    context = {
        "resume_url": url,
        "back_url": step_url(back, draft.answers),
        "mail_failed": mail_failed,
        "intake_settings": IntakeSettings.load(),
    }
    return render(request, "intake/resume_link.html", context)


@private_page
@require_POST
def show_link(request):
    """Show a new resume link once, in this response: it is stored nowhere to show again."""
    draft = current_draft(request)
    if draft is None:
        return redirect("intake:start")
    if not services.within_rate_limit(ip=client_ip(request), action="link"):
        return too_many(request)
    url = new_resume_url(request, draft)
    return render_link(request, draft, asked_from(request, draft), url=url)


@private_page
@require_POST
def email_link(request):
    """E-mail a new resume link to the address given on the first step; when the mail server
    fails, show the link instead (it exists only in this response)."""
    draft = current_draft(request)
    if draft is None:
        return redirect("intake:start")
    if not services.within_rate_limit(ip=client_ip(request), action="link"):
        return too_many(request)
    back, url = asked_from(request, draft), new_resume_url(request, draft)
    if not services.send_resume_link(draft=draft, link=url):
        return render_link(request, draft, back, url=url, mail_failed=True)
    request.session[SESSION_LINK_SENT] = "sent"
    return redirect(step_url(back, draft.answers))


@private_page
@require_GET
def resume(request, token: str):
    """Exchange the token for this browser's session and leave its address at once, so the
    token is in one request line and in no page, history entry or referrer."""
    draft = services.find_draft(token)
    if draft is not None:
        keep_draft(request, draft)
        return redirect(step_url(continue_at(draft), draft.answers))
    sent = Submission.objects.filter(draft_key=services.token_hash(token)).exists()
    context = {"sent": sent, "intake_settings": IntakeSettings.load()}
    response = render(request, "intake/resume_gone.html", context, status=200 if sent else 404)
    response.headers["Referrer-Policy"] = "no-referrer"  # its links must not carry the token
    return response


@private_page
@require_GET
def thanks(request):
    pk = request.session.get(SESSION_SUBMITTED)
    submission = Submission.objects.filter(pk=pk).only("urgent", "location").first() if pk else None
    context = {
        "urgent": bool(submission and submission.urgent),
        "intake_settings": IntakeSettings.load(),
        "consultation_url": consultation_url(submission) if submission else "",
    }
    return render(request, "intake/thanks.html", context)
