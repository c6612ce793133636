"""A real SMTP server on loopback (aiosmtpd) that the drills start, stop and stall, counting
every message it accepted."""

import asyncio
import threading
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller

from bench.throwaway import free_port


class Mailbox:
    """aiosmtpd handler: keeps what it accepted; while stalled, holds each message unanswered
    for `stall_seconds` and then refuses it for now (451), so the sender keeps it."""

    def __init__(self):
        self.messages: list[Message] = []
        self.stalled = threading.Event()
        self.stall_seconds = 30.0
        self.arrived = threading.Event()  # a message reached DATA (stalled or not)

    async def handle_DATA(self, server, session, envelope):
        self.arrived.set()
        if self.stalled.is_set():
            await asyncio.sleep(self.stall_seconds)
            return "451 Try again later"
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


class SMTPServer:
    """Started and stopped on one fixed port, so a refused connection and a working server
    are the same address the site is configured with."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[Message]:
        return self.mailbox.messages

    def settings(self) -> dict:
        """Django settings that send through this server."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_TIMEOUT": 5,
        }


def text_of(message: Message) -> str:
    """Every text part of a message, attachments included (the .ics of a booking)."""
    parts = []
    for part in message.walk():
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True) or b""
            parts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    return "\n".join([message.get("Subject", ""), *parts])
