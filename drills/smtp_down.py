"""Drill: the mail server refuses connections while a comment, a booking, an urgent candidacy
questionnaire and an urgent check-in come in through the public pages of a site served by
gunicorn, with its task worker running. Everything is stored and every e-mail waits in its
outbox; when a real SMTP server (aiosmtpd) listens again, the worker's next retry (one minute
later) sends each e-mail exactly once, and none carries health information.

    python -m drills.smtp_down
"""

import time
from collections import Counter

from bench.throwaway import relax_comment_checks

from .forms import (
    book,
    complete_check_in,
    first_article,
    post_comment,
    send_questionnaire,
)
from .site import Site, check, main, wait_until
from .smtp import SMTPServer, text_of
from .visits import free_times

COMMENT = "Can I bring my own music to an infusion?"
# Words that would reveal what a person told us about their health.
HEALTH_WORDS = (
    "PHQ",
    "GAD",
    "PCL",
    "score",
    "depress",
    "anxi",
    "PTSD",
    "pain",
    "suicid",
    "Venlafaxine",
    "behavioral therapy",
    COMMENT,
)


def outbox():
    from klearmind.outbox.models import OutgoingMessage

    return OutgoingMessage.objects.all()


def waiting() -> int:
    """E-mails stored and not yet sent."""
    return outbox().filter(sent_at__isnull=True).count()


def tried_once() -> bool:
    return not outbox().filter(attempts=0).exists()


def submit_everything(site: Site) -> None:
    from klearmind.booking.availability import Place
    from klearmind.booking.models import Service
    from klearmind.care.check_ins.services import check_in_path
    from klearmind.care.models import CheckIn, CheckInReason, Patient

    article, article_id = first_article()
    response = post_comment(site, article, article_id, COMMENT)
    check(response.status == 302, "a comment was sent (the moderators are to be told)")
    service = Service.objects.get(slug="iv-hydration")
    place = Place(service.locations.select_related("page").order_by("pk").first())
    [starts_at] = free_times(service, place, 1)
    response = book(site, service, place, starts_at, 0)
    check("/book/my-visit/" in response.headers.get("Location", ""), "a visit was booked (.ics)")
    response = send_questionnaire(site, "candidate@example.org", phq9=(1,) * 9)
    check(
        response.headers.get("Location") == "/candidacy/thank-you/",
        "an urgent questionnaire was sent (the candidate and on-call are to be told)",
    )
    # Made as the schedule makes one; its link e-mail is not part of this drill.
    check_in = CheckIn.objects.create(
        patient=Patient.objects.order_by("pk").first(),
        key="smtp-drill",
        reason=CheckInReason.REQUESTED,
        measures=["phq9"],
    )
    answers = {f"phq9_{n}": "1" for n in range(1, 10)}
    response = complete_check_in(site, check_in_path(check_in), answers)
    check(response.status == 302, "an urgent check-in was completed (on-call is to be told)")


def drill() -> None:
    smtp = SMTPServer()
    site = Site("smtp-down", email_port=smtp.port)
    try:
        print(f"preparing a throwaway site in {site.folder}", flush=True)
        site.prepare()
        smtp.start()  # the demo's own e-mails go first, so that only the drill's are counted
        site.manage("db_worker", "--batch", "--no-startup-delay")
        smtp.stop()
        smtp.messages.clear()
        site.use_here()
        relax_comment_checks()
        site.serve()
        site.start_worker()

        submit_everything(site)
        expected = waiting()
        check(wait_until(tried_once, seconds=60), f"{expected} e-mails tried once and refused")
        check(smtp.messages == [] and waiting() == expected, "all of them wait in their outboxes")
        smtp.start()
        started = time.monotonic()
        check(
            wait_until(lambda: waiting() == 0, seconds=180),
            f"the server is back: all sent {time.monotonic() - started:.0f}s later",
        )
        time.sleep(5)  # anything sent twice would arrive now
        sent = Counter((m["To"], m["Subject"]) for m in smtp.messages)
        check(len(smtp.messages) == expected, f"{len(smtp.messages)} e-mails received")
        check(max(sent.values()) == 1, "none of them twice")
        calendars = [m for m in smtp.messages if "BEGIN:VCALENDAR" in text_of(m)]
        check(len(calendars) == 1, "the booking confirmation carries its .ics")
        leaks = [(m["Subject"], w) for m in smtp.messages for w in HEALTH_WORDS if w in text_of(m)]
        check(not leaks, f"no health information in any of them {leaks or ''}")
    finally:
        site.close()
        smtp.stop()


if __name__ == "__main__":
    main(drill, timeout=900)
