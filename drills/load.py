"""Load drill: readers on the article page while comments are posted and approved.

    python -m drills.load [--seconds 60] [--readers 200] [--front gunicorn|nginx]

A throwaway production-settings site (bench/throwaway.py, as the benchmark's) served by
gunicorn with deploy/gunicorn.conf.py, through nginx with deploy/nginx/klearmind.conf when
asked. `--readers` concurrent readers load one article for `--seconds` (wrk, or the Python
load generator when wrk is missing) while a commenter posts through the real form, with a
fresh CSRF token each time, and the demo moderator approves each comment through the
moderation service. The cache is Redis (`--redis-url`, default $REDIS_URL or the local
server), under a key prefix of the run's own, because every app process must see an
approval. It passes when readers got no error response (no socket error, 4xx or 5xx),
every post was accepted, and every approved comment is on the page afterwards.
Exits 0 on a pass, 1 on a failure, 2 when it cannot run.
"""

import argparse
import math
import os
import re
import statistics
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field

from bench import loadgen, nginx, throwaway, wrk
from bench.commenter import Commenter
from bench.loadgen import LoadResult

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass
class Comments:
    post_ms: list[float] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    approved: list[str] = field(default_factory=list)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--comments", type=int, default=40, help="posted over the run")
    parser.add_argument("--front", choices=["gunicorn", "nginx"], default="gunicorn")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL)
    parser.add_argument("--keep", action="store_true", help="keep the run directory")
    return parser.parse_args(argv)


def redis_problem(url: str) -> str:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"Redis at {url} does not answer ({error}); the drill needs it (--redis-url)"
    return ""


def readers(url: str, args) -> LoadResult:
    if args.tool != "python" and wrk.available():
        return wrk.run(url, seconds=args.seconds, connections=args.readers, threads=2)
    if args.tool == "wrk":
        raise SystemExit("drill: --tool wrk but wrk is not installed")
    return loadgen.run(url, seconds=args.seconds, connections=args.readers)


def post_and_approve(page_url: str, number: int, moderator, comments: Comments) -> None:
    """One comment through the form, then approved as the moderator would in the queue."""
    from klearmind.comments.models import Comment
    from klearmind.comments.services import moderate_comments

    text = f"Drill comment {number} {os.getpid()} on keeping calm after an infusion"
    try:
        posted = Commenter(page_url).post(
            text=text, name=f"Drill reader {number}", email=f"drill{number}@example.org"
        )
    except (OSError, ValueError) as error:
        comments.refused.append(f"{number}: {error}")
        return
    comments.post_ms.append(posted.seconds * 1000)
    if not posted.accepted:
        comments.refused.append(f"{number}: {posted.status}")
        return
    pending = Comment.objects.pending().filter(text=text)
    done, _skipped = moderate_comments(comments=list(pending), action="approve", by=moderator)
    if done:
        comments.approved.append(text)


def comment_while(load: threading.Thread, page_url: str, args) -> Comments:
    from django.contrib.auth import get_user_model

    moderator = get_user_model().objects.get(username="sam.whitfield")
    comments = Comments()
    interval = args.seconds / max(args.comments, 1)
    number = 0
    while load.is_alive() and number < args.comments:
        started = time.monotonic()
        post_and_approve(page_url, number, moderator, comments)
        number += 1
        time.sleep(max(0.0, interval - (time.monotonic() - started)))
    return comments


def shared_max_age(page_url: str) -> int:
    """How long a shared cache may keep the page (s-maxage), which bounds what nginx shows."""
    with urllib.request.urlopen(page_url, timeout=10) as response:  # noqa: S310 - loopback
        response.read()
        match = re.search(r"s-maxage=(\d+)", response.headers.get("Cache-Control", ""))
    return int(match[1]) if match else 0


