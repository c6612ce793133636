from django.conf import settings
from django.http import Http404, JsonResponse
from django.middleware.csrf import (
    REASON_CSRF_TOKEN_MISSING,
    REASON_NO_CSRF_COOKIE,
    CsrfViewMiddleware,
    get_token,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Page

from klearmind.clinic.http import client_ip

from .display import posted_token, remember_author
from .forms import CommentForm, seconds_since_rendered
from .models import Comment
from .rules import Submission
from .services import CommentRefused, post_comment

PARENT_GONE = "The comment you replied to is no longer available. Your text is kept below."
PRESS_AGAIN = "To protect this form, please press Post comment once more."


class CsrfCheck(CsrfViewMiddleware):
    """Django's CSRF check, answering with the reason it failed instead of a response."""

    def _reject(self, request, reason):
        return reason


def csrf_refusal(request, page, form: CommentForm):
    """The answer to a post that fails the CSRF check, or None when it passes."""
    reason = CsrfCheck(lambda request: None).process_view(request, None, (), {})
    if not reason:
        return None
    if sent_no_token(request, reason):
        refusal = CommentRefused(PRESS_AGAIN, code="csrf_token_missing", status=403)
        return render_page(request, page, form, status=403, refusal=refusal)
    return import_string(settings.CSRF_FAILURE_VIEW)(request, reason=reason)


def sent_no_token(request, reason: str) -> bool:
    """A form from a cached page, sent without JavaScript: no token at all, rather than a
    wrong one (a forged or stale token, or a post from another site, is refused plainly)."""
    return (
        reason in (REASON_NO_CSRF_COOKIE, REASON_CSRF_TOKEN_MISSING)
        and not request.POST.get("csrfmiddlewaretoken")
        and settings.CSRF_HEADER_NAME not in request.META
    )


@never_cache
@require_GET
def token(request):
    """A CSRF token for the comment form, which cached pages carry without one (comments.js
    asks for it); the response sets the CSRF cookie it goes with."""
    return JsonResponse({"csrfToken": get_token(request)})


@csrf_exempt  # checked in the view, so that a form sent without its token can be offered again
@require_POST
def post(request, page_id: int):
    page = get_object_or_404(Page.objects.live().public().specific(), pk=page_id)
    form = CommentForm(request.POST)
    refused = csrf_refusal(request, page, form)
    if refused is not None:
        return refused
    parent = None
    if form.is_valid() and form.cleaned_data["parent"]:
        parent = Comment.objects.on(page).approved().filter(pk=form.cleaned_data["parent"]).first()
        if parent is None:
            form.add_error(None, PARENT_GONE)
    if not form.is_valid():
        return render_page(request, page, form, status=400)
    try:
        comment = post_comment(
            page=page,
            submission=submission_from(request, form),
            parent=parent,
            notify=form.cleaned_data["notify"],
            user=request.user,
        )
    except CommentRefused as refusal:
        return render_page(request, page, form, status=refusal.status, refusal=refusal)
    response = redirect(f"{page.get_url(request)}?posted={posted_token(comment)}#comment-posted")
    remember_author(request, response, form)
    return response


def submission_from(request, form: CommentForm) -> Submission:
    data = form.cleaned_data
    return Submission(
        author_name=data["author_name"],
        author_email=data["author_email"],
        author_url=data["author_url"],
        text=data["text"],
        ip_address=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
        homepage=data["homepage"],
        seconds_on_form=seconds_since_rendered(data["rendered"]),
    )


def render_page(request, page, form, *, status: int, refusal=None):
    """The page again, with the form as it was sent and the reason it was not accepted."""
    request.comment_form = form
    request.comment_refusal = refusal
    context = page.get_context(request)
    return TemplateResponse(request, page.get_template(request), context, status=status)


SESSION_UNSUBSCRIBE = "comments_unsubscribe"


def stop_emails(comment: Comment) -> None:
    if comment.author_email:
        Comment.objects.by_email(comment.author_email).unsubscribe()


@never_cache
@csrf_exempt  # mail clients' one-click unsubscribe (RFC 8058) posts without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """The e-mailed link. Opened in a browser, it is exchanged for this session and left at
    once, so the token is in one request line and no page, history entry or referrer; a mail
    client's one-click post acts at once."""
    comment = Comment.objects.by_unsubscribe_token(token)
    if comment is None:
        raise Http404("No such link.")
    if request.method == "POST":
        stop_emails(comment)
        return render(request, "comments/unsubscribed.html", {"done": True})
    request.session[SESSION_UNSUBSCRIBE] = comment.pk
    return redirect("comments:unsubscribe_confirm")


@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe_confirm(request):
    """Ask before acting, so that a link preview or a mail scanner unsubscribes no one."""
    pk = request.session.get(SESSION_UNSUBSCRIBE)
    comment = Comment.objects.filter(pk=pk).first() if pk else None
    if comment is None:
        return render(request, "comments/unsubscribed.html", {"lost": True}, status=404)
    if request.method == "POST":
        stop_emails(comment)
        del request.session[SESSION_UNSUBSCRIBE]
        return render(request, "comments/unsubscribed.html", {"done": True})
    return render(request, "comments/unsubscribed.html", {"done": False})
