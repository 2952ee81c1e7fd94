"""Officer messages to a victim: the per-victim messages page, preview, send, replies and drafts
(contacts.views.victim_messages, contacts.officer_messages)."""

import pytest
from django.urls import reverse

from contacts import officer_messages
from contacts.constants import Trigger
from contacts.services import obligations_create
from messaging import outbox
from messaging.models import Message, StaffNotification
from portal.models import PortalAccount
from victimcare.audit.models import AccessRecord

from .support import event, one, person, record, victims
from .test_auto_messages import portal_victim


@pytest.fixture
def files(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.VC_SMS_FILE_PATH = str(tmp_path / "sms")
    settings.VC_LETTER_FILE_PATH = str(tmp_path / "letters")
    return tmp_path


@pytest.fixture
def setup(clock, officer, files):
    """A crime whose victim has an active portal account and a safe email address and mobile number."""
    data, _ = portal_victim(officer)
    crime = record(officer, people=[data])
    return crime, victims(crime)[0]


def url(crime, cv, query=""):
    return reverse("contacts:messages", kwargs={"ref": crime.slug, "cv_id": cv.id}) + query


def question(crime, cv, text="When will I hear about the arrest?"):
    """A question from the portal, as portal.services.question_ask writes it: it carries the QUERY_REPLY
    duty it made."""
    cv.crime = crime
    made = obligations_create(crime=crime, trigger=Trigger.PORTAL_QUERY, at=crime.recorded_at, victims=[cv])
    duty = next(o for o in made if o.code == "QUERY_REPLY")
    return Message.objects.create(
        crime=crime,
        crime_victim=cv,
        kind="victim",
        channel="portal",
        topic="question",
        body=text,
        status="delivered",
        next_attempt_at=crime.recorded_at,
        obligation=duty,
    )


def count(**filters) -> int:
    return Message.objects.filter(**filters).count()


@pytest.mark.django_db
class TestPage:
    def test_lists_every_message_newest_first_and_records_the_look(self, setup, make_client, officer):
        crime, cv = setup
        q = question(crime, cv)
        before = AccessRecord.objects.filter(person_id=cv.person_id, action="victim_viewed").count()
        r = make_client(officer).get(url(crime, cv))
        assert r.status_code == 200
        html = r.content.decode()
        assert "Write to the victim" in html and "Through their victim portal" in html
        assert "From the victim" in html and f"?reply_to={q.pk}" in html
        assert html.index("When will I hear") < html.index("We have recorded the crime")
        assert (
            AccessRecord.objects.filter(person_id=cv.person_id, action="victim_viewed").count() == before + 1
        )

    def test_case_page_links_to_it(self, setup, make_client, officer):
        crime, cv = setup
        r = make_client(officer).get(crime.get_absolute_url())
        assert url(crime, cv) in r.content.decode()

    def test_query_count_does_not_grow_with_messages(
        self, setup, make_client, officer, django_assert_max_num_queries
    ):
        crime, cv = setup
        c = make_client(officer)
        c.get(url(crime, cv))  # warm the session
        with django_assert_max_num_queries(10):
            assert c.get(url(crime, cv)).status_code == 200
        for i in range(40):
            officer_messages.message_send(crime_victim=cv, by=officer, body=f"Update number {i}")
        question(crime, cv)
        with django_assert_max_num_queries(10):
            r = c.get(url(crime, cv))
        assert r.status_code == 200 and "Update number 39" in r.content.decode()


@pytest.mark.django_db
class TestAccess:
    def test_nobody_outside_the_case_sees_anything(self, setup, make_client, outsider, analyst, partner):
        crime, cv = setup
        q = question(crime, cv)
        for user in (outsider, analyst, partner, None):
            c = make_client(user)
            for query in ("", f"?reply_to={q.pk}"):
                r = c.get(url(crime, cv, query))
                assert r.status_code in (302, 404) if user is None else r.status_code == 404, user
                r = c.post(url(crime, cv, query), {"body": "Hello", "action": "send"})
                assert r.status_code in (302, 404) if user is None else r.status_code == 404, user
        assert count(kind="officer") == 0

    def test_messages_of_another_victim_are_404(self, clock, setup, make_client, officer):
        crime, cv = setup
        other_crime = record(officer, people=[person(safe_email=False)])
        other_cv = victims(other_crime)[0]
        other_q = question(other_crime, other_cv)
        other_draft = Message.objects.get(crime=other_crime, status="draft")
        own_auto = Message.objects.filter(crime_victim=cv, kind="automatic").first()
        c = make_client(officer)
        for query in (
            f"?reply_to={other_q.pk}",
            f"?draft={other_draft.pk}",
            f"?reply_to={own_auto.pk}",  # not from the victim
            f"?draft={own_auto.pk}",  # not a draft
            "?draft=abc",
            "?reply_to=²",
        ):
            assert c.get(url(crime, cv, query)).status_code == 404, query
            assert c.post(url(crime, cv, query), {"body": "x", "action": "send"}).status_code == 404
        # and a victim from another case under this case's reference
        assert c.get(url(crime, other_cv)).status_code == 404


@pytest.mark.django_db
class TestPreviewAndSend:
    def test_preview_shows_what_the_victim_will_see_and_changes_nothing(self, setup, make_client, officer):
        crime, cv = setup
        before = list(Message.objects.values_list("id", "status"))
        r = make_client(officer).post(
            url(crime, cv),
            {"subject": "Your bike", "body": "  We found your bike.\r\nCall me.  ", "action": "preview"},
        )
        assert r.status_code == 200
        html = r.content.decode()
        assert "Check your message" in html and "We found your bike.<br>Call me." in html
        assert "From Olive Officer" in html and "Your bike" in html
        assert "An email and a text message" in html
        assert 'name="action" value="send"' in html
        assert list(Message.objects.values_list("id", "status")) == before

    def test_send_writes_one_portal_message_and_an_alert_per_safe_channel(self, setup, make_client, officer):
        crime, cv = setup
        before = set(Message.objects.values_list("id", flat=True))
        r = make_client(officer).post(
            url(crime, cv), {"subject": "Your bike", "body": "We found your bike.", "action": "send"}
        )
        assert r.status_code == 302 and r.url == url(crime, cv)
        new = list(Message.objects.exclude(id__in=before).order_by("id"))
        assert [(m.kind, m.channel) for m in new] == [
            ("officer", "portal"),
            ("alert", "email"),
            ("alert", "sms"),
        ]
        msg = new[0]
        assert (msg.body, msg.subject, msg.created_by, msg.status) == (
            "We found your bike.",
            "Your bike",
            officer,
            "queued",
        )
        for alert in new[1:]:
            assert "bike" not in alert.body and crime.reference not in alert.body
        assert outbox.message_deliver(message_id=msg.pk)
        msg.refresh_from_db()
        assert msg.status == "delivered"

    def test_reply_meets_the_query_reply_duty(self, setup, make_client, officer):
        crime, cv = setup
        q = question(crime, cv)
        duty = one(crime, "QUERY_REPLY")
        assert not duty.rule.auto_message_allowed  # an automatic message could not meet it
        c = make_client(officer)
        r = c.get(url(crime, cv, f"?reply_to={q.pk}"))
        assert "Reply to Aisha" in r.content.decode() and "When will I hear" in r.content.decode()
        r = c.post(url(crime, cv, f"?reply_to={q.pk}"), {"body": "Next week.", "action": "send"})
        assert r.status_code == 302
        reply = Message.objects.get(kind="officer", crime_victim=cv)
        assert (reply.topic, reply.in_reply_to_id, reply.obligation_id) == ("answer", q.pk, duty.pk)
        outbox.message_deliver(message_id=reply.pk)
        duty.refresh_from_db()
        assert duty.state == "met" and duty.met_on_time

    def test_draft_becomes_the_message_it_was_drafted_as(self, setup, make_client, officer):
        crime, cv = setup
        event(crime, "ARREST", officer)
        event(crime, "RELEASED_NFA", officer)
        duty = one(crime, "RELEASE_NO_FURTHER_ACTION")
        draft = Message.objects.get(obligation=duty)
        c = make_client(officer)
        r = c.get(url(crime, cv, f"?draft={draft.pk}"))
        html = r.content.decode()
        assert "Review and send the draft" in html and "Victims&#x27; Right to Review" in html
        total = Message.objects.count()
        edited = draft.body.replace("Insufficient evidence", "There was not enough evidence to charge")
        r = c.post(
            url(crime, cv, f"?draft={draft.pk}"), {"subject": draft.subject, "body": edited, "action": "send"}
        )
        assert r.status_code == 302
        draft.refresh_from_db()
        assert (draft.status, draft.body, draft.created_by) == ("queued", edited, officer)
        assert Message.objects.count() == total + 2  # the alerts; no second copy of the message
        assert StaffNotification.objects.get(message=draft, stage="draft_ready").read_at is not None
        outbox.message_deliver(message_id=draft.pk)
        duty.refresh_from_db()
        assert duty.state == "met"  # the officer wrote it: it counts although no automatic message could
        # Sending it again changes nothing.
        r = c.post(url(crime, cv, f"?draft={draft.pk}"), {"body": "again", "action": "send"})
        assert r.status_code == 200 and "already been sent" in r.content.decode()
        assert Message.objects.count() == total + 2

    def test_letter_when_there_is_no_portal(self, clock, officer, make_client, files):
        crime = record(
            officer,
            people=[
                person(safe_email=False, safe_letter=True, address_line_1="1 High St", postcode="AN1 1AA")
            ],
        )
        cv = victims(crime)[0]
        before = set(Message.objects.values_list("id", flat=True))
        r = make_client(officer).post(url(crime, cv), {"body": "Please call me.", "action": "send"})
        assert r.status_code == 302
        [letter] = Message.objects.exclude(id__in=before)
        assert (letter.channel, letter.template_code, letter.letter_format) == (
            "letter",
            "OFFICER_LETTER",
            "standard",
        )
        assert letter.body.startswith("Dear Ms Khan,") and "Please call me." in letter.body
        assert "Yours sincerely" in letter.body and "Olive Officer" in letter.body
        assert outbox.message_deliver(message_id=letter.pk)
        letter.refresh_from_db()
        assert letter.status == "sent"


@pytest.mark.django_db
class TestBadInput:
    @pytest.mark.parametrize(
        ("body", "error"),
        [
            ("", "Write your message."),
            ("   \r\n  ", "Write your message."),
            ("x" * 5001, "5,000 characters or fewer"),
        ],
    )
    @pytest.mark.parametrize("action", ["preview", "send"])
    def test_refused_with_a_clear_error_and_nothing_changes(
        self, setup, make_client, officer, body, error, action
    ):
        crime, cv = setup
        before = list(Message.objects.values_list("id", "status"))
        r = make_client(officer).post(url(crime, cv), {"body": body, "action": action})
        assert r.status_code == 200
        html = r.content.decode()
        assert "There is a problem" in html and error in html and 'href="#id_body"' in html
        assert list(Message.objects.values_list("id", "status")) == before

    def test_exactly_5000_characters_is_fine(self, setup, make_client, officer):
        crime, cv = setup
        r = make_client(officer).post(url(crime, cv), {"body": "x" * 5000, "action": "send"})
        assert r.status_code == 302 and Message.objects.get(kind="officer").body == "x" * 5000

    def test_html_is_stored_as_typed_and_shown_escaped(self, setup, make_client, officer):
        crime, cv = setup
        c = make_client(officer)
        script = "<script>alert(1)</script>"
        r = c.post(url(crime, cv), {"body": script, "action": "preview"})
        assert (
            script not in r.content.decode() and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.content.decode()
        )
        c.post(url(crime, cv), {"body": script, "action": "send"})
        assert Message.objects.get(kind="officer").body == script
        html = c.get(url(crime, cv)).content.decode()
        assert script not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    def test_no_safe_written_channel_is_refused(self, clock, officer, make_client, files):
        crime = record(officer, people=[person(safe_email=False)])
        cv = victims(crime)[0]
        before = Message.objects.count()
        c = make_client(officer)
        html = c.get(url(crime, cv)).content.decode()
        assert "There is no safe written channel for this victim" in html
        for action in ("preview", "send"):
            r = c.post(url(crime, cv), {"body": "Hello", "action": action})
            assert r.status_code == 200 and officer_messages.NO_SAFE_CHANNEL in r.content.decode()
        assert Message.objects.count() == before

    def test_service_checks_everything_again(self, setup, officer):
        crime, cv = setup
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError) as e:
            officer_messages.message_send(crime_victim=cv, by=officer, body="x" * 5001, subject="s" * 201)
        assert set(e.value.message_dict) == {"body", "subject"}
        other = record(officer, people=[person()])
        q = question(other, victims(other)[0])
        with pytest.raises(ValidationError, match="only reply to a message from this victim"):
            officer_messages.message_send(crime_victim=cv, by=officer, body="Hi", in_reply_to=q)
        assert not Message.objects.filter(kind="officer").exclude(status="draft").exists()


@pytest.mark.django_db
def test_inbox_links_a_draft_to_review_and_send(clock, officer, make_client, files):
    crime = record(officer, people=[person(safe_email=False)])
    cv = victims(crime)[0]
    draft = Message.objects.get(crime=crime, status="draft")
    html = make_client(officer).get(reverse("contacts:inbox")).content.decode()
    assert url(crime, cv, f"?draft={draft.pk}") in html


@pytest.mark.django_db
def test_account_alerts_off_means_no_alert(setup, officer, make_client):
    crime, cv = setup
    PortalAccount.objects.filter(person_id=cv.person_id).update(alerts=False)
    before = set(Message.objects.values_list("id", flat=True))
    make_client(officer).post(url(crime, cv), {"body": "Hello", "action": "send"})
    assert [m.kind for m in Message.objects.exclude(id__in=before)] == ["officer"]
