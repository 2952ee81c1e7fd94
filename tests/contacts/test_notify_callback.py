import json

import pytest
from django.urls import reverse

from messaging import outbox
from messaging.models import Message

from .support import record, victims

URL = reverse("notify-delivery-status")


@pytest.fixture
def sent(clock, officer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_CALLBACK_TOKEN = "s3cret-token"
    cv = victims(record(officer))[0]
    msg = outbox.message_queue(
        crime_victim=cv,
        channel="email",
        kind="alert",
        to_address=cv.person.email,
        subject="Update",
        body="Sign in to read it.",
    )
    outbox.message_deliver(message_id=msg.pk)
    return msg


def post(client, payload, token="s3cret-token"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(URL, data=json.dumps(payload), content_type="application/json", **headers)


@pytest.mark.django_db
def test_receipt_marks_delivered(client, sent):
    r = post(client, {"id": "abc", "reference": str(sent.pk), "status": "delivered"})
    assert r.status_code == 200 and r.json()["matched"] is True
    sent.refresh_from_db()
    assert sent.status == "delivered"


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "wrong"])
def test_bad_token_changes_nothing(client, sent, token):
    r = post(client, {"id": "abc", "reference": str(sent.pk), "status": "delivered"}, token=token)
    assert r.status_code == 401
    sent.refresh_from_db()
    assert sent.status == "sent"


@pytest.mark.django_db
def test_malformed_receipt_is_400_and_unknown_is_unmatched(client, sent):
    assert post(client, {"status": "delivered"}).status_code == 400
    assert (
        client.post(
            URL, data="not json", content_type="application/json", HTTP_AUTHORIZATION="Bearer s3cret-token"
        ).status_code
        == 400
    )
    r = post(client, {"id": "x", "reference": "999999", "status": "delivered"})
    assert r.status_code == 200 and r.json()["matched"] is False
    assert Message.objects.get(pk=sent.pk).status == "sent"


@pytest.mark.django_db
def test_endpoint_disabled_without_a_token(client, sent, settings):
    settings.NOTIFY_CALLBACK_TOKEN = ""
    assert (
        post(client, {"id": "abc", "reference": str(sent.pk), "status": "delivered"}, token="").status_code
        == 401
    )
