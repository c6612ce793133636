"""Drill: the task worker is killed (SIGKILL) while it sends an e-mail, and a new worker
starts. The task runs again and the e-mail arrives exactly once.

A real SMTP server holds the first worker's message unanswered (it never says "250 OK"), so
the kill lands mid-send; the new worker finds the task still marked RUNNING by a process that
no longer exists, puts it back in the queue and sends it.

    python -m drills.worker_killed
"""

import signal
import subprocess
from collections.abc import Callable

from .site import DrillFailed, Site, check, main, wait_until
from .smtp import SMTPServer

MODERATOR = "drill-moderator@example.org"


def kill_mid_send(
    *, start_worker: Callable[[], subprocess.Popen], smtp: SMTPServer, is_sent: Callable[[], bool]
) -> None:
    mailbox = smtp.mailbox
    mailbox.stalled.set()
    mailbox.arrived.clear()
    first = start_worker()
    if not mailbox.arrived.wait(30):
        raise DrillFailed("the first worker never reached the SMTP server")
    first.send_signal(signal.SIGKILL)
    first.wait()  # reaped: its process id no longer exists
    check(not is_sent(), f"worker {first.pid} killed while the server held its message")
    mailbox.stalled.clear()
    second = start_worker()
    try:
        check(wait_until(is_sent, seconds=30), "a new worker ran the abandoned task again")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=15)


def drill() -> None:
    smtp = SMTPServer()
    smtp.start()
    site = Site("worker-killed", email_port=smtp.port)
    try:
        print(f"preparing a throwaway site in {site.folder}", flush=True)
        site.prepare()
        site.manage("db_worker", "--batch", "--no-startup-delay")  # what the demo queued
        site.use_here()
        notifications = post_held_comment()
        smtp.messages.clear()

        def is_sent() -> bool:
            return not notifications.filter(sent_at__isnull=True).exists()

        kill_mid_send(start_worker=site.start_worker, smtp=smtp, is_sent=is_sent)
        expected = sorted(notifications.values_list("recipient", flat=True))
        received = sorted(message["To"] for message in smtp.messages)
        check(MODERATOR in expected, f"{len(expected)} moderator e-mail(s) queued")
        check(received == expected, f"each arrived exactly once: {received}")
        claims = sorted(len(workers) for workers in claims_of_send_tasks(notifications))
        check(claims[-1] == 2, f"the killed worker's task finished after two claims: {claims}")
    finally:
        site.close()
        smtp.stop()


def post_held_comment():
    """A comment held for moderation, by the public service: an e-mail to each moderator."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from klearmind.comments.rules import Submission
    from klearmind.comments.services import post_comment
    from klearmind.outbox.models import OutgoingMessage
    from klearmind.pages.models import ArticlePage

    user = get_user_model().objects.create_user("drill-moderator", MODERATOR, None)
    user.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
    submission = Submission(
        author_name="Drill Reader",
        author_email="reader@example.org",
        author_url="",
        text="Is there parking at the Roseville clinic?",
        ip_address="127.0.0.1",
        user_agent="drill",
        homepage="",
        seconds_on_form=30.0,
    )
    comment = post_comment(page=ArticlePage.objects.live().first(), submission=submission)
    return OutgoingMessage.objects.about("comments.comment", comment.pk)


def claims_of_send_tasks(notifications) -> list[list[str]]:
    """For each finished delivery task of these messages, the workers that claimed it."""
    from django_tasks_db.models import DBTaskResult

    ids = set(notifications.values_list("pk", flat=True))
    return [
        result.worker_ids
        for result in DBTaskResult.objects.successful()
        if result.args_kwargs["kwargs"].get("message_id") in ids
    ]


if __name__ == "__main__":
    main(drill, timeout=300)
