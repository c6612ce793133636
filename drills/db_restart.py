"""Drill: PostgreSQL restarts while readers and writers use the site. Requests during the
outage get our clean 503 page (Retry-After, no-store, no stack trace); the site answers again
by itself once the database is back, with the same gunicorn and worker processes; nothing
submitted before the failure is lost.

It runs its own PostgreSQL server (initdb into a temporary folder, a free port), never the
shared one, and a throwaway site with the production settings served by gunicorn.

    python -m drills.db_restart
"""

import itertools
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup

from bench.throwaway import relax_comment_checks

from .browser import Browser
from .forms import book, first_article, post_comment, send_questionnaire
from .postgres import PrivatePostgres
from .site import Site, check, main, wait_until
from .visits import free_times

OUTAGE_SECONDS = 5
READERS = 6
WRITERS = 2
BEFORE = {"comments": 5, "bookings": 3, "questionnaires": 2}
CLEAN_503 = "We will be back in a moment"


@dataclass
class Tally:
    """What the load saw, by phase; the 503 pages that were not clean."""

    seen: dict[str, Counter] = field(
        default_factory=lambda: {"before": Counter(), "outage": Counter(), "after": Counter()}
    )
    unclean: list[str] = field(default_factory=list)
    phase: str = "before"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, response) -> None:
        with self.lock:
            self.seen[self.phase][response.status] += 1
            if response.status == 503 and not clean_503(response):
                self.unclean.append(response.text[:300])

    def record_error(self, error: Exception) -> None:
        with self.lock:
            self.seen[self.phase][type(error).__name__] += 1


def clean_503(response) -> bool:
    return (
        CLEAN_503 in response.text
        and response.headers.get("Retry-After") == "30"
        and "no-store" in response.headers.get("Cache-Control", "")
        and "Traceback" not in response.text
        and "Error" not in response.text
    )


class Load:
    """Readers of the article and the home page, and commenters, until stopped."""

    def __init__(self, site: Site, article: str, article_id: int):
        self.site, self.article, self.article_id = site, article, article_id
        self.tally = Tally()
        self.running = True
        self.numbers = itertools.count()
        self.threads = [threading.Thread(target=self.read) for _ in range(READERS)]
        self.threads += [threading.Thread(target=self.write) for _ in range(WRITERS)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        for thread in self.threads:
            thread.join(timeout=90)

    def read(self) -> None:
        browser = Browser(self.site.url)
        for path in itertools.cycle([self.article, "/"]):
            if not self.running:
                return
            self.attempt(lambda path=path: browser.get(path))

    def write(self) -> None:
        while self.running:
            text = f"During load {next(self.numbers)}"
            self.attempt(
                lambda text=text: post_comment(self.site, self.article, self.article_id, text)
            )
            time.sleep(0.1)

    def attempt(self, request) -> None:
        try:
            self.tally.record(request())
        except OSError as error:
            self.tally.record_error(error)


def submit_before(site: Site, article: str, article_id: int) -> None:
    from klearmind.booking.availability import Place
    from klearmind.booking.models import Service

    for number in range(BEFORE["comments"]):
        response = post_comment(site, article, article_id, f"Before the restart {number}")
        check(
            response.status == 302, f"comment {number} sent before the restart ({answer(response)})"
        )
    service = Service.objects.get(slug="iv-hydration")
    place = Place(service.locations.select_related("page").order_by("pk").first())
    for number, starts_at in enumerate(free_times(service, place, BEFORE["bookings"])):
        response = book(site, service, place, starts_at, number)
        check("/book/my-visit/" in response.headers.get("Location", ""), f"visit {number} booked")
    for number in range(BEFORE["questionnaires"]):
        response = send_questionnaire(site, f"before{number}@example.org")
        check(
            response.headers.get("Location") == "/candidacy/thank-you/",
            f"questionnaire {number} sent",
        )


def answer(response) -> str:
    """The status and, for a refused form, the error the page shows."""
    errors = BeautifulSoup(response.text, "html.parser").select(".errorlist, [role=alert]")
    return " ".join([f"HTTP {response.status}", *(e.get_text(" ", strip=True) for e in errors)])


def all_kept() -> bool:
    from django.db import connections

    from klearmind.booking.models import Appointment
    from klearmind.comments.models import Comment
    from klearmind.intake.models import Submission

    connections.close_all()  # this process's connection died with the server
    comments = Comment.objects.filter(text__startswith="Before the restart").count()
    booked = {appointment.patient_email for appointment in Appointment.objects.all()}
    sent = {submission.email for submission in Submission.objects.all()}
    return (
        comments == BEFORE["comments"]
        and {f"before{n}@example.org" for n in range(BEFORE["bookings"])} <= booked
        and {f"before{n}@example.org" for n in range(BEFORE["questionnaires"])} <= sent
    )


def children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(child) for child in path.read_text().split()} if path.exists() else set()


def drill() -> None:
    database = PrivatePostgres()
    site = None
    try:
        database.start()
        database.create_database("klearmind")
        check(True, f"a private PostgreSQL on 127.0.0.1:{database.port}")
        site = Site("db-restart", database_url=database.url("klearmind"))
        print(f"preparing a throwaway site in {site.folder}", flush=True)
        site.prepare()
        site.use_here()
        relax_comment_checks()
        site.serve(workers=2)
        worker = site.start_worker()
        article, article_id = first_article()
        submit_before(site, article, article_id)
        gunicorn_workers = children(site.gunicorn.pid)

        with Load(site, article, article_id) as load:
            time.sleep(3)
            load.tally.phase = "outage"
            database.stop()
            time.sleep(OUTAGE_SECONDS)
            database.start()
            back = wait_until(site.healthy, seconds=30)
            load.tally.phase = "after"
            time.sleep(5)
        check(back, "the site answered /healthz again by itself after the restart")
        report(load.tally)
        seen = load.tally.seen
        check(
            seen["outage"][503] > 0, f"{seen['outage'][503]} requests got a 503 during the outage"
        )
        check(
            not load.tally.unclean, "every 503 was our page, with Retry-After, no-store, no trace"
        )
        check(
            all(status in (200, 302, 503) for phase in seen.values() for status in phase),
            "no other error and no refused connection in any phase",
        )
        check(
            set(seen["after"]) <= {200, 302} and seen["after"][200] > 0,
            "after the restart every request succeeded",
        )
        check(
            site.gunicorn.poll() is None and children(site.gunicorn.pid) == gunicorn_workers,
            "the same gunicorn master and workers, none restarted",
        )
        check(all_kept(), "every comment, visit and questionnaire sent before the failure is there")
        check(worker.poll() is None, "the task worker waited out the outage and is still running")
        check(wait_until(outbox_empty, seconds=60), "the worker then sent every queued e-mail")
    finally:
        if site is not None:
            site.close()
        database.close()


def outbox_empty() -> bool:
    from django.db import connections

    from klearmind.outbox.models import OutgoingMessage

    connections.close_all()
    return not OutgoingMessage.objects.filter(sent_at__isnull=True).exists()


def report(tally: Tally) -> None:
    for phase, seen in tally.seen.items():
        counts = ", ".join(f"{status}: {count}" for status, count in sorted(seen.items(), key=str))
        print(f"      {phase}: {counts}")


if __name__ == "__main__":
    main(drill, timeout=600)
