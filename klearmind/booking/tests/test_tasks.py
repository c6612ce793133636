import datetime
import io
from unittest import mock

import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import TestCase, override_settings
from django_tasks import task_backends

from klearmind.booking import services, tasks
from klearmind.booking.models import EmailKind
from klearmind.outbox.models import OutgoingMessage, Status
from klearmind.outbox.tasks import deliver, sweep

from .factories import PATIENT, book, make_clinic

NOW = datetime.datetime(2026, 12, 1, 16, tzinfo=datetime.UTC)
DAY = datetime.date(2026, 12, 3)


@time_machine.travel(NOW, tick=False)
class ReminderTests(TestCase):
    def setUp(self):
        self.clinic = make_clinic(fasting_hours=6)
        self.visit = book(self.clinic, self.clinic.at(DAY, 10))

    def remind(self, starts_at=None):
        starts_at = starts_at or self.visit.starts_at
        with self.captureOnCommitCallbacks(execute=True):
            return tasks.send_reminder.call(
                appointment_id=self.visit.pk, starts_at=starts_at.isoformat()
            )

    def test_running_the_reminder_twice_sends_one_e_mail(self):
        assert self.remind() == "queued"
        assert self.remind() == "nothing to send"
        assert len(mail.outbox) == 1
        assert "Reminder: your visit tomorrow" in mail.outbox[0].subject
        assert "No solid food for 6 hours" in mail.outbox[0].body

    def test_a_rescheduled_visits_old_reminder_sends_nothing_and_the_new_one_sends(self):
        old_start = self.visit.starts_at
        services.move_appointment(appointment=self.visit, starts_at=self.clinic.at(DAY, 14))
        mail.outbox.clear()
        assert self.remind(old_start) == "nothing to send"
        self.visit.refresh_from_db()
        assert self.remind() == "queued"
        assert "2:00 PM" in mail.outbox[0].subject

    def test_a_cancelled_visit_gets_no_reminder(self):
        services.cancel_appointment(appointment=self.visit)
        mail.outbox.clear()
        assert self.remind() == "nothing to send"
        assert mail.outbox == []

    def test_a_failed_send_stays_in_the_outbox_and_the_sweep_queues_no_second_reminder(self):
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")):
            assert self.remind() == "queued"
        reminder = OutgoingMessage.objects.get(kind="booking.reminder")
        assert (reminder.status, reminder.attempts) == (Status.QUEUED, 1)
        with time_machine.travel(self.visit.starts_at - datetime.timedelta(hours=20)):
            out = io.StringIO()
            call_command("send_due_reminders", stdout=out)
            sweep()
        assert out.getvalue() == "Reminders queued: 0.\n"
        assert len(mail.outbox) == 1
        assert "Reminder: your visit tomorrow" in mail.outbox[0].subject

    def test_the_sweep_command_queues_reminders_the_worker_missed(self):
        with (
            time_machine.travel(self.visit.starts_at - datetime.timedelta(hours=20)),
            self.captureOnCommitCallbacks(execute=True),
        ):
            out = io.StringIO()
            call_command("send_due_reminders", stdout=out)
            call_command("send_due_reminders", stdout=out)
        assert out.getvalue() == "Reminders queued: 1.\nReminders queued: 0.\n"
        assert len(mail.outbox) == 1

    def test_a_reminder_queued_before_a_move_is_not_sent(self):
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")):
            self.remind()
        services.move_appointment(appointment=self.visit, starts_at=self.clinic.at(DAY, 14))
        mail.outbox.clear()
        reminder = OutgoingMessage.objects.get(kind="booking.reminder")
        assert deliver.call(message_id=reminder.pk) == "not needed any more"
        assert mail.outbox == []

    def test_the_sweep_queues_the_reminders_due_and_says_how_many(self):
        later = book(self.clinic, self.clinic.at(DAY + datetime.timedelta(days=3), 10))
        with (
            time_machine.travel(self.visit.starts_at - datetime.timedelta(hours=20)),
            self.captureOnCommitCallbacks(execute=True),
        ):
            assert tasks.send_due_reminders.call() == 1
            assert tasks.send_due_reminders.call() == 0
        later.refresh_from_db()
        assert later.reminder_sent_at is None
        assert len(mail.outbox) == 1

    @override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
    def test_booking_queues_the_reminder_for_a_day_ahead_when_the_worker_can_wait(self):
        with self.captureOnCommitCallbacks(execute=True):
            visit = services.book_appointment(
                service=self.clinic.service,
                place=self.clinic.place,
                starts_at=self.clinic.at(DAY, 15),
                patient=PATIENT,
            )
        queued = {r.task.name: r for r in task_backends["default"].results}
        reminder = queued["send_reminder"]
        assert reminder.task.run_after == visit.starts_at - datetime.timedelta(hours=24)
        assert reminder.kwargs == {
            "appointment_id": visit.pk,
            "starts_at": visit.starts_at.isoformat(),
        }
        assert "deliver" in queued


@time_machine.travel(NOW, tick=False)
class OutboxTests(TestCase):
    def test_a_failed_confirmation_is_kept_and_sent_once_later(self):
        clinic = make_clinic()
        visit = book(clinic, clinic.at(DAY, 10))
        mail.outbox.clear()
        email = services.queue_email(visit, kind=EmailKind.CONFIRMATION)
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")):
            assert deliver.call(message_id=email.pk) == "will retry"
        email.refresh_from_db()
        assert (email.attempts, email.sent_at, email.error_type) == (1, None, "OSError")
        assert deliver.call(message_id=email.pk) == "sent"
        assert deliver.call(message_id=email.pk) == "already sent or gone"
        assert len(mail.outbox) == 1
        assert mail.outbox[0].subject.startswith("Your visit is booked")
        assert mail.outbox[0].attachments[0][0] == "klearmind-visit-2026-12-03-1000.ics"

    def test_a_cancellation_e_mail_carries_the_calendar_cancel(self):
        clinic = make_clinic()
        visit = book(clinic, clinic.at(DAY, 10))
        with self.captureOnCommitCallbacks(execute=True):
            services.cancel_appointment(appointment=visit)
        assert "is cancelled" in mail.outbox[0].subject
        [(_, content, mimetype)] = mail.outbox[0].attachments
        assert mimetype.startswith("text/calendar") and "METHOD:CANCEL" in content
