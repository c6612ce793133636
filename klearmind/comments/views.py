from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Page

from klearmind.audit.services import client_ip

from .display import posted_token, remember_author
from .forms import CommentForm, seconds_since_rendered
from .models import Comment
from .rules import Submission
from .services import CommentRefused, post_comment

PARENT_GONE = "The comment you replied to is no longer available. Your text is kept below."


@require_POST
def post(request, page_id: int):
    page = get_object_or_404(Page.objects.live().public().specific(), pk=page_id)
    form = CommentForm(request.POST)
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


@csrf_exempt  # mail clients' one-click unsubscribe (RFC 8058) posts without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    comment = get_object_or_404(Comment, unsubscribe_token=token)
    if request.method == "POST":
        if comment.author_email:
            Comment.objects.by_email(comment.author_email).unsubscribe()
        return render(request, "comments/unsubscribed.html", {"done": True})
    return render(request, "comments/unsubscribed.html", {"done": False, "token": token})