def missing_from_page(page_url: str, texts: list[str], *, within: float) -> list[str]:
    """Texts not on the page's comment pages, looking again until `within` seconds pass."""
    from klearmind.comments.models import CommentSettings

    per_page = CommentSettings.load().per_page
    commenter = Commenter(page_url)
    deadline = time.monotonic() + within
    while True:
        # The first page is the address the readers loaded, the one the caches hold.
        pages = [commenter.fetch(page_url)[2]] + [
            commenter.fetch(f"{page_url}?cpage={number}")[2]
            for number in range(2, math.ceil(max(len(texts), 1) / per_page) + 2)
        ]
        missing = [text for text in texts if not any(text in html for html in pages)]
        if not missing or time.monotonic() >= deadline:
            return missing
        time.sleep(0.5)


def run(args) -> bool:
    with (
        throwaway.site(keep=args.keep, redis_url=args.redis_url) as site,
        throwaway.reporting_failures(site),
    ):
        print("drill: preparing the throwaway site", file=sys.stderr, flush=True)
        site.prepare()
        site.activate()
        throwaway.relax_comment_checks()
        return drill(site, args)


def drill(site: throwaway.Site, args) -> bool:
    from bench.report import commented_article_path

    path = commented_article_path(0)()
    with throwaway.gunicorn(site, label="drill") as app:
        if args.front == "nginx":
            with throwaway.nginx_front(site, app) as front:
                return load_and_check(front + path, args)
        return load_and_check(app + path, args)


def load_and_check(page_url: str, args) -> bool:
    # One reader first, as after any deploy: on a fresh SQLite site, every worker thread
    # making the page's first render at once stalled for longer than the readers' timeout.
    Commenter(page_url).fetch(page_url)
    result: dict[str, LoadResult] = {}
    load = threading.Thread(target=lambda: result.update(readers=readers(page_url, args)))
    print(f"drill: {args.readers} readers on {page_url} for {args.seconds:g} s", file=sys.stderr)
    load.start()
    comments = comment_while(load, page_url, args)
    load.join()
    within = shared_max_age(page_url) + 1 if args.front == "nginx" else 0
    missing = missing_from_page(page_url, comments.approved, within=within)
    return report(result["readers"], comments, missing, args)


def report(reading: LoadResult, comments: Comments, missing: list[str], args) -> bool:
    posts = comments.post_ms or [0.0]
    detail = f": {reading.error_detail}" if reading.error_detail else ""
    print(
        f"load drill: {args.readers} readers for {args.seconds:g} s through {args.front}\n"
        f"readers:  {reading.requests} requests, {reading.rps:.1f} req/s, "
        f"p50 {reading.p50_ms:.1f} ms, p99 {reading.p99_ms:.1f} ms, "
        f"{reading.errors} errors (socket errors, 4xx and 5xx){detail}\n"
        f"comments: {len(comments.post_ms)} posted through the form (POST median "
        f"{statistics.median(posts):.1f} ms, max {max(posts):.1f} ms), "
        f"{len(comments.refused)} refused, {len(comments.approved)} approved, "
        f"{len(comments.approved) - len(missing)} of them on the page afterwards"
    )
    failures = [
        *([f"{reading.errors} reader requests failed"] if reading.errors else []),
        *([] if reading.requests else ["the readers made no request"]),
        *([] if comments.approved else ["no comment was approved"]),
        *(f"post {refusal} was not accepted" for refusal in comments.refused),
        *(f"approved but not on the page: {text!r}" for text in missing),
    ]
    for failure in failures:
        print(f"FAIL: {failure}")
    print("PASS" if not failures else "FAIL")
    return not failures


def main(argv=None) -> None:
    args = parse_args(argv)
    problem = redis_problem(args.redis_url)
    if args.front == "nginx" and not nginx.available():
        problem = "--front nginx but nginx is not installed"
    if problem:
        print(f"drill: {problem}", file=sys.stderr)
        sys.exit(2)
    throwaway.stop_on_sigterm()
    sys.exit(0 if run(args) else 1)


if __name__ == "__main__":
    main()
