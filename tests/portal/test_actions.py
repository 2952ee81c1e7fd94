"""What a signed-in victim can see and do."""

import pytest

from cases.models import CaseEvent, PropertyItem
from contacts.models import Obligation
from messaging.constants import MessageKind, MessageStatus
from messaging.models import Message, StaffNotification
from portal.models import Feedback
from tests.contacts.support import event

from .conftest import signed_in_client

pytestmark = pytest.mark.django_db


def tell_about_decisions(cv, officer):
    """The officer reviews and sends the drafts prepared for the victim (e.g. no further action)."""
    from contacts.officer_messages import message_send

    for draft in Message.objects.filter(crime_victim=cv, status=MessageStatus.DRAFT):
        message_send(crime_victim=cv, by=officer, body=draft.body, subject=draft.subject, draft=draft)
    for msg in Message.objects.filter(crime_victim=cv, status=MessageStatus.QUEUED, channel="portal"):
        from messaging.outbox import message_deliver

        message_deliver(message_id=msg.pk)


def test_case_page_shows_status_officer_next_steps_and_messages_newest_first(victim, officer):
    officer.contact_phone, officer.working_pattern = "01632 960000", "Monday to Friday, 8am to 4pm"
    officer.save()
    for i, status in enumerate((MessageStatus.DELIVERED, MessageStatus.DELIVERED, MessageStatus.DRAFT)):
        Message.objects.create(
            crime=victim.crime,
            crime_victim=victim,
            kind=MessageKind.OFFICER,
            channel="portal",
            subject=f"Update {i}",
            body=f"Body {i}",
            status=status,
            next_attempt_at=victim.crime.recorded_at,
        )
    c = signed_in_client(victim)
    page = c.get("/portal/case/").content.decode()
    assert "An officer has your case" in page
    assert officer.display_name in page and "01632 960000" in page and "Monday to Friday" in page
    assert page.index("Update 1") < page.index("Update 0")  # newest first
    assert "Update 2" not in page  # drafts are not shown
    assert not Message.objects.filter(crime_victim=victim, status="delivered", read_at=None).exists()


def test_case_page_query_count_is_bounded(victim, django_assert_max_num_queries):
    c = signed_in_client(victim)
    with django_assert_max_num_queries(10):
        assert c.get("/portal/case/").status_code == 200


def test_question_creates_a_reply_duty_and_tells_the_officer(victim, officer):
    c = signed_in_client(victim)
    text = "<script>alert('x')</script> When will I hear?"
    response = c.post("/portal/ask/", {"question": text})
    assert response.status_code == 302
    msg = Message.objects.get(crime_victim=victim, kind=MessageKind.VICTIM, topic="question")
    assert msg.body == text and msg.obligation.code == "QUERY_REPLY"
    assert msg.obligation.owner_id == officer.pk
    assert StaffNotification.objects.filter(recipient=officer, message=msg, stage="victim_message").exists()
    page = c.get("/portal/case/").content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page and "<script>alert" not in page


@pytest.mark.parametrize(
    "text, message", [("", "Enter your question"), ("x" * 2001, "2,000 characters or fewer")]
)
def test_bad_questions_change_nothing(victim, text, message):
    c = signed_in_client(victim)
    response = c.post("/portal/ask/", {"question": text})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Message.objects.filter(kind=MessageKind.VICTIM).exists()
    assert not Obligation.objects.filter(code="QUERY_REPLY").exists()


def test_statement_is_kept_and_the_officer_told(victim, officer):
    c = signed_in_client(victim)
    assert (
        c.post("/portal/statement/", {"statement": "It has changed how I feel at home."}).status_code == 302
    )
    msg = Message.objects.get(kind=MessageKind.VICTIM, topic="statement")
    assert StaffNotification.objects.filter(recipient=officer, message=msg).exists()
    assert c.post("/portal/statement/", {"statement": "y" * 10001}).status_code == 400
    assert Message.objects.filter(kind=MessageKind.VICTIM, topic="statement").count() == 1


