"""GOV.UK Notify delivery backends and the delivery-receipt helper.

Choose them with VC_EMAIL_BACKEND = "messaging.notify.NotifyEmailBackend",
VC_SMS_BACKEND = "messaging.notify.NotifySmsBackend" and
VC_LETTER_BACKEND = "messaging.notify.NotifyLetterBackend". Settings:

    NOTIFY_API_KEY             required: "<key name>-<service id>-<secret key>" as Notify shows it
    NOTIFY_BASE_URL            default "https://api.notifications.service.gov.uk"
    NOTIFY_EMAIL_TEMPLATE_ID   required by the email backend
    NOTIFY_SMS_TEMPLATE_ID     required by the SMS backend
    NOTIFY_EMAIL_REPLY_TO_ID   optional: a reply-to address id from the Notify service settings
    NOTIFY_SMS_SENDER_ID       optional: a text message sender id from the Notify service settings
    NOTIFY_LETTER_POSTAGE      optional: "first", "second" or "economy" (Notify's default when blank)

Both templates render only the ((subject)) and ((body)) placeholders: the wording is ours, not Notify's.
Letters need no template: we send our own PDF as a precompiled letter (messaging.letters lays it
out to Notify's letter specification: A4, the address in the envelope window).
Notify echoes our Outgoing.reference back in delivery-status callbacks; status_from_callback reads them.
"""

import io
import logging
import uuid

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from notifications_python_client.errors import APIError, HTTPError, InvalidResponse
from notifications_python_client.notifications import NotificationsAPIClient

from messaging.channels import Backend, Delivery, Outgoing, PermanentFailure, TemporaryFailure

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.notifications.service.gov.uk"

# Notify callback status -> ours. "sent" is Notify's final state for international text messages (the
# networks give no receipt); Notify itself counts it as delivered. "created"/"pending" are in progress.
CALLBACK_STATUSES = {
    "delivered": "delivered",
    "sent": "delivered",
    "sending": "sending",
    "created": "sending",
    "pending": "sending",
    "permanent-failure": "permanent_failure",
    "temporary-failure": "temporary_failure",
    "technical-failure": "temporary_failure",
    # Letters: "received" is Notify's last state (printed and posted; there is no receipt from the post).
    "pending-virus-check": "sending",
    "accepted": "sending",
    "received": "delivered",
    "virus-scan-failed": "permanent_failure",
    "validation-failed": "permanent_failure",
    "cancelled": "permanent_failure",
}
LETTER_POSTAGE = ("first", "second", "economy")


def _setting(name: str, default: str = "") -> str:
    value = getattr(settings, name, default)
    return str(value).strip() if value else default


def _required(name: str, purpose: str) -> str:
    value = _setting(name)
    if not value:
        raise ImproperlyConfigured(f"{name} must be set to use {purpose}.")
    return value


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _api_key() -> str:
    key = _required("NOTIFY_API_KEY", "the GOV.UK Notify backends")
    # The client slices the service id and secret off the end of the key, so check they are there.
    # Never echo the key in the error: it is a secret.
    if not (len(key) >= 73 and key[-37] == "-" and _is_uuid(key[-73:-37]) and _is_uuid(key[-36:])):
        raise ImproperlyConfigured(
            "NOTIFY_API_KEY is not a GOV.UK Notify API key: expected '<key name>-<service id>-<secret key>' "
            "as shown when the key was created."
        )
    return key


def _error_text(error: APIError) -> str:
    """Notify's own words: {"errors": [{"error": ..., "message": ...}]} or a single message."""
    message = error.message
    if isinstance(message, list):
        parts = []
        for item in message:
            if isinstance(item, dict):
                parts.append(": ".join(str(item[k]) for k in ("error", "message") if item.get(k)))
            else:
                parts.append(str(item))
        message = "; ".join(p for p in parts if p)
    if error.response is None and error.__cause__ is not None:  # never reached Notify: say why
        message = f"{message}: {error.__cause__}"
    return str(message or "no error message")


def _failure(error: APIError) -> Exception:
    if isinstance(error, InvalidResponse):
        # A 2xx that is not Notify's JSON: a proxy or wrong NOTIFY_BASE_URL, so the message may not have
        # reached Notify. Retrying risks a duplicate, but never silently loses a message.
        return TemporaryFailure(f"GOV.UK Notify returned an unreadable response: {_error_text(error)}")
    status, text = error.status_code, _error_text(error)
    if error.response is None:  # connection refused, DNS, TLS, timeout
        return TemporaryFailure(f"Could not reach GOV.UK Notify: {text}")
    if status == 403:
        return PermanentFailure(f"GOV.UK Notify rejected the API key (NOTIFY_API_KEY) (403): {text}")
    if status == 429:
        return TemporaryFailure(f"GOV.UK Notify rate limit reached (429): {text}")
    if status == 408 or status >= 500:
        return TemporaryFailure(f"GOV.UK Notify is unavailable ({status}): {text}")
    if 400 <= status < 500:  # 400 validation (bad number or address, missing personalisation), 404...
        return PermanentFailure(f"GOV.UK Notify refused the message ({status}): {text}")
    return TemporaryFailure(f"Unexpected response from GOV.UK Notify ({status}): {text}")


