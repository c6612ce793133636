"""Sample comments for the demo clinic: a published thread with the clinic's reply, and one
comment of each kind a moderator meets (waiting, spam, urgent). Added once per article."""

import datetime

from django.utils import timezone
from wagtail.models import Page

from . import crisis
from .caching import invalidate
from .models import Comment, CommentStatus, CommentStatusChange
from .services import start_thread

SEED_SLUG = "ketamine-therapy-a-proven-medicine-with-a-new-purpose"
INFUSION_SLUG = "what-to-expect-at-your-first-ketamine-infusion"

# (key, parent key, status, name, email, text, days ago, clinic reply)
SEED_COMMENTS = [
    (
        "priya",
        None,
        CommentStatus.APPROVED,
        "Priya N.",
        "priya.n@example.com",
        "I had no idea ketamine had been used in operating rooms for so long. The section on "
        "synapses coming back was the clearest explanation of it I have read.",
        9,
        False,
    ),
    (
        "daniel",
        "priya",
        CommentStatus.APPROVED,
        "Daniel Reyes",
        "daniel.reyes@example.com",
        "Same for me. If you like reading the research itself, the small Yale study from 2000 "
        "that the article mentions is a good place to start.",
        8,
        False,
    ),
    (
        "clinic",
        "daniel",
        CommentStatus.APPROVED,
        "Klearmind Ketamine & IV Hydration Clinic",
        "",
        "Thank you both for reading. If you would like to talk about whether this treatment "
        "could suit you, we can set up a free consultation: please call us or use the contact "
        "form rather than sharing health details here.",
        8,
        True,
    ),
    (
        "marcus",
        None,
        CommentStatus.APPROVED,
        "Marcus T.",
        "marcus.t@example.com",
        "Does the nasal spray act on the brain in the same way as an infusion does?",
        5,
        False,
    ),
    (
        "lena",
        None,
        CommentStatus.PENDING,
        "Lena K.",
        "lena.k@example.com",
        "How long does one visit take, from arriving to being ready to go home?",
        1,
        False,
    ),
    (
        "spam",
        None,
        CommentStatus.SPAM,
        "Best Deals Online",
        "deals@example.net",
        "Great post!!! Visit https://deals.example.net and https://pills.example.net today",
        0,
        False,
    ),
]

URGENT_COMMENT = (
    "Sam",
    "sam@example.org",
    "Most days I feel everyone would be better off without me. Could this treatment help "
    "someone like me?",
)


def ensure_demo_comments() -> list[str]:
    """Add the sample comments to articles that have none yet; return what was added."""
    created = []
    seed = Page.objects.filter(slug=SEED_SLUG).first()
    if seed is not None and not Comment.objects.on(seed).exists():
        made = {}
        for key, parent, status, name, email, text, days, clinic in SEED_COMMENTS:
            made[key] = add(seed, made.get(parent), status, name, email, text, days, clinic)
            if key == "spam":
                made[key].status_reason = "Filled in the hidden field only robots see."
                made[key].save(update_fields=["status_reason"])
        created.append(f"{len(made)} comments on “{seed.title}”")
    infusion = Page.objects.filter(slug=INFUSION_SLUG).first()
    if infusion is not None and not Comment.objects.on(infusion).exists():
        name, email, text = URGENT_COMMENT
        add(infusion, None, CommentStatus.PENDING, name, email, text, 0, False)
        created.append(f"an urgent comment on “{infusion.title}”")
    return created


def add(page, parent, status, name, email, text, days_ago, clinic) -> Comment:
    when = timezone.now() - datetime.timedelta(days=days_ago, hours=2)
    comment = Comment.objects.create(
        page=page,
        parent=parent,
        thread_root_id=parent.thread_root_id if parent else None,
        depth=parent.depth + 1 if parent else 1,
        status=status,
        author_name=name,
        author_email=email,
        text=text,
        submitted_at=when,
        urgent=crisis.mentions_crisis(text),
        is_clinic_reply=clinic,
    )
    start_thread(comment)
    CommentStatusChange.objects.create(comment=comment, to_status=status, changed_at=when)
    return comment


def add_threads(page, count: int, *, depth: int = 5) -> None:
    """`count` approved comments in threads `depth` deep (a root and its chain of replies), for
    measuring pages with many comments."""
    roots = Comment.objects.bulk_create(
        Comment(page=page, author_name=f"Reader {n}", text=f"Comment {n}.", status="approved")
        for n in range(count // depth)
    )
    for root in roots:
        root.thread_root = root
    Comment.objects.bulk_update(roots, ["thread_root"])
    parents = roots
    for level in range(2, depth + 1):
        parents = Comment.objects.bulk_create(
            Comment(
                page=page,
                parent=parent,
                thread_root_id=parent.thread_root_id,
                depth=level,
                author_name=f"Replier {level}",
                text=f"A reply at level {level}.",
                status="approved",
            )
            for parent in parents
        )
    invalidate()  # bulk_create sends no signal for the cache purge
