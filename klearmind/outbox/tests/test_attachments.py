"""An attachment is built with the message, when it is sent, from the record as it stands then:
the row holds no trace of it."""

from django.contrib.auth.models import Group
from django.core import mail
from django.test import TestCase

from klearmind.outbox import registry
from klearmind.outbox.models import OutgoingMessage
from klearmind.outbox.services import enqueue
from klearmind.outbox.tasks import deliver

KIND = "outbox.test_attachment"


def build(message):
    group = Group.objects.get(pk=message.about_id)
    content = f"BEGIN:VCALENDAR\r\nSUMMARY:{group.name}\r\nEND:VCALENDAR\r\n".encode()
    return registry.Built(
        subject="With a file",
        context={"name": group.name, "link": "https://x/t"},
        attachments=[("event.ics", content, "text/calendar; method=REQUEST")],
    )


registry.register_kind(KIND, template="outbox/email/test", build=build)


class AttachmentTests(TestCase):
    def test_the_file_is_made_at_send_time_and_keeps_its_mime_parameters(self):
        group = Group.objects.create(name="Before")
        message = enqueue(kind=KIND, recipient="pat@example.org", about=group)
        group.name = "After"
        group.save()
        assert deliver.call(message_id=message.pk) == "sent"
        [(name, content, mimetype)] = mail.outbox[0].attachments
        assert (name, mimetype) == ("event.ics", "text/calendar; method=REQUEST")
        assert "SUMMARY:After" in content
        raw = mail.outbox[0].message().as_string()
        assert 'Content-Type: text/calendar; method="REQUEST"' in raw
        stored = OutgoingMessage.objects.values().get(pk=message.pk)
        assert "After" not in str(stored) and "VCALENDAR" not in str(stored)
