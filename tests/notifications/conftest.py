"""A real SMTP server (aiosmtpd) on 127.0.0.1 and settings that send through it."""

import email
import logging
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller


class RecordingHandler:
    """Stores each received message, parsed; refuses recipients in `rejected` with 550."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.rejected: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rejected:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    # aiosmtpd logs every connection at INFO, also after pytest closed its log capture.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def smtp(settings, smtp_server):
    """Send e-mail through the SMTP server on 127.0.0.1 and return its handler."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "GENBO <genbo@familjen.example>"
    return smtp_server


def parts_of(message) -> dict[str, list]:
    """Return the message's leaf parts grouped by content type."""
    found: dict[str, list] = {}
    for part in message.walk():
        if part.is_multipart():
            continue
        found.setdefault(part.get_content_type(), []).append(part)
    return found
