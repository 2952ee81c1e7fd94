"""Delivery channels behind one interface. Settings choose the backend for each channel:

    VC_EMAIL_BACKEND  default "messaging.channels.DjangoEmailBackend"
                      (Django's EMAIL_BACKEND: files under var/sent-email in make run)
    VC_SMS_BACKEND    default "messaging.channels.FileSmsBackend" (text files under var/sent-sms)
    VC_LETTER_BACKEND default "messaging.channels.FileLetterBackend" (PDFs under var/letters: the
                      print queue someone prints and posts each day)

GOV.UK Notify backends live in messaging.notify. A backend raises TemporaryFailure (try again
later) or PermanentFailure (never will work: bad address, rejected) and otherwise returns a Delivery."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Outgoing:
    channel: str  # "email" | "sms" | "letter"
    to: str  # an address, a number, or for a letter the address block (lines joined by newlines)
    subject: str
    body: str
    reference: str  # our message id, echoed back by providers in delivery receipts
    pdf: bytes = b""  # letters only: the finished, printable A4 PDF (messaging.letters)


@dataclass(frozen=True)
class Delivery:
    status: str  # "sent" (accepted by the provider) or "delivered"
    provider_ref: str = ""


class TemporaryFailure(Exception):
    """The provider or network failed in a way that may work on retry."""


class PermanentFailure(Exception):
    """The message can never be delivered as addressed (invalid number, address rejected...)."""


class Backend:
    def send(self, message: Outgoing) -> Delivery:  # pragma: no cover - interface
        raise NotImplementedError


class DjangoEmailBackend(Backend):
    """Email through Django's configured EMAIL_BACKEND (file backend in make run, SMTP in production)."""

    def send(self, message: Outgoing) -> Delivery:
        try:
            EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.to],
                headers={"X-Victimcare-Reference": message.reference},
            ).send(fail_silently=False)
        except (ConnectionError, TimeoutError, OSError) as e:
            raise TemporaryFailure(str(e)) from e
        return Delivery(status="sent")


class FileSmsBackend(Backend):
    """Development SMS: one text file per message under VC_SMS_FILE_PATH (var/sent-sms)."""

    def send(self, message: Outgoing) -> Delivery:
        folder = Path(getattr(settings, "VC_SMS_FILE_PATH", settings.VAR_DIR / "sent-sms"))
        folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
        (folder / f"{stamp}-{message.reference}.txt").write_text(f"To: {message.to}\n\n{message.body}\n")
        return Delivery(status="delivered")


class FileLetterBackend(Backend):
    """The print queue: one PDF per letter under VC_LETTER_FILE_PATH (default var/letters), named
    <time>-<message id>.pdf so they print in order. "sent" means handed over for printing and posting."""

    def send(self, message: Outgoing) -> Delivery:
        if not message.pdf:
            raise PermanentFailure("There is no letter to print.")
        folder = Path(getattr(settings, "VC_LETTER_FILE_PATH", "") or settings.VAR_DIR / "letters")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # Already in the queue: its worker died (or lost the database) before recording it, and the
            # sweep is trying again. One message is one letter in the post, never two.
            if any(folder.glob(f"*-{message.reference}.pdf")):
                return Delivery(status="sent")
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
            path = folder / f"{stamp}-{message.reference}.pdf"
            # Write then rename, so whoever prints the queue never picks up half a file.
            partial = path.with_suffix(".part")
            try:
                partial.write_bytes(message.pdf)
                partial.replace(path)
            except OSError:
                # A full disk leaves half a file: never leave it to fill the queue further.
                partial.unlink(missing_ok=True)
                raise
        except OSError as e:
            raise TemporaryFailure(f"Could not write the letter to the print queue: {e}") from e
        return Delivery(status="sent")


def backend_for(channel: str) -> Backend:
    path = {
        "email": getattr(settings, "VC_EMAIL_BACKEND", "messaging.channels.DjangoEmailBackend"),
        "sms": getattr(settings, "VC_SMS_BACKEND", "messaging.channels.FileSmsBackend"),
        "letter": getattr(settings, "VC_LETTER_BACKEND", "messaging.channels.FileLetterBackend"),
    }.get(channel)
    if path is None:
        raise ValueError(f"No delivery backend for channel {channel!r}")
    # Deployments configured before messaging became an app name the old module; it is the same class.
    if path.startswith("contacts.messaging."):
        path = "messaging." + path.removeprefix("contacts.messaging.")
    return import_string(path)()
