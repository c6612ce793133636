"""A task worker killed with SIGKILL in the middle of sending an e-mail: a new worker (real
processes, a real SMTP server) runs the task again and the e-mail arrives once."""

import json
import sqlite3

from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase, override_settings

from drills.site import Site
from drills.smtp import SMTPServer
from drills.worker_killed import kill_mid_send
from klearmind.comments import services
from klearmind.comments.tests.factories import article_site
from klearmind.comments.tests.test_services import moderator, submission

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(TASKS=DATABASE_TASKS)
class WorkerKilledTests(TransactionTestCase):
    serialized_rollback = True  # keep Wagtail's root page and default site for other tests

    def setUp(self):
        if connection.vendor != "sqlite":
            self.skipTest("copies the SQLite test database to a file the workers share")
        self.article = article_site()
        moderator(email="mod@example.org")
        self.smtp = SMTPServer()
        self.smtp.start()
        self.addCleanup(self.smtp.stop)
        self.site = Site("worker-test", email_port=self.smtp.port)
        self.addCleanup(self.site.close)

    def share_database(self) -> str:
        """The test database as a file, for the worker processes."""
        path = self.site.folder / "shared.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        self.site.env["DATABASE_URL"] = f"sqlite:///{path}"
        # The outbox keeps its recipients encrypted: the workers read them with this run's keys.
        self.site.env["FIELD_ENCRYPTION_KEYS"] = ",".join(settings.FIELD_ENCRYPTION_KEYS)
        self.site.env["FIELD_LOOKUP_KEY"] = settings.FIELD_LOOKUP_KEY
        return str(path)

    def test_a_task_killed_mid_send_runs_again_and_its_email_arrives_once(self):
        services.post_comment(page=self.article, submission=submission())  # commits, enqueues
        path = self.share_database()

        def rows(sql: str) -> list[tuple]:
            with sqlite3.connect(path) as database:
                return database.execute(sql).fetchall()

        def is_sent() -> bool:
            return rows("SELECT sent_at FROM outbox_outgoingmessage")[0][0] is not None

        kill_mid_send(start_worker=self.site.start_worker, smtp=self.smtp, is_sent=is_sent)
        assert [message["To"] for message in self.smtp.messages] == ["mod@example.org"]
        [(status, worker_ids)] = rows(
            "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult"
            " WHERE task_path = 'klearmind.outbox.tasks.deliver'"
        )
        assert status == "SUCCESSFUL"
        assert len(json.loads(worker_ids)) == 2  # the killed worker, then the new one
