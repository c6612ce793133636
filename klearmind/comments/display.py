"""What the comment section of a page shows, in a fixed number of queries."""

import functools
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from klearmind.pages.page_cache import confirm_comment_page

from .caching import remembered
from .forms import CommentForm, rendered_token
from .models import Comment, CommentOrder, CommentSettings, CommentStatus

POSTED_SALT = "klearmind.comments.posted"
POSTED_MAX_AGE = 2 * 24 * 3600
COMMENTER_COOKIE = "klearmind_commenter"
COMMENTER_SALT = "klearmind.comments.commenter"
COMMENTER_MAX_AGE = 365 * 24 * 3600
# Stand-ins for the per-request values in the once-rendered form; neither can occur in HTML
# that Django's widgets write, nor in a signed token or a number.
RENDERED_PLACEHOLDER = "@@rendered-token@@"
PARENT_PLACEHOLDER = "@@parent-comment@@"


@dataclass
class Thread:
    comment: Comment
    replies: list["Thread"] = field(default_factory=list)


def posted_token(comment: Comment) -> str:
    return signing.dumps(comment.pk, salt=POSTED_SALT)


def posted_comment_id(token: str | None) -> int | None:
    if not token:
        return None
    try:
        return int(signing.loads(token, salt=POSTED_SALT, max_age=POSTED_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def remembered_author(request) -> dict:
    """The name, e-mail and website the writer asked this browser to remember."""
    raw = request.get_signed_cookie(
        COMMENTER_COOKIE, default="", salt=COMMENTER_SALT, max_age=COMMENTER_MAX_AGE
    )
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    keys = ("author_name", "author_email", "author_url")
    return {key: data[key] for key in keys if isinstance(data.get(key), str)}


def remember_author(request, response, form: CommentForm) -> None:
    """Set the cookie only with the writer's consent; without it, clear any earlier one."""
    if not form.cleaned_data.get("remember"):
        response.delete_cookie(COMMENTER_COOKIE, samesite="Lax")
        return
    data = {key: form.cleaned_data[key] for key in ("author_name", "author_email", "author_url")}
    response.set_signed_cookie(
        COMMENTER_COOKIE,
        json.dumps(data, ensure_ascii=True),
        salt=COMMENTER_SALT,
        max_age=COMMENTER_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def threads_for(comments: list[Comment], roots: list[Comment]) -> list[Thread]:
    """Roots with their approved replies nested; a reply under a hidden comment stays hidden."""
    children = defaultdict(list)
    for comment in comments:
        children[comment.parent_id].append(comment)

    def grow(comment: Comment) -> Thread:
        return Thread(comment, [grow(child) for child in children[comment.pk]])

    return [grow(root) for root in roots]


def section_context(request, page) -> dict | None:
    """Everything the comment section shows on `page`, or None when comments are off there."""
    comment_settings = remembered("settings", CommentSettings.load)
    if not comment_settings.is_enabled_for(page):
        return None
    is_open = comment_settings.is_open_for(page)
    number = request.GET.get("cpage", "1")
    number = int(number) if number.isdecimal() and len(number) < 7 else 1
    listing = remembered(
        f"listing:{page.pk}:{number}:{is_open}",
        lambda: render_listing(page, comment_settings, number, is_open),
        page_id=page.pk,
    )
    if request.GET.get("cpage") == str(listing.get("number")):
        confirm_comment_page(request)
    form = getattr(request, "comment_form", None)
    replying = replying_to(request, page)
    author = remembered_author(request)
    fields_html = None if form or author else blank_form_fields(replying)
    return {
        "page": page,
        "is_open": is_open,
        "listing": listing,
        "form": form or (None if fields_html else unbound_form(author, replying)),
        "form_fields_html": fields_html,
        "refusal": getattr(request, "comment_refusal", None),
        # Only the page sent back after a post carries a token; the page as readers get it
        # stays free of one so that it can be cached (comments.js fetches one).
        "with_token": request.method == "POST",
        "replying_to": replying,
        "posted": posted_comment(request, page),
    }


def render_listing(page, comment_settings, number: int, is_open: bool) -> dict:
    """The published threads of one page of comments as HTML, with the page's comment count:
    four queries, however many comments there are."""
    roots = Comment.objects.on(page).approved().top_level()
    if comment_settings.order == CommentOrder.NEWEST:
        roots = roots.order_by("-submitted_at", "-pk")
    paged = Paginator(roots, comment_settings.per_page).get_page(number)
    root_list = list(paged.object_list)
    replies = Comment.objects.approved().in_threads([root.pk for root in root_list])
    context = {
        "threads": threads_for(list(replies.order_by("submitted_at", "pk")), root_list),
        "paged": paged,
        "is_open": is_open,
        "thread_depth": comment_settings.thread_depth,
    }
    return {
        "html": render_to_string("comments/comment_list.html", context),
        "number": paged.number,
        "count": visible_count(page),
    }


def visible_count(page) -> int:
    """Approved comments whose every parent is approved too: the comments readers can see.
    One counting query; a second reads only the threads where an approved reply sits under a
    hidden comment, if any (none at all means every approved comment is visible)."""
    approved = Comment.objects.on(page).approved()
    under_hidden = Q(parent__isnull=False) & ~Q(parent__status=CommentStatus.APPROVED)
    counts = approved.aggregate(total=Count("pk"), under_hidden=Count("pk", filter=under_hidden))
    if not counts["under_hidden"]:
        return counts["total"]
    broken = approved.filter(under_hidden).values("thread_root_id")
    parents = dict(approved.filter(thread_root__in=broken).values_list("pk", "parent_id"))

    def visible(pk) -> bool:
        while pk is not None:
            if pk not in parents:
                return False
            pk = parents[pk]
        return True

    return counts["total"] - sum(1 for pk in parents if not visible(pk))


def unbound_form(author: dict, replying: Comment | None) -> CommentForm:
    initial = {**author, "rendered": rendered_token(), "remember": bool(author)}
    if replying is not None:
        initial["parent"] = replying.pk
    return CommentForm(initial=initial)


def blank_form_fields(replying: Comment | None) -> str:
    """The fields of a new writer's empty form: rendered once per process (nine widgets cost
    more than the rest of the comment section), with this request's time-trap token and the
    comment being replied to filled in."""
    html = form_fields_template(replying is not None)
    if replying is not None:
        html = html.replace(PARENT_PLACEHOLDER, str(replying.pk))
    return mark_safe(html.replace(RENDERED_PLACEHOLDER, rendered_token()))  # noqa: S308


@functools.cache
def form_fields_template(replying: bool) -> str:
    initial = {"rendered": RENDERED_PLACEHOLDER, "remember": False}
    if replying:
        initial["parent"] = PARENT_PLACEHOLDER
    form = CommentForm(initial=initial)
    return render_to_string("comments/comment_form_fields.html", {"form": form})


def replying_to(request, page) -> Comment | None:
    bound = getattr(request, "comment_form", None)
    raw = bound.data.get("parent") if bound is not None else request.GET.get("replytocom")
    # isdecimal(), not isdigit(): "²" is a digit but not a number int() reads.
    if not raw or not str(raw).isdecimal():
        return None
    return (
        Comment.objects.on(page)
        .approved()
        .filter(pk=int(raw))
        .only("pk", "author_name", "depth")
        .first()
    )


def posted_comment(request, page) -> Comment | None:
    comment_id = posted_comment_id(request.GET.get("posted"))
    if comment_id is None:
        return None
    return Comment.objects.on(page).filter(pk=comment_id).first()