class _NotifyBackend(Backend):
    template_setting = ""
    timeout = 30  # seconds; the client's default

    def __init__(self) -> None:
        api_key = _api_key()
        name = type(self).__name__
        self.template_id = _required(self.template_setting, name) if self.template_setting else ""
        self.client = NotificationsAPIClient(
            api_key, base_url=_setting("NOTIFY_BASE_URL", DEFAULT_BASE_URL), timeout=self.timeout
        )

    def _post(self, message: Outgoing) -> dict:  # pragma: no cover - interface
        raise NotImplementedError

    def send(self, message: Outgoing) -> Delivery:
        try:
            response = self._post(message)
        except (HTTPError, InvalidResponse) as e:
            raise _failure(e) from e
        except requests.RequestException as e:  # the client wraps these; belt and braces
            raise TemporaryFailure(f"Could not reach GOV.UK Notify: {e}") from e
        notification_id = response.get("id") if isinstance(response, dict) else None
        if not notification_id:
            raise TemporaryFailure("GOV.UK Notify's response had no notification id")
        return Delivery(status="sent", provider_ref=str(notification_id))

    @staticmethod
    def personalisation(message: Outgoing) -> dict[str, str]:
        return {"subject": message.subject, "body": message.body}


class NotifyEmailBackend(_NotifyBackend):
    template_setting = "NOTIFY_EMAIL_TEMPLATE_ID"

    def _post(self, message: Outgoing) -> dict:
        return self.client.send_email_notification(
            email_address=message.to,
            template_id=self.template_id,
            personalisation=self.personalisation(message),
            reference=message.reference,
            email_reply_to_id=_setting("NOTIFY_EMAIL_REPLY_TO_ID") or None,
        )


class NotifySmsBackend(_NotifyBackend):
    template_setting = "NOTIFY_SMS_TEMPLATE_ID"

    def _post(self, message: Outgoing) -> dict:
        return self.client.send_sms_notification(
            phone_number=message.to,
            template_id=self.template_id,
            personalisation=self.personalisation(message),
            reference=message.reference,
            sms_sender_id=_setting("NOTIFY_SMS_SENDER_ID") or None,
        )


class NotifyLetterBackend(_NotifyBackend):
    """Our own PDF as a precompiled letter. Notify checks it against its letter specification and prints
    and posts it; a refusal (address not in the window, not A4) is a 400: a permanent failure."""

    def __init__(self) -> None:
        super().__init__()
        self.postage = _setting("NOTIFY_LETTER_POSTAGE") or None
        if self.postage not in (None, *LETTER_POSTAGE):
            raise ImproperlyConfigured(f"NOTIFY_LETTER_POSTAGE must be one of {', '.join(LETTER_POSTAGE)}.")

    def _post(self, message: Outgoing) -> dict:
        if not message.pdf:
            raise PermanentFailure("There is no letter to send.")
        return self.client.send_precompiled_letter_notification(
            reference=message.reference, pdf_file=io.BytesIO(message.pdf), postage=self.postage
        )


def status_from_callback(payload: dict) -> tuple[str, str, str]:
    """(our reference, Notify's notification id, our status) from a Notify delivery-status callback.

    Our status is "delivered", "permanent_failure", "temporary_failure" or "sending". Raises ValueError
    for anything that is not a callback about one of our messages."""
    if not isinstance(payload, dict):
        raise ValueError("Notify callback payload must be a JSON object")
    reference, status, provider_ref = payload.get("reference"), payload.get("status"), payload.get("id")
    if not isinstance(reference, str) or not reference.strip():
        raise ValueError("Notify callback has no reference")
    if not isinstance(status, str) or not status:
        raise ValueError("Notify callback has no status")
    if status not in CALLBACK_STATUSES:
        raise ValueError(f"Unknown Notify status {status[:50]!r}")
    if provider_ref is not None and not isinstance(provider_ref, str):
        raise ValueError("Notify callback id must be a string")
    return reference.strip(), provider_ref or "", CALLBACK_STATUSES[status]
