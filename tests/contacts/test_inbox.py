"""The inbox is a work queue: each item names the victim, says what happened (and what the victim sent),
leads to the one action that deals with it, and leaves "To do" when that work is done or when the person
marks it done."""

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts import officer_messages
from contacts.scan import tick
from contacts.services import obligations
from contacts.templatetags.duties import duty_action
from messaging.models import StaffNotification
from victimcare.audit.models import AccessAction, AccessRecord

from .support import NOW, person, record
from .test_officer_messages import files, question, setup, url  # noqa: F401 - fixtures

INBOX = reverse("contacts:inbox")


@pytest.fixture
def overdue(clock, officer, supervisor):
    """A case whose duties went overdue: the supervisor has breach items in their inbox."""
    crime = record(officer, people=[person(first_name="Rosa", last_name="Park")], year=2026)
    clock.move_to(NOW + timezone.timedelta(days=20), tick=False)
    tick(timezone.now())
    assert StaffNotification.objects.filter(recipient=supervisor, stage="breach").exists()
    return crime


def to_do(user):
    from contacts.selectors import inbox

    return list(inbox(user))


@pytest.mark.django_db
def test_an_item_names_the_victim_the_duty_and_leads_to_the_action_that_meets_it(
    overdue, supervisor, make_client
):
    c = make_client(supervisor)
    item = StaffNotification.objects.filter(recipient=supervisor, stage="breach").first()
    ob = item.obligation
    before = AccessRecord.objects.filter(user=supervisor, action=AccessAction.VICTIM_VIEWED).count()
    html = c.get(INBOX).content.decode()
    assert "Rosa Park" in html and overdue.reference in html
    assert "Overdue – escalated to supervisor" in html
    # the duty's own action (log contact for this duty, or the form that meets it), not just the case
    assert duty_action(ob, overdue.slug)["url"].replace("&", "&amp;") in html
    assert "_" not in html.split('<table class="govuk-table">')[1].split("</table>")[0].replace("__", "")
    assert AccessRecord.objects.filter(user=supervisor, action=AccessAction.VICTIM_VIEWED).count() > before
    # the badge counts what is still to do, and says so in words
    page = c.get(reverse("contacts:my_work")).content.decode()
    n = len(to_do(supervisor))
    assert f'{n}<span class="govuk-visually-hidden"> item{"s" if n != 1 else ""} to do</span>' in page


@pytest.mark.django_db
def test_meeting_the_duty_clears_its_items(overdue, supervisor, officer):
    items = to_do(supervisor)
    ob = items[0].obligation
    obligations.obligation_waive(
        obligation=ob, by=supervisor, reason="The victim moved abroad and asked for no contact."
    )
    ob.refresh_from_db()
    assert ob.state != "open"
    remaining = to_do(supervisor)
    assert all(n.obligation_id != ob.pk for n in remaining)
    from contacts.selectors import inbox

    assert any(n.obligation_id == ob.pk for n in inbox(supervisor, done=True))


@pytest.mark.django_db
def test_mark_done_and_back_and_nobody_else_can(overdue, supervisor, officer, make_client):
    c = make_client(supervisor)
    item = to_do(supervisor)[0]
    r = c.post(INBOX, {"item": item.pk, "action": "done"})
    assert r.status_code == 302
    assert item.pk not in [n.pk for n in to_do(supervisor)]
    assert "Move back to To do" in c.get(INBOX + "?show=done").content.decode()
    c.post(INBOX, {"item": item.pk, "action": "undo"})
    assert item.pk in [n.pk for n in to_do(supervisor)]

    other = make_client(officer)
    r = other.post(INBOX, {"item": item.pk, "action": "done"}, follow=True)
    assert "could not be found" in r.content.decode()
    item.refresh_from_db()
    assert item.done_at is None
    for bad in ({"item": "x", "action": "done"}, {"item": item.pk, "action": "delete"}, {}):
        r = c.post(INBOX, bad, follow=True)
        assert r.status_code == 200 and "could not be found" in r.content.decode()
    item.refresh_from_db()
    assert item.done_at is None


@pytest.mark.django_db
def test_a_victims_question_shows_what_they_asked_and_clears_when_answered(setup, officer, make_client):  # noqa: F811
    crime, cv = setup
    q = question(crime, cv, "Has anyone been arrested yet?")
    StaffNotification.objects.create(
        recipient=officer, message=q, stage="victim_message", created_at=timezone.now()
    )
    c = make_client(officer)
    html = c.get(INBOX).content.decode()
    assert "Question from the victim" in html and "Has anyone been arrested yet?" in html
    assert url(crime, cv, f"?reply_to={q.pk}#write") in html
    officer_messages.message_send(
        crime_victim=cv, by=officer, body="Not yet: I will tell you.", in_reply_to=q
    )
    assert not [n for n in to_do(officer) if n.message_id == q.pk]


@pytest.mark.django_db
def test_the_inbox_reads_in_a_bounded_number_of_queries(
    overdue, supervisor, make_client, django_assert_max_num_queries
):
    c = make_client(supervisor)
    c.get(INBOX)
    crime2 = record(overdue.oic, people=[person(), person()], year=2026)
    tick(timezone.now())
    assert len(to_do(supervisor)) > 3 and crime2
    with django_assert_max_num_queries(13):  # the badge reuses the page's count
        page = c.get(INBOX)
    assert page.status_code == 200
    n = len(to_do(supervisor))
    assert f'<span class="govuk-tag govuk-tag--red">{n}<span class="govuk-visually-hidden"> items to do' in (
        page.content.decode()
    )


@pytest.mark.django_db
def test_an_empty_inbox_says_what_would_appear(officer, make_client):
    html = make_client(officer).get(INBOX).content.decode()
    assert "Nothing to do." in html


@pytest.mark.django_db
def test_one_kind_of_item_at_a_time(overdue, supervisor, make_client):
    from contacts.selectors import to_do_by_stage

    c = make_client(supervisor)
    counts = to_do_by_stage(supervisor)
    assert counts.get("breach")
    html = c.get(INBOX).content.decode()
    assert f"Overdue – escalated to supervisor ({counts['breach']})" in html
    only = c.get(INBOX + "?kind=breach").content.decode()
    assert only.count("Mark as done<span") == min(counts["breach"], 50)
    assert c.get(INBOX + "?kind=nonsense").status_code == 200  # ignored, not an error


@pytest.mark.django_db
def test_marking_done_keeps_the_view_the_person_was_on(overdue, supervisor, make_client):
    c = make_client(supervisor)
    item = to_do(supervisor)[0]
    r = c.post(INBOX, {"item": item.pk, "action": "done", "kind": "breach"})
    assert r["Location"] == INBOX + "?kind=breach"
    r = c.post(INBOX, {"item": item.pk, "action": "undo", "show": "done", "kind": "breach"})
    assert r["Location"] == INBOX + "?show=done&kind=breach"
    r = c.post(INBOX, {"item": item.pk, "action": "done", "kind": "https://evil.example", "page": "x"})
    assert r["Location"] == INBOX
    assert 'name="kind" value="breach"' in c.get(INBOX + "?kind=breach").content.decode()