def test_review_only_after_a_decision_not_to_charge_and_only_once(victim, officer):
    c = signed_in_client(victim)
    assert "no such decision" in c.get("/portal/review/").content.decode()
    assert c.post("/portal/review/", {"grounds": "Please look again"}).status_code == 400
    event(victim.crime, "RELEASED_NFA", officer)
    # Not before the officer has told them about the decision: the portal is not how they find out.
    assert "no such decision" in c.get("/portal/review/").content.decode()
    tell_about_decisions(victim, officer)
    assert "Ask for a review" in c.get("/portal/case/").content.decode()
    assert c.post("/portal/review/", {"grounds": "Please look again"}).status_code == 302
    ev = CaseEvent.objects.get(crime=victim.crime, code="VRR_REQUESTED")
    assert ev.by_victim and ev.recorded_by is None and ev.details["grounds"] == "Please look again"
    codes = set(
        Obligation.objects.filter(crime_victim=victim, trigger="VRR_REQUESTED").values_list("code", flat=True)
    )
    assert codes == {"VRR_ACKNOWLEDGE", "VRR_DECISION"}
    assert c.post("/portal/review/", {"grounds": "Again"}).status_code == 400
    assert CaseEvent.objects.filter(code="VRR_REQUESTED").count() == 1


def test_property_can_be_corrected_with_history_and_the_officer_told(victim, officer):
    item = PropertyItem.objects.get(crime_victim=victim)
    c = signed_in_client(victim)
    assert "Blue bicycle" in c.get("/portal/property/").content.decode()
    data = {
        "description": "Blue Raleigh bicycle",
        "value_pounds": "£1,250.50",
        "serial_number": "RB123",
        "victim_notes": "",
    }
    assert c.post(f"/portal/property/{item.pk}/", data).status_code == 302
    item.refresh_from_db()
    assert item.description == "Blue Raleigh bicycle" and str(item.value_pounds) == "1250.50"
    change = item.changes.get()
    assert change.by_victim and "description" in change.changes
    assert Message.objects.filter(kind=MessageKind.VICTIM, topic="property").exists()
    bad = c.post(f"/portal/property/{item.pk}/", {**data, "value_pounds": "lots", "description": ""})
    assert bad.status_code == 400 and "Enter the value in pounds" in bad.content.decode()
    item.refresh_from_db()
    assert item.description == "Blue Raleigh bicycle"


def test_feedback_only_once_the_case_is_closed_and_only_once(victim, officer):
    c = signed_in_client(victim)
    assert c.post("/portal/feedback/", {"rating": "satisfied"}).status_code == 400
    crime = victim.crime
    crime.status, crime.closure_reason, crime.closed_at = "closed", "no_suspect", crime.recorded_at
    crime.save(update_fields=["status", "closure_reason", "closed_at"])
    assert c.post("/portal/feedback/", {"rating": "nonsense"}).status_code == 400
    assert (
        c.post("/portal/feedback/", {"rating": "satisfied", "comments": "Kept me informed"}).status_code
        == 302
    )
    assert Feedback.objects.get(crime_victim=victim).rating == "satisfied"
    assert c.post("/portal/feedback/", {"rating": "dissatisfied"}).status_code == 400


def test_alerts_can_be_turned_off_and_on(victim):
    c = signed_in_client(victim)
    c.post("/portal/preferences/alerts/", {"alerts": "off"})
    victim.person.portal_account.refresh_from_db()
    assert victim.person.portal_account.alerts is False
    c.post("/portal/preferences/alerts/", {"alerts": "on"})
    victim.person.portal_account.refresh_from_db()
    assert victim.person.portal_account.alerts is True


def test_closing_the_account_signs_out_and_stops_sign_in(victim):
    c = signed_in_client(victim)
    assert c.post("/portal/close-account/").status_code == 302
    assert c.get("/portal/case/").status_code == 302
    from .conftest import sign_in_data

    assert c.post("/portal/", sign_in_data(victim)).status_code == 400


def test_welsh_switch_translates_the_page_and_is_remembered(victim):
    c = signed_in_client(victim)
    response = c.post("/portal/language/", {"language": "cy", "next": "/portal/case/"})
    assert response.status_code == 302 and response["Location"] == "/portal/case/"
    page = c.get("/portal/case/").content.decode()
    assert 'lang="cy"' in page and "Eich achos" in page
    victim.person.portal_account.refresh_from_db()
    assert victim.person.portal_account.language == "cy"
    assert (
        c.post("/portal/language/", {"language": "cy", "next": "https://evil.example/"})["Location"]
        == "/portal/"
    )


def test_preferences_update_the_contact_plan_and_tell_the_officer(victim, officer):
    from contacts.models import ContactPlan, ContactPlanChange

    c = signed_in_client(victim)
    assert c.get("/portal/preferences/").status_code == 200
    data = {
        "methods": ["email"],
        "safe_times": "Weekdays after 6pm",
        "frequency": "fortnightly",
        "language": "cy",
        "format": "large_print",
    }
    response = c.post("/portal/preferences/", data)
    assert response.status_code == 302
    plan = ContactPlan.objects.get(crime_victim=victim)
    assert plan.methods == ["email"] and plan.frequency == "fortnightly" and plan.format == "large_print"
    assert plan.language == "Welsh" and plan.safe_times == "Weekdays after 6pm"
    victim.person.portal_account.refresh_from_db()
    assert victim.person.portal_account.language == "cy"
    note = Message.objects.get(kind=MessageKind.VICTIM, topic="preferences")
    assert StaffNotification.objects.filter(recipient=officer, message=note).exists()
    # The plan duty is the officer's to agree: the victim's preferences do not meet it.
    assert Obligation.objects.filter(crime_victim=victim, code="CONTACT_PLAN", state="open").exists()
    data["frequency"] = "weekly"
    c.post("/portal/preferences/", data)
    assert ContactPlanChange.objects.filter(plan=plan, by_victim=True).exists()


def test_preferences_refuse_a_channel_not_marked_safe(victim):
    from contacts.models import ContactPlan

    c = signed_in_client(victim)  # the victim's text messages are not marked safe
    response = c.post(
        "/portal/preferences/",
        {"methods": ["sms"], "frequency": "weekly", "language": "en", "format": "standard"},
    )
    assert (
        response.status_code == 400
        and "Text message is not marked as safe for you" in response.content.decode()
    )
    assert not ContactPlan.objects.filter(crime_victim=victim).exists()
    assert not Message.objects.filter(kind=MessageKind.VICTIM).exists()


def test_property_not_recorded_as_this_victims_is_not_shown(victim, officer):
    from cases.models import PropertyItem

    shared = PropertyItem.objects.create(
        crime=victim.crime, description="Shared car", victim_notes="Someone's note"
    )
    c = signed_in_client(victim)
    assert "Shared car" not in c.get("/portal/property/").content.decode()
    assert c.get(f"/portal/property/{shared.pk}/").status_code == 404


def test_preferences_keep_a_spoken_language_the_victim_did_not_change(victim):
    from contacts.models import ContactPlan
    from contacts.services import plan_save

    plan_save(crime_victim=victim, by=victim.crime.oic, data={"methods": ["email"], "language": "Polish"})
    c = signed_in_client(victim)
    c.post(
        "/portal/preferences/",
        {"methods": ["email"], "frequency": "fortnightly", "language": "en", "format": "standard"},
    )
    plan = ContactPlan.objects.get(crime_victim=victim)
    assert plan.frequency == "fortnightly" and plan.language == "Polish"


def test_a_review_recorded_by_staff_on_a_case_with_several_victims_acknowledges_nobody_automatically(officer):
    from tests.contacts.support import person, record

    from .conftest import give_account

    crime = record(officer, people=[person(), person(first_name="Second")])
    for cv in crime.victims.all():
        give_account(cv)
    event(crime, "RELEASED_NFA", officer)
    before = Message.objects.filter(template_code="VRR_ACKNOWLEDGE").count()
    event(crime, "VRR_REQUESTED", officer)
    assert Message.objects.filter(template_code="VRR_ACKNOWLEDGE").count() == before
    for cv in crime.victims.all():
        from portal.services import review_decision

        tell_about_decisions(cv, officer)
        assert review_decision(crime, cv) is not None  # each can still ask for their own review


def test_what_happens_next_is_in_the_language_of_the_message(victim):
    from messaging import templates

    ctx = templates.context_for(victim.crime, victim.person)
    welsh = templates.render("ACKNOWLEDGE", "cy", ctx).body
    english = templates.render("ACKNOWLEDGE", "en", ctx).body
    assert "Your officer will look at what happened" in english
    assert "Your officer will look at what happened" not in welsh and "Bydd eich swyddog" in welsh


def test_required_answers_are_not_labelled_optional(victim):
    c = signed_in_client(victim)
    for url in ("/portal/ask/", "/portal/statement/"):
        assert "(optional)" not in c.get(url).content.decode(), url


def test_the_status_says_what_was_decided_about_the_suspect(victim, officer):
    """After a decision of no further action the portal does not say "We are investigating"."""
    from django.utils import translation

    event(victim.crime, "ARREST", officer)
    c = signed_in_client(victim)
    assert "We are investigating" in c.get("/portal/case/").content.decode()
    event(victim.crime, "RELEASED_NFA", officer)
    page = c.get("/portal/case/").content.decode()
    assert (
        "No further action is being taken against the suspect" in page and "We are investigating" not in page
    )
    with translation.override("cy"):
        from portal.selectors import DECISION_WORDS

        assert str(DECISION_WORDS["RELEASED_NFA"]).startswith("Ni fydd")
